"""Remembers the button payloads recently sent to each sender, so that only those may reach Rasa as
intent commands (`/intent{...}`); anything else a citizen types is plain text."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable


class ButtonMemory:
    def __init__(self, max_senders: int = 10000) -> None:
        self._payloads: "OrderedDict[str, set]" = OrderedDict()
        self._max = max_senders
        self._lock = threading.Lock()

    def remember(self, sender: str, payloads: Iterable[str]) -> None:
        payloads = set(payloads)
        with self._lock:
            self._payloads.pop(sender, None)
            if payloads:
                self._payloads[sender] = payloads
                while len(self._payloads) > self._max:
                    self._payloads.popitem(last=False)

    def is_sent_payload(self, sender: str, text: str) -> bool:
        with self._lock:
            return text in self._payloads.get(sender, set())
