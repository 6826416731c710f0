"""The bot's wording: every sentence a citizen reads is a response of the Rasa domain (bot/domain/*.yml,
`utter_*`), never a string in the actions. The actions render a response here — its 长辈模式 variation when
the conversation is in elder mode (a variation with `condition: [{type: slot, name: elder_mode, value: true}]`,
the way Rasa chooses one), its `{variables}` filled from the call and from the province's profile
(actions/platform/profile.py: `{platform}`, `{platform_short}`, `{app_name}`, `{hotline}`, …) — and send the
text with the response's name (`utter_action` in the bot event's metadata, as Rasa records its own responses),
so a conversation shows which response was said and tests check names, not wording.

Rendering in the action server (not in Rasa) lets one message combine a response with a link or buttons, and
lets the actions use a rendered line inside a longer answer. The responses Rasa says itself (from rules) use
the slots `platform_short` and `hotline`, which action_sync_channel_flags keeps equal to the profile. Loading
and choosing a variation: knowledge/responses.py (shared with the gateway's channels)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions.platform.profile import wording_values
from knowledge.responses import WordingError, render, responses, variation

__all__ = ["say", "text", "lines", "message", "responses", "variation", "wording_values", "WordingError"]


def text(name: str, elder: bool = False, **values: Any) -> str:
    """The response `name` as the citizen reads it."""
    return render(name, {**wording_values(), **values}, elder)


def lines(name: str, elder: bool = False, **values: Any) -> List[str]:
    return text(name, elder, **values).split("\n")


def say(
    dispatcher: CollectingDispatcher,
    name: str,
    elder: bool = False,
    buttons: Optional[List[Dict[str, Any]]] = None,
    **values: Any,
) -> None:
    """Send the response `name` (with optional buttons)."""
    dispatcher.utter_message(text=text(name, elder, **values), buttons=buttons or [], utter_action=name)


def message(name: str, elder: bool = False, **values: Any) -> Dict[str, Any]:
    """The response as a contract text message (for actions that send json messages)."""
    return {"type": "text", "text": text(name, elder, **values)}
