"""The evidence ranker's logic (nlu/evidence.py) on the shipped sample knowledge base: entities the gazetteer's
exact spans miss, transactional intents only on explicit cues, evidence over weak guesses, life situations."""

import pytest

from nlu.evidence import EvidenceTables, cue_of, derived_entities, rerank
from nlu.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def tables(sample_terms):
    known = sorted({t.value for t in sample_terms.terms if t.label in ("item", "life_event")})
    names = sorted({t.text for t in sample_terms.terms if t.label in ("item", "life_event")})
    return EvidenceTables(list(sample_terms.compounds), dict(sample_terms.apps), known, names)


@pytest.fixture(scope="module")
def gazetteer(sample_terms):
    return Gazetteer.from_terms(sample_terms)


@pytest.fixture
def entities_of(tables, gazetteer):
    def run(text):
        found = [
            {"entity": m.entity, "value": v, "start": m.start, "end": m.end}
            for m in gazetteer.find(text)
            for v in m.values
        ]
        return found + derived_entities(text, found, tables)

    return run


def values(entities, kind):
    return sorted(e["value"] for e in entities if e["entity"] == kind)


@pytest.mark.parametrize(
    "text, item",
    [
        ("驾照弄丢了还能补办吗", "ga-driving-license-reissue"),
        ("驾驶本找不到了咋整", "ga-driving-license-reissue"),
        ("驾照快到期了", "ga-driving-license-renew"),
        ("身份证被偷了怎么弄", "ga-idcard-reissue"),
        ("社保卡消磁了", "rs-sscard-replace"),
        ("老家的户口想迁到太原来怎么弄", "ga-hukou-move-in"),
        ("我想把户口迁回老家", "ga-hukou-move-out"),
    ],
)
def test_an_item_said_in_pieces_is_found(entities_of, text, item):
    assert values(entities_of(text), "item") == [item]


def test_a_certificate_alone_stays_a_document(entities_of):
    found = entities_of("驾照在哪里考")
    assert values(found, "item") == [] and values(found, "document") == ["机动车驾驶证"]


@pytest.mark.parametrize(
    "text, app",
    [
        ("燃气费在哪里交", "app-utilities-payment"),
        ("电费欠费了去哪交", "app-utilities-payment"),
        ("怎么查违章", "app-traffic-violation-query"),
        ("医保码在哪打开", "app-medical-voucher"),
    ],
)
def test_an_app_is_found_by_what_it_is_for(entities_of, text, app):
    assert app in values(entities_of(text), "app")


def test_a_word_of_many_items_is_no_app_without_its_verb(entities_of):
    assert values(entities_of("公积金提取有什么条件"), "app") == []
    assert values(entities_of("帮我查一下公积金"), "app") == ["app-gjj-query"]


@pytest.mark.parametrize(
    "text, package",
    [
        ("我老婆前天生了个闺女", "pk-newborn"),
        ("生了孩子", "pk-newborn"),
        ("家里老人走了", "pk-after-death"),
        ("我爸昨天去世了", "pk-after-death"),
        ("刚失业", "pk-employment"),
        ("被公司辞退了", "pk-employment"),
        ("刚领了结婚证", "pk-marriage"),
    ],
)
def test_a_life_situation_names_its_package(entities_of, text, package):
    assert values(entities_of(text), "life_event") == [package]


@pytest.mark.parametrize("text", ["我走了，再见", "老人走丢了，求助", "生育津贴怎么领"])
def test_no_situation_where_there_is_none(entities_of, text):
    assert "pk-after-death" not in values(entities_of(text), "life_event")
    assert "pk-newborn" not in values(entities_of(text), "life_event")


def test_transactional_intents_need_their_cue():
    assert cue_of("check_progress", "我的件办到哪了")
    assert cue_of("check_progress", "查一下", [{"entity": "application_no", "value": "SX2026112300001"}])
    assert not cue_of("check_progress", "身份证怎么办")
    assert cue_of("make_appointment", "帮我约下周一下午")
    assert cue_of("complaint", "窗口人员态度太差")
    assert cue_of("suggestion", "希望能多开几个窗口")
    assert not cue_of("complaint", "居住证咋办")


