"""Rasa's check of action-server replies with a validator built once (see rasa_server/__init__.py)."""

from __future__ import annotations

import functools
from typing import Any, Dict, Text

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

_HINT = (
    ". Failed to validate Action server response from API, make sure your response from the Action "
    "endpoint is valid. For more information about the format visit {docs}/custom-actions"
)


@functools.lru_cache(maxsize=1)
def reply_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """What `jsonschema.validate` does — the best-matching error raised, with Rasa's hint added."""
    error = best_match(reply_validator().iter_errors(result))
    if error is None:
        return True
    from rasa.shared.constants import DOCS_BASE_URL

    error.message += _HINT.format(docs=DOCS_BASE_URL)
    raise error


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result
