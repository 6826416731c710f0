"""Several processes starting at once on a new database (two gateways and an action server of `make run` with
the embedded SQLite file, the multi-worker test, docker-compose services on one PostgreSQL): each creates the
tables it needs and none fails — with "database is locked" on SQLite (switching the file to WAL and creating
tables both wait for the others), or on PostgreSQL's catalogue when two create the same table."""

import multiprocessing

PROCESSES = 4


def _start(url: str, barrier, failures) -> None:
    from gateway.live.desk import LiveDesk
    from knowledge.store import KnowledgeStore

    try:
        barrier.wait(30)
        store = KnowledgeStore(url)
        LiveDesk(store.engine)
    except Exception as exc:  # reported to the test, which fails on it
        failures.put(f"{type(exc).__name__}: {exc}"[:200])


def test_processes_starting_together_on_a_new_database_all_start(new_database_urls):
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for url in new_database_urls:
        barrier = context.Barrier(PROCESSES)
        processes = [context.Process(target=_start, args=(url, barrier, failures)) for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [p.exitcode for p in processes] == [0] * PROCESSES
    found = []
    while not failures.empty():
        found.append(failures.get())
    assert found == []
