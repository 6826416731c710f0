"""The index across real processes: one writer at a time, readers in other processes following its
commits, and a writer killed with SIGKILL half-way leaving an index the next run brings in line with the
database."""

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from whoosh import index as whoosh_index

from search.layout import current_generation
from search.sync import IndexSync, read_state

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pytestmark = pytest.mark.processes

READER = textwrap.dedent("""
    import sys, time
    from search.searcher import KnowledgeSearcher
    searcher = KnowledgeSearcher(sys.argv[1])
    searcher.search("签注")
    print("READY", flush=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        hits = searcher.search("签注")
        if hits:
            print("FOUND", hits[0].id, time.time(), flush=True)
            break
        time.sleep(0.02)
    else:
        print("TIMEOUT", flush=True)
""")

WRITER = textwrap.dedent("""
    import sys
    from knowledge.store import KnowledgeStore
    from search.sync import IndexSync
    print("APPLIED", IndexSync(KnowledgeStore(sys.argv[1]), sys.argv[2]).apply_pending(), flush=True)
""")

SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import search.sync as sync
    from knowledge.store import KnowledgeStore
    real = sync.to_document
    count = [0]
    def slow(entry, departments):
        count[0] += 1
        if count[0] == int(sys.argv[3]):
            print("MID", flush=True)
        if count[0] >= int(sys.argv[3]):
            time.sleep(0.002)
        return real(entry, departments)
    sync.to_document = slow
    sync.IndexSync(KnowledgeStore(sys.argv[1]), sys.argv[2]).apply_pending()
    print("DONE", flush=True)
""")


def python(script, *args):
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def faq(number, status="published"):
    return {
        "id": f"faq-bulk-{number:04d}",
        "question": f"批量问题第{number}号怎么办理",
        "answer": "按指南办理。",
        "department": "ga",
        "status": status,
    }


def indexed_keys(index_dir):
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as searcher:
        return sorted(f["key"] for f in searcher.all_stored_fields() if f["kind"] != "__sync__")


def published_keys(store):
    return sorted(
        f"{e['kind']}:{e['id']}" for e in store.iter_entries() if e["kind"] in ("item", "faq", "package", "app")
    )


def test_a_reader_process_sees_a_change_applied_by_another_process(mini_store, mini_index):
    reader = python(READER, mini_index)
    try:
        assert reader.stdout.readline().strip() == "READY"
        mini_store.upsert(
            "faq",
            {"id": "faq-permit", "question": "居住证签注在哪里办", "answer": "到社区办理。", "status": "published"},
        )
        published = time.time()
        writer = python(WRITER, mini_store.url, mini_index)
        assert writer.communicate(timeout=60)[0].strip() == "APPLIED 1"
        found = reader.stdout.readline().split()
        assert found[:2] == ["FOUND", "faq-permit"]
        assert float(found[2]) - published < 5.0
    finally:
        reader.kill()
        reader.wait()


@pytest.mark.parametrize("round_", range(3))
def test_writer_killed_mid_update_is_caught_up_by_the_next_run(mini_store, mini_index, round_):
    rng = random.Random(round_)
    with mini_store.engine.begin() as conn:
        for number in range(600):
            mini_store.upsert("faq", faq(number, "draft" if number % 7 == 0 else "published"), conn)
    mini_store.delete("item", "rs-sscard-apply")
    before = read_state(whoosh_index.open_dir(str(current_generation(mini_index))))[0]
    writer = python(SLOW_WRITER, mini_store.url, mini_index, rng.randrange(50, 400))
    assert writer.stdout.readline().strip() == "MID"
    time.sleep(rng.uniform(0.0, 0.5))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL
    # Killed before its commit: the index is still at the previous sequence, readable, and unlocked.
    assert read_state(whoosh_index.open_dir(str(current_generation(mini_index))))[0] == before
    started = time.monotonic()
    applied = IndexSync(mini_store, mini_index, lock_timeout=5).apply_pending()
    assert time.monotonic() - started < 30
    assert applied == 601
    assert indexed_keys(mini_index) == published_keys(mini_store)
    assert read_state(whoosh_index.open_dir(str(current_generation(mini_index))))[0] == mini_store.latest_change()


def test_two_writer_processes_take_turns(mini_store, mini_index):
    with mini_store.engine.begin() as conn:
        for number in range(300):
            mini_store.upsert("faq", faq(number), conn)
    writers = [python(WRITER, mini_store.url, mini_index) for _ in range(2)]
    outputs = sorted(w.communicate(timeout=120)[0].strip() for w in writers)
    assert outputs == ["APPLIED 0", "APPLIED 300"]  # the lock serialises them; the second finds nothing left
    assert indexed_keys(mini_index) == published_keys(mini_store)