def test_a_weak_transactional_guess_gives_way_to_a_question():
    result = rerank([("check_progress", 0.45), ("ask_question", 0.35), ("greet", 0.2)], "刚来太原打工，居住证咋办", [])
    assert result.intent == "ask_question"


def test_an_explicit_cue_keeps_the_transactional_intent():
    result = rerank([("check_progress", 0.6), ("ask_question", 0.4)], "我的居住证办到哪一步了", [])
    assert result.intent == "check_progress"


def test_evidence_beats_out_of_scope_and_fallback_with_a_confident_question(entities_of):
    text = "我外婆今年八十七了能领高龄津贴不"
    result = rerank([("out_of_scope", 0.35), ("ask_question", 0.3), ("goodbye", 0.2)], text, entities_of(text))
    assert result.intent == "ask_question" and result.confidence > 0.4


def test_an_app_is_asked_about_not_a_part_of_some_guide(entities_of):
    text = "燃气费在哪里交"
    result = rerank([("ask_location", 0.8), ("ask_question", 0.1), ("ask_fee", 0.1)], text, entities_of(text))
    assert result.intent == "ask_question"


def test_a_life_situation_leads_to_its_package(entities_of):
    text = "我老婆前天生了个闺女"
    result = rerank([("elder_mode", 0.42), ("ask_question", 0.32), ("out_of_scope", 0.26)], text, entities_of(text))
    assert result.intent == "life_event"


@pytest.mark.parametrize(
    "text",
    [
        "我老公明年三月就到退休年龄了 养老金公积金这些手续都得办啥",
        "刚领了结婚证 户口要迁过来 还有生育登记 能一起办不",
        "生孩子要办出生证明和户口 能一起办吗",
    ],
)
def test_several_things_of_a_life_situation_at_once_are_its_package_even_with_an_item_named(entities_of, text):
    found = entities_of(text)
    assert values(found, "item")  # an item is named too …
    result = rerank([("ask_question", 0.9), ("ask_guide", 0.1)], text, found)
    assert result.intent == "life_event"  # … but the 一件事 is what is asked


def test_one_items_procedures_in_a_life_situation_stay_that_items_question(entities_of):
    text = "我爸去世了 注销户口需要哪些手续"
    found = entities_of(text)
    assert values(found, "life_event") == ["pk-after-death"] and values(found, "item")
    result = rerank([("ask_guide", 0.9), ("ask_question", 0.1)], text, found)
    assert result.intent == "ask_guide"


def test_a_sure_control_intent_stands(entities_of):
    text = "转人工，身份证的事说不清"
    result = rerank([("human_handoff", 0.9), ("ask_question", 0.1)], text, entities_of(text))
    assert result.intent == "human_handoff"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("deny", "户口本找不到了"),
        ("human_handoff", "信义区托婴中心地址电话多少"),
        ("bot_challenge", "有人打电话说是政府的要我交钱 是骗子吧"),
    ],
)
def test_a_control_intent_without_its_cue_gives_way_even_when_the_classifier_is_sure(intent, text):
    result = rerank([(intent, 0.9), ("ask_question", 0.06), ("greet", 0.04)], text, [])
    assert result.intent == "ask_question"


def test_a_dropped_control_guess_leaves_the_rest_as_unsure_as_it_was():
    result = rerank([("deny", 0.5), ("ask_guide", 0.3), ("greet", 0.2)], "叽里咕噜手续", [])
    assert result.confidence == pytest.approx(0.3)  # below the FallbackClassifier's 0.4: still 没听懂


@pytest.mark.parametrize(
    "intent, text",
    [
        ("deny", "不"),
        ("deny", "算了"),
        ("deny", "先别提交"),
        ("deny", "no"),
        ("human_handoff", "我要跟真人说"),
        ("human_handoff", "打哪个电话能找到人"),
        ("bot_challenge", "你是谁"),
        ("bot_challenge", "回复这么快是机器吧"),
    ],
)
def test_a_control_intent_with_its_cue_stands(intent, text):
    assert rerank([(intent, 0.9), ("ask_question", 0.1)], text, []).intent == intent


