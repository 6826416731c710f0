"""好差评 of the conversation: rating and comment, then the submission."""

import pytest

from actions.forms.evaluation import ActionSubmitEvaluation, ValidateEvaluationForm, rating_in
from tests.actions.conftest import make_tracker, slot_events, texts


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
    assert texts(dispatcher) == ["感谢您的评价（满意）！我们会继续改进服务。"]
    assert slot_events(events)["rating"] is None
