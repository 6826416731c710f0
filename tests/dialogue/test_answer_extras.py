"""Around answers, through /api/chat on the real stack: unsure retrieval offers the top three ("2" picks one),
猜你想问 after an answer, 有帮助/没帮助 reaching the staff's statistics and unanswered queue (read through the
admin API), the greeting with 热门问题, and the 好差评 offer after thanks — down to the application API."""

import uuid

import httpx
import pytest

from devtools.support.waiting import wait_until
from tests.dialogue.conftest import buttons, texts

pytestmark = pytest.mark.stack

FEEDBACK_PAYLOADS = ['/answer_feedback{"helpful": "yes"}', '/answer_feedback{"helpful": "no"}']


def admin(stack, path, **params):
    response = httpx.get(
        stack.gateway + path,
        params=params,
        timeout=30,
        headers={"Authorization": f"Bearer {stack.env['STAFF_ADMIN_TOKEN']}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def feedback_counts(stack, entry_id):
    """(helpful, not helpful) for one entry in today's statistics."""
    rows = admin(stack, "/admin/stats", top=100)["answer_feedback"]["by_entry"]
    row = next((r for r in rows if r["id"] == entry_id), {"helpful": 0, "not_helpful": 0})
    return row["helpful"], row["not_helpful"]


def wait(check, timeout=5.0):
    """The action server records in a worker thread: the reply comes first. False after `timeout` (the
    caller's assert says what was expected)."""
    try:
        return wait_until(check, timeout, interval=0.1)
    except AssertionError:
        return False


def feedback_buttons(reply):
    return [b for b in buttons(reply) if b["payload"] in FEEDBACK_PAYLOADS]


def related_buttons(reply):
    return [b for m in reply["messages"] if m["text"].startswith("猜你想问") for b in m["buttons"]]


def test_unsure_retrieval_offers_three_choices_and_a_digit_picks_one(talk, stack):
    offer = talk("公积金怎么提取")
    assert offer["intent"]["name"] == "ask_question"
    assert offer["sources"] == []  # nothing answered yet
    (choices,) = offer["messages"]
    assert choices["type"] == "buttons" and choices["text"].startswith("您想问的是下面哪一个？")
    titles = [b["title"] for b in choices["buttons"]]
    assert len(titles) == 3 and all("公积金" in t for t in titles)
    picked = talk("2")
    assert picked["intent"]["name"] == "choose_option"
    assert picked["sources"][0]["title"] == titles[1]
    assert feedback_buttons(picked) == [
        {"title": "有帮助", "payload": FEEDBACK_PAYLOADS[0]},
        {"title": "没帮助", "payload": FEEDBACK_PAYLOADS[1]},
    ]

    # 没帮助 (the button): the question behind the choices joins the unanswered queue, the entry is counted
    entry_id = picked["sources"][0]["id"]
    before = feedback_counts(stack, entry_id)
    sorry = talk(FEEDBACK_PAYLOADS[1])
    assert sorry["intent"] == {"name": "answer_feedback", "confidence": 1.0}
    assert "已记录" in texts(sorry)[0] and "12345" in texts(sorry)[0]

    def queued():
        groups = admin(stack, "/admin/unanswered", limit=200)["items"]
        return [g for g in groups if "公积金怎么提取" in [g["text"]] + g["examples"]]

    assert wait(queued), admin(stack, "/admin/unanswered", limit=200)
    assert wait(lambda: feedback_counts(stack, entry_id)[1] == before[1] + 1), feedback_counts(stack, entry_id)


def test_an_answer_is_followed_by_feedback_and_related_questions(talk, stack):
    answer = talk("身份证丢了怎么补办")
    assert answer["intent"]["name"] == "ask_question"
    assert answer["sources"][0] == {"type": "item", "id": "ga-idcard-reissue", "title": "居民身份证补领"}
    kinds = [m["type"] for m in answer["messages"]]
    assert kinds == ["guide_card", "buttons", "buttons"]
    assert "回复“有帮助”" in answer["messages"][1]["text"]  # a text-only channel says how to answer
    related = related_buttons(answer)
    assert 2 <= len(related) <= 3
    assert all(b["payload"] == b["title"] and b["title"] != "居民身份证补领" for b in related)

    # typed 有帮助 is counted
    before = feedback_counts(stack, "ga-idcard-reissue")
    thanks = talk("有帮助")
    assert thanks["intent"]["name"] == "answer_feedback" and texts(thanks)[0].startswith("谢谢您的反馈")
    assert wait(lambda: feedback_counts(stack, "ga-idcard-reissue")[0] == before[0] + 1)

    # a related question picked by its number is answered from that entry, itself with follow-ups
    second = talk("2")
    assert second["sources"][0]["title"] == related[1]["title"]
    assert second["sources"][0]["id"] != "ga-idcard-reissue"
    assert feedback_buttons(second)
    # and tapping one sends its text, which is answered (with sources) like a typed question
    tapped = talk(related[0]["payload"])
    assert tapped["sources"], tapped


def test_greeting_shows_hot_questions_that_are_answered_when_tapped(talk):
    greeting = talk("你好")
    assert greeting["intent"]["name"] == "greet"
    assert "三晋通智能客服" in texts(greeting)[0] and greeting["sources"] == []
    hot = greeting["messages"][1]
    assert hot["type"] == "buttons" and hot["text"].startswith("大家都在问")
    assert 1 <= len(hot["buttons"]) <= 6 and all(b["payload"] == b["title"] for b in hot["buttons"])
    tapped = talk(hot["buttons"][0]["payload"])
    assert tapped["sources"], tapped  # a 热门问题 is answered from the knowledge base, even a bare item name
    again = talk("你好")
    assert again["messages"][1]["buttons"][0] == hot["buttons"][0]
    by_number = talk("1")  # on a text-only channel the number picks it
    assert by_number["intent"]["name"] == "choose_option" and by_number["sources"], by_number


def test_thanks_after_an_answer_offers_a_rating_that_reaches_the_statistics(talk, stack):
    assert "您对这次服务满意吗" not in "".join(texts(talk("谢谢"))) or pytest.fail("offered before any answer")
    talk("身份证丢了怎么补办")
    thanks = talk("谢谢")
    assert thanks["intent"]["name"] == "thank"
    offer = thanks["messages"][-1]
    assert offer["text"].startswith("您对这次服务满意吗？") and "回复“好评”" in offer["text"]
    assert [b["title"] for b in offer["buttons"]] == ["好评", "中评", "差评"]
    ratings = admin(stack, "/admin/stats")["satisfaction"]["by_score"]["5"]
    comment = talk(offer["buttons"][0]["payload"])  # 好评
    assert comment["intent"]["name"] == "evaluate"
    assert texts(comment) == ["还有什么想对我们说的吗？没有的话回复“没有”。"]
    done = talk("没有")
    assert texts(done)[0].startswith("感谢您的评价（非常满意）")
    assert wait(lambda: admin(stack, "/admin/stats")["satisfaction"]["by_score"]["5"] == ratings + 1)
    again = talk("再见")  # rated already: not offered again
    assert not any(b["title"] == "好评" for b in buttons(again))


def test_a_logged_in_citizens_rating_reaches_the_application_api(stack):
    user_id = "dlg-rate-" + uuid.uuid4().hex[:8]
    token = httpx.post(stack.application_api + "/auth/token", json={"user_id": user_id}, timeout=5).json()
    sender = "dlg-" + uuid.uuid4().hex[:10]

    def say(text):
        response = httpx.post(
            stack.gateway + "/api/chat",
            json={"sender_id": sender, "text": text},
            timeout=60,
            headers={"Authorization": f"Bearer {token['access_token']}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    say("身份证丢了怎么补办")
    offer = say("再见")["messages"][-1]
    assert [b["title"] for b in offer["buttons"]] == ["好评", "中评", "差评"]
    say(offer["buttons"][1]["payload"])  # 中评
    assert texts(say("回答很清楚就是字有点多"))[0].startswith("感谢您的评价（基本满意）")
    token = httpx.post(stack.application_api + "/auth/token", json={"user_id": user_id}, timeout=5).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    listed = httpx.get(stack.application_api + "/evaluations", headers=headers, timeout=5).json()
    assert [(e["rating"], e["comment"]) for e in listed["items"]] == [(3, "回答很清楚就是字有点多")]
