"""CPU time of one tracker save in the masking Redis tracker store (rasa_server/tracker_store.py) against
Rasa's own RedisTrackerStore.save with the same masking, over a 15-turn conversation saved twice a turn (after
the message, after the actions, as Rasa does):

    PYTHONPATH=. .venv/bin/python benchmarks/tracker_save.py                       # Redis db 12 on 127.0.0.1
    PYTHONPATH=. .venv/bin/python benchmarks/tracker_save.py --redis redis://127.0.0.1:6379/12 --phone

`--phone` puts a phone number in every message (masking then makes stored and live events differ, which sends
Rasa's merge down its slow path). Prints milliseconds per save, the stored events at the end and how often the
store fell back to Rasa's merge. Uses (and leaves) keys with the prefix "benchsave" in that database.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rasa.core.tracker_store import RedisTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from rasa_server.tracker_store import MaskingRedisTrackerStore  # noqa: E402

DOMAIN = Domain.from_yaml(
    'version: "3.1"\nintents: [ask_question]\nslots:\n  phone:\n    type: text\n    mappings: [{type: custom}]\n'
)
TURNS = 15


class RasaMergeStore(MaskingRedisTrackerStore):
    """The same masking with Rasa's own save (what the store did before it appended new events only)."""

    async def save(self, tracker, timeout=None):
        return await RedisTrackerStore.save(self, tracker, timeout)


async def measure(cls, url, phone: bool) -> str:
    parts = urlparse(url)
    db = int((parts.path or "/0").lstrip("/") or 0)
    store = cls(DOMAIN, host=parts.hostname, port=parts.port or 6379, db=db, record_exp=300, key_prefix="benchsave")
    fallbacks = 0
    original = RedisTrackerStore.save

    async def counted(self, tracker, timeout=None):
        nonlocal fallbacks
        fallbacks += 1
        return await original(self, tracker, timeout)

    RedisTrackerStore.save = counted
    try:
        sender, spent, saves = uuid.uuid4().hex, 0.0, 0
        for turn in range(TURNS):
            tracker = await store.retrieve(sender) or DialogueStateTracker(sender, DOMAIN.slots)
            text = f"第{turn}个问题" + (" 电话13812345678" if phone else "")
            tracker.update(UserUttered(text, {"name": "ask_question", "confidence": 0.9}))
            for step in range(2):
                started = time.process_time()
                await store.save(tracker)
                spent += time.process_time() - started
                saves += 1
                if step == 0:
                    for k in range(4):
                        tracker.update(ActionExecuted(f"action_{k}"))
                        tracker.update(SlotSet("phone", "x"))
                        tracker.update(BotUttered(f"第{k}段回答"))
        events = len((await store.retrieve_full_tracker(sender)).events)
    finally:
        RedisTrackerStore.save = original
    fallback_note = "每次" if cls is RasaMergeStore else f"{fallbacks} 次"
    return f"| {cls.__name__} | {1000 * spent / saves:.2f} | {events} | {fallback_note} |"


def main() -> None:
    parser = argparse.ArgumentParser(description="对话保存的 CPU 时间：只追加新事件 vs Rasa 的合并")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--phone", action="store_true", help="每句话带一个手机号")
    args = parser.parse_args()
    print("| 存储 | 毫秒/次保存 | 最后存下的事件数 | 走 Rasa 合并 |")
    print("| --- | --- | --- | --- |")
    for cls in (RasaMergeStore, MaskingRedisTrackerStore):
        print(asyncio.run(measure(cls, args.redis, args.phone)))


if __name__ == "__main__":
    main()
