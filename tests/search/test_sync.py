"""Incremental index updates from the knowledge store's change log (in one process; see
test_sync_processes.py for several)."""

import json

import sqlalchemy as sa
from whoosh import index as whoosh_index

from knowledge.store import changes
from search.index import build_index
from search.layout import current_generation
from search.searcher import KnowledgeSearcher
from search.sync import IndexSync, read_state

NEW_FAQ = {
    "id": "faq-new-permit",
    "question": "居住证签注在哪里办",
    "answer": "到社区警务室办理居住证签注。",
    "department": "ga",
    "status": "published",
}


def state(index_dir):
    return read_state(whoosh_index.open_dir(str(current_generation(index_dir))))


def indexed_keys(index_dir):
    ix = whoosh_index.open_dir(str(current_generation(index_dir)))
    with ix.searcher() as searcher:
        return sorted(f["key"] for f in searcher.all_stored_fields() if f["kind"] != "__sync__")


def published_keys(store):
    return sorted(
        f"{e['kind']}:{e['id']}" for e in store.iter_entries() if e["kind"] in ("item", "faq", "package", "app")
    )


def test_build_records_the_sequence_it_started_from(mini_store, mini_index):
    assert state(mini_index) == (mini_store.latest_change(), {})
    assert IndexSync(mini_store, mini_index).apply_pending() == 0


def test_publish_draft_and_delete_follow_the_store(mini_store, mini_index):
    searcher = KnowledgeSearcher(mini_index)
    sync = IndexSync(mini_store, mini_index)
    assert searcher.search("签注") == []
    mini_store.upsert("faq", dict(NEW_FAQ))
    assert sync.apply_pending() == 1
    assert [h.id for h in searcher.search("签注")] == ["faq-new-permit"]  # the open searcher follows
    mini_store.upsert("faq", {**NEW_FAQ, "status": "draft"})
    assert sync.apply_pending() == 1
    assert searcher.search("签注") == []
    mini_store.upsert("faq", dict(NEW_FAQ))
    mini_store.delete("faq", "faq-new-permit")
    assert sync.apply_pending() == 1  # two changes of one entry: applied once, from its current state
    assert searcher.search("签注") == []
    assert state(mini_index)[0] == mini_store.latest_change()
    assert indexed_keys(mini_index) == published_keys(mini_store)


def test_edit_replaces_the_document(mini_store, mini_index):
    mini_store.upsert("faq", dict(NEW_FAQ))
    IndexSync(mini_store, mini_index).apply_pending()
    mini_store.upsert("faq", {**NEW_FAQ, "question": "暂住证签注在哪里办"})
    IndexSync(mini_store, mini_index).apply_pending()
    hits = KnowledgeSearcher(mini_index).search("签注")
    assert [(h.id, h.title) for h in hits] == [("faq-new-permit", "暂住证签注在哪里办")]


def test_department_rename_reindexes_its_entries(mini_store, mini_index):
    mini_store.upsert("department", {"id": "ga", "name": "山西省公安厅户政总队", "hotline": "12345"})
    assert IndexSync(mini_store, mini_index).apply_pending() == 2  # the item and the FAQ of department ga
    searcher = KnowledgeSearcher(mini_index)
    assert searcher.departments()["ga"] == "山西省公安厅户政总队"
    assert {h.id for h in searcher.search("户政总队")} == {"ga-idcard-reissue", "faq-ga-001"}


def test_synonym_table_change_reaches_queries(mini_store, mini_index):
    synonyms = json.loads(mini_store.get_meta("synonyms"))
    synonyms.append({"official": "社会保障卡", "colloquial": ["三代卡"]})
    mini_store.set_meta("synonyms", json.dumps(synonyms, ensure_ascii=False))
    searcher = KnowledgeSearcher(mini_index)
    assert searcher.search("三代卡") == []
    IndexSync(mini_store, mini_index).apply_pending()
    assert searcher.search("三代卡")[0].id == "rs-sscard-apply"


