"""Issue #15: long answers are kept whole (policy texts run to 20,000 characters); the chat shows a readable
part and the way to the rest (the gateway's GET /kb/faqs/{id})."""

from actions.dialogue.render import faq_answer
from settings import reset_settings_cache

POLICY = "".join(f"第{n}条 申请人应当按规定提交材料，经审核符合条件的予以办理。" for n in range(1, 200))


def test_a_short_answer_is_shown_whole():
    assert faq_answer({"id": "faq-1", "answer": "带身份证原件到窗口办理。"})["text"] == "带身份证原件到窗口办理。"


def test_a_long_answer_shows_its_start_and_the_address_of_the_whole(monkeypatch):
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://zw.example.gov.cn/")
    reset_settings_cache()
    try:
        text = faq_answer({"id": "GIP_9414/5712", "answer": POLICY})["text"]
    finally:
        reset_settings_cache()
    start, _, tail = text.partition("\n")
    assert len(start) <= 360 and POLICY.startswith(start) and start.endswith("。")
    assert tail.endswith("https://zw.example.gov.cn/kb/faqs/GIP_9414%2F5712"), tail


def test_a_link_with_a_scheme_outside_the_allow_list_is_never_served(sample_kb):
    """Issue #17: a `javascript:` app link in the knowledge base was served by /api/chat."""
    from actions.dialogue.render import app_link, guide_card

    bad = app_link({"name": "缴费", "description": "在线缴费。", "link": "javascript:alert(1)"})
    assert bad["type"] == "text" and "javascript" not in str(bad)
    good = app_link({"name": "缴费", "description": "在线缴费。", "link": "sanjintong://app/pay"})
    assert good["type"] == "link" and good["url"] == "sanjintong://app/pay"
    item = sample_kb.get("item", "ga-idcard-reissue")
    card = guide_card(dict(item, online=dict(item["online"], link="data:text/html,x")))
    assert card["link"] == "" and "data:" not in card["text"]
