"""Personal operations: the login check, 申办 with a prefilled form, and cancelling a form."""

from actions.forms import login
from actions.forms.apply_online import ActionApplyOnline
from actions.forms.common import ActionCancelForm, ActionCheckLogin
from actions.platform import submission
from tests.actions.conftest import make_tracker, said, slot_events, texts


async def test_login_check(sample_kb, dispatcher, domain):
    logged_in = make_tracker("我要预约", "make_appointment", metadata={"identity_token": "t"})
    assert slot_events(await ActionCheckLogin().run(dispatcher, logged_in, domain)) == {"logged_in": True}
    assert dispatcher.messages == []
    events = slot_events(await ActionCheckLogin().run(dispatcher, make_tracker("我要预约", "make_appointment"), domain))
    assert events == {"logged_in": False, "login_pending": None}  # nothing said yet, so nothing kept
    link = dispatcher.messages[0]["custom"]
    text = login.login_text(login.APPOINTMENT)
    assert link == {
        "type": "link",
        "title": "登录三晋通",
        "url": submission.login_link(None),
        "text": f"{text}\n登录：{submission.login_link(None)}",
    }
    assert text.split("\n") == [
        "预约办理需要先登录三晋通（统一身份认证），因为预约要用您的实名身份排号，预约结果也会记在您的名下。",
        "请点击下面的链接登录，登录后点“我已登录，继续预约办理”，接着办，不用重新说一遍。",
        "不方便登录的话，可以拨打 12345 政务服务便民热线，由话务员帮您办理。",
    ]


async def test_apply_online_creates_a_prefilled_draft(api, dispatcher):
    tracker = make_tracker(
        "我要网上申请社保卡",
        "apply_online",
        [{"entity": "item", "value": "rs-sscard-apply"}],
        metadata={"identity_token": api.token("citizen-a")},
        sender="citizen-a",
    )
    events = await ActionApplyOnline().run(dispatcher, tracker, {})
    (application,) = api.listing("applications", "citizen-a")
    assert application["item_id"] == "rs-sscard-apply" and set(application["form"]) == {"申请人姓名", "联系电话"}
    message = dispatcher.messages[0]["custom"]
    assert message["type"] == "link" and message["url"] == application["finish_link"]
    assert message["text"].startswith(f"已为您创建【社会保障卡申领】的申办（编号 {application['application_no']}）")
    assert slot_events(events)["item"] == "rs-sscard-apply"


async def test_apply_online_for_an_item_done_at_the_window(api, dispatcher):
    tracker = make_tracker(
        "我要网上申请补办身份证",
        "apply_online",
        [{"entity": "item", "value": "ga-idcard-reissue"}],
        metadata={"identity_token": api.token("citizen-window")},
    )
    await ActionApplyOnline().run(dispatcher, tracker, {})
    assert texts(dispatcher)[0] == "【居民身份证补领】暂不支持网上申办，需要到窗口办理。"
    assert texts(dispatcher)[1].startswith("【居民身份证补领】办理地点：")
    assert api.listing("applications", "citizen-window") == []


async def test_apply_online_without_login(api, dispatcher):
    tracker = make_tracker("我要网上申请社保卡", "apply_online", [{"entity": "item", "value": "rs-sscard-apply"}])
    await ActionApplyOnline().run(dispatcher, tracker, {})
    link = dispatcher.messages[0]["custom"]
    assert link["url"] == submission.login_link(None) and link["text"].startswith(
        "网上申办【社会保障卡申领】需要先登录"
    )
    assert api.listing("applications", "u-test") == []


async def test_cancel_forgets_the_form(sample_kb, dispatcher):
    tracker = make_tracker("算了", "deny", slots={"application_no": "SX1"}, active_loop="progress_form")
    events = await ActionCancelForm().run(dispatcher, tracker, {})
    assert said(dispatcher)[0] == "utter_form_cancelled"
    assert texts(dispatcher)[1] == "不知道编号的话，可以登录三晋通，在“我的办件”里查看全部办件。"
    assert slot_events(events) == {"application_no": None, "requested_slot": None, "candidates": None}
