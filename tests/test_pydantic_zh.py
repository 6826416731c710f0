"""The one Chinese translation of validation errors (pydantic_zh) that the three services share."""

from pydantic import BaseModel, Field, ValidationError, conint

from pydantic_zh import describe_error, describe_errors, field_label, field_of


class Entry(BaseModel):
    question: str = Field(..., min_length=1, max_length=5)
    rank: conint(ge=1)
    tags: list


def errors_of(payload):
    try:
        Entry(**payload)
    except ValidationError as exc:
        return exc.errors()
    raise AssertionError("no validation error")


def test_labels_and_spacing_follow_the_reader():
    labels = {"question": "question（问题）"}
    said = describe_errors(errors_of({"question": "", "rank": 0, "tags": 3}), labels)
    assert said == ["question（问题）不能为空", "rank 不能小于 1", "tags 应为列表"]
    assert describe_errors(errors_of({"question": "太长太长太长", "rank": "x", "tags": []})) == [
        "question 过长，最多 5 个字符",
        "rank 应为整数",
    ]


def test_locations_hints_and_json():
    assert field_label(("body", "materials", 0, "name"), {"materials": "材料"}) == "材料[0].name"
    assert field_label(("header", "idempotency-key")) == "Idempotency-Key"
    assert field_label(("body",)) == "请求体"
    missing = {"loc": ("body", "text"), "type": "value_error.missing", "msg": "field required"}
    assert describe_error(missing) == "缺少必填字段 text"
    assert describe_error(missing, hints={("text", "value_error.missing"): "请写点什么"}) == "请写点什么"
    bad_json = {"loc": ("body", 12), "type": "value_error.jsondecode", "msg": "Expecting value"}
    assert describe_error(bad_json) == "请求体不是合法的 JSON" and field_of(bad_json) == "请求体"


def test_english_library_messages_are_never_shown():
    said = describe_error({"loc": ("x",), "type": "value_error", "msg": "something English"})
    assert said == "x 取值不正确"
    assert describe_error({"loc": ("x",), "type": "value_error", "msg": "不是有效的日期"}) == "x 不是有效的日期"
