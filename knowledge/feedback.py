"""Records what citizens asked and how it went, for the staff's unanswered-question queue and statistics.

Called by the action server (each question, answered or not; 有帮助/没帮助 on an answer) and by the
gateway or submission code (submissions, 好差评 ratings). Text is masked (ID, bank-card and phone numbers) before it
is stored.
An unanswered question joins the open group of the most similar earlier unanswered question (character
bigram overlap), or starts a new group; staff see groups with counts, newest first, and turn a group
into a draft FAQ.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Dict, Iterable, List, Optional, Set

import sqlalchemy as sa

from knowledge.tables import events, questions, unanswered_groups
from privacy import redact_text

MAX_TEXT = 200
SIMILARITY = 0.5
CANDIDATE_GROUPS = 2000
RATING_VALUES = range(1, 6)  # 1 非常不满意 … 5 非常满意
ANSWER_FEEDBACK = "answer_feedback"  # kb_events.event of 有帮助 (value 1) / 没帮助 (value 0) on one answer
MAX_SIMILAR = 50  # similar questions kept on one FAQ when a group's are added
OFFERED = "offered"  # kb_events.event: the entry was one of the numbered choices offered for a question
CHOSEN = "chosen"  # kb_events.event: the citizen picked the entry from such choices
RECORDED_WITHIN = dt.timedelta(days=1)  # how far back 没帮助 looks for the answered question's own record

_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)
_FILLERS = (
    "请问",
    "你好",
    "您好",
    "我想问一下",
    "我想问",
    "想问一下",
    "想问",
    "问一下",
    "一下",
    "怎么办",
    "吗",
    "呢",
    "啊",
    "呀",
)


def normalize(text: str) -> str:
    """Lower-cased, full-width folded, without punctuation and polite fillers: what similarity compares."""
    text = unicodedata.normalize("NFKC", text).lower()
    for filler in _FILLERS:
        text = text.replace(filler, "")
    return _PUNCTUATION.sub("", text)[:MAX_TEXT]


def bigrams(normalized: str) -> Set[str]:
    if len(normalized) < 2:
        return {normalized} if normalized else set()
    return {normalized[i : i + 2] for i in range(len(normalized) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard overlap of character bigrams of two normalised texts (0..1)."""
    grams_a, grams_b = bigrams(a), bigrams(b)
    if not grams_a or not grams_b:
        return 0.0
    return len(grams_a & grams_b) / len(grams_a | grams_b)


def _clean(text: str) -> str:
    return redact_text(" ".join((text or "").split()))[:MAX_TEXT]


def record_question(
    store, text: str, answered: bool, source_kind: str = "", source_id: str = "", channel: str = "", region: str = ""
) -> Optional[int]:
    """Records one question; when not answered, adds it to the unanswered queue. Returns its group id
    (None when answered or when the text is empty)."""
    masked = _clean(text)
    normalized = normalize(masked)
    if not normalized:
        return None
    now = dt.datetime.utcnow()
    with store.transaction(entries_lock=False) as conn:
        group_id = None
        if not answered:
            group_id = _join_group(conn, masked, normalized, now)
        conn.execute(
            questions.insert().values(
                at=now,
                text=masked,
                normalized=normalized,
                answered=bool(answered),
                source_kind=source_kind or "",
                source_id=source_id or "",
                channel=(channel or "")[:16],
                region=(region or "")[:32],
                group_id=group_id,
            )
        )
    return group_id


def record_unanswered(store, text: str, channel: str = "", region: str = "") -> Optional[int]:
    """A question the bot found nothing for."""
    return record_question(store, text, answered=False, channel=channel, region=region)


def _join_group(conn, masked: str, normalized: str, now: dt.datetime) -> int:
    candidates = conn.execute(
        sa.select(unanswered_groups.c.id, unanswered_groups.c.normalized)
        .where(unanswered_groups.c.state == "open")
        .order_by(unanswered_groups.c.last_at.desc())
        .limit(CANDIDATE_GROUPS)
    ).all()
    best_id, best = None, 0.0
    for row in candidates:
        score = 1.0 if row.normalized == normalized else similarity(row.normalized, normalized)
        if score > best:
            best_id, best = row.id, score
    if best_id is not None and best >= SIMILARITY:
        conn.execute(
            unanswered_groups.update()
            .where(unanswered_groups.c.id == best_id)
            .values(count=unanswered_groups.c.count + 1, last_at=now)
        )
        return best_id
    return conn.execute(
        unanswered_groups.insert().values(
            text=masked, normalized=normalized, count=1, first_at=now, last_at=now, state="open"
        )
    ).inserted_primary_key[0]


