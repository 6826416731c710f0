"""The parsed intent is kept on the message by the wrapped MessageProcessor.parse_message."""

import asyncio

from rasa.core.actions.action import ActionDefaultFallback
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor

from rasa_server import parsed_intent


def test_the_wrapped_parse_keeps_the_intent_on_the_message(monkeypatch):
    async def parse(self, message, tracker=None, only_output_properties=True):
        return {"text": message.text, "intent": {"name": "ask_fee", "confidence": 0.91}, "entities": []}

    monkeypatch.setattr(MessageProcessor, "parse_message", parse)  # stands in for the trained graph
    parsed_intent.install()
    parsed_intent.install()  # installing twice wraps once
    message = UserMessage("办身份证要钱吗", sender_id="u")
    data = asyncio.run(MessageProcessor.parse_message(object(), message, None))
    assert data["intent"]["name"] == "ask_fee"
    assert parsed_intent.kept_intent(message) == {"name": "ask_fee", "confidence": 0.91}
    assert parsed_intent.kept_intent(UserMessage("x", sender_id="u")) is None


def test_after_rasas_default_fallback_the_kept_intent_is_not_used(monkeypatch):
    async def parse(self, message, tracker=None, only_output_properties=True):
        return {"text": message.text, "intent": {"name": "make_appointment", "confidence": 0.9}, "entities": []}

    async def fallback(self, output_channel, nlg, tracker, domain, metadata=None):
        return []

    monkeypatch.setattr(MessageProcessor, "parse_message", parse)
    monkeypatch.setattr(ActionDefaultFallback, "run", fallback)  # stands in for utter_default + revert
    parsed_intent.install()
    message, channel = UserMessage("我要预约", sender_id="u"), CollectingOutputChannel()
    asyncio.run(MessageProcessor.parse_message(object(), message, None))
    assert parsed_intent.kept_intent(message, channel) == {"name": "make_appointment", "confidence": 0.9}
    asyncio.run(ActionDefaultFallback.run(object(), channel, None, None, None))
    # the message was reverted: the channel reads what the conversation kept instead
    assert parsed_intent.kept_intent(message, channel) is None
