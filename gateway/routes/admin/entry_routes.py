"""The routes every editable kind has (FAQs, items, packages, apps, synonyms), built once per kind.

GET    /admin/{kinds}                  live entries (state=live) or open changes (state=pending)
GET    /admin/{kinds}/export           download (CSV, XLSX or JSONL)
POST   /admin/{kinds}/import           upload (multipart `file`); all rows or none
POST   /admin/{kinds}                  draft a new entry
GET    /admin/{kinds}/{id}             the live entry and its open change
PUT    /admin/{kinds}/{id}             draft a change
DELETE /admin/{kinds}/{id}             draft a deletion
POST   /admin/{kinds}/{id}/submit      send the draft for review
POST   /admin/{kinds}/{id}/publish     publish the open change (reviewer, admin)
POST   /admin/{kinds}/{id}/reject      send it back to the editor with a comment (reviewer, admin)
POST   /admin/{kinds}/{id}/withdraw    drop the open change
GET    /admin/{kinds}/{id}/versions    version history; /versions/{n} one version
GET    /admin/{kinds}/{id}/diff        differences between versions, or live → open change
POST   /admin/{kinds}/{id}/rollback    draft (or publish) the content of an older version
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional, Tuple

from fastapi import APIRouter, BackgroundTasks, Body, Depends, File, Path, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from gateway.resources import Resources, resources
from gateway.routes.admin import hit_tests
from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, current_staff, services, workflow_errors
from gateway.routes.admin.schemas import RejectRequest, ReviewNote, RollbackRequest
from knowledge.exporter import export_file
from knowledge.importer import TABULAR, import_file
from knowledge.staff import StaffMember
from knowledge.tabular import MEDIA_TYPES
from knowledge.workflow import KIND_NAMES, NotFound

TITLE_FIELD = {"faq": "question", "item": "name", "package": "name", "app": "name", "synonym": "official"}
PUBLISH_REFUSED = "编辑不能发布修改（包括自己的修改）：请提交审核，由审核员或管理员发布"

EXAMPLES = {
    "faq": {
        "id": "faq-ga-101",
        "question": "身份证丢了在外地能补办吗",
        "similar_questions": ["异地补办身份证"],
        "answer": "可以。居民身份证补领已实现跨省通办……",
        "items": ["ga-idcard-reissue"],
        "department": "ga",
        "keywords": ["身份证", "异地"],
    },
    "synonym": {"official": "居民身份证", "colloquial": ["身份证", "二代证"]},
}


def title_of(kind: str, data: Optional[Dict[str, Any]]) -> str:
    return (data or {}).get(TITLE_FIELD[kind], "")


def _live(row: Optional[Dict]) -> Optional[Dict]:
    if row is None:
        return None
    return {"version": row["version"], "status": row["status"], "updated_at": row["updated_at"], "data": row["data"]}


def build_router(kind: str, plural: str) -> APIRouter:
    name = KIND_NAMES[kind]
    formats: Tuple[str, ...] = ("csv", "xlsx", "jsonl") if kind in TABULAR else ("jsonl",)
    router = APIRouter(prefix=f"/admin/{plural}", tags=[f"管理：{name}"])

    @router.get("", summary=f"{name}列表", **allow("read"))
    def list_entries(
        state: str = Query("live", regex="^(live|pending)$", description="live 已上线 | pending 待发布的修改"),
        q: Optional[str] = Query(None, max_length=100, description="按文字筛选"),
        status: Optional[str] = Query(None, max_length=16),
        offset: int = Query(0, ge=0, le=MAX_INT),
        limit: int = Query(50, ge=1, le=500),
        admin: AdminServices = Depends(services),
    ) -> Dict:
        if state == "pending":
            if status not in (None, "draft", "review"):
                return JSONResponse(
                    {"detail": "查看待发布的修改时，status 只能是 draft（草稿）或 review（待审核）"}, status_code=422
                )
            total, found = admin.workflow.open_changes(kind=kind, state=status, offset=offset, limit=limit)
            return {
                "total": total,
                "items": [
                    {
                        "id": c["id"],
                        "title": title_of(kind, c["data"]),
                        "action": c["action"],
                        "state": c["state"],
                        "state_name": c["state_name"],
                        "author": c["author"],
                        "updated_at": c["updated_at"],
                        "comment": c["comment"],
                        "new": c["base_version"] == 0,
                    }
                    for c in found
                ],
            }
        total, rows = admin.store.list_rows(kind, status=status, text=q, offset=offset, limit=limit)
        pending = admin.workflow.open_ids(kind)
        return {
            "total": total,
            "items": [
                {
                    "id": r["id"],
                    "title": title_of(kind, r["data"]),
                    "status": r["status"],
                    "version": r["version"],
                    "updated_at": r["updated_at"],
                    "editor": r["data"].get("editor", ""),
                    "reviewer": r["data"].get("reviewer", ""),
                    "pending": pending.get(r["id"]),
                }
                for r in rows
            ],
        }

    @router.get("/export", summary=f"导出{name}", response_class=Response, **allow("read"))
    def export(
        format: str = Query(formats[0], description=" | ".join(formats)), admin: AdminServices = Depends(services)
    ) -> Response:
        if format not in formats:
            return JSONResponse({"detail": f"{name}只能导出为 {'、'.join(formats)} 格式"}, status_code=422)
        content = export_file(admin.store, kind, format)
        filename = f"{plural}-{dt.date.today():%Y%m%d}.{format}"
        return Response(
            content,
            media_type=MEDIA_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @router.post("/import", summary=f"批量导入{name}（默认整个文件要么全部导入，要么都不导入）", **allow("edit"))
    @workflow_errors
    def import_entries(
        file: UploadFile = File(..., description="、".join(formats).upper() + " 文件"),
        dry_run: bool = Query(False, description="只检查，不导入：逐行报告 新增/修改/未变/警告/错误"),
        mode: str = Query(
            "all",
            max_length=16,
            description=(
                "all：有错误的行时整个文件都不导入；"
                "partial：导入正确的行，有误的行以 rejected_file 退回（带 错误原因 列）"
            ),
        ),
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Dict:
        content = file.file.read()
        return import_file(admin.store, kind, file.filename or "", content, who, dry_run=dry_run, mode=mode)

    @router.post("", status_code=201, summary=f"新建{name}（草稿）", **allow("edit"))
    @workflow_errors
    def create(
        entry: Dict[str, Any] = Body(..., example=EXAMPLES.get(kind, {"id": "..."})),
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Dict:
        if kind == "synonym" and not entry.get("id") and isinstance(entry.get("official"), str):
            from knowledge.schema import synonym_id

            entry = dict(entry, id=synonym_id(entry["official"].strip()))
        return admin.workflow.save(kind, entry, who, create=True)

    @router.post("/{entry_id:path}/submit", summary="提交审核", **allow("edit"))
    @workflow_errors
    def submit(
        entry_id: str,
        background: BackgroundTasks,
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
        res: Resources = Depends(resources),
    ) -> Dict:
        change = admin.workflow.submit(kind, entry_id, who)
        # the saved 命中测试 sets run on "live + this change" now, so the reviewer finds the comparison ready
        background.add_task(hit_tests.for_change, admin.store, res.searcher, change)
        return change

    @router.post("/{entry_id:path}/publish", summary="审核发布（审核员、管理员）", **allow("publish", PUBLISH_REFUSED))
    @workflow_errors
    def publish(
        entry_id: str,
        note: Optional[ReviewNote] = None,
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Dict:
        return admin.workflow.publish(kind, entry_id, who, note.comment if note else "")

    @router.post("/{entry_id:path}/reject", summary="退回修改（审核员、管理员）", **allow("publish"))
    @workflow_errors
    def reject(
        entry_id: str,
        body: RejectRequest,
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Dict:
        return admin.workflow.reject(kind, entry_id, who, body.comment)

    @router.post("/{entry_id:path}/withdraw", summary="撤销待发布的修改", **allow("edit"))
    @workflow_errors
    def withdraw(
        entry_id: str, admin: AdminServices = Depends(services), who: StaffMember = Depends(current_staff)
    ) -> Dict:
        return admin.workflow.withdraw(kind, entry_id, who)

    @router.get("/{entry_id:path}/versions", summary="版本历史", **allow("read"))
    @workflow_errors
    def versions(entry_id: str, admin: AdminServices = Depends(services)) -> Dict:
        found = admin.workflow.history(kind, entry_id)
        return {
            "kind": kind,
            "id": entry_id,
            "versions": [{k: v for k, v in version.items() if k != "data"} for version in found],
        }

    @router.get("/{entry_id:path}/versions/{number}", summary="某一版本的内容", **allow("read"))
    @workflow_errors
    def version(
        entry_id: str, number: int = Path(..., ge=1, le=MAX_INT), admin: AdminServices = Depends(services)
    ) -> Dict:
        found = admin.store.version(kind, entry_id, number)
        if found is None:
            raise NotFound(f"{name} {entry_id} 没有第 {number} 版")
        return {"kind": kind, "id": entry_id, **found}

    @router.get(
        "/{entry_id:path}/diff", summary="比较两个版本（不给 to 时比较已上线内容与待发布的修改）", **allow("read")
    )
    @workflow_errors
    def diff(
        entry_id: str,
        from_version: Optional[int] = Query(None, alias="from", ge=1, le=MAX_INT),
        to_version: Optional[int] = Query(None, alias="to", ge=1, le=MAX_INT),
        admin: AdminServices = Depends(services),
    ) -> Dict:
        return admin.workflow.diff(kind, entry_id, from_version, to_version)

    @router.post("/{entry_id:path}/rollback", summary="回滚到历史版本", **allow("edit"))
    @workflow_errors
    def rollback(
        entry_id: str,
        body: RollbackRequest,
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Dict:
        return admin.workflow.rollback(kind, entry_id, body.version, who, publish=body.publish)

    # Last: with the path converter ("/" may be inside an id) these would also match the routes above.
    @router.get("/{entry_id:path}", summary=f"查看{name}（已上线内容与待发布的修改）", **allow("read"))
    @workflow_errors
    def read(entry_id: str, admin: AdminServices = Depends(services)) -> Dict:
        live = admin.store.get_row(kind, entry_id)
        change = admin.workflow.open_change(kind, entry_id)
        if live is None and change is None:
            raise NotFound(f"{name} {entry_id} 不存在")
        return {"kind": kind, "id": entry_id, "live": _live(live), "pending": change}

    @router.put("/{entry_id:path}", summary=f"修改{name}（保存为草稿）", **allow("edit"))
    @workflow_errors
    def update(
        entry_id: str,
        entry: Dict[str, Any] = Body(..., example=EXAMPLES.get(kind, {"id": "..."})),
        admin: AdminServices = Depends(services),
        who: StaffMember = Depends(current_staff),
    ) -> Any:
        if entry.get("id", entry_id) != entry_id:
            return JSONResponse(
                {"detail": f"请求体中的 id（{entry.get('id')}）与地址中的 {entry_id} 不一致"}, status_code=422
            )
        return admin.workflow.save(kind, dict(entry, id=entry_id), who)

    @router.delete("/{entry_id:path}", summary=f"删除{name}（生成待审核的删除）", **allow("edit"))
    @workflow_errors
    def delete(
        entry_id: str, admin: AdminServices = Depends(services), who: StaffMember = Depends(current_staff)
    ) -> Dict:
        return admin.workflow.request_delete(kind, entry_id, who)

    return router
