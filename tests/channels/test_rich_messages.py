"""Every rich message has a plain-text rendering, for channels that can show only text."""

from gateway.channels.messages import convert, plain_text, render_text


def test_rich_messages_without_text_get_one():
    rasa = [
        {
            "custom": {
                "type": "results",
                "title": "找到这些事项：",
                "items": [
                    {"title": "居民身份证补领", "snippet": "丢失后补领", "payload": '/choose_option{"n":1}'},
                    {"title": "居民身份证换领", "url": "https://example.gov.cn/2"},
                ],
            }
        },
        {"custom": {"type": "link", "title": "社保查询", "url": "sanjintong://app/app-sscard-query"}},
        {
            "custom": {
                "type": "guide_card",
                "title": "社会保障卡申领",
                "updated_at": "2026-09-01",
                "sections": [
                    {"title": "所需材料", "lines": ["居民身份证（原件1份）"]},
                    {"title": "收费标准", "lines": ["不收费"]},
                ],
            }
        },
        {"custom": {"type": "image", "url": "https://example.gov.cn/map.png"}},
    ]
    messages, _ = convert(rasa)
    assert [m["text"] for m in messages] == [
        "找到这些事项：\n1. 居民身份证补领——丢失后补领\n2. 居民身份证换领",
        "社保查询：sanjintong://app/app-sscard-query",
        "【社会保障卡申领】\n所需材料：居民身份证（原件1份）\n收费标准：不收费\n（信息更新于 2026-09-01）",
        "https://example.gov.cn/map.png",
    ]
    assert plain_text(messages[:2]) == messages[0]["text"] + "\n\n" + messages[1]["text"]


def test_given_text_is_kept_and_unknown_types_render_empty():
    assert convert([{"custom": {"type": "guide_card", "title": "T", "text": "已有文字"}}])[0][0]["text"] == "已有文字"
    assert render_text({"type": "something_new"}) == ""
    assert render_text({"type": "buttons", "buttons": [{"title": "是"}, {"title": "否"}]}) == "1. 是\n2. 否"
