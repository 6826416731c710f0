"""办件进度: the number from the message, then status and steps — no personal fields."""

import httpx

from actions.forms.progress import ActionQueryProgress, ValidateProgressForm
from tests.actions.conftest import make_tracker, slot_events, texts


async def test_the_number_comes_from_the_entity(sample_kb, dispatcher, domain):
    tracker = make_tracker(
        "查一下SX2026112300001",
        "check_progress",
        [{"entity": "application_no", "value": "SX2026112300001"}],
        active_loop="progress_form",
    )
    assert slot_events(await ValidateProgressForm().run(dispatcher, tracker, domain)) == {
        "application_no": "SX2026112300001"
    }


async def test_a_wrongly_formed_number_is_explained(sample_kb, dispatcher, domain):
    tracker = make_tracker(
        "SX12345", "check_progress", slots={"requested_slot": "application_no"}, active_loop="progress_form"
    )
    assert slot_events(await ValidateProgressForm().run(dispatcher, tracker, domain)) == {"application_no": None}
    assert texts(dispatcher) == ["这个编号的格式不对。办件编号是两个字母加 13 位数字，例如 SX2026112300001。"]


async def test_status_and_steps_of_an_application(api, dispatcher):
    token = api.token("citizen-p")
    created = httpx.post(
        api.url + "/applications",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
        json={"item_id": "ga-residence-permit", "item_name": "居住证", "form": {"姓名": "张三"}},
    ).json()
    number = created["application_no"]
    httpx.post(f"{api.url}/_control/applications/{number}/advance", timeout=5).raise_for_status()
    tracker = make_tracker("", slots={"application_no": number}, metadata={"identity_token": token})
    events = await ActionQueryProgress().run(dispatcher, tracker, {})
    lines = texts(dispatcher)[0].split("\n")
    assert lines[0] == f"{number}【居住证】当前状态：已受理"
    assert lines[1].startswith("✔ 已受理 ") and lines[2:] == ["○ 审核中", "○ 已办结"]
    assert "张三" not in texts(dispatcher)[0]
    assert slot_events(events)["application_no"] is None


async def test_an_unknown_number(api, dispatcher):
    metadata = {"identity_token": api.token("citizen-p")}
    tracker = make_tracker("", slots={"application_no": "SX2026010100099"}, metadata=metadata)
    await ActionQueryProgress().run(dispatcher, tracker, {})
    assert texts(dispatcher) == ["没有查到您名下编号为 SX2026010100099 的办件，请核对编号。"]


async def test_someone_else_s_number_is_answered_like_an_unknown_one(api, dispatcher):
    """Issue #17: the owner's record was shown to anybody who gave its number."""
    owner = api.token("citizen-b")
    created = httpx.post(
        api.url + "/applications",
        headers={"Authorization": f"Bearer {owner}"},
        timeout=5,
        json={"item_id": "ga-residence-permit", "item_name": "居住证", "form": {"姓名": "张三"}},
    ).json()
    number = created["application_no"]
    stranger = make_tracker("", slots={"application_no": number}, metadata={"identity_token": api.token("citizen-a")})
    await ActionQueryProgress().run(dispatcher, stranger, {})
    assert texts(dispatcher) == [f"没有查到您名下编号为 {number} 的办件，请核对编号。"]
    assert "居住证" not in texts(dispatcher)[0] and created["finish_link"] not in texts(dispatcher)[0]


async def test_without_login_a_number_gets_the_login_prompt_that_says_what_it_is_for(api, dispatcher):
    await ActionQueryProgress().run(dispatcher, make_tracker("", slots={"application_no": "SX2026010100099"}), {})
    said = "\n".join(texts(dispatcher))
    assert "登录" in said and "本人" in said and "12345" in said
    assert "没有查到" not in said  # the number is not checked for an anonymous sender