def test_a_long_message_follows_the_intake_label():
    ranking = [("ask_question", 0.7), ("complaint", 0.3)]
    assert rerank(ranking, "…", [], intake_label="complaint").intent == "complaint"
    assert rerank(ranking, "…", [], intake_label="help_request").intent == "help_request"
    assert rerank([("complaint", 0.6), ("ask_materials", 0.4)], "…", [], intake_label="question").intent == (
        "ask_materials"
    )


def test_tables_survive_the_model_storage(tables):
    again = EvidenceTables.from_json(tables.to_json())
    assert again.app_patterns() == tables.app_patterns() and again.compounds == tables.compounds


def test_a_question_taken_for_small_talk_is_a_question():
    from nlu.evidence import rerank

    ranking = [("goodbye", 0.55), ("ask_question", 0.2), ("thank", 0.25)]
    decided = rerank(ranking, "长照2.0为什么只在万华区先试", [])
    assert decided.intent == "ask_question" and decided.reason == "question form"
    # short small talk, and what is not in question form, stay as they are
    assert rerank([("chitchat", 0.7), ("ask_question", 0.3)], "你叫什么名字", []).intent == "chitchat"
    assert rerank([("goodbye", 0.8), ("ask_question", 0.2)], "好的今天就到这里再见了", []).intent == "goodbye"
    # out of scope is left to action_answer_or_reply (answers only what the knowledge base is sure of)
    assert rerank([("out_of_scope", 0.7), ("ask_question", 0.3)], "明天太原会不会下雨呢", []).intent == "out_of_scope"


@pytest.mark.parametrize(
    "intent, text",
    [
        ("complaint", "电梯坏了一个星期物业就是不修"),
        ("help_request", "家里就我一个人 腿摔了起不来"),
        ("suggestion", "医院周末也开个专家门诊吧"),
        ("check_progress", "上礼拜交的居住证材料 到现在还没信儿"),
    ],
)
def test_a_report_said_without_its_cue_word_stands_when_the_classifier_is_sure(intent, text):
    result = rerank([(intent, 0.8), ("ask_question", 0.15), ("greet", 0.05)], text, [])
    assert result.intent == intent
    # the same guess, unsure: it needs its cue
    unsure = rerank([(intent, 0.55), ("ask_question", 0.4), ("greet", 0.05)], text, [])
    assert unsure.intent == "ask_question"


@pytest.mark.parametrize(
    "text", ["我户口在河南 在太原没活干了 能在这边登记失业不", "我妈住院花了十几万 公积金能取出来用不"]
)
def test_a_question_is_never_a_flow_without_the_flows_cue_however_sure_the_guess(text):
    result = rerank([("help_request", 0.97), ("ask_question", 0.02), ("ask_conditions", 0.01)], text, [])
    assert result.intent in ("ask_question", "ask_conditions")


@pytest.mark.parametrize(
    "intent, text",
    [
        ("check_progress", "办件进度一直显示受理中是啥意思"),
        ("check_progress", "匿名举报的能查处理进度吗"),
        ("complaint", "反映问题要不要上传照片啊"),
        ("complaint", "投诉物业该找哪个部门"),
        ("suggestion", "在哪能看到提过的建议有没有被采纳"),
        ("check_progress", "我在网上陈情了 怎么查不到处理进度"),
    ],
)
def test_a_question_about_how_a_channel_works_is_answered_not_started(intent, text):
    result = rerank([(intent, 0.7), ("ask_question", 0.25), ("greet", 0.05)], text, [])
    assert result.intent == "ask_question" and result.reason == "about the channel"


@pytest.mark.parametrize(
    "intent, text",
    [("check_progress", "帮我查一下我那个工单到哪了"), ("complaint", "我要投诉 这个窗口让我跑了五趟")],
)
def test_asking_for_the_channel_to_be_used_starts_it(intent, text):
    assert rerank([(intent, 0.7), ("ask_question", 0.25), ("greet", 0.05)], text, []).intent == intent
