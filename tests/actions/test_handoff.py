"""actions/handoff.py against the reference application API (a real process)."""
import pytest

from actions import handoff


def ctx(api, user=None, sender="s-1"):
    return handoff.TrackerContext(sender, api.token(user) if user else None)


async def test_login_is_required_for_personal_operations(api):
    anonymous = handoff.TrackerContext("s-0")
    request = handoff.AppointmentRequest("ga-idcard-reissue", "居民身份证补领", "太原市", "2026-12-01", "09:00-10:00",
                                         "13812345678")
    for result in (await handoff.book_appointment(anonymous, request),
                   await handoff.submit_workorder(anonymous, handoff.WorkorderRequest("complaint", "x")),
                   await handoff.start_application(anonymous, "rs-sscard-apply", "社会保障卡申领"),
                   await handoff.submit_evaluation(anonymous, handoff.EvaluationRequest("conversation", "s-0", 5))):
        assert (result.ok, result.status, result.message) == (False, handoff.LOGIN_REQUIRED, handoff.LOGIN_MESSAGE)


async def test_an_expired_token_is_treated_as_not_logged_in(api):
    result = await handoff.start_application(handoff.TrackerContext("s", "no-such-token"), "rs-sscard-apply", "社保卡")
    assert (result.status, result.http_status, result.message) == (handoff.LOGIN_REQUIRED, 401, handoff.LOGIN_MESSAGE)


async def test_the_idempotency_key_depends_on_sender_and_content():
    a = handoff.TrackerContext("a")
    key = handoff.idempotency_key(a, "appointment", {"x": 1})
    assert key == handoff.idempotency_key(a, "appointment", {"x": 1})
    assert key != handoff.idempotency_key(handoff.TrackerContext("b"), "appointment", {"x": 1})
    assert key != handoff.idempotency_key(a, "appointment", {"x": 2})


async def test_progress_number_format_is_checked_before_calling(api):
    result = await handoff.query_progress(handoff.TrackerContext("s"), "AB123")
    assert (result.ok, result.status) == (False, handoff.REJECTED)


@pytest.mark.parametrize("number", ["SX2026010100001", "GD2026010100001", "YY2026010100001"])
async def test_unknown_numbers_of_each_kind(api, number):
    result = await handoff.query_progress(handoff.TrackerContext("s"), number.lower())
    assert (result.status, result.message) == (handoff.NOT_FOUND, f"没有查到编号为 {number} 的办件，请核对编号。")


async def test_unreachable_platform_gives_the_hotline(monkeypatch, sample_kb):
    import settings
    from tests.stack.conftest import free_port

    monkeypatch.setenv("APPLICATION_API_URL", f"http://127.0.0.1:{free_port()}")
    settings.reset_settings_cache()
    result = await handoff.available_slots(handoff.TrackerContext("s"), "x", "y", "2026-12-01")
    assert (result.ok, result.status, result.message) == (False, handoff.UNAVAILABLE, handoff.UNAVAILABLE_MESSAGE)
    assert "12345" in result.message
