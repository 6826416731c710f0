"""The compiled check of action-server replies decides exactly as Rasa's own `jsonschema.validate` does."""

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_server.validation import reply_validator, validate_action_result

GOOD = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "item", "value": "ga-idcard-reissue", "timestamp": None}],
        "responses": [{"custom": {"type": "text", "text": "您好"}}],
    },
    {
        "events": [{"event": "action", "name": "appointment_form"}, {"event": "active_loop", "name": None}],
        "responses": [{"text": "请选择", "buttons": [{"title": "1", "payload": "/affirm"}]}],
    },
    {},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"name": "no event key"}]},
    {"events": [{"event": "slot", "name": 3}]},
    {"responses": ["not an object"]},
    {"events": [{"event": "no_such_event"}]},
]


@pytest.mark.parametrize("result", GOOD)
def test_valid_replies_pass_both_checks(result):
    jsonschema.validate(result, RemoteAction.action_response_format_spec())
    assert validate_action_result(None, result) is True


@pytest.mark.parametrize("result", BAD)
def test_invalid_replies_fail_both_checks_with_the_same_error(result):
    with pytest.raises(jsonschema.ValidationError) as rasa_own:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError) as ours:
        validate_action_result(None, result)
    assert ours.value.message.startswith(rasa_own.value.message)
    assert "custom-actions" in ours.value.message
    assert list(ours.value.path) == list(rasa_own.value.path)


def test_the_validator_is_built_once():
    assert reply_validator() is reply_validator()
