import pytest

from rasa_server.input_channel import escape_command


@pytest.mark.parametrize("typed, sent", [
    ("/greet", "／greet"),
    ("  /restart", "／restart"),
    ('/ask_question{"item": "x"}', '／ask_question{"item": "x"}'),
    ("身份证/户口本", "身份证/户口本"),
    ("你好", "你好"),
])
def test_typed_commands_become_plain_text(typed, sent):
    assert escape_command(typed) == sent
