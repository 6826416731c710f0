"""Which links the knowledge base may hold and the chat may serve: `https`, or one of the app schemes the
province's profile lists (`link_schemes`, e.g. its app's deep links). `javascript:`, `data:`, `http:`, `file:`
and any other scheme are refused when staff save an entry, and never sent to a citizen."""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Set, Tuple
from urllib.parse import urlsplit

# (field path, label) of the links in each kind of entry
LINK_FIELDS: Dict[str, Tuple[Tuple[str, ...], ...]] = {
    "app": (("link",),),
    "item": (("online", "link"),),
    "package": (("online", "link"),),
}
ALWAYS = "https"


def allowed_schemes(profile: Optional[Dict]) -> Set[str]:
    schemes = (profile or {}).get("link_schemes") or []
    return {ALWAYS} | {str(s).strip().lower() for s in schemes if str(s).strip()}


def schemes_of_store(store) -> Set[str]:
    """The allowed schemes of the profile loaded into `store` (https only when none is loaded)."""
    return allowed_schemes(store.loaded_profile())


def scheme_of(link: str) -> str:
    # Control characters and spaces inside a scheme ("java\tscript:") are what browsers strip: strip them too.
    cleaned = "".join(c for c in (link or "") if c.isprintable() and not c.isspace())
    return urlsplit(cleaned).scheme.lower()


def link_allowed(link: str, schemes: Set[str]) -> bool:
    """An empty link is allowed (no link); anything else needs an allowed scheme and a target."""
    if not (link or "").strip():
        return True
    scheme = scheme_of(link)
    return bool(scheme) and scheme in schemes and len(link.strip()) > len(scheme) + 3


def _value(entry: Dict, path: Iterable[str]):
    value = entry
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def bad_links(kind: str, entry: Dict, schemes: Set[str]) -> List[Tuple[str, str]]:
    problems = []
    for path in LINK_FIELDS.get(kind, ()):
        link = _value(entry, path)
        if isinstance(link, str) and not link_allowed(link, schemes):
            allowed = "、".join(sorted(schemes))
            problems.append((".".join(path), f"链接只能以 {allowed} 协议开头（如 https://），不接受“{link[:40]}”"))
    return problems
