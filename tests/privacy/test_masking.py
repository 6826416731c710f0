import pytest

from privacy import find_phone, mask_id_number, mask_phone, mask_text, mask_value


@pytest.mark.parametrize(
    "text, masked",
    [
        ("我的身份证号140105199001011234丢了", "我的身份证号140***********1234丢了"),
        ("身份证14010519900101123X", "身份证140***********123X"),
        ("老身份证140105900101123", "老身份证140********1123"),
        ("电话13812345678", "电话138****5678"),
        ("电话 138-1234-5678 找我", "电话 138****5678 找我"),
        ("+8613812345678", "+86138****5678"),
        ("座机0351-5681231", "座机0351-****1231"),
        ("卡号6222021234567890123", "卡号6222***********0123"),
        ("办理时限20个工作日，收费20元", "办理时限20个工作日，收费20元"),
        ("申办编号SX2026112300001", "申办编号SX2026112300001"),
        ("", ""),
    ],
)
def test_masks_personal_numbers_and_leaves_the_rest(text, masked):
    assert mask_text(text) == masked


def test_masked_text_is_stable_and_values_are_masked_in_structures():
    once = mask_text("140105199001011234 13812345678")
    assert mask_text(once) == once
    assert mask_value({"a": ["13812345678", 5], "b": ("140105199001011234",)}) == {
        "a": ["138****5678", 5],
        "b": ("140***********1234",),
    }
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_id_number("140105199001011234") == "140***********1234"


@pytest.mark.parametrize(
    "text, phone",
    [
        ("13812345678", "13812345678"),
        ("我的电话 138 1234 5678，白天打", "13812345678"),  # as older people type it
        ("+86 138-1234-5678", "13812345678"),
        ("座机0351-5681231", "0351-5681231"),
        ("03515681231", "0351-5681231"),
        ("先打 0351-5681231，不通再打 13912345678", "0351-5681231"),  # the first one given
        ("身份证140105199001011234", None),  # never a phone inside an ID number
        ("1381234567", None),  # one digit short
        ("不留", None),
    ],
)
def test_find_phone_takes_what_masking_would_mask_and_writes_it_plainly(text, phone):
    assert find_phone(text) == phone
    if phone:
        assert "****" in mask_text(text)  # the same number is masked wherever it is logged
