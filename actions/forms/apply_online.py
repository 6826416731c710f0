"""申办 (apply online): for an item that can be done on the phone, create an application draft with the
applicant's fields prefilled from the identity profile and give the link to finish it in the app.
Not online → say so and where to go; not logged in → the login link (never a password in chat)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers.aspects import aspect_message, catalog, offer_items
from actions.dialogue import render
from actions.dialogue.context import ITEM_SLOT, resolve_items, tracker_context
from actions.dialogue.rating_offer import offer_message
from actions.forms import login
from actions.platform import submission
from actions.resources import knowledge_store, searcher

APPLY = "apply"


def login_message(ctx: submission.TrackerContext, flow: Optional[str] = None) -> Dict:
    """The login link that says what it is for (actions/forms/login.py; kept here for older callers)."""
    return login.login_message(ctx, flow)


async def apply_for(dispatcher: CollectingDispatcher, tracker: Tracker, item_id: str) -> List[Dict]:
    item = knowledge_store().get("item", item_id)
    events = [SlotSet(ITEM_SLOT, item_id), SlotSet("pending_aspect", None), SlotSet("candidates", None)]
    if item is None:
        dispatcher.utter_message(response="utter_no_answer")
        return events[1:]
    ctx = tracker_context(tracker)
    if not item.get("online", {}).get("available"):
        dispatcher.utter_message(text=f"【{item['name']}】暂不支持网上申办，需要到窗口办理。")
        dispatcher.utter_message(json_message=aspect_message(item, "location", ctx.region, ctx.elder_mode))
        return events
    if not ctx.logged_in:
        login.send_login(dispatcher, ctx, login.APPLY, subject=f"【{item['name']}】", entities={"item": item_id})
        return events
    result = await submission.start_application(ctx, item_id, item["name"])
    if result.ok:
        link = result.data.get("finish_link") or ""
        dispatcher.utter_message(
            json_message={
                "type": "link",
                "title": f"继续办理：{item['name']}",
                "url": link,
                "sources": [render.source_of("item", item)],
                "text": (
                    f"已为您创建【{item['name']}】的申办（编号 {result.reference}），姓名、电话已按实名信息预填。\n"
                    f"请点击链接，在{submission.platform_name()}中补充材料并提交：{link}"
                ),
            }
        )
        dispatcher.utter_message(json_message=offer_message())
    elif result.status == submission.LOGIN_REQUIRED:  # the login expired: the same button goes on after it
        login.send_login(dispatcher, ctx, login.APPLY, subject=f"【{item['name']}】", entities={"item": item_id})
    else:
        dispatcher.utter_message(text=result.message)
    return events


class ActionApplyOnline(Action):
    def name(self) -> Text:
        return "action_apply_online"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        resolution = resolve_items(tracker, catalog(), searcher())
        if resolution.unique:
            return await apply_for(dispatcher, tracker, resolution.unique)
        if resolution.ambiguous:
            return offer_items(dispatcher, resolution.items, APPLY, "您要网上申办下面哪一项？请回复序号：")
        dispatcher.utter_message(response="utter_ask_which_item")
        return [SlotSet("pending_aspect", APPLY)]
