"""The answer decision on hits of the fused ranking (search/answer_policy.py): answer, offer choices, or nothing.
The hits are written out here (cosine and ranking score as the searcher gives them) so that each rule is
seen on its own; the store is a real one, holding the entries the hits point at."""

import pytest

from search import answer_policy as confidence
from search.searcher import Hit

ENTRIES = {
    "faq-wander-where": "长者防走失手链向哪个单位申请？",
    "faq-wander-process": "长者防走失手链的申请流程为何？",
    "faq-withdraw-rent": "租房怎么提取公积金？",
    "faq-withdraw-buy": "买房怎么提取公积金？",
    "faq-withdraw-rent-county": "租房怎么提取公积金？",  # the same question, answered by another department
    "faq-pregnancy-file": "孕妇需要建档吗？在哪里建档？",
    "faq-hukou-parents": "父母户口不在一个地方，孩子户口上在哪？",
}


class Corrector:
    """The searcher's spelling correction, as the identity: these questions have no typo."""

    def corrected(self, text):
        return text, text


@pytest.fixture
def store(tmp_path):
    from knowledge.store import KnowledgeStore

    store = KnowledgeStore(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    for faq_id, question in ENTRIES.items():
        store.upsert("faq", {"id": faq_id, "question": question, "answer": "见办事指南。", "status": "published"})
    return store


def hit(faq_id, cosine, score):
    return Hit("faq", faq_id, ENTRIES[faq_id], "", score, cosine=cosine)


def judge(store, text, hits):
    return confidence.judge(Corrector(), store, text, hits)


def test_a_clear_lead_in_the_ranking_score_is_answered(store):
    hits = [hit("faq-wander-where", 0.930, 0.995), hit("faq-wander-process", 0.925, 0.975)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.ANSWER


def test_a_lead_smaller_than_the_margin_offers_choices(store):
    lead = confidence.SCORE_MARGIN / 2
    hits = [hit("faq-wander-where", 0.930, 0.980 + lead), hit("faq-wander-process", 0.925, 0.980)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.CHOOSE


def test_shared_words_alone_do_not_answer_when_the_sentence_vector_clearly_prefers_another_entry(store):
    # ahead in the ranking score (its words), clearly behind in cosine: the citizen chooses
    behind = 0.9234 + confidence.RIVAL_SLACK + 0.002
    hits = [hit("faq-wander-where", 0.9234, 0.9734 + 0.02), hit("faq-wander-process", behind, 0.9600)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.CHOOSE


def test_a_score_lead_is_answered_when_the_rival_is_closer_only_within_the_slack(store):
    # siblings of one programme: the rival a few thousandths closer in cosine, the top ahead in words
    hits = [hit("faq-wander-where", 0.9234, 0.9734), hit("faq-wander-process", 0.9240, 0.9600)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.ANSWER
    # a question that also names what the rival is about ("手链和公积金"): words cannot decide, the citizen chooses
    both = [hit("faq-wander-where", 0.9234, 0.9734), hit("faq-withdraw-rent", 0.9240, 0.9600)]
    assert judge(store, "防走失手链申请和租房公积金", both).level == confidence.CHOOSE
    assert judge(store, "防走失手链申请", both).level == confidence.ANSWER
    # the same hits for a question most of whose words the entry lacks: the citizen chooses
    assert judge(store, "北京到上海的高铁票怎么买 手链", hits).level == confidence.CHOOSE
    # the same, below WORDS_COSINE: the citizen chooses
    low = confidence.WORDS_COSINE - 0.005
    hits = [hit("faq-wander-where", low, low + 0.05), hit("faq-wander-process", low + 0.001, low + 0.03)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.CHOOSE


def test_a_sure_cosine_with_a_rival_closer_in_meaning_needs_the_margin(store):
    close = [hit("faq-withdraw-rent", 0.9734, 1.0234), hit("faq-withdraw-buy", 0.9762, 1.0197)]
    assert judge(store, "公积金怎么提取", close).level == confidence.CHOOSE
    ahead = [hit("faq-withdraw-rent", 0.9734, 1.0400), hit("faq-withdraw-buy", 0.9762, 1.0197)]
    assert judge(store, "公积金怎么提取", ahead).level == confidence.ANSWER
    alone = [hit("faq-withdraw-rent", 0.9734, 1.0234)]
    assert judge(store, "公积金怎么提取", alone).level == confidence.ANSWER


def test_below_the_none_cosine_nothing_is_answered(store):
    hits = [hit("faq-wander-where", confidence.NONE_COSINE - 0.01, 0.95)]
    assert judge(store, "防走失手链去哪申请", hits).level == confidence.NONE


def test_a_moderate_cosine_far_ahead_of_every_other_topic_is_answered(store):
    top = confidence.LEAD_COSINE + 0.008
    ahead = [
        hit("faq-pregnancy-file", top, top + 0.06),
        hit("faq-hukou-parents", top - confidence.COSINE_LEAD - 0.001, top + 0.01),
    ]
    assert judge(store, "怀上了 在哪建档", ahead).level == confidence.ANSWER
    # the same hits with the other topic closer in meaning than the lead: the citizen chooses
    near = [ahead[0], hit("faq-hukou-parents", top - confidence.COSINE_LEAD + 0.005, top + 0.01)]
    assert judge(store, "怀上了 在哪建档", near).level == confidence.CHOOSE
    # below LEAD_COSINE no lead is enough
    low = confidence.LEAD_COSINE - 0.005
    far = [hit("faq-pregnancy-file", low, low + 0.06), hit("faq-hukou-parents", low - 0.05, low)]
    assert judge(store, "怀上了 在哪建档", far).level == confidence.CHOOSE


def test_a_cosine_ahead_by_less_than_the_models_noise_prefers_neither_entry(store):
    # "公积金怎么提取": as close to one kind of withdrawal as to the other — the citizen chooses
    top = 0.9762
    within = [hit("faq-withdraw-rent", top, 0.9849), hit("faq-withdraw-buy", top - confidence.NOISE_COSINE / 2, 0.9834)]
    assert judge(store, "公积金怎么提取", within).level == confidence.CHOOSE
    beyond = [
        hit("faq-withdraw-rent", top, 0.9849),
        hit("faq-withdraw-buy", top - confidence.NOISE_COSINE - 0.001, 0.9834),
    ]
    assert judge(store, "公积金怎么提取", beyond).level == confidence.ANSWER


def test_the_same_question_from_another_department_is_no_rival_for_the_cosine_lead(store):
    top = 0.9762
    hits = [
        hit("faq-withdraw-rent", top, 0.9849),
        hit("faq-withdraw-rent-county", top, 0.9845),
        hit("faq-withdraw-buy", top - confidence.NOISE_COSINE - 0.001, 0.9834),
    ]
    assert judge(store, "公积金怎么提取", hits).level == confidence.ANSWER
