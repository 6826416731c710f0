"""The 便民应用 that serves a business the chat also does (profile.yml `flow_apps`, docs/profiles.md).

When the chat asks for an application number, or for a login before a complaint, a suggestion or a request
for help, the citizen may not have the number or may not want to log in here: the app's published entry (its
name, what it does, where to find it, its link) is shown with the prompt, as one more way to get it done. The
message names its entry in `sources`, like every answer, so what the citizen reads stays traceable."""

from __future__ import annotations

from typing import Dict, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.dialogue import render
from actions.platform.profile import platform_profile
from actions.resources import published_entry


def flow_app(flow: str) -> Optional[Dict]:
    """The published app the profile names for `flow` (progress, complaint, suggestion, help_request)."""
    app_id = (platform_profile().get("flow_apps") or {}).get(flow)
    if not app_id:
        return None
    return published_entry("app", app_id)


def send_flow_app(dispatcher: CollectingDispatcher, flow: str) -> bool:
    """Shows the flow's app, introduced as the other way to do it; False when the profile names none."""
    app = flow_app(flow)
    if app is None:
        return False
    message = render.app_link(app)
    message["text"] = wording.text(f"utter_flow_app_{'progress' if flow == 'progress' else 'workorder'}") + (
        "\n" + message["text"]
    )
    message["sources"] = [render.source_of("app", app)]
    dispatcher.utter_message(json_message=message)
    return True


__all__ = ["flow_app", "send_flow_app"]
