"""/admin/guides/import: the 办事指南 catalogue as the 政务服务事项管理 system exports it (one row per material
of one 情形 of one item in one region), read with a column mapping (knowledge/guide_export.py) and imported
as items — drafts for review, or published at once by a reviewer."""

from __future__ import annotations

from typing import Dict, Optional

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile

from gateway.routes.admin.deps import AdminServices, allow, current_staff, services, workflow_errors
from knowledge.guide_export import MappingError, import_guides
from knowledge.staff import StaffMember

router = APIRouter(prefix="/admin/guides", tags=["管理：办事指南目录导入"])
MAX_MAPPING_BYTES = 64 * 1024


@router.post("/import", summary="导入办事指南目录导出表（CSV / XLSX，按列映射归并为事项）", **allow("edit"))
@workflow_errors
def import_catalogue(
    file: UploadFile = File(..., description="导出表：CSV（UTF-8 或 GBK）或 XLSX，第一行为表头"),
    mapping: Optional[UploadFile] = File(None, description="列映射 YAML；不传则用 knowledge/sample/exports 的示例映射"),
    publish: bool = Query(False, description="直接发布（审核员、管理员）；默认导入为草稿，待审核发布"),
    dry_run: bool = Query(False, description="只检查，不导入"),
    mode: str = Query("all", max_length=16, description="all：有错则都不导入；partial：导入正确的事项"),
    admin: AdminServices = Depends(services),
    who: StaffMember = Depends(current_staff),
) -> Dict:
    mapping_text = None
    if mapping is not None:
        raw = mapping.file.read(MAX_MAPPING_BYTES + 1)
        if len(raw) > MAX_MAPPING_BYTES:
            raise HTTPException(413, "列映射文件过大（最多 64 KB）")
        try:
            mapping_text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise HTTPException(422, "列映射文件应为 UTF-8 编码的 YAML") from None
    status = "published" if publish else "draft"
    try:
        return import_guides(
            admin.store, file.filename or "", file.file.read(), who, mapping_text, status, dry_run, mode
        )
    except MappingError as exc:
        raise HTTPException(422, str(exc)) from None
