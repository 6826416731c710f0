"""The store on SQLite and PostgreSQL: versions, the change log in the same transaction, serialised writers."""

from __future__ import annotations

import json
import threading
import time

import pytest

from knowledge.schema import synonym_id


def faq(entry_id: str, question: str, answer: str = "答案。", **extra) -> dict:
    return {
        "id": entry_id,
        "question": question,
        "answer": answer,
        "similar_questions": [],
        "items": [],
        "department": "",
        "keywords": [],
        "status": "published",
        **extra,
    }


def test_every_change_gets_a_version_and_a_change_row(kb):
    start = kb.latest_change()
    assert kb.upsert("faq", faq("faq-new", "新问题"), actor="张三", source="admin")
    entry = kb.get("faq", "faq-new")
    entry["answer"] = "新答案。"
    assert kb.upsert("faq", entry, actor="李四", source="admin")
    assert kb.delete("faq", "faq-new", actor="王五", source="admin")
    assert kb.changes_since(start) == [
        (start + 1, "faq", "faq-new"),
        (start + 2, "faq", "faq-new"),
        (start + 3, "faq", "faq-new"),
    ]
    history = kb.versions("faq", "faq-new")
    assert [(v["version"], v["action"], v["actor"]) for v in history] == [
        (1, "save", "张三"),
        (2, "save", "李四"),
        (3, "delete", "王五"),
    ]
    assert history[1]["data"]["answer"] == "新答案。" and history[2]["data"] is None
    # Re-created after a deletion: numbering goes on, so old versions stay addressable.
    assert kb.upsert("faq", faq("faq-new", "新问题"))
    assert kb.get_row("faq", "faq-new")["version"] == 4


def test_bookkeeping_alone_is_not_a_change(kb):
    entry = kb.get("faq", "faq-ga-001")
    start = kb.latest_change()
    assert not kb.upsert("faq", dict(entry, editor="张三", reviewer="李四", updated_at="2030-01-01"))
    assert kb.latest_change() == start
    assert kb.get_row("faq", "faq-ga-001")["version"] == 1


def test_a_rolled_back_transaction_leaves_no_change_row_and_no_version(kb):
    start = kb.latest_change()
    with pytest.raises(RuntimeError):
        with kb.transaction() as conn:
            kb.upsert("faq", faq("faq-x", "问"), conn)
            kb.delete("faq", "faq-ga-001", conn)
            raise RuntimeError("crash before commit")
    assert kb.latest_change() == start
    assert kb.get("faq", "faq-x") is None and kb.get("faq", "faq-ga-001") is not None
    assert kb.versions("faq", "faq-x") == []


def test_bulk_upsert_counts_and_logs_each_changed_entry(kb):
    start = kb.latest_change()
    old = kb.get("faq", "faq-ga-001")
    batch = [faq(f"faq-b{n}", f"问题{n}") for n in range(3)] + [dict(old, answer="改过的答案。"), old]
    with kb.transaction() as conn:
        result = kb.bulk_upsert("faq", batch[:4], conn, actor="导入", source="import")
    assert {k: result[k] for k in ("created", "updated", "unchanged")} == {"created": 3, "updated": 1, "unchanged": 0}
    assert result["versions"] == {"faq-b0": 1, "faq-b1": 1, "faq-b2": 1, "faq-ga-001": 2}
    assert [c[2] for c in kb.changes_since(start)] == ["faq-b0", "faq-b1", "faq-b2", "faq-ga-001"]
    with kb.transaction() as conn:
        again = kb.bulk_upsert("faq", batch[:4], conn)
    assert again["unchanged"] == 4 and kb.latest_change() == start + 4


