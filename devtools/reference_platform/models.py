"""Request and response models (pydantic v1) and the fixed vocabularies of the reference API."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Literal, Optional

from pydantic import BaseModel, Field, confloat, conint, constr, validator

# --- vocabularies ---------------------------------------------------------------------------

SLOTS: List[str] = [
    "09:00-10:00",
    "10:00-11:00",
    "11:00-12:00",
    "14:00-15:00",
    "15:00-16:00",
    "16:00-17:00",
]
DEFAULT_SLOT_CAPACITY = 2

APPOINTMENT_BOOKED = "已预约"
APPOINTMENT_CANCELLED = "已取消"

# Application drafts: created as 待补充, then advanced by the control endpoint.
APPLICATION_DRAFT = "待补充"
APPLICATION_STEPS: List[str] = ["已受理", "审核中", "已办结"]

# 12345 work orders: created as 已受理, then advanced by the control endpoint.
WORKORDER_STEPS: List[str] = ["已受理", "处理中", "已办结"]
WORKORDER_KIND_LABELS = {"complaint": "投诉", "suggestion": "建议"}
WORKORDER_REPLY = "您反映的事项已由承办单位办理完毕，感谢您对政务服务工作的关心和支持。"

RATING_LEVELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

FINISH_LINK_PREFIX = "sanjintong://application/"

MOBILE_REGEX = r"^1[3-9]\d{9}$"
CONTACT_PHONE_REGEX = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

MESSAGE_SENT = "已发送"
MESSAGE_MAX_CHARS = 2000

FORM_MAX_FIELDS = 100
FORM_MAX_VALUE_CHARS = 2000


def parse_iso_date(value: Any) -> dt.date:
    """Strict YYYY-MM-DD (pydantic v1 alone would also take timestamps)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE_RE.match(value.strip()):
        raise ValueError("格式不正确，应为 YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("不是有效的日期") from None


def _check_slot(value: str) -> str:
    if value not in SLOTS:
        raise ValueError("不是可预约的时段，可选：" + "、".join(SLOTS))
    return value


ShortText = constr(strip_whitespace=True, min_length=1, max_length=64)
NameText = constr(strip_whitespace=True, min_length=1, max_length=200)


# --- auth -----------------------------------------------------------------------------------


class TokenRequest(BaseModel):
    user_id: constr(strip_whitespace=True, min_length=1, max_length=64, regex=r"^[A-Za-z0-9_.\-]+$") = Field(
        ..., description="测试用户标识（字母、数字、_ . -），例如 test-user"
    )


class TokenResponse(BaseModel):
    access_token: str = Field(..., description="身份令牌，请求时放在 Authorization: Bearer 头中")
    token_type: str = Field("bearer", description="固定为 bearer")
    expires_in: int = Field(..., description="有效期（秒）")


class IdentityProfile(BaseModel):
    user_id: str = Field(..., description="用户标识")
    name: str = Field(..., description="姓名")
    id_number: str = Field(..., description="18 位居民身份证号码")
    phone: str = Field(..., description="手机号码")
    address: str = Field(..., description="住址")


# --- appointments ---------------------------------------------------------------------------


class SlotInfo(BaseModel):
    slot: str = Field(..., description="时段，例如 09:00-10:00")
    capacity: int = Field(..., description="号源总数")
    remaining: int = Field(..., description="剩余号源")
    available: bool = Field(..., description="是否可预约")


class SlotsResponse(BaseModel):
    item_id: str
    place: str
    date: str = Field(..., description="日期 YYYY-MM-DD")
    slots: List[SlotInfo]


class AppointmentCreate(BaseModel):
    item_id: ShortText = Field(..., description="事项编码")
    item_name: NameText = Field(..., description="事项名称")
    place: NameText = Field(..., description="办理地点（大厅/窗口）")
    date: dt.date = Field(..., description="预约日期 YYYY-MM-DD，须为今天及以后的工作日")
    slot: str = Field(..., description="预约时段，取值见 GET /appointments/slots")
    phone: constr(strip_whitespace=True, regex=MOBILE_REGEX) = Field(..., description="联系手机号")

    _date = validator("date", pre=True, allow_reuse=True)(parse_iso_date)
    _slot = validator("slot", allow_reuse=True)(_check_slot)


class Appointment(BaseModel):
    appointment_id: str = Field(..., description="预约编号，例如 YY2026112300001")
    user_id: str
    item_id: str
    item_name: str
    place: str
    date: str
    slot: str
    phone: str
    status: str = Field(..., description="已预约 / 已取消")
    created_at: str
    cancelled_at: Optional[str] = None


# --- applications ---------------------------------------------------------------------------


class ApplicationCreate(BaseModel):
    item_id: ShortText = Field(..., description="事项编码")
    item_name: NameText = Field(..., description="事项名称")
    form: Dict[str, Any] = Field(..., description="预填表单：字段名 -> 值（字符串、数字、布尔或 null）")

    @validator("form")
    def _check_form(cls, value: Dict[str, Any]) -> Dict[str, Any]:
        if len(value) > FORM_MAX_FIELDS:
            raise ValueError(f"字段数不能超过 {FORM_MAX_FIELDS} 个")
        for key, item in value.items():
            if not key.strip() or len(key) > 64:
                raise ValueError("字段名不能为空且不能超过 64 个字符")
            if item is not None and not isinstance(item, (str, int, float, bool)):
                raise ValueError(f"字段 {key} 的值只能是字符串、数字、布尔或 null")
            if isinstance(item, str) and len(item) > FORM_MAX_VALUE_CHARS:
                raise ValueError(f"字段 {key} 的值不能超过 {FORM_MAX_VALUE_CHARS} 个字符")
        return value


class ProgressStep(BaseModel):
    step: str = Field(..., description="环节名称")
    done: bool = Field(..., description="是否已完成")
    time: Optional[str] = Field(None, description="完成时间")


class Application(BaseModel):
    application_no: str = Field(..., description="申办编号，例如 SX2026112300001")
    user_id: str
    item_id: str
    item_name: str
    form: Dict[str, Any]
    status: str = Field(..., description="待补充 / 已受理 / 审核中 / 已办结")
    finish_link: str = Field(..., description="在“三晋通”App 中继续办理的链接")
    created_at: str
    updated_at: str
    progress: List[ProgressStep] = Field(..., description="办件进度")


# --- work orders ----------------------------------------------------------------------------


class WorkorderCreate(BaseModel):
    kind: Literal["complaint", "suggestion"] = Field(..., description="complaint 投诉 / suggestion 建议")
    content: constr(strip_whitespace=True, min_length=1, max_length=2000) = Field(..., description="诉求内容")
    location: Optional[constr(strip_whitespace=True, max_length=200)] = Field(None, description="事发地点")
    contact_phone: Optional[constr(strip_whitespace=True, regex=CONTACT_PHONE_REGEX)] = Field(
        None, description="联系电话（手机或固话）"
    )


class Workorder(BaseModel):
    workorder_no: str = Field(..., description="工单编号，例如 GD2026112300001")
    user_id: str
    kind: str
    kind_label: str = Field(..., description="投诉 / 建议")
    content: str
    location: Optional[str]
    contact_phone: Optional[str]
    status: str = Field(..., description="已受理 / 处理中 / 已办结")
    reply: Optional[str] = Field(None, description="办结答复")
    created_at: str
    updated_at: str
    progress: List[ProgressStep]


# --- evaluations ----------------------------------------------------------------------------


class EvaluationCreate(BaseModel):
    target_type: Literal["conversation", "application", "appointment"] = Field(
        ..., description="评价对象类型：conversation 对话 / application 办件 / appointment 预约"
    )
    target_id: ShortText = Field(..., description="评价对象编号（对话编号、申办编号或预约编号）")
    rating: conint(strict=True, ge=1, le=5) = Field(..., description="评分 1-5（5 为非常满意）")
    comment: Optional[constr(strip_whitespace=True, max_length=500)] = Field(None, description="评价内容")


class Evaluation(BaseModel):
    evaluation_id: str = Field(..., description="评价编号，例如 PJ2026112300001")
    user_id: str
    target_type: str
    target_id: str
    rating: int
    level: str = Field(..., description="非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意")
    comment: Optional[str]
    created_at: str


# --- message push (站内信/短信) -----------------------------------------------------------------


def check_contact_phone(value: str) -> str:
    value = value.strip()
    if not re.match(CONTACT_PHONE_REGEX, value):
        raise ValueError("应为手机号（11 位）或座机号（如 0351-1234567）")
    return value


class MessageCreate(BaseModel):
    phone: str = Field(..., description="接收的手机号或座机号（座机收语音通知）")
    sender_id: Optional[constr(strip_whitespace=True, min_length=1, max_length=160)] = Field(
        None, description="对话渠道中的用户标识（便于平台把消息同时放进站内信）"
    )
    title: constr(strip_whitespace=True, min_length=1, max_length=64) = Field(..., description="消息标题")
    text: constr(strip_whitespace=True, min_length=1, max_length=MESSAGE_MAX_CHARS) = Field(..., description="消息正文")

    _phone = validator("phone", allow_reuse=True)(check_contact_phone)


class PushedMessage(BaseModel):
    message_id: str = Field(..., description="消息编号，例如 XX2026112300001")
    phone: str
    sender_id: Optional[str]
    title: str
    text: str
    status: str = Field(..., description="固定为“已发送”（参考实现不真的发短信）")
    created_at: str


# --- lists, control -------------------------------------------------------------------------


class AppointmentList(BaseModel):
    items: List[Appointment]


class ApplicationList(BaseModel):
    items: List[Application]


class WorkorderList(BaseModel):
    items: List[Workorder]


class EvaluationList(BaseModel):
    items: List[Evaluation]


class PushedMessageList(BaseModel):
    items: List[PushedMessage]


class ErrorResponse(BaseModel):
    detail: str = Field(..., description="中文错误说明")


class ControlSettings(BaseModel):
    delay_seconds: confloat(ge=0, le=60) = Field(0.0, description="每个非控制请求处理前的延迟（秒）")
    fail_status: Optional[conint(strict=True, ge=400, le=599)] = Field(
        None, description="非空时，每个非控制请求都直接以该状态码应答"
    )
    fail_times: Optional[conint(strict=True, ge=1)] = Field(
        None, description="仅让接下来的这么多个请求失败，之后自动恢复；为空表示一直失败"
    )


class ControlState(BaseModel):
    delay_seconds: float
    fail_status: Optional[int]
    fail_times: Optional[int]


class ReceivedRequest(BaseModel):
    seq: int
    received_at: str
    method: str
    path: str
    idempotency_key: Optional[str]
    body: Any = Field(None, description="请求体（JSON 解析后；无法解析时为原文）")
    status: Optional[int] = Field(None, description="本服务给出的状态码；尚未应答时为空")


class ReceivedList(BaseModel):
    items: List[ReceivedRequest]


class HealthResponse(BaseModel):
    status: str
