"""预约 form: item → place → date → time slot → phone → confirm, then the submission (actions/platform/submission.py).

Slots are filled from whatever the citizen says at any step ("明天下午三点", "13812345678", "第二个"), so a
later message can also change an earlier answer before confirming. The phone number is kept raw only in
the private session store (the stored conversation masks it); the slot shows it masked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.aspects import aspect_lines, catalog
from actions.dialogue import choices, elder_mode
from actions.dialogue.context import ITEM_SLOT, entity_values, resolve_items, tracker_context
from actions.dialogue.rating_offer import offer_message
from actions.forms import login
from actions.forms.common import FormValidator, ask_confirmation, requested, reset, today
from actions.platform import submission
from actions.resources import knowledge_store, searcher
from privacy.masking import mask_phone

FORM = "appointment_form"
ITEM, PLACE, DATE, SLOT, PHONE, CONFIRM = (  # bot/domain/appointment.yml lists them (actions/forms/slots.py)
    "appointment_item",
    "appointment_place",
    "appointment_date",
    "appointment_slot",
    "appointment_phone",
    "appointment_confirm",
)
# The application API's bookable slots (GET /appointments/slots lists them with what is left).
TIME_SLOTS = ["09:00-10:00", "10:00-11:00", "11:00-12:00", "14:00-15:00", "15:00-16:00", "16:00-17:00"]
MORNING, AFTERNOON = "上午", "下午"
MAX_DAYS_AHEAD = 30
DATE_CHOICES = 3
WEEKDAYS = "一二三四五六日"
APPOINTMENT_WORDS = ["预约", "约个号", "约号", "挂号", "排号", "取号", "约一下", "约", "号"]
ELSEWHERE = "*"


def weekday_name(day: dt.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]


def day_title(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日（{weekday_name(day)}）"


def places_of(item: Dict) -> List[Tuple[str, str]]:
    """(key, title) per place: the cities with their own place first, the province-wide one last."""
    out = [(p["region"], f"{p['region']}：{p['address']}") for p in item.get("places", []) if p["region"] != ELSEWHERE]
    out += [(ELSEWHERE, f"其他地区：{p['address']}") for p in item.get("places", []) if p["region"] == ELSEWHERE]
    return out


def place_for_region(item: Dict, region: str) -> Optional[str]:
    for key, _ in places_of(item):
        if key != ELSEWHERE and (key in region or region in key):
            return key
    return None


def place_title(item: Dict, key: str) -> str:
    return dict(places_of(item)).get(key, key)


def api_place(item: Dict, key: str) -> str:
    """What the application API records as the place (at most 200 characters)."""
    for place in item.get("places", []):
        if place["region"] == key:
            prefix = "" if key == ELSEWHERE else key
            return (prefix + place["address"])[:200]
    return key[:200]


def slot_for_time(value: str) -> Optional[str]:
    """ "15:00" → "15:00-16:00"; a time outside office slots → None."""
    if len(value) != 5 or value[2] != ":":
        return None
    for slot in TIME_SLOTS:
        start, end = slot.split("-")
        if start <= value < end:
            return slot
    return None


def working_days(start: dt.date, count: int) -> List[dt.date]:
    days, day = [], start
    while len(days) < count:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _item(tracker: Tracker) -> Optional[Dict]:
    item_id = tracker.get_slot(ITEM)
    return knowledge_store().get("item", item_id) if item_id else None


class ValidateAppointmentForm(FormValidator):
    FORM, CONFIRM = FORM, CONFIRM

    def name(self) -> Text:
        return "validate_appointment_form"

    # item -----------------------------------------------------------------------------------------
    async def extract_appointment_item(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        asked = requested(tracker)
        if asked not in (None, ITEM) or (tracker.get_slot(ITEM) and not entity_values(tracker, "item")):
            return {}
        offered = choices.offered(tracker, "item")
        if asked == ITEM and offered:
            index = choices.picked_index(tracker, [catalog().name(r[5:]) or r for r in offered])
            if index is not None:
                return {ITEM: offered[index][5:]}
        resolution = resolve_items(tracker, catalog(), searcher(), APPOINTMENT_WORDS)
        if resolution.unique:
            return {ITEM: resolution.unique}
        if resolution.ambiguous:  # still open: action_ask_appointment_item offers the matching items
            return {ITEM: None}
        return {}

    def validate_appointment_item(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if value is None:
            return {ITEM: None}
        item = knowledge_store().get("item", value)
        if item is None or not item.get("places"):
            wording.say(dispatcher, "utter_appointment_not_bookable")
            return {ITEM: None}
        return {ITEM: value, choices.SLOT: None}

    # place ----------------------------------------------------------------------------------------
    async def extract_appointment_place(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        item = _item(tracker)
        if item is None:
            return {}
        places = places_of(item)
        if len(places) == 1:  # nothing to choose (returned once: a value only when it changes the slot)
            return {} if tracker.get_slot(PLACE) == places[0][0] else {PLACE: places[0][0]}
        for region in entity_values(tracker, "region"):
            key = place_for_region(item, region)
            if key:
                return {PLACE: key}
        if requested(tracker) == PLACE:
            offered = choices.offered(tracker, "place")
            index = choices.picked_index(tracker, [place_title(item, r[6:]) for r in offered])
            if index is not None:
                return {PLACE: offered[index][6:]}
            return {}
        region = tracker_context(tracker).region
        if not tracker.get_slot(PLACE) and region:
            key = place_for_region(item, region)
            if key:
                return {PLACE: key}
        return {}

    # date -----------------------------------------------------------------------------------------
    async def extract_appointment_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        dates = entity_values(tracker, "date")
        if dates:
            changed = tracker.get_slot(DATE) not in (None, dates[0])
            out: Dict[Text, Any] = {DATE: dates[0]}
            if changed and not entity_values(tracker, "time"):
                out[SLOT] = None  # another day: the time slot has to be chosen again
            return out
        if requested(tracker) == DATE:
            offered = choices.offered(tracker, "date")
            index = choices.picked_index(tracker, [day_title(r[5:]) for r in offered])
            if index is not None:
                return {DATE: offered[index][5:]}
        return {}

    def validate_appointment_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            return {DATE: None}
        first = today()
        if day < first:
            wording.say(dispatcher, "utter_appointment_day_past")
            return {DATE: None}
        if day.weekday() >= 5:
            wording.say(dispatcher, "utter_appointment_day_weekend", day=day_title(day.isoformat()))
            return {DATE: None}
        if day > first + dt.timedelta(days=MAX_DAYS_AHEAD):
            wording.say(dispatcher, "utter_appointment_day_too_far", days=MAX_DAYS_AHEAD)
            return {DATE: None}
        return {DATE: day.isoformat()}

    # time slot ------------------------------------------------------------------------------------
    async def extract_appointment_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        for value in entity_values(tracker, "time"):
            slot = slot_for_time(value)
            if slot:
                return {SLOT: slot}
            if ":" in value:
                wording.say(dispatcher, "utter_appointment_time_outside", time=value, slots="、".join(TIME_SLOTS))
                return {SLOT: None}
        if requested(tracker) == SLOT:
            offered = choices.offered(tracker, "slot")
            index = choices.picked_index(tracker, [r[5:] for r in offered])
            if index is not None:
                return {SLOT: offered[index][5:]}
        return {}

    async def validate_appointment_slot(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if value not in TIME_SLOTS:
            return {SLOT: None}
        item, date, place = _item(tracker), tracker.get_slot(DATE), tracker.get_slot(PLACE)
        if item and date and place:
            result = await submission.available_slots(
                tracker_context(tracker), item["id"], api_place(item, place), date
            )
            if result.ok:
                free = {s["slot"] for s in result.data["slots"] if s.get("available")}
                if value not in free:
                    wording.say(dispatcher, "utter_appointment_slot_full", day=day_title(date), slot=value)
                    return {SLOT: None}
        return {SLOT: value}

    # phone ----------------------------------------------------------------------------------------
    async def extract_appointment_phone(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        for phone in entity_values(tracker, "phone"):
            if len(phone) == 11 and phone.startswith("1"):
                masked, ctx = mask_phone(phone), tracker_context(tracker)
                if masked == tracker.get_slot(PHONE) and submission.recall_private(ctx, PHONE) == phone:
                    return {}  # the same number again
                submission.keep_private(ctx, PHONE, phone)
                return {PHONE: masked}
        if entity_values(tracker, "phone"):  # a landline, at whichever step: refused, and a mobile asked for
            wording.say(dispatcher, "utter_appointment_phone_mobile_only")
            return {PHONE: None}
        return {}

    # confirm --------------------------------------------------------------------------------------
    async def extract_appointment_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        return self.confirmation(tracker)


class ActionAskAppointmentItem(Action):
    def name(self) -> Text:
        return "action_ask_appointment_item"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        resolution = resolve_items(tracker, catalog(), searcher(), APPOINTMENT_WORDS)
        if resolution.ambiguous:
            options = [choices.Option(f"item:{i}", catalog().name(i) or i) for i in resolution.items]
            return choices.ask(dispatcher, "utter_ask_which_item_to_book", options)
        wording.say(dispatcher, "utter_ask_appointment_item", elder_mode.is_on(tracker))
        return [SlotSet(choices.SLOT, None)]


class ActionAskAppointmentPlace(Action):
    def name(self) -> Text:
        return "action_ask_appointment_place"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        item = _item(tracker)
        options = [choices.Option(f"place:{key}", title) for key, title in places_of(item or {})]
        return choices.ask(dispatcher, "utter_ask_appointment_place_choice", options, elder=elder_mode.is_on(tracker))


class ActionAskAppointmentDate(Action):
    def name(self) -> Text:
        return "action_ask_appointment_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        days = working_days(today(), DATE_CHOICES)
        options = [choices.Option(f"date:{d.isoformat()}", day_title(d.isoformat())) for d in days]
        return choices.ask(dispatcher, "utter_ask_appointment_date_choice", options, elder=elder_mode.is_on(tracker))


class ActionAskAppointmentSlot(Action):
    def name(self) -> Text:
        return "action_ask_appointment_slot"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        item, date, place = _item(tracker), tracker.get_slot(DATE), tracker.get_slot(PLACE)
        slots = list(TIME_SLOTS)
        if item and date and place:
            result = await submission.available_slots(
                tracker_context(tracker), item["id"], api_place(item, place), date
            )
            if result.ok:
                slots = [s["slot"] for s in result.data["slots"] if s.get("available")]
        if not slots:
            wording.say(dispatcher, "utter_appointment_day_full", day=day_title(date))
            return [SlotSet(DATE, None), SlotSet("requested_slot", DATE)]
        parts = set(entity_values(tracker, "time")) & {MORNING, AFTERNOON}
        if parts:
            part = parts.pop()
            narrowed = [s for s in slots if (s < "12:00") == (part == MORNING)]
            slots = narrowed or slots
        options = [choices.Option(f"slot:{s}", s) for s in slots]
        elder = elder_mode.is_on(tracker)
        return choices.ask(dispatcher, "utter_ask_appointment_slot_choice", options, elder=elder, day=day_title(date))


class ActionAskAppointmentConfirm(Action):
    def name(self) -> Text:
        return "action_ask_appointment_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        item = _item(tracker) or {}
        ask_confirmation(
            dispatcher,
            tracker,
            "appointment",
            item=item.get("name", ""),
            place=place_title(item, tracker.get_slot(PLACE) or ""),
            day=day_title(tracker.get_slot(DATE)),
            slot=tracker.get_slot(SLOT),
            phone=tracker.get_slot(PHONE),
        )
        return []


class ActionSubmitAppointment(Action):
    def name(self) -> Text:
        return "action_submit_appointment"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        item = _item(tracker)
        if not tracker.get_slot(CONFIRM) or item is None:
            wording.say(dispatcher, "utter_appointment_not_submitted")
            return reset(FORM)
        ctx = tracker_context(tracker)
        phone = submission.recall_private(ctx, PHONE)
        if not phone:
            wording.say(dispatcher, "utter_appointment_phone_expired")
            return [SlotSet(PHONE, None), SlotSet(CONFIRM, None), FollowupAction(FORM)]
        place, date, slot = tracker.get_slot(PLACE), tracker.get_slot(DATE), tracker.get_slot(SLOT)
        request = submission.AppointmentRequest(
            item_id=item["id"], item_name=item["name"], place=api_place(item, place), date=date, slot=slot, phone=phone
        )
        result = await submission.book_appointment(ctx, request)
        if result.ok:
            materials = aspect_lines(item, "materials", ctx.region)
            lines = wording.lines(
                "utter_appointment_booked",
                number=result.reference,
                day=day_title(date),
                slot=slot,
                place=place_title(item, place),
                item=item["name"],
            )
            if materials:
                bring = "；".join(m.split("（")[0] for m in materials)
                lines.append(wording.text("utter_appointment_bring", materials=bring))
            text = elder_mode.with_hotline(lines) if ctx.elder_mode else "\n".join(lines)
            message = {"type": "text", "text": text, "appointment_id": result.reference}
            dispatcher.utter_message(json_message=message, utter_action="utter_appointment_booked")
            dispatcher.utter_message(json_message=offer_message())
            return reset(FORM) + [SlotSet(ITEM_SLOT, item["id"])]
        if result.status == submission.LOGIN_REQUIRED:  # the login expired: keep the booking for after it
            login.send_login(dispatcher, ctx, login.APPOINTMENT, kept=True)
            return reset(FORM) + login.keep(tracker, FORM, login.filled_slots(tracker, FORM))
        if result.status == submission.REJECTED and result.http_status == 409:
            dispatcher.utter_message(text=result.message)
            return [SlotSet(SLOT, None), SlotSet(CONFIRM, None), FollowupAction(FORM)]
        dispatcher.utter_message(text=result.message)
        return reset(FORM)
