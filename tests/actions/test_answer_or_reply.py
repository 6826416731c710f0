"""action_answer_or_reply: a question the NLU read as out of scope, or as asking about the bot, is answered
when the knowledge base is sure of it; anything else keeps the intent's own reply."""

import pytest

from actions.answers.question import ActionAnswerOrReply
from tests.actions.conftest import make_tracker, said


async def test_a_sure_question_read_as_out_of_scope_is_answered(sample_kb, dispatcher):
    await ActionAnswerOrReply().run(dispatcher, make_tracker("开理发店需要啥手续", "out_of_scope"), {})
    assert dispatcher.messages[0]["custom"]["sources"][0]["id"] == "faq-sc-029"


@pytest.mark.parametrize(
    "text, intent, response",
    [
        ("帮我订个外卖", "out_of_scope", "utter_out_of_scope"),
        ("明天太原下不下雨", "out_of_scope", "utter_out_of_scope"),
        # its nearest FAQ (智能客服答非所问怎么办？) is judged close enough to answer a question, not to
        # override the NLU: only a cosine ≥ SURE_COSINE does that
        ("你是机器人吗", "bot_challenge", "utter_bot_challenge"),
    ],
)
async def test_anything_else_keeps_the_intents_reply(sample_kb, dispatcher, text, intent, response):
    await ActionAnswerOrReply().run(dispatcher, make_tracker(text, intent), {})
    assert said(dispatcher) == [response]
