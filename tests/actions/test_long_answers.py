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
