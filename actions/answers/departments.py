"""The same question answered by several departments (real FAQ exports have them: one question, an answer
from the 民政局 and one from the 人社局). Retrieval finds them side by side with the same score; the answer
policy counts them as one topic (search/answer_policy.py). The chat then answers with the department the
citizen named ("社保局的说法"), or with the first one and says that other departments answer it too,
offering theirs as numbered choices."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from actions.resources import published
from search.answer_policy import bare


def same_question(entry: Dict, hits: Sequence, entries: Dict[tuple, Dict]) -> List[Dict]:
    """The other published FAQs among the hits that ask exactly this question, from another department."""
    asked = bare(entry.get("question", ""))
    out = []
    for hit in hits:
        other = entries.get((hit.type, hit.id))
        if hit.type != "faq" or not other or other["id"] == entry["id"]:
            continue
        if not published(other) or bare(other.get("question", "")) != asked:
            continue
        if other.get("department") != entry.get("department") and other not in out:
            out.append(other)
    return out


def department_name(store, entry: Dict) -> str:
    department = store.get("department", entry.get("department") or "") or {}
    return department.get("name") or entry.get("department") or ""


def named_in(text: str, candidates: Sequence[Dict], store) -> Optional[Dict]:
    """The one candidate whose department the message names (its full name or its id)."""
    found = [
        c
        for c in candidates
        if (name := department_name(store, c)) and (name in text or (c.get("department") or "\0") in text)
    ]
    return found[0] if len(found) == 1 else None
