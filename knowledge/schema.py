"""Schema of knowledge-base entries: the shape every source file and stored entry must have.

Pydantic 1.10 models (the version Rasa 3.6 pins). One model per entry kind; the loader validates
sample files against these, the store keeps each entry as the model's JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any, Dict, List, Optional

from pydantic import BaseModel, Field, validator

PUBLISHED = "published"
QUESTION_MAX_LENGTH = 500
ANSWER_MAX_LENGTH = 20_000
DRAFT = "draft"
STATUSES = (DRAFT, "review", PUBLISHED)


ID_MAX_LENGTH = 64
# Ids are kept as they come from a real export (`GIP_94145712`, `常见问题/12`): any printable text up to
# 64 characters, not only spaces, without control characters (checked in `_Entry`).
ID_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]*\S[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]*$"
# Characters XML 1.0 (so XLSX) and CSV cannot carry: an entry holding one could not be exported.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTROL_REFUSED = "不能含有控制字符（如 \\x00；换行与制表符除外）"


def has_control_characters(value: Any) -> bool:
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, BaseModel):
        value = value.dict()
    if isinstance(value, dict):
        return any(has_control_characters(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(has_control_characters(v) for v in value)
    return False


class _Entry(BaseModel):
    id: str = Field(..., min_length=1, max_length=ID_MAX_LENGTH, regex=ID_PATTERN)

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


class _Editable(_Entry):
    """An entry staff edit through the review workflow: who last edited it and who published it."""

    status: str = PUBLISHED
    editor: str = ""
    reviewer: str = ""

    @validator("status")
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        return v

    @validator("*")
    def _no_control_characters(cls, v: Any) -> Any:
        if has_control_characters(v):
            raise ValueError(CONTROL_REFUSED)
        return v


class Material(BaseModel):
    name: str
    copies: int = 1
    form: str = "原件"  # 原件 | 复印件 | 原件及复印件 | 电子版
    e_license_exempt: bool = False  # True: 可用电子证照免提交
    note: str = ""

    class Config:
        extra = "forbid"


class Place(BaseModel):
    region: str  # "*" for the whole province, else a city or county name
    address: str
    hours: str
    phone: str = ""

    class Config:
        extra = "forbid"


class Online(BaseModel):
    available: bool  # 掌上可办
    channel: str = ""  # e.g. 三晋通APP
    link: str = ""  # deep link to the app / mini-program page
    note: str = ""

    class Config:
        extra = "forbid"


class Situation(BaseModel):
    """One 情形 of an item whose materials differ by situation (首次申领 / 到期换领 / 丢失补领)."""

    name: str = Field(..., min_length=1, max_length=64)
    materials: List[Material]

    class Config:
        extra = "forbid"


class Item(_Editable):
    """政务服务事项 with its full 办事指南."""

    name: str
    aliases: List[str] = []
    department: str  # Department.id
    region_scope: str = "全省"
    audience: List[str] = ["自然人"]  # 自然人 | 法人
    themes: List[str] = []
    life_events: List[str] = []  # Package ids
    high_frequency: bool = False  # in the 高频事项清单
    conditions: str
    materials: List[Material]
    steps: List[str]
    legal_time_limit: str  # 法定办结时限
    promised_time_limit: str  # 承诺办结时限
    fee: str
    places: List[Place]
    hotline: str
    online: Online
    cross_province: bool = False  # 跨省通办
    cross_region: List[str] = []  # regional 通办 labels from the profile's cross_region_labels, e.g. 西南区域通办
    legal_basis: List[str] = []
    situations: List[Situation] = []  # when materials differ by 情形; `materials` then lists them all
    updated_at: dt.date


class Faq(_Editable):
    """常见问题: one answer with the ways citizens ask it."""

    question: str = Field(..., min_length=1, max_length=QUESTION_MAX_LENGTH)
    similar_questions: List[str] = []
    answer: str = Field(..., min_length=1, max_length=ANSWER_MAX_LENGTH)  # policy texts are kept whole
    items: List[str] = []  # Item ids
    department: str = ""
    keywords: List[str] = []
    updated_at: Optional[dt.date] = None


class Package(_Editable):
    """一件事一次办: a life event served by several items in order."""

    name: str
    aliases: List[str] = []
    description: str
    items: List[str]  # Item ids in the order they are done
    together: List[List[str]] = []  # groups of item ids handled in one submission
    shared_materials: List[str] = []
    online: Online
    places: List[Place] = []
    time_limit: str = ""
    cross_region: List[str] = []  # as Item.cross_region
    updated_at: dt.date


class App(_Editable):
    """便民服务应用: an app or mini-program page a citizen can open."""

    name: str
    aliases: List[str] = []
    description: str
    department: str = ""
    link: str
    updated_at: dt.date


class Department(_Entry):
    name: str
    aliases: List[str] = []
    hotline: str = ""


class County(BaseModel):
    name: str
    code: str = ""


class City(BaseModel):
    name: str
    code: str = ""
    counties: List[County] = []


class ServiceHours(BaseModel):
    """When agents answer 转人工: ISO weekdays (1 = Monday) and "HH:MM-HH:MM" periods, local time."""

    days: List[int] = [1, 2, 3, 4, 5]
    periods: List[str] = ["09:00-12:00", "13:30-17:30"]

    class Config:
        extra = "forbid"

    @validator("days", each_item=True)
    def _weekday(cls, value: int) -> int:
        if not 1 <= value <= 7:
            raise ValueError("days 取 1（周一）到 7（周日）")
        return value

    @validator("periods", each_item=True)
    def _period(cls, value: str) -> str:
        match = re.fullmatch(r"([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)", value.strip())
        if not match or value.strip()[:5] >= value.strip()[6:]:
            raise ValueError(f"时段“{value}”应写成 09:00-17:30，且开始早于结束")
        return value.strip()


class LiveChat(BaseModel):
    """转人工 (docs/live-agents.md): service hours, by default and per department id, and the queue limit."""

    hours: ServiceHours = ServiceHours()
    departments: Dict[str, ServiceHours] = {}
    queue_limit: int = Field(20, ge=0)

    class Config:
        extra = "forbid"


class Regions(BaseModel):
    """A province's profile (profile.yml): its platform, links, wording and regions (docs/profiles.md)."""

    province: str
    platform: str  # the platform's full name
    hotline: str = "12345"
    cities: List[City]
    sample: bool = False
    platform_short: str = ""  # the name used inside sentences; the full name when empty
    app_name: str = ""
    mini_program_name: str = ""
    link_schemes: List[str] = []  # app deep-link schemes allowed besides https
    login_link: str = ""
    item_link: str = ""  # with {id}
    app_link: str = ""
    package_link: str = ""
    hotline_name: str = "政务服务便民热线"
    complaint_entry: str = ""  # where a citizen leaves a message online
    greeting: str = ""
    login_explanation: str = ""
    cross_region_labels: List[str] = []
    feedback_channels: List[str] = []
    elder_mode: Dict[str, bool] = {}
    catalogue: str = ""
    province_short: str = ""
    province_unit: str = ""
    capital: str = ""
    live_chat: LiveChat = LiveChat()
    # the 便民应用 that serves a business also done in the chat (progress, complaint, suggestion, help_request):
    # shown when the chat asks for an application number or a login, e.g. {progress: app-progress-query}
    flow_apps: Dict[str, str] = {}

    @property
    def short_name(self) -> str:
        return self.platform_short or self.platform


class Synonym(BaseModel):
    """Official term and the colloquial words citizens use for it."""

    official: str
    colloquial: List[str]

    class Config:
        extra = "forbid"


class SynonymEntry(_Editable):
    """A synonym as staff edit it: one official term and the colloquial words for it."""

    official: str = Field(..., min_length=1, max_length=64)
    colloquial: List[str] = Field(..., min_items=1)
    updated_at: Optional[dt.date] = None


def synonym_id(official: str) -> str:
    """A stable id for a synonym, derived from its official term."""
    return "syn-" + hashlib.sha1(official.encode("utf-8")).hexdigest()[:12]


ENTRY_MODELS: Dict[str, type] = {
    "item": Item,
    "faq": Faq,
    "package": Package,
    "app": App,
}

EDITABLE_MODELS: Dict[str, type] = {**ENTRY_MODELS, "synonym": SynonymEntry}
"""Kinds staff edit through the admin API and the review workflow."""
