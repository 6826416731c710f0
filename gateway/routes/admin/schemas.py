"""Request bodies of the staff admin API (pydantic 1.10)."""

from __future__ import annotations

from typing import List, Optional

from pydantic import BaseModel, Field, StrictBool, conint, constr

from gateway.routes.admin.deps import MAX_INT


class ReviewNote(BaseModel):
    comment: constr(strip_whitespace=True, max_length=500) = ""


class RejectRequest(BaseModel):
    comment: constr(strip_whitespace=True, min_length=1, max_length=500) = Field(..., description="退回理由")


class RollbackRequest(BaseModel):
    version: conint(strict=True, ge=1, le=MAX_INT) = Field(..., description="回滚到的版本号")
    publish: StrictBool = Field(False, description="同时发布（需要审核员或管理员）")


class StaffCreate(BaseModel):
    name: constr(strip_whitespace=True, min_length=1, max_length=64) = Field(..., description="工作人员姓名")
    role: constr(strip_whitespace=True) = Field(..., description="editor | reviewer | admin")


class SimilarFromQuestions(BaseModel):
    faq_id: constr(strip_whitespace=True, min_length=1, max_length=64) = Field(
        ..., description="要补充相似问法的常见问题编号"
    )


class FaqFromQuestions(BaseModel):
    id: Optional[constr(strip_whitespace=True, max_length=64)] = None
    question: Optional[constr(strip_whitespace=True, max_length=200)] = None
    similar_questions: Optional[List[constr(strip_whitespace=True, max_length=200)]] = None
    answer: constr(strip_whitespace=True, min_length=1, max_length=5000) = Field(..., description="答案")
    department: constr(strip_whitespace=True, max_length=64) = ""
    keywords: List[constr(strip_whitespace=True, max_length=32)] = []
    items: List[constr(strip_whitespace=True, max_length=64)] = []


class LiveText(BaseModel):
    text: constr(strict=True, strip_whitespace=True, min_length=1, max_length=2000)


class LiveEntry(BaseModel):
    kind: constr(strict=True, regex=r"^(item|faq|package|app)$")
    id: constr(strict=True, strip_whitespace=True, min_length=1, max_length=64)


class LiveClose(BaseModel):
    outcome: constr(strict=True, regex=r"^(resolved|unresolved)$")


class LiveTransfer(BaseModel):
    department: constr(strict=True, strip_whitespace=True, max_length=64)
