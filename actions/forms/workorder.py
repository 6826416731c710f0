"""投诉 / 建议 form (a 12345 work order): what happened → where → contact (optional) → confirm, then the
submission. "我要投诉小区路灯一直不亮" already says what: the form then starts at where."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.dialogue import elder_mode
from actions.dialogue.context import entity_values, tracker_context
from actions.dialogue.rating_offer import offer_message
from actions.forms.apply_online import login_message
from actions.forms.common import STOP_INTENTS, intent_of, requested, reset, text_of, yes_no
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
COMPLAINT, SUGGESTION = "complaint", "suggestion"
KIND_LABELS = {COMPLAINT: "投诉", SUGGESTION: "建议"}
NOT_GIVEN = "未提供"
NO_CONTACT = "不留"
MIN_CONTENT_CHARS = 6
TRIGGER = re.compile(r"我要|我想|想要|要|投诉|举报|反映|反应|提个?|一个|一条|建议|意见|一下|下|个|给|你们|政府|\W")
SKIP = re.compile(r"^(不知道|不清楚|不方便|跳过|没有|无|不用|不说|算了吧?)$")
NO_CONTACT_WORDS = ("不留", "不用", "不需要", "匿名", "不想留", "不方便")
CONTACT_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def kind_of(tracker: Tracker) -> str:
    return tracker.get_slot(KIND) if tracker.get_slot(KIND) in KIND_LABELS else COMPLAINT


class ValidateWorkorderForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_workorder_form"

    async def extract_workorder_content(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        asked, text = requested(tracker), text_of(tracker)
        if asked is None and not tracker.get_slot(CONTENT):
            return {CONTENT: text} if len(TRIGGER.sub("", text)) >= MIN_CONTENT_CHARS else {}
        if asked != CONTENT or intent_of(tracker) in STOP_INTENTS:
            return {}
        if len(text) < 4:
            dispatcher.utter_message(text="请再具体说说是什么事，比如时间、经过和您的诉求。")
            return {CONTENT: None}
        return {CONTENT: text}

    async def extract_workorder_location(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if requested(tracker) != LOCATION or intent_of(tracker) in STOP_INTENTS - {"deny"}:
            return {}
        text = text_of(tracker)
        if intent_of(tracker) == "deny" or SKIP.match(text):
            return {LOCATION: NOT_GIVEN}
        return {LOCATION: text[:200]}

    async def extract_workorder_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        for phone in entity_values(tracker, "phone"):
            if CONTACT_PATTERN.match(phone):
                submission.keep_private(tracker_context(tracker), CONTACT, phone)
                return {CONTACT: mask_phone(phone)}
        if requested(tracker) != CONTACT:
            return {}
        text = text_of(tracker)
        if intent_of(tracker) == "deny" or any(word in text for word in NO_CONTACT_WORDS):
            return {CONTACT: NO_CONTACT}
        return {}

    async def extract_workorder_confirm(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict
    ) -> Dict[Text, Any]:
        if requested(tracker) != CONFIRM:
            return {}
        answer = yes_no(tracker)
        return {} if answer is None else {CONFIRM: answer}


class ActionAskWorkorderConfirm(Action):
    def name(self) -> Text:
        return "action_ask_workorder_confirm"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        label = KIND_LABELS[kind_of(tracker)]
        lines = [
            f"类型：{label}",
            f"内容：{tracker.get_slot(CONTENT)}",
            f"地点：{tracker.get_slot(LOCATION)}",
            f"联系电话：{tracker.get_slot(CONTACT)}",
        ]
        text = f"请核对您的{label}：\n" + "\n".join(lines) + "\n确认提交到 12345 吗？"
        if elder_mode.is_on(tracker):
            text = elder_mode.with_hotline(["请您核对："] + lines + ["对的话，点“确认”。"])
        dispatcher.utter_message(
            text=text, buttons=[{"title": "确认提交", "payload": "/affirm"}, {"title": "不提交了", "payload": "/deny"}]
        )
        return []


class ActionSubmitWorkorder(Action):
    def name(self) -> Text:
        return "action_submit_workorder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        label = KIND_LABELS[kind_of(tracker)]
        if not tracker.get_slot(CONFIRM):
            dispatcher.utter_message(text=f"好的，这条{label}没有提交。")
            return reset(FORM)
        ctx = tracker_context(tracker)
        contact = tracker.get_slot(CONTACT)
        raw_contact = submission.recall_private(ctx, CONTACT) if contact not in (None, NO_CONTACT) else None
        location = tracker.get_slot(LOCATION)
        request = submission.WorkorderRequest(
            kind=kind_of(tracker),
            content=tracker.get_slot(CONTENT),
            location=None if location == NOT_GIVEN else location,
            contact_phone=raw_contact,
        )
        result = await submission.submit_workorder(ctx, request)
        if result.ok:
            lines = [
                f"您的{label}已提交到 12345，工单编号：{result.reference}。",
                "承办单位会尽快处理，您可以随时发送工单编号查询办理进度。",
            ]
            text = elder_mode.with_hotline(lines) if ctx.elder_mode else "\n".join(lines)
            dispatcher.utter_message(json_message={"type": "text", "text": text, "workorder_no": result.reference})
            dispatcher.utter_message(json_message=offer_message())
        elif result.status == submission.LOGIN_REQUIRED:
            dispatcher.utter_message(json_message=login_message(ctx, result.message))
        else:
            dispatcher.utter_message(text=result.message)
        return reset(FORM)
