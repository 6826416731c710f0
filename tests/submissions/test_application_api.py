"""The platform client and outbox against the reference server process: stopped, slow, failing,
booked out, and double sends — nothing lost, nothing doubled."""

import asyncio

import pytest

from actions.platform.application_api import ApplicationApiClient, PlatformUnavailable, SubmissionRejected
from actions.platform.circuit_breaker import CircuitBreaker
from actions.platform.outbox import DELIVERED, PENDING, REJECTED, Outbox, deliver_due, submit
from tests.submissions.conftest import appointment_body


@pytest.fixture
def outbox(tmp_path):
    return Outbox(f"sqlite:///{tmp_path / 'outbox.sqlite3'}", retry_after_seconds=0)


def client_for(server, **kwargs):
    kwargs.setdefault("backoff", 0.05)
    return ApplicationApiClient(server.url, **kwargs)


async def test_submit_delivers_once_and_erases_personal_data(reference_server, outbox):
    token = reference_server.token("u-ok")
    outcome = await submit(outbox, client_for(reference_server), "appointment", "u-ok", token, appointment_body())
    assert outcome.status == "delivered" and outcome.result["appointment_id"].startswith("YY")
    assert [a["appointment_id"] for a in reference_server.appointments("u-ok")] == [outcome.result["appointment_id"]]
    with outbox.engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT token, body, status FROM handoff_outbox").one()
    assert row == (None, "{}", DELIVERED)


async def test_double_send_with_the_same_key_makes_one_appointment(reference_server, outbox):
    token = reference_server.token("u-double")
    client = client_for(reference_server)
    first = await submit(outbox, client, "appointment", "u-double", token, appointment_body(), key="k-1")
    again = await submit(outbox, client, "appointment", "u-double", token, appointment_body(), key="k-1")
    assert again.status == "delivered" and again.result == first.result
    direct = await client.create_appointment(token, appointment_body(), "k-1")  # the platform replays too
    assert direct["appointment_id"] == first.result["appointment_id"]
    assert len(reference_server.appointments("u-double")) == 1


async def test_server_down_queues_then_delivers_after_restart(reference_server, outbox):
    token = reference_server.token("u-down")
    reference_server.stop()
    outcome = await submit(
        outbox, client_for(reference_server, timeout=1), "appointment", "u-down", token, appointment_body()
    )
    assert outcome.status == "queued" and "无法连接" in outcome.reason
    assert outbox.get(outcome.key).status == PENDING
    reference_server.start()
    counts = await deliver_due(outbox, client_for(reference_server))
    assert counts == {"delivered": 1, "queued": 0, "rejected": 0}
    assert outbox.get(outcome.key).status == DELIVERED
    assert len(reference_server.appointments("u-down")) == 1
    assert await deliver_due(outbox, client_for(reference_server)) == {"delivered": 0, "queued": 0, "rejected": 0}


async def test_a_passing_5xx_is_retried_with_the_same_key(reference_server, outbox):
    token = reference_server.token("u-5xx")
    reference_server.control(fail_status=503, fail_times=2)
    outcome = await submit(
        outbox, client_for(reference_server, retries=2), "appointment", "u-5xx", token, appointment_body()
    )
    assert outcome.status == "delivered"
    keys = {r["idempotency_key"] for r in reference_server.received() if r["path"] == "/appointments"}
    assert keys == {outcome.key}
    assert len(reference_server.appointments("u-5xx")) == 1


async def test_slow_platform_times_out_and_the_retry_does_not_double(reference_server, outbox):
    token = reference_server.token("u-slow")
    reference_server.control(delay_seconds=2.0)
    outcome = await submit(
        outbox, client_for(reference_server, timeout=0.5, retries=0), "appointment", "u-slow", token, appointment_body()
    )
    assert outcome.status == "queued"
    await asyncio.sleep(2.5)  # the slow request may still have been carried out by the platform
    reference_server.reset()
    assert (await deliver_due(outbox, client_for(reference_server)))["delivered"] == 1
    assert len(reference_server.appointments("u-slow")) == 1


async def test_booked_out_slot_is_refused_with_the_platform_reason_and_not_retried(reference_server, outbox):
    client = client_for(reference_server)
    for user in ("u-a", "u-b"):  # capacity 2 per slot
        token = reference_server.token(user)
        assert (
            await submit(outbox, client, "appointment", user, token, appointment_body("11:00-12:00"))
        ).status == "delivered"
    token = reference_server.token("u-c")
    outcome = await submit(outbox, client, "appointment", "u-c", token, appointment_body("11:00-12:00"))
    assert outcome.status == "rejected" and outcome.reason == "该时段已约满，请选择其他时段"
    assert outbox.get(outcome.key).status == REJECTED
    assert await deliver_due(outbox, client) == {"delivered": 0, "queued": 0, "rejected": 0}


async def test_validation_error_is_rejected_not_queued(reference_server):
    client = client_for(reference_server)
    with pytest.raises(SubmissionRejected) as exc:
        await client.create_appointment(reference_server.token("u-v"), appointment_body(phone="123"), "k-v")
    assert exc.value.status == 422 and "phone" in exc.value.message


async def test_circuit_opens_after_failures_and_stops_calling(reference_server):
    token = reference_server.token("u-cb")
    reference_server.control(fail_status=500)
    client = client_for(
        reference_server, retries=0, breaker=CircuitBreaker(failure_threshold=3, reset_after_seconds=60)
    )
    for _ in range(3):
        with pytest.raises(PlatformUnavailable):
            await client.slots("ga-idcard-reissue", "太原市政务服务中心", appointment_body()["date"])
    seen = len(reference_server.received())
    with pytest.raises(PlatformUnavailable) as exc:
        await client.create_appointment(token, appointment_body(), "k-cb")
    assert "暂时不可用" in exc.value.message
    assert len(reference_server.received()) == seen  # nothing went out while open


def test_breaker_half_opens_after_the_pause_and_closes_on_success():
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=2, reset_after_seconds=10, clock=lambda: now[0])
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 10.0
    assert breaker.state == "half-open"
    breaker.before_call()  # the one trial
    with pytest.raises(Exception):
        breaker.before_call()  # a second caller waits for the trial
    breaker.record_success()
    assert breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "closed"  # one failure after recovery is not enough
