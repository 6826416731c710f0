"""Schema of knowledge-base entries: the shape every source file and stored entry must have.

Pydantic 1.10 models (the version Rasa 3.6 pins). One model per entry kind; the loader validates
sample files against these, the store keeps each entry as the model's JSON.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, List, Optional

from pydantic import BaseModel, Field, validator

PUBLISHED = "published"
DRAFT = "draft"
STATUSES = (DRAFT, "review", PUBLISHED)


class _Entry(BaseModel):
    id: str = Field(..., regex=r"^[a-z0-9][a-z0-9\-]*$", max_length=64)

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


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


class Item(_Entry):
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
    legal_basis: List[str] = []
    status: str = PUBLISHED
    updated_at: dt.date

    @validator("status")
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        return v


class Faq(_Entry):
    """常见问题: one answer with the ways citizens ask it."""

    question: str
    similar_questions: List[str] = []
    answer: str
    items: List[str] = []  # Item ids
    department: str = ""
    keywords: List[str] = []
    status: str = PUBLISHED
    updated_at: Optional[dt.date] = None

    @validator("status")
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        return v


class Package(_Entry):
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
    status: str = PUBLISHED
    updated_at: dt.date


class App(_Entry):
    """便民服务应用: an app or mini-program page a citizen can open."""

    name: str
    aliases: List[str] = []
    description: str
    department: str = ""
    link: str
    status: str = PUBLISHED
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


class Regions(BaseModel):
    province: str
    platform: str  # e.g. 三晋通
    hotline: str = "12345"
    cities: List[City]


class Synonym(BaseModel):
    """Official term and the colloquial words citizens use for it."""

    official: str
    colloquial: List[str]

    class Config:
        extra = "forbid"


ENTRY_MODELS: Dict[str, type] = {
    "item": Item,
    "faq": Faq,
    "package": Package,
    "app": App,
}