def test_new_node_without_index_builds_one(mini_store, tmp_path):
    index_dir = tmp_path / "fresh"
    assert IndexSync(mini_store, index_dir).apply_pending() == 5
    assert indexed_keys(index_dir) == published_keys(mini_store)


def test_rebuild_keeps_changes_made_while_it_was_building(mini_store, mini_index):
    class ChangesDuringBuild:
        """The store, with an edit committed right after the build has read the change sequence."""

        def __init__(self, store):
            self.store = store

        def latest_change(self):
            seq = self.store.latest_change()
            self.store.upsert("faq", dict(NEW_FAQ))
            return seq

        def __getattr__(self, name):
            return getattr(self.store, name)

    before = current_generation(mini_index)
    mini_store_during = ChangesDuringBuild(mini_store)
    # The build reads entries after the edit; the catch-up before the swap applies it again (idempotent).
    build_index(mini_store_during, mini_index)
    assert current_generation(mini_index) != before
    assert state(mini_index)[0] == mini_store.latest_change()
    assert KnowledgeSearcher(mini_index).search("签注")[0].id == "faq-new-permit"


def test_change_committed_during_the_build_is_caught_up_before_the_swap(mini_store, mini_index, monkeypatch):
    import search.index as index_module

    real_commit_point = index_module.writer_lock

    def edit_then_lock(*args, **kwargs):
        mini_store.upsert("faq", dict(NEW_FAQ))  # committed after the entries were read
        return real_commit_point(*args, **kwargs)

    monkeypatch.setattr(index_module, "writer_lock", edit_then_lock)
    build_index(mini_store, mini_index)
    assert KnowledgeSearcher(mini_index).search("签注")[0].id == "faq-new-permit"
    assert state(mini_index)[0] == mini_store.latest_change()


def test_out_of_order_sequence_numbers_are_not_lost(mini_store, mini_index):
    """PostgreSQL hands out sequence numbers at insert: a later number may commit first."""
    sync = IndexSync(mini_store, mini_index)
    base = mini_store.latest_change()
    mini_store.upsert(
        "faq",
        {**NEW_FAQ, "id": "faq-late", "question": "迟到的护照问题"},
    )
    with mini_store.engine.begin() as conn:  # renumber: the late one takes base+2, leaving base+1 open
        conn.execute(sa.update(changes).where(changes.c.seq == base + 1).values(seq=base + 2))
    assert sync.apply_pending() == 1
    seq, gaps = state(mini_index)
    assert seq == base + 2 and list(gaps) == [base + 1]
    mini_store.upsert("faq", {**NEW_FAQ, "id": "faq-early", "question": "先开始的港澳通行证问题"})
    with mini_store.engine.begin() as conn:  # the slow transaction commits its number base+1 now
        newest = mini_store.latest_change()
        conn.execute(sa.update(changes).where(changes.c.seq == newest).values(seq=base + 1))
    assert sync.apply_pending() == 1
    assert state(mini_index) == (base + 2, {})
    searcher = KnowledgeSearcher(mini_index)
    assert searcher.search("港澳通行证")[0].id == "faq-early"
    assert searcher.search("护照")[0].id == "faq-late"


def test_threads_share_one_searcher_while_commits_land(mini_store, mini_index):
    import threading

    searcher = KnowledgeSearcher(mini_index)
    errors, answers = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                answers.append(searcher.search("身份证丢了怎么补办", limit=1)[0].id)
                searcher.suggest("社保")
            except Exception as exc:  # noqa: BLE001 - any failure of a reader thread is the finding
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    sync = IndexSync(mini_store, mini_index)
    for number in range(15):
        mini_store.upsert(
            "faq",
            {
                "id": f"faq-thread-{number}",
                "question": f"第{number}个港澳签注问题",
                "answer": "到出入境窗口办理。",
                "status": "published",
            },
        )
        sync.apply_pending()
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers and set(answers) == {"ga-idcard-reissue"}
    assert len(searcher.search("港澳签注", limit=50)) == 15
