"""actions/platform/submission.py against the reference application API (a real process)."""

import asyncio
import datetime as dt

import pytest

from actions.platform import submission
from devtools.support.ports import unused_url
from devtools.support.waiting import wait_until_async
from knowledge import stats


def last_rating(store):
    import sqlalchemy as sa

    from knowledge.feedback import events

    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(events.c.value, events.c.name, events.c.channel, events.c.comment)
            .where(events.c.event == "rating")
            .order_by(events.c.id.desc())
            .limit(1)
        ).first()
    return tuple(row)


async def wait_for_stats(store, ready, seconds: float = 5.0):
    """The statistics are written in a worker thread: poll until `ready(summary)`."""
    now = dt.datetime.utcnow()

    async def summary():
        found = stats.summary(store, now - dt.timedelta(hours=1), now + dt.timedelta(hours=1))
        return found if ready(found) else None

    return await wait_until_async(summary, seconds, "the statistics updated")


async def background_work_done() -> None:
    """Waits until everything the actions handed to their worker threads (actions/background.py: the loop's
    default executor) has finished; this test's event loop takes no more background work afterwards."""
    await asyncio.get_running_loop().shutdown_default_executor()


def ctx(api, user=None, sender="s-1"):
    return submission.TrackerContext(sender, api.token(user) if user else None)


async def test_login_is_required_for_personal_operations(api):
    before = len(api.received())
    anonymous = submission.TrackerContext("s-0")
    request = submission.AppointmentRequest(
        "ga-idcard-reissue", "居民身份证补领", "太原市", "2026-12-01", "09:00-10:00", "13812345678"
    )
    for result in (
        await submission.book_appointment(anonymous, request),
        await submission.submit_workorder(anonymous, submission.WorkorderRequest("complaint", "x")),
        await submission.start_application(anonymous, "rs-sscard-apply", "社会保障卡申领"),
    ):
        assert (result.ok, result.status, result.message) == (
            False,
            submission.LOGIN_REQUIRED,
            submission.login_required_message(),
        )
    assert len(api.received()) == before


async def test_an_anonymous_rating_reaches_the_statistics_only(api, sample_kb):
    before = len(api.received())
    rated = (await wait_for_stats(sample_kb, lambda s: True))["satisfaction"]["ratings"]
    result = await submission.submit_evaluation(
        submission.TrackerContext("s-0", channel="wechat"),
        submission.EvaluationRequest("conversation", "s-0", 2, "排队太久"),
    )
    assert (result.ok, result.data) == (True, {"statistics_only": True})
    await wait_for_stats(sample_kb, lambda s: s["satisfaction"]["ratings"] > rated)
    assert last_rating(sample_kb) == (2, "conversation", "wechat", "排队太久")
    assert len(api.received()) == before


async def test_an_expired_token_is_treated_as_not_logged_in(api):
    result = await submission.start_application(
        submission.TrackerContext("s", "no-such-token"), "rs-sscard-apply", "社保卡"
    )
    assert (result.status, result.http_status, result.message) == (
        submission.LOGIN_REQUIRED,
        401,
        submission.login_required_message(),
    )


async def test_the_idempotency_key_depends_on_sender_and_content():
    a = submission.TrackerContext("a")
    key = submission.idempotency_key(a, "appointment", {"x": 1})
    assert key == submission.idempotency_key(a, "appointment", {"x": 1})
    assert key != submission.idempotency_key(submission.TrackerContext("b"), "appointment", {"x": 1})
    assert key != submission.idempotency_key(a, "appointment", {"x": 2})


async def test_progress_number_format_is_checked_before_calling(api):
    result = await submission.query_progress(submission.TrackerContext("s"), "AB123")
    assert (result.ok, result.status) == (False, submission.REJECTED)


@pytest.mark.parametrize("number", ["SX2026010100001", "GD2026010100001", "YY2026010100001"])
async def test_unknown_numbers_of_each_kind(api, number):
    result = await submission.query_progress(submission.TrackerContext("s", api.token("s")), number.lower())
    assert (result.status, result.message) == (
        submission.NOT_FOUND,
        f"没有查到您名下编号为 {number} 的办件，请核对编号。",
    )


async def test_unreachable_platform_gives_the_hotline(monkeypatch, sample_kb):
    import settings

    monkeypatch.setenv("APPLICATION_API_URL", unused_url())
    settings.reset_settings_cache()
    result = await submission.available_slots(submission.TrackerContext("s"), "x", "y", "2026-12-01")
    assert (result.ok, result.status, result.message) == (
        False,
        submission.UNAVAILABLE,
        submission.unavailable_message(),
    )
    assert "12345" in result.message


def appointment(slot="09:00-10:00", date=None):
    from tests.submissions.conftest import next_weekday

    return submission.AppointmentRequest(
        "ga-idcard-reissue", "居民身份证补领", "太原市政务服务中心", date or next_weekday(3), slot, "13812345678"
    )


async def test_a_booking_is_delivered_once_and_counted_as_a_handoff(api, sample_kb):
    citizen = ctx(api, "citizen-h1", sender="s-h1")
    booked = (await wait_for_stats(sample_kb, lambda s: True))["handoffs"]["by_target"].get("appointment", 0)
    first = await submission.book_appointment(citizen, appointment())
    again = await submission.book_appointment(citizen, appointment())  # a double tap / a retried turn
    assert first.ok and first.reference.startswith("YY")
    assert (again.ok, again.reference) == (True, first.reference)
    assert len(api.listing("appointments", "citizen-h1")) == 1
    await background_work_done()  # a wrongly counted repeat would have been written too by now
    summary = await wait_for_stats(sample_kb, lambda s: True)
    assert summary["handoffs"]["by_target"]["appointment"] == booked + 1  # the repeat is not counted again


async def test_a_refused_request_can_be_sent_again_with_a_new_key(api, sample_kb):
    citizen = ctx(api, "citizen-h2", sender="s-h2")
    api.control(fail_status=409, fail_times=1)
    refused = await submission.submit_workorder(
        citizen, submission.WorkorderRequest("suggestion", "建议延长周末办理时间")
    )
    assert (refused.ok, refused.status, refused.http_status) == (False, submission.REJECTED, 409)
    accepted = await submission.submit_workorder(
        citizen, submission.WorkorderRequest("suggestion", "建议延长周末办理时间")
    )
    assert accepted.ok and accepted.reference.startswith("GD")
    assert len(api.listing("workorders", "citizen-h2")) == 1


async def test_platform_down_keeps_the_request_and_says_so(monkeypatch, api, sample_kb):
    import settings
    from actions.platform.resources import outbox

    token = api.token("citizen-h3")
    monkeypatch.setenv("APPLICATION_API_URL", unused_url())
    settings.reset_settings_cache()
    from tests.actions.conftest import _clear_caches

    _clear_caches()
    result = await submission.submit_workorder(
        submission.TrackerContext("s-h3", token), submission.WorkorderRequest("complaint", "窗口不开")
    )
    assert (result.ok, result.status) == (False, submission.QUEUED)
    assert result.message == submission.queued_message("workorder") and "12345" in result.message
    entry = outbox().get(result.data["key"])
    assert (entry.kind, entry.status) == ("workorder", "pending")
