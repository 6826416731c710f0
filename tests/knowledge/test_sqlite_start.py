"""Several processes starting at once on a new SQLite file (two gateways and an action server of `make run`
with the embedded database, the multi-worker test): each creates the tables it needs and none fails with
"database is locked" — switching the file to WAL and creating tables both wait for the others."""

import multiprocessing

PROCESSES = 4
ROUNDS = 6


def _start(path: str, barrier, failures) -> None:
    from gateway.live.desk import LiveDesk
    from knowledge.store import KnowledgeStore

    barrier.wait()
    try:
        store = KnowledgeStore(f"sqlite:///{path}")
        LiveDesk(store.engine)
    except Exception as exc:  # reported to the test, which fails on it
        failures.put(f"{type(exc).__name__}: {exc}"[:200])


def test_processes_starting_together_on_a_new_sqlite_file_all_start(tmp_path):
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for round_ in range(ROUNDS):
        path = str(tmp_path / f"kb-{round_}.sqlite3")
        barrier = context.Barrier(PROCESSES)
        processes = [context.Process(target=_start, args=(path, barrier, failures)) for _ in range(PROCESSES)]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [p.exitcode for p in processes] == [0] * PROCESSES
    found = []
    while not failures.empty():
        found.append(failures.get())
    assert found == []
