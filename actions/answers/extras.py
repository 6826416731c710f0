"""What follows an answer from the knowledge base, as Chinese customer-service bots all do:

- 有帮助 / 没帮助 buttons (payload `/answer_feedback{"helpful": "yes"|"no"}`; typed words work too), whose
  text says how to answer on a text-only channel;
- 猜你想问: two or three related questions as buttons whose payload is the question itself — first the
  other published FAQs about the same item, then the next search hits about other entries, never the entry
  just answered. They are also the numbered choices (slot `candidates`), so a typed "2" picks one.

Also what the tracker says about answers: the latest answer (its sources) and the question it answered.
Nothing is sent inside a form (the form's own question follows) and, in 长辈模式, no related questions
(one step at a time).
"""

from __future__ import annotations

import json
import threading
from typing import Any, Dict, List, Optional, Sequence, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.background import in_background
from actions.dialogue import choices, elder_mode, render
from actions.dialogue.context import latest_metadata
from actions.resources import KB_REREAD_SECONDS, knowledge_store, published, searcher
from knowledge import feedback
from search.answer_policy import bare, topics

FEEDBACK_INTENT = "answer_feedback"
FEEDBACK_ENTITY = "helpful"
ENTRY_KINDS = ("item", "faq", "package", "app")
RELATED_MAX = 3
RELATED_SEARCH = 10
# Turns that are not a question of their own: a pick from a list, feedback on an answer.
NOT_QUESTIONS = {"choose_option", FEEDBACK_INTENT}


def feedback_payload(helpful: bool) -> str:
    return "/" + FEEDBACK_INTENT + json.dumps({FEEDBACK_ENTITY: "yes" if helpful else "no"}, ensure_ascii=False)


def feedback_message() -> Dict:
    """The last two lines of the text name the two buttons, as every buttons message ends with its choices."""
    return render.buttons_message(
        wording.text("utter_feedback_question"),
        [
            {"title": "有帮助", "payload": feedback_payload(True)},
            {"title": "没帮助", "payload": feedback_payload(False)},
        ],
    )


def record_question(text: str, metadata: Dict[str, Any], source_kind: str = "", source_id: str = "") -> None:
    """Records the question for the staff's statistics and, when nothing was found, their unanswered queue
    (knowledge/feedback.py masks ID and phone numbers). Runs in a worker thread, so a busy database never
    delays the reply; a failure is logged, never shown to the citizen."""

    def write() -> None:
        feedback.record_question(
            knowledge_store(),
            text,
            answered=bool(source_id),
            source_kind=source_kind,
            source_id=source_id,
            channel=str(metadata.get("channel") or ""),
            region=str(metadata.get("region") or ""),
        )

    in_background(write, "recording the question")


def record_offer(refs: List[str], metadata: Dict[str, Any], chosen: str = "") -> None:
    """Records the entries offered as numbered choices ("kind:id"), or the one picked from them, for the staff's
    per-entry statistics (offered but not chosen); in a worker thread, like record_question."""
    entries = [r for r in refs if r.split(":", 1)[0] in ENTRY_KINDS]
    if not entries and not chosen:
        return

    def write() -> None:
        feedback.record_offer(knowledge_store(), entries, chosen, channel=str(metadata.get("channel") or ""))

    in_background(write, "recording the offered choices")


# -- related questions ------------------------------------------------------------------------------------


