"""申办 (apply online): for an item that can be done on the phone, create an application draft with the
applicant's fields prefilled from the identity profile and give the link to finish it in the app.
Not online → say so and where to go; not logged in → the login link (never a password in chat)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.answers.aspects import aspect_message, catalog, offer_items
from actions.dialogue import elder_mode, render
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
        wording.say(dispatcher, "utter_no_answer", elder_mode.is_on(tracker))
        return events[1:]
    ctx = tracker_context(tracker)
    if not item.get("online", {}).get("available"):
        wording.say(dispatcher, "utter_apply_not_online", item=item["name"])
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
                "title": wording.text("utter_apply_started_title", item=item["name"]),
                "url": link,
                "sources": [render.source_of("item", item)],
                "text": wording.text("utter_apply_started", item=item["name"], number=result.reference, url=link),
            },
            utter_action="utter_apply_started",
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
            return offer_items(dispatcher, resolution.items, APPLY, "utter_ask_which_item_to_apply")
        wording.say(dispatcher, "utter_ask_which_item", elder_mode.is_on(tracker))
        return [SlotSet("pending_aspect", APPLY)]
