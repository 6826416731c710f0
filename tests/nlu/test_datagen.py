"""nlu/datagen.py: the committed generated training data is what the generator makes from the sample KB."""

from knowledge.loader import load_profile
from nlu.datagen import OUTPUT, generate, item_forms, render_yaml
from tests.conftest import SAMPLE_DIR


def test_committed_output_is_up_to_date():
    assert OUTPUT.read_text(encoding="utf-8") == render_yaml(generate(SAMPLE_DIR)), (
        "bot/data/nlu/generated_from_kb.yml is stale: run `make nlu-data`"
    )


def test_generation_is_deterministic_and_uses_aliases(mini_profile):
    first, second = generate(mini_profile), generate(mini_profile)
    assert first == second
    texts = " ".join(t for examples in first.values() for t in examples)
    assert "补办身份证" in texts or "身份证丢了" in texts or "居民身份证补领" in texts
    assert set(first) >= {"ask_materials", "ask_fee", "make_appointment", "life_event"}
    assert "ask_question" not in first  # the mini FAQ asks for a fee: it belongs to ask_fee, not ask_question
    # only online items get 申办 examples: both mini items are online
    assert len(first["apply_online"]) == 2


def test_item_forms_leave_out_questions():
    item = next(i for i in load_profile(SAMPLE_DIR).items if i.id == "ga-idcard-renew")
    forms = item_forms(item)
    assert "换身份证" in forms and "身份证过期了怎么办" not in forms
