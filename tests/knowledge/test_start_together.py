"""Several processes starting at once on a new database (two gateways and an action server of `make run` with
the embedded SQLite file, the multi-worker test, docker-compose services on one PostgreSQL): each creates the
tables it needs and none fails — with "database is locked" on SQLite (switching the file to WAL and creating
tables both wait for the others), or on PostgreSQL's catalogue when two create the same table."""

from tests.knowledge.databases import run_at_once

PROCESSES = 4


def _start(url: str, barrier, results) -> None:
    from gateway.live.desk import LiveDesk
    from knowledge.store import KnowledgeStore

    try:
        barrier.wait(30)
        store = KnowledgeStore(url)
        LiveDesk(store.engine)
        results.put("started")
    except Exception as exc:  # reported to the test, which fails on it
        results.put(f"{type(exc).__name__}: {exc}"[:200])


def test_processes_starting_together_on_a_new_database_all_start(new_database_urls):
    for url in new_database_urls:
        assert run_at_once(_start, url, PROCESSES) == ["started"] * PROCESSES
