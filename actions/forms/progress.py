"""办件进度 form: the application (SX…), work-order (GD…) or appointment (YY…) number, then its status.
Only the status and the steps are shown — never the form's personal fields."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import elder_mode
from actions.dialogue.context import entity_values, tracker_context
from actions.forms import login
from actions.forms.common import FormValidator, requested, reset, text_of
from actions.forms.flow_apps import send_flow_app
from actions.platform import submission

FORM = "progress_form"
NUMBER = "application_no"
LOOKS_LIKE_NUMBER = re.compile(r"[A-Za-z]{1,3}\s*\d{4,}|\d{8,}")


def progress_lines(number: str, data: Dict) -> List[str]:
    title = data.get("item_name") or data.get("kind_label") or ""
    head = f"{number}" + (f"【{title}】" if title else "")
    if "progress" not in data:  # an appointment
        values = {k: data.get(k, "") for k in ("status", "date", "slot")}
        return [wording.text("utter_progress_appointment", head=head, **values)]
    lines = [wording.text("utter_progress_status", head=head, status=data.get("status", ""))]
    for step in data["progress"]:
        mark = "✔" if step.get("done") else "○"
        when = f" {step['time'][:16].replace('T', ' ')}" if step.get("time") else ""
        lines.append(f"{mark} {step['step']}{when}")
    if data.get("reply"):
        lines.append(wording.text("utter_progress_reply", reply=data["reply"]))
    if data.get("status") == "待补充" and data.get("finish_link"):
        lines.append(wording.text("utter_progress_finish", url=data["finish_link"]))
    return lines


class ValidateProgressForm(FormValidator):
    FORM = FORM

    def name(self) -> Text:
        return "validate_progress_form"

    async def extract_application_no(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        numbers = entity_values(tracker, "application_no")
        if numbers:
            return {} if tracker.get_slot(NUMBER) == numbers[0] else {NUMBER: numbers[0]}
        if requested(tracker) == NUMBER and LOOKS_LIKE_NUMBER.search(text_of(tracker)):
            wording.say(dispatcher, "utter_progress_number_invalid")
            return {NUMBER: None}
        return {}


class ActionAskApplicationNo(Action):
    """The number, and — for a citizen who does not have it — the app that lists all their applications."""

    def name(self) -> Text:
        return "action_ask_application_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        wording.say(dispatcher, "utter_ask_application_no", elder_mode.is_on(tracker))
        send_flow_app(dispatcher, login.PROGRESS)
        return []


class ActionQueryProgress(Action):
    def name(self) -> Text:
        return "action_query_progress"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ctx = tracker_context(tracker)
        result = await submission.query_progress(ctx, tracker.get_slot(NUMBER) or "")
        if result.ok:
            lines = progress_lines(result.reference, result.data)
            text = elder_mode.with_hotline(lines) if ctx.elder_mode else "\n".join(lines)
            dispatcher.utter_message(text=text, utter_action="utter_progress_status")
        elif result.status == submission.LOGIN_REQUIRED:
            # The platform shows a record only to its owner: log in, then the same number is looked up
            # (the button carries it, so nothing has to be typed again).
            number = result.reference or (tracker.get_slot(NUMBER) or "").strip().upper()
            login.send_login(
                dispatcher, ctx, login.PROGRESS, kept=True, subject=f"（{number}）", entities={NUMBER: number}
            )
        else:
            dispatcher.utter_message(text=result.message)
        return reset(FORM)