def test_synonym_entries_keep_the_index_builders_list_current(kb):
    listed = json.loads(kb.get_meta("synonyms"))
    assert {"official": "居民身份证", "colloquial": ["身份证", "身分证"]} in listed
    entry = {"id": synonym_id("结婚证"), "official": "结婚证", "colloquial": ["红本"], "status": "published"}
    kb.upsert("synonym", entry)
    assert {"official": "结婚证", "colloquial": ["红本"]} in json.loads(kb.get_meta("synonyms"))
    kb.delete("synonym", synonym_id("居民身份证"))
    officials = [s["official"] for s in json.loads(kb.get_meta("synonyms"))]
    assert officials == sorted(officials, key=lambda o: synonym_id(o)) and "居民身份证" not in officials
    assert len(officials) == 2


def test_list_rows_filters_by_text_and_pages(kb):
    for n in range(5):
        kb.upsert("faq", faq(f"faq-p{n}", f"公积金问题{n}"))
    total, rows = kb.list_rows("faq", text="公积金", offset=0, limit=2)
    assert total == 5 and len(rows) == 2
    total, rows = kb.list_rows("faq", text="100%_不存在")
    assert total == 0 and rows == []


def test_writers_are_serialised_so_sequence_numbers_commit_in_order(kb, make_store):
    """A second writer waits for the first to commit, so it cannot commit a smaller sequence number
    after a reader has seen a larger one (what lets search/sync.py apply "everything after N")."""
    other = make_store()
    first_inside = threading.Event()
    order = []

    def first() -> None:
        with kb.transaction() as conn:
            kb.upsert("faq", faq("faq-first", "第一个"), conn)
            first_inside.set()
            time.sleep(0.8)
            order.append(("first commits", time.monotonic()))

    def second() -> None:
        first_inside.wait(5)
        started = time.monotonic()
        with other.transaction() as conn:
            order.append(("second got lock", time.monotonic() - started))
            other.upsert("faq", faq("faq-second", "第二个"), conn)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert order[0][0] == "first commits" and order[1][0] == "second got lock"
    assert order[1][1] >= 0.5  # it waited for the first transaction
    seqs = {row[2]: row[0] for row in kb.changes_since(0)}
    assert seqs["faq-first"] < seqs["faq-second"]


def test_a_recent_read_is_reused_only_for_its_age_and_never_after_this_stores_own_write(kb, make_store):
    """The action server's hot readers (change number, profile) reuse a read for `max_age` seconds; another
    process's write shows after that, this store's own write at once; `max_age=0` always reads."""
    LONG = 60.0  # no machine is that slow between two lines: a reuse below is never an expiry
    kb.set_meta("profile", json.dumps({"platform": "甲"}))
    other = make_store()  # another process on the same database
    seen = kb.latest_change(max_age=LONG)
    assert kb.loaded_profile(max_age=LONG) == {"platform": "甲"}
    other.upsert("faq", faq("faq-elsewhere", "别处写的"), actor="张三", source="admin")
    other.set_meta("profile", json.dumps({"platform": "乙"}))
    assert kb.latest_change(max_age=LONG) == seen and kb.loaded_profile(max_age=LONG) == {"platform": "甲"}
    with kb.transaction(entries_lock=False):
        pass  # bookkeeping such as the question log: what was read stays reused
    assert kb.loaded_profile(max_age=LONG) == {"platform": "甲"}
    assert kb.latest_change() == seen + 1 and kb.loaded_profile() == {"platform": "乙"}
    kb.loaded_profile(max_age=LONG)["platform"] = "被调用方改了"  # a new dict each call
    assert kb.loaded_profile(max_age=LONG) == {"platform": "乙"}
    kb.latest_change(max_age=LONG)
    kb.upsert("faq", faq("faq-here", "这里写的"), actor="张三", source="admin")
    assert kb.latest_change(max_age=LONG) == seen + 2
    kb.set_meta("profile", json.dumps({"platform": "丙"}))
    assert kb.loaded_profile(max_age=LONG) == {"platform": "丙"}
    other.set_meta("profile", json.dumps({"platform": "丁"}))
    time.sleep(0.3)
    assert kb.loaded_profile(max_age=0.2) == {"platform": "丁"}  # older than its max_age: read again
