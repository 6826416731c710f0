import pytest

from rasa_server.input_channel import escape_command


@pytest.mark.parametrize(
    "typed, sent",
    [
        ("/greet", "／greet"),
        ("  /restart", "  ／restart"),
        ("\u200b/restart", "\u200b／restart"),
        ("\ufeff/restart", "\ufeff／restart"),
        ("\u2060/restart", "\u2060／restart"),
        ("\ufe0f/restart", "\ufe0f／restart"),
        ("😀/restart", "😀／restart"),
        ("\u3000\u200b\t/greet", "\u3000\u200b\t／greet"),
        ('\u200b/check_progress{"application_no": "SX1"}', '\u200b／check_progress{"application_no": "SX1"}'),
        ('/ask_question{"item": "x"}', '／ask_question{"item": "x"}'),
        ("身份证/户口本", "身份证/户口本"),
        ("你好", "你好"),
    ],
)
def test_typed_commands_become_plain_text(typed, sent):
    assert escape_command(typed) == sent


def test_no_escaped_text_reads_as_a_command_after_the_nlu_normalisation():
    from nlu.normalize import normalize

    for prefix in ["", " ", "\u200b", "\ufeff", "\u2060", "\ufe0f", "\u200d\u200c", "😀", "🇨🇳", "\u3000", "\n"]:
        escaped = escape_command(prefix + "/restart")
        assert not normalize(escaped).strip().startswith("/"), repr(escaped)
        assert escape_command(escaped) == escaped
