"""The masking tracker stores with Rasa's own tracker objects: what is stored and read back is masked,
the identity token is never stored."""

import uuid

from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.tracker_store import MaskingInMemoryTrackerStore, MaskingRedisTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [ask_question]
slots:
  phone:
    type: text
    mappings: [{type: custom}]
""")


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(
        UserUttered(
            "身份证140105199001011234丢了，电话13812345678",
            {"name": "ask_question", "confidence": 0.9},
            metadata={"identity_token": "secret-token", "channel": "app"},
        )
    )
    tracker.update(SlotSet("phone", "13812345678"))
    tracker.update(BotUttered("已记录您的电话13812345678"))
    return tracker


def stores(redis_client):
    kwargs = redis_client.connection_pool.connection_kwargs
    return [
        MaskingInMemoryTrackerStore(DOMAIN),
        MaskingRedisTrackerStore(
            DOMAIN,
            host=kwargs["host"],
            port=int(kwargs["port"]),
            db=int(kwargs["db"]),
            password=kwargs.get("password"),
            record_exp=60,
            key_prefix=f"t{uuid.uuid4().hex[:6]}",
        ),
    ]


async def test_stored_conversation_is_masked_and_has_no_token(redis_client):
    for store in stores(redis_client):
        sender = "s-" + uuid.uuid4().hex[:6]
        await store.save(conversation(sender))
        back = await store.retrieve(sender)
        dump = str([e.as_dict() for e in back.events])
        assert "140***********1234" in dump and "138****5678" in dump
        assert "140105199001011234" not in dump and "13812345678" not in dump
        assert "secret-token" not in dump
        assert back.get_slot("phone") == "138****5678"
        assert back.latest_message.metadata == {"channel": "app"}


async def test_the_live_tracker_of_the_turn_is_not_changed():
    store = MaskingInMemoryTrackerStore(DOMAIN)
    tracker = conversation("live")
    await store.save(tracker)
    assert tracker.get_slot("phone") == "13812345678"
    assert tracker.latest_message.metadata["identity_token"] == "secret-token"


async def test_redis_store_appends_new_turns_to_the_masked_history(redis_client):
    store = stores(redis_client)[1]
    tracker = conversation("more")
    await store.save(tracker)
    tracker = await store.retrieve("more")
    tracker.update(UserUttered("再问一下13900001111", {"name": "ask_question", "confidence": 0.8}))
    await store.save(tracker)
    texts = [e.text for e in (await store.retrieve("more")).events if isinstance(e, UserUttered)]
    assert texts == ["身份证140***********1234丢了，电话138****5678", "再问一下139****1111"]


async def test_redis_store_saves_a_live_tracker_twice_without_repeating_its_events(redis_client):
    # Rasa saves after reading the message and again after the actions: the second save must only add what is new
    store = stores(redis_client)[1]
    tracker = conversation("twice")
    await store.save(tracker)
    tracker.update(BotUttered("还有别的问题吗"))
    await store.save(tracker)
    back = await store.retrieve("twice")
    assert [type(e).__name__ for e in back.events] == ["UserUttered", "SlotSet", "BotUttered", "BotUttered"]
    assert [e.text for e in back.events if isinstance(e, BotUttered)] == ["已记录您的电话138****5678", "还有别的问题吗"]


async def test_redis_store_keeps_earlier_sessions_when_a_new_one_is_saved(redis_client):
    store = stores(redis_client)[1]
    first = conversation("sessions")
    await store.save(first)
    live = await store.retrieve("sessions")
    live.update(ActionExecuted(ACTION_SESSION_START_NAME))
    live.update(SessionStarted())
    live.update(UserUttered("第二段对话13900001111", {"name": "ask_question", "confidence": 0.8}))
    await store.save(live)
    latest = await store.retrieve("sessions")  # Rasa reads back the last session only …
    latest.update(BotUttered("好的"))
    await store.save(latest)
    full = await store.retrieve_full_tracker("sessions")  # … and the store keeps all of them, once each
    texts = [e.text for e in full.events if isinstance(e, (UserUttered, BotUttered))]
    assert texts == [
        "身份证140***********1234丢了，电话138****5678",
        "已记录您的电话138****5678",
        "第二段对话139****1111",
        "好的",
    ]