def record_submission(store, target: str, channel: str = "") -> None:
    """The bot handed the citizen over: to an application (预约、申办…), to 12345, or to a person."""
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            events.insert().values(
                at=dt.datetime.utcnow(),
                event="handoff",
                name=(target or "")[:64],
                value=1,
                channel=(channel or "")[:16],
                comment="",
            )
        )


def record_offer(store, offered: Iterable[str], chosen: str = "", channel: str = "") -> None:
    """The entries ("kind:id") offered as choices for one question, or (`chosen`) the one picked from them:
    what staff see as 提供了但没被选."""
    now = dt.datetime.utcnow()
    rows = [dict(event=OFFERED, name=ref[:64]) for ref in offered if ref]
    if chosen:
        rows.append(dict(event=CHOSEN, name=chosen[:64]))
    if not rows:
        return
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            events.insert(), [dict(r, at=now, value=1, channel=(channel or "")[:16], comment="") for r in rows]
        )


def record_rating(store, score: int, entry: str = "", channel: str = "", comment: str = "") -> None:
    """A citizen's rating of an answer (好差评): 1 非常不满意 … 5 非常满意; `entry` is "kind:id"."""
    if score not in RATING_VALUES:
        raise ValueError("评价只能是 1 到 5 分")
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            events.insert().values(
                at=dt.datetime.utcnow(),
                event="rating",
                name=(entry or "")[:64],
                value=int(score),
                channel=(channel or "")[:16],
                comment=_clean(comment)[:500],
            )
        )


def record_answer_feedback(
    store, helpful: bool, entry: str, question: str = "", channel: str = "", region: str = ""
) -> Optional[int]:
    """A citizen's 有帮助 / 没帮助 on one answer; `entry` is "kind:id" of the entry answered from.

    When not helpful, the question that was answered joins the unanswered queue: its own record (answered
    from that entry, within a day) is marked not answered — so the answer rate no longer counts it — or, when
    there is none, a record is added. Returns the group id (None when helpful or without a question)."""
    now = dt.datetime.utcnow()
    masked = _clean(question)
    normalized = normalize(masked)
    kind, _, entry_id = (entry or "").partition(":")
    with store.transaction(entries_lock=False) as conn:
        conn.execute(
            events.insert().values(
                at=now,
                event=ANSWER_FEEDBACK,
                name=(entry or "")[:64],
                value=1 if helpful else 0,
                channel=(channel or "")[:16],
                comment="",
            )
        )
        if helpful or not normalized:
            return None
        group_id = _join_group(conn, masked, normalized, now)
        own = conn.execute(
            sa.select(questions.c.id)
            .where(
                questions.c.normalized == normalized,
                questions.c.answered == sa.true(),
                questions.c.source_kind == kind,
                questions.c.source_id == entry_id,
                questions.c.at >= now - RECORDED_WITHIN,
            )
            .order_by(questions.c.id.desc())
            .limit(1)
        ).first()
        if own is not None:
            conn.execute(questions.update().where(questions.c.id == own.id).values(answered=False, group_id=group_id))
        else:
            conn.execute(
                questions.insert().values(
                    at=now,
                    text=masked,
                    normalized=normalized,
                    answered=False,
                    source_kind=kind[:16],
                    source_id=entry_id[:64],
                    channel=(channel or "")[:16],
                    region=(region or "")[:32],
                    group_id=group_id,
                )
            )
    return group_id


# -- the queue, for staff ---------------------------------------------------------------------------


