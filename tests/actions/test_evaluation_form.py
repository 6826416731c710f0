"""好差评 of the conversation: rating and comment, then the submission."""

import pytest

from actions.forms.evaluation import ActionSubmitEvaluation, ValidateEvaluationForm, rating_in
from tests.actions.conftest import make_tracker, said, slot_events, texts


@pytest.mark.parametrize(
    "text, rating",
    [("五星好评", 5), ("非常不满意", 1), ("还行吧", 3), ("态度不好", 2), ("满意", 4), ("差评", 1), ("我要评价", None)],
)
def test_rating_words(text, rating):
    assert rating_in(text) == rating


async def test_rating_by_number_and_optional_comment(sample_kb, dispatcher, domain):
    tracker = make_tracker(
        "5",
        "choose_option",
        [{"entity": "number", "value": "5"}],
        {"requested_slot": "rating"},
        active_loop="evaluation_form",
    )
    assert slot_events(await ValidateEvaluationForm().run(dispatcher, tracker, domain)) == {"rating": 5}
    tracker = make_tracker(
        "没有", "deny", slots={"requested_slot": "rating_comment", "rating": 5}, active_loop="evaluation_form"
    )
    assert slot_events(await ValidateEvaluationForm().run(dispatcher, tracker, domain)) == {"rating_comment": "无"}


async def test_submit_reaches_the_api(api, dispatcher):
    tracker = make_tracker(
        "回答很清楚",
        slots={"rating": 4, "rating_comment": "回答很清楚"},
        metadata={"identity_token": api.token("citizen-e")},
        sender="citizen-e",
    )
    events = await ActionSubmitEvaluation().run(dispatcher, tracker, {})
    (evaluation,) = api.listing("evaluations", "citizen-e")
    assert (evaluation["target_type"], evaluation["target_id"], evaluation["rating"], evaluation["comment"]) == (
        "conversation",
        "citizen-e",
        4,
        "回答很清楚",
    )
    assert texts(dispatcher) == ["感谢您的评价（满意）！我们会继续改进服务。"]  # Shanxi: 好差评 only
    assert slot_events(events)["rating"] is None


async def test_a_profile_with_other_feedback_channels_names_them_after_the_rating(api, dispatcher, monkeypatch):
    """我的宁夏 also takes feedback by 问卷 and 体验官 (profile feedback_channels): said after the thanks."""
    import actions.platform.profile as profile_module

    profile = {**profile_module.platform_profile(), "app_name": "我的宁夏APP"}
    profile["feedback_channels"] = ["好差评", "问卷", "体验官"]
    monkeypatch.setattr(profile_module, "platform_profile", lambda: profile)
    tracker = make_tracker("5", slots={"rating": 5, "rating_comment": "无"}, sender="citizen-nx")
    await ActionSubmitEvaluation().run(dispatcher, tracker, {})
    assert said(dispatcher) == ["utter_evaluation_thanks", "utter_feedback_channels"]
    assert texts(dispatcher)[1] == "您还可以通过我的宁夏APP的“问卷”“体验官”反馈意见和建议。"
