from gateway.channels.button_memory import ButtonMemory
from gateway.channels.messages import button_payloads, convert
from gateway.kv import MemoryStore, RedisStore


def test_converts_text_buttons_and_custom_and_collects_sources():
    rasa = [
        {"recipient_id": "u", "text": "您好"},
        {
            "recipient_id": "u",
            "text": "请选择",
            "buttons": [
                {"title": "补领", "payload": '/choose_option{"n":1}'},
                {"title": "换领", "payload": '/choose_option{"n":2}'},
            ],
        },
        {
            "recipient_id": "u",
            "custom": {
                "type": "guide_card",
                "title": "居民身份证补领",
                "text": "指南",
                "sources": [{"type": "item", "id": "a", "title": "A"}],
            },
        },
        {
            "recipient_id": "u",
            "custom": {
                "sources": [{"type": "item", "id": "a", "title": "A"}, {"type": "faq", "id": "f", "title": "F"}]
            },
        },
    ]
    messages, sources = convert(rasa)
    assert messages[0] == {"type": "text", "text": "您好"}
    assert messages[1]["type"] == "buttons" and messages[1]["text"] == "请选择\n1. 补领\n2. 换领"
    assert messages[2] == {"type": "guide_card", "title": "居民身份证补领", "text": "指南"}
    assert len(messages) == 3
    assert sources == [{"type": "item", "id": "a", "title": "A"}, {"type": "faq", "id": "f", "title": "F"}]
    assert button_payloads(messages) == ['/choose_option{"n":1}', '/choose_option{"n":2}']


async def test_button_memory_accepts_only_payloads_sent_to_that_sender():
    memory = ButtonMemory(MemoryStore())
    await memory.remember("a", ["/affirm", "身份证怎么补办"])
    assert await memory.is_sent_payload("a", "/affirm")
    assert not await memory.is_sent_payload("a", "身份证怎么补办")  # plain text is never a command
    assert not await memory.is_sent_payload("b", "/affirm")
    assert not await memory.is_sent_payload("a", "/deny")
    await memory.remember("a", [])  # a reply without buttons: the earlier ones no longer count
    assert not await memory.is_sent_payload("a", "/affirm")


async def test_button_memory_in_redis_is_shared_by_gateway_workers(redis_client, test_redis_url):
    one, other = RedisStore(test_redis_url), RedisStore(test_redis_url)
    try:
        await ButtonMemory(one).remember("w-1", ['/choose_option{"number": "2"}'])
        assert await ButtonMemory(other).is_sent_payload("w-1", '/choose_option{"number": "2"}')
    finally:
        await one.close()
        await other.close()
