"""What our patches and subclasses of Rasa rely on, pinned (docs/patches.md). An upgrade of Rasa that renames,
reorders or removes any of these fails here, by name, before the patch silently stops working."""

import inspect

import pytest
from rasa.core.actions.action import ActionDefaultFallback, RemoteAction
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore, RedisTrackerStore

from rasa_server import lock_store, parsed_intent, tracker_store, validation

RELIED_ON = [
    # rasa_server/validation.py replaces this method and calls the spec function.
    (RemoteAction._validate_action_result, ["self", "result"]),
    (RemoteAction.action_response_format_spec, []),
    # rasa_server/parsed_intent.py wraps these two.
    (MessageProcessor.parse_message, ["self", "message", "tracker", "only_output_properties"]),
    (ActionDefaultFallback.run, ["self", "output_channel", "nlg", "tracker", "domain"]),
    # rasa_server/lock_store.py overrides the ticket methods and builds on RedisLockStore's constructor.
    (
        RedisLockStore.__init__,
        [
            "self",
            "host",
            "port",
            "db",
            "username",
            "password",
            "use_ssl",
            "ssl_certfile",
            "ssl_keyfile",
            "ssl_ca_certs",
            "key_prefix",
            "socket_timeout",
        ],
    ),
    (LockStore.issue_ticket, ["self", "conversation_id", "lock_lifetime"]),
    (LockStore.update_lock, ["self", "conversation_id"]),
    (LockStore.finish_serving, ["self", "conversation_id", "ticket_number"]),
    (LockStore.cleanup, ["self", "conversation_id", "ticket_number"]),
    (RedisLockStore.get_lock, ["self", "conversation_id"]),
    (TicketLock.from_dict, ["data"]),
    # rasa_server/tracker_store.py overrides saving and serialising.
    (InMemoryTrackerStore.__init__, ["self", "domain", "event_broker", "kwargs"]),
    (InMemoryTrackerStore.save, ["self", "tracker"]),
    (RedisTrackerStore.serialise_tracker, ["tracker"]),
    (RedisTrackerStore.save, ["self", "tracker", "timeout"]),
    (RedisTrackerStore.stream_events, ["self", "tracker"]),
]


@pytest.mark.parametrize("target, parameters", RELIED_ON, ids=[t.__qualname__ for t, _ in RELIED_ON])
def test_patched_rasa_signature_is_unchanged(target, parameters):
    assert list(inspect.signature(target).parameters) == parameters, (
        f"{target.__qualname__} changed: re-check the patch that uses it (docs/patches.md)"
    )


def test_attributes_the_patches_read_are_there():
    assert isinstance(RemoteAction.action_response_format_spec(), dict)
    store = RedisLockStore.__new__(RedisLockStore)
    RedisLockStore.__init__(store, host="127.0.0.1", port=1, key_prefix="probe")  # connects lazily
    assert store.key_prefix.startswith("probe") and hasattr(store, "red")
    assert hasattr(lock_store, "LOCK_LIFETIME") and callable(LockStore.create_lock)
    assert inspect.iscoroutinefunction(MessageProcessor.parse_message)
    assert inspect.iscoroutinefunction(ActionDefaultFallback.run)
    assert issubclass(tracker_store.MaskingRedisTrackerStore, RedisTrackerStore)
    redis_store = RedisTrackerStore.__new__(RedisTrackerStore)
    RedisTrackerStore.__init__(redis_store, None, host="127.0.0.1", port=1, record_exp=5)  # connects lazily
    assert redis_store.key_prefix and redis_store.record_exp == 5 and hasattr(redis_store, "red")


def test_installing_the_patches_replaces_what_they_patch():
    validation.install()
    parsed_intent.install()
    assert RemoteAction._validate_action_result is validation.validate_action_result
    assert getattr(MessageProcessor.parse_message, "keeps_intent", False)
