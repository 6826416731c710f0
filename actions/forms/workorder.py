"""投诉 / 建议 form (a 12345 work order): what happened → where → contact (optional) → confirm, then the
submission. "我要投诉小区路灯一直不亮" already says what: the form then starts at where."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import elder_mode
from actions.dialogue.context import entity_values, tracker_context
from actions.dialogue.rating_offer import offer_message
from actions.forms import login
from actions.forms.common import (
    STOP_INTENTS,
    FormValidator,
    ask_confirmation,
    intent_of,
    is_just_yes,
    requested,
    reset,
    text_of,
)
from actions.platform import submission
from privacy.masking import mask_phone

FORM = "workorder_form"
KIND, CONTENT, LOCATION, CONTACT, CONFIRM = (
    "workorder_kind",
    "workorder_content",
    "workorder_location",
    "workorder_contact",
    "workorder_confirm",
)
COMPLAINT, SUGGESTION, HELP_REQUEST = "complaint", "suggestion", "help_request"
KINDS = (COMPLAINT, SUGGESTION, HELP_REQUEST)
# The platform's work orders know complaints and suggestions: a request for help is filed as a complaint
# (something is wrong and someone has to act), its content says what help is needed.
PLATFORM_KINDS = {COMPLAINT: COMPLAINT, SUGGESTION: SUGGESTION, HELP_REQUEST: COMPLAINT}
NOT_GIVEN = "未提供"
NO_CONTACT = "不留"
MIN_CONTENT_CHARS = 6
MAX_LOCATION_CHARS = 200
TRIGGER = re.compile(r"我要|我想|想要|要|投诉|举报|反映|反应|提个?|一个|一条|建议|意见|一下|下|个|给|你们|政府|\W")
SKIP = re.compile(r"^(不知道|不清楚|不方便|跳过|没有|无|不用|不说|算了吧?)$")
NO_CONTACT_WORDS = ("不留", "不用", "不需要", "匿名", "不想留", "不方便")
CONTACT_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
# "地点是小店区长风街88号", "地址改成迎泽区": a place said at any step (also inside the content).
LOCATION_CUE = re.compile(
    r"(?:地点|地址|位置|事发地|发生地)(?:改成|改为|换成|应该是|是在|是|在|为|：|:)\s*(?P<place>[^，。,；;！!？?\n]{2,100})"
)
# At the summary: "内容改成……" replaces the content, "补充：……" adds to it.
CONTENT_CHANGE = re.compile(r"^(?:内容|诉求|事情|建议)(?:改成|改为|换成|应该是)[:：，,]?\s*(?P<text>.{4,})$")
CONTENT_MORE = re.compile(r"^(?:补充|再补充|补充一下|还有)[:：，,]\s*(?P<text>.{2,})$")
CONTACT_WORDS = re.compile(r"(?:我的)?(?:联系)?(?:电话|手机|手机号|号码|联系方式)(?:是|：|:)?|[，。,.;；\s]")


def kind_of(tracker: Tracker) -> str:
    return tracker.get_slot(KIND) if tracker.get_slot(KIND) in KINDS else COMPLAINT


def kind_label(tracker: Tracker) -> str:
    return wording.text(f"utter_workorder_kind_{kind_of(tracker)}")


def location_in(text: str) -> str:
    found = LOCATION_CUE.search(text)
    return found.group("place").strip()[:MAX_LOCATION_CHARS] if found else ""


def without_contact(tracker: Tracker, text: str) -> str:
    """The message without the phone numbers in it and the words that introduce them."""
    for phone in entity_values(tracker, "phone"):
        text = text.replace(phone, "")
    return CONTACT_WORDS.sub("", text)


class ValidateWorkorderForm(FormValidator):
    FORM, CONFIRM = FORM, CONFIRM

    def name(self) -> Text:
        return "validate_workorder_form"

    async def extract_workorder_content(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        asked, text = requested(tracker), text_of(tracker)
        if text.startswith("/"):  # a button's payload ("/complaint") says nothing of what happened
            return {}
        if asked is None and not tracker.get_slot(CONTENT):
            return {CONTENT: text} if len(TRIGGER.sub("", text)) >= MIN_CONTENT_CHARS else {}
        if asked == CONFIRM:
            return self._content_change(tracker, text)
        if asked != CONTENT or intent_of(tracker) in STOP_INTENTS:
            return {}
        other = bool(entity_values(tracker, "phone")) or bool(location_in(text))
        if other and len(without_contact(tracker, LOCATION_CUE.sub("", text))) < 4:
            return {}  # only a phone or a place: kept by their own slots, and the content is asked again
        if len(text) < 4:
            wording.say(dispatcher, "utter_workorder_content_too_short")
            return {CONTENT: None}
        return {CONTENT: text}

    @staticmethod
    def _content_change(tracker: Tracker, text: str) -> Dict[Text, Any]:
        changed = CONTENT_CHANGE.match(text)
        if changed:
            return {CONTENT: changed.group("text").strip()}
        more = CONTENT_MORE.match(text)
        if more and tracker.get_slot(CONTENT):
            return {CONTENT: f"{tracker.get_slot(CONTENT)}；{more.group('text').strip()}"}
        return {}

    async def extract_workorder_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        text = text_of(tracker)
        said = location_in(text)
        if said and said != tracker.get_slot(LOCATION):
            return {LOCATION: said}
        if requested(tracker) != LOCATION or intent_of(tracker) in STOP_INTENTS - {"deny"}:
            return {}
        if said:
            return {}
        if intent_of(tracker) == "deny" or SKIP.match(text):
            return {LOCATION: NOT_GIVEN}
        if is_just_yes(tracker):
            return {LOCATION: None}  # "好的" is no place: the place is asked again
        place = without_contact(tracker, text) if entity_values(tracker, "phone") else text
        if len(place) < 2:
            return {}  # only a phone number: the contact takes it, the place is asked again
        return {LOCATION: place[:MAX_LOCATION_CHARS]}

    async def extract_workorder_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        for phone in entity_values(tracker, "phone"):
            if CONTACT_PATTERN.match(phone):
                masked, ctx = mask_phone(phone), tracker_context(tracker)
                if masked == tracker.get_slot(CONTACT) and submission.recall_private(ctx, CONTACT) == phone:
                    return {}  # the same number again
                submission.keep_private(ctx, CONTACT, phone)
                return {CONTACT: masked}
        asked, text = requested(tracker), text_of(tracker)
        if asked == CONTACT:
            if intent_of(tracker) == "deny" or any(word in text for word in NO_CONTACT_WORDS):
                return {CONTACT: NO_CONTACT}
            if is_just_yes(tracker):
                return {CONTACT: None}  # "好的" without a number: the number is asked for again
            return {}
        if asked == CONFIRM and "电话" in text and any(word in text for word in NO_CONTACT_WORDS):
            return {} if tracker.get_slot(CONTACT) == NO_CONTACT else {CONTACT: NO_CONTACT}
        return {}

    async def extract_workorder_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        return self.confirmation(tracker)


class ActionAskWorkorderConfirm(Action):
    def name(self) -> Text:
        return "action_ask_workorder_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ask_confirmation(
            dispatcher,
            tracker,
            "workorder",
            kind=kind_label(tracker),
            content=tracker.get_slot(CONTENT),
            location=tracker.get_slot(LOCATION),
            contact=tracker.get_slot(CONTACT),
        )
        return []


class ActionSubmitWorkorder(Action):
    def name(self) -> Text:
        return "action_submit_workorder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        label = kind_label(tracker)
        if not tracker.get_slot(CONFIRM):
            wording.say(dispatcher, "utter_workorder_not_submitted", kind=label)
            return reset(FORM)
        ctx = tracker_context(tracker)
        contact = tracker.get_slot(CONTACT)
        raw_contact = submission.recall_private(ctx, CONTACT) if contact not in (None, NO_CONTACT) else None
        location = tracker.get_slot(LOCATION)
        request = submission.WorkorderRequest(
            kind=PLATFORM_KINDS[kind_of(tracker)],
            content=tracker.get_slot(CONTENT),
            location=None if location == NOT_GIVEN else location,
            contact_phone=raw_contact,
        )
        result = await submission.submit_workorder(ctx, request)
        if result.ok:
            lines = wording.lines("utter_workorder_submitted", kind=label, number=result.reference)
            text = elder_mode.with_hotline(lines) if ctx.elder_mode else "\n".join(lines)
            message = {"type": "text", "text": text, "workorder_no": result.reference}
            dispatcher.utter_message(json_message=message, utter_action="utter_workorder_submitted")
            dispatcher.utter_message(json_message=offer_message())
        elif result.status == submission.LOGIN_REQUIRED:  # the login expired: keep the work order for after it
            login.send_login(dispatcher, ctx, login.flow_for_form(FORM, tracker), kept=True)
            return reset(FORM) + login.keep(tracker, FORM, login.filled_slots(tracker, FORM))
        else:
            dispatcher.utter_message(text=result.message)
        return reset(FORM)
