"""The action server and the outbox worker of `make run` open the same outbox (an embedded SQLite file, or
PostgreSQL): they start on a new database at once, and a request stored twice at the same moment (a double tap
reaching two action servers) is kept once — never a crash at start, never two rows or an error for the second."""

from tests.knowledge.databases import new_database_urls, postgres_engine, run_at_once, test_postgres_url  # noqa: F401

PROCESSES = 4


def _start_and_put(url: str, barrier, results) -> None:
    from actions.platform.outbox import Outbox

    try:
        barrier.wait(30)
        outbox = Outbox(url)
        barrier.wait(30)  # every process has started: now all store the same request at once
        stored = outbox.put("appointment", "user-1", None, {"item": "x"}, "same-key")
        results.put(("stored" if stored else "duplicate", ""))
    except Exception as exc:  # reported to the test, which fails on it
        results.put(("error", f"{type(exc).__name__}: {exc}"[:200]))


def test_processes_sharing_a_new_outbox_start_and_store_a_request_once(new_database_urls):
    for url in new_database_urls:
        outcomes = run_at_once(_start_and_put, url, PROCESSES)
        assert outcomes == [("duplicate", "")] * (PROCESSES - 1) + [("stored", "")], outcomes