def unanswered_groups_list(store, state: str = "open", offset: int = 0, limit: int = 50, order: str = "count") -> tuple:
    """(total, groups) with counts and a few example questions each."""
    where = [unanswered_groups.c.state == state] if state else []
    ordering = (
        [unanswered_groups.c.count.desc(), unanswered_groups.c.last_at.desc()]
        if order == "count"
        else [unanswered_groups.c.last_at.desc()]
    )
    with store.engine.connect() as conn:
        total = int(conn.execute(sa.select(sa.func.count()).select_from(unanswered_groups).where(*where)).scalar_one())
        rows = conn.execute(
            sa.select(unanswered_groups)
            .where(*where)
            .order_by(*ordering, unanswered_groups.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        examples = _examples(conn, [r.id for r in rows])
    return total, [_group(r, examples.get(r.id, [])) for r in rows]


def unanswered_group(store, group_id: int) -> Optional[Dict]:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(unanswered_groups).where(unanswered_groups.c.id == group_id)).first()
        if row is None:
            return None
        return _group(row, _examples(conn, [group_id], per_group=20).get(group_id, []))


def close_group(conn, group_id: int, state: str, by: str, faq_id: Optional[str] = None) -> bool:
    done = conn.execute(
        unanswered_groups.update()
        .where(unanswered_groups.c.id == group_id)
        .values(state=state, resolved_by=by, faq_id=faq_id)
    ).rowcount
    return bool(done)


def _examples(conn, group_ids: Iterable[int], per_group: int = 5) -> Dict[int, List[str]]:
    ids = list(group_ids)
    out: Dict[int, List[str]] = {}
    if not ids:
        return out
    for group_id in ids:
        rows = conn.execute(
            sa.select(questions.c.text)
            .where(questions.c.group_id == group_id)
            .order_by(questions.c.id.desc())
            .limit(per_group * 5)
        )
        out[group_id] = list(dict.fromkeys(row.text for row in rows))[:per_group]
    return out


def _group(row, examples: List[str]) -> Dict:
    return {
        "id": row.id,
        "text": row.text,
        "count": row.count,
        "first_at": row.first_at,
        "last_at": row.last_at,
        "state": row.state,
        "faq_id": row.faq_id,
        "resolved_by": row.resolved_by,
        "examples": examples,
    }


def faq_template(store, group_id: int) -> Optional[Dict]:
    """A draft FAQ prefilled from a group: its question, and the other ways it was asked."""
    group = unanswered_group(store, group_id)
    if group is None:
        return None
    similar = [text for text in group["examples"] if text != group["text"]][:10]
    return {
        "id": f"faq-u{group_id}",
        "question": group["text"],
        "similar_questions": similar,
        "answer": "",
        "department": "",
        "keywords": [],
        "items": [],
    }


def _open_group(store, group_id: int) -> Dict:
    """The group, still open — else the workflow's Chinese not-found / conflict."""
    from knowledge.workflow import Conflict, NotFound

    group = unanswered_group(store, group_id)
    if group is None:
        raise NotFound(f"未答问题组 {group_id} 不存在")
    if group["state"] != "open":
        raise Conflict(f"未答问题组 {group_id} 已处理（{group['state']}）")
    return group


def _closing(group_id: int, who, action: str, faq_id: str):
    """What closes the group as resolved by `faq_id`, in the transaction that saves the FAQ's change."""
    from knowledge import audit

    def close(conn) -> None:
        close_group(conn, group_id, "resolved", who.name, faq_id)
        audit.record(conn, who.name, who.role, action, "faq", faq_id, group=group_id)

    return close


def faq_from_group(store, workflow, group_id: int, fields: Dict, who) -> Dict:
    """Drafts an FAQ from an unanswered group (staff give the answer) and closes the group, in one
    transaction. Returns the draft (an open change waiting for review)."""
    _open_group(store, group_id)
    entry = {**faq_template(store, group_id), **{k: v for k, v in fields.items() if v not in (None, "")}}
    close = _closing(group_id, who, "unanswered_to_faq", entry["id"])
    return workflow.save("faq", entry, who, create=True, origin="unanswered", then=close)


def similar_from_group(store, workflow, group_id: int, faq_id: str, who) -> Dict:
    """Adds the group's ways of asking to an existing FAQ as similar questions (a change waiting for review,
    like any other) and closes the group, in one transaction. Returns the change."""
    from knowledge.workflow import NotFound

    group = _open_group(store, group_id)
    change = workflow.open_change("faq", faq_id)
    current = (change or {}).get("data") or store.get("faq", faq_id)
    if not current:
        raise NotFound(f"常见问题 {faq_id} 不存在")
    entry = {k: v for k, v in current.items() if k not in ("kind",)}
    similar = list(entry.get("similar_questions") or [])
    asked = {normalize(t) for t in [entry.get("question", "")] + similar}
    for text in [group["text"]] + list(group["examples"]):
        if normalize(text) not in asked and len(similar) < MAX_SIMILAR:
            similar.append(text)
            asked.add(normalize(text))
    entry["similar_questions"] = similar
    close = _closing(group_id, who, "unanswered_to_similar", faq_id)
    return workflow.save("faq", entry, who, origin="unanswered", then=close)


def ignore_group(store, group_id: int, who) -> bool:
    from knowledge import audit

    with store.transaction(entries_lock=False) as conn:
        done = conn.execute(
            unanswered_groups.update()
            .where(unanswered_groups.c.id == group_id, unanswered_groups.c.state == "open")
            .values(state="ignored", resolved_by=who.name)
        ).rowcount
        if done:
            audit.record(conn, who.name, who.role, "unanswered_ignore", "", "", group=group_id)
    return bool(done)