class _FaqsByItem:
    """Published FAQs per linked item, reread when the knowledge base changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Optional[Tuple[int, int]] = None
        self._map: Dict[str, List[Dict]] = {}

    def get(self, store) -> Dict[str, List[Dict]]:
        version = (id(store), store.latest_change(max_age=KB_REREAD_SECONDS))
        with self._lock:
            if version == self._version:
                return self._map
        mapping: Dict[str, List[Dict]] = {}
        for faq in store.iter_entries("faq"):
            for item_id in faq.get("items") or []:
                mapping.setdefault(item_id, []).append(faq)
        with self._lock:
            self._map, self._version = mapping, version
        return mapping


faqs_by_item = _FaqsByItem()


def _title(kind: str, entry: Dict) -> str:
    return entry.get("question") if kind == "faq" else entry.get("name") or entry["id"]


def related_options(
    store, kind: str, entry: Dict, question: str, hits: Optional[Sequence] = None, limit: int = RELATED_MAX
) -> List[choices.Option]:
    """Up to `limit` published entries to ask about next: FAQs linked to the same item(s) — those the
    question's search ranks first — then the next search hits about other entries. Never the entry answered,
    nor one that is only another phrasing of the question."""
    if hits is None:
        hits = searcher().search(question, limit=RELATED_SEARCH) if question else []
    answered = f"{kind}:{entry['id']}"
    asked = bare(question)
    rank = {f"{h.type}:{h.id}": n for n, h in enumerate(hits)}
    linked: List[Tuple[str, Dict]] = []
    by_item = faqs_by_item.get(store)
    for item_id in sorted(topics(kind, entry)):
        linked += [("faq", faq) for faq in by_item.get(item_id, [])]
    linked.sort(key=lambda pair: (rank.get(f"faq:{pair[1]['id']}", len(rank)), pair[1]["id"]))
    candidates: List[Tuple[str, Optional[Dict], str]] = [(k, e, e["id"]) for k, e in linked]
    candidates += [(h.type, None, h.id) for h in hits]
    options: List[choices.Option] = []
    seen_refs, seen_titles = {answered}, {asked}
    for candidate_kind, candidate, candidate_id in candidates:
        ref = f"{candidate_kind}:{candidate_id}"
        if ref in seen_refs:
            continue
        seen_refs.add(ref)
        if candidate is None:
            candidate = store.get(candidate_kind, candidate_id)
        if not published(candidate):
            continue
        title = _title(candidate_kind, candidate)
        if not title or bare(title) in seen_titles:
            continue
        seen_titles.add(bare(title))
        options.append(choices.Option(ref, title))
        if len(options) == limit:
            break
    return options


def related_message(options: Sequence[choices.Option]) -> Dict:
    return render.buttons_message(
        render.numbered(wording.text("utter_related_questions_prompt"), [o.title for o in options]),
        [{"title": o.title, "payload": o.title} for o in options],
    )


def follow_up(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    kind: str,
    entry: Dict,
    question: str,
    hits: Optional[Sequence] = None,
    related: bool = True,
) -> List[Dict]:
    """After an answer from `entry`: the feedback buttons and (unless `related` is False, in 长辈模式 or in a
    form) the related questions, which become the numbered choices. Returns the events to add."""
    if (tracker.active_loop or {}).get("name"):
        return []
    dispatcher.utter_message(json_message=feedback_message())
    if not related or elder_mode.is_on(tracker):
        return []
    options = related_options(knowledge_store(), kind, entry, question, hits)
    if not options:
        return []
    dispatcher.utter_message(json_message=related_message(options))
    record_offer([o.ref for o in options], latest_metadata(tracker))
    return [SlotSet(choices.SLOT, [o.ref for o in options])]


# -- reading the tracker ----------------------------------------------------------------------------------


def session_events(tracker: Tracker) -> List[Dict]:
    events = list(tracker.events)
    for n in range(len(events) - 1, -1, -1):
        if events[n].get("event") == "session_started":
            return events[n + 1 :]
    return events


def answer_sources(event: Dict) -> List[Dict]:
    """The knowledge-base sources a bot message carries (answers do; prompts and choices do not)."""
    if event.get("event") != "bot":
        return []
    custom = (event.get("data") or {}).get("custom") or {}
    return list(custom.get("sources") or []) if isinstance(custom, dict) else []


def answers_in_session(tracker: Tracker) -> int:
    return sum(1 for e in session_events(tracker) if answer_sources(e))


def _intent(event: Dict) -> str:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""


def latest_answer(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The latest answer before the current message: {"source": first source, "question": the citizen's
    question it answered (picks from a list count as the question before them), "feedback_given": whether
    feedback on it came already}."""
    events = list(tracker.events)
    current = max((n for n, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    answer_at = next((n for n in range(current - 1, -1, -1) if answer_sources(events[n])), None)
    if answer_at is None:
        return None
    question = ""
    for event in reversed(events[:answer_at]):
        if event.get("event") != "user":
            continue
        text = (event.get("text") or "").strip()
        if _intent(event) in NOT_QUESTIONS or text.startswith("/"):
            continue
        question = text
        break
    given = any(e.get("event") == "user" and _intent(e) == FEEDBACK_INTENT for e in events[answer_at + 1 : current])
    return {"source": answer_sources(events[answer_at])[0], "question": question, "feedback_given": given}


def entity(tracker: Tracker, name: str) -> Optional[str]:
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") == name and found.get("value") not in (None, ""):
            return str(found["value"])
    return None


__all__ = [
    "follow_up",
    "feedback_message",
    "feedback_payload",
    "related_options",
    "related_message",
    "latest_answer",
    "answers_in_session",
    "record_question",
    "entity",
    "FEEDBACK_INTENT",
    "FEEDBACK_ENTITY",
]
