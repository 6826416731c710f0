"""Sender-id namespaces. A server-side channel (the WeChat Official Account, the mini-program push) derives
its sender id from a signed callback, as "<channel>:<openid>"; those prefixes belong to it alone. A client of
/api/chat chooses its own sender id, so it may not take one of them: otherwise it could join a WeChat user's
conversation (and see its history and its pending choices)."""

from __future__ import annotations

import unicodedata
from typing import Optional

WECHAT = "wechat"
MINI_PROGRAM = "miniprogram"
SERVER_CHANNELS = (WECHAT, MINI_PROGRAM)


def server_sender(channel: str, user: str) -> str:
    return f"{channel}:{user}"


def reserved_prefix(sender_id: str) -> Optional[str]:
    """The server-side channel whose namespace `sender_id` is in (compared after NFKC and case folding, so a
    full-width or capitalised look-alike is refused too), or None."""
    folded = unicodedata.normalize("NFKC", sender_id).strip().casefold()
    for channel in SERVER_CHANNELS:
        if folded.startswith(channel + ":"):
            return channel
    return None
