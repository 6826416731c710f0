"""/admin/hit-tests: staff's hit-test sets (命中测试) — upload a sheet of test questions with the entry each
should find, run it through the chat's retrieval and answer policy, see what was answered right, offered,
wrong or not at all. The review queue (reviews.py) runs every saved set on "live + the change"."""

from __future__ import annotations

import logging
from typing import Annotated, Dict, List, Optional

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, UploadFile
from fastapi.responses import JSONResponse

from gateway.resources import Resources, resources
from gateway.routes.admin.deps import MAX_INT, AdminServices, allow, current_staff, services
from knowledge import hit_tests as sets
from knowledge.staff import StaffMember
from search import hit_tests as runner
from search.documents import SEARCHABLE_KINDS
from search.layout import IndexMissing

SetId = Annotated[int, Path(ge=1, le=MAX_INT, description="测试集编号")]
NO_INDEX = "本节点的搜索索引尚未建立，暂时不能运行命中测试，请稍后再试"
logger = logging.getLogger(__name__)

router = APIRouter(prefix="/admin/hit-tests", tags=["管理：命中测试"])


@router.get("", summary="命中测试集列表（含最近一次的结果统计）", **allow("read"))
def list_sets(admin: AdminServices = Depends(services)) -> Dict:
    found = sets.list_sets(admin.store)
    return {"total": len(found), "items": found}


@router.post(
    "/import",
    status_code=201,
    summary="上传命中测试集（CSV/XLSX，列：问题、应命中；同名的测试集被替换）",
    **allow("edit"),
)
def upload(
    file: UploadFile = File(..., description="CSV 或 XLSX 文件：问题,应命中（类别:编号，或“无”）"),
    name: str = Form(..., max_length=200, description="测试集名称"),
    admin: AdminServices = Depends(services),
    who: StaffMember = Depends(current_staff),
):
    try:
        name = sets.check_name(name)
        rows = sets.read_sheet(admin.store, file.filename or "", file.file.read())
    except sets.SheetProblem as exc:
        body: Dict = {"detail": exc.message}
        if exc.errors:
            body["errors"] = exc.errors
        return JSONResponse(body, status_code=422)
    saved, created = sets.save_set(admin.store, name, rows, who.name)
    return JSONResponse(_jsonable({**saved, "replaced": not created}), status_code=201 if created else 200)


@router.get("/{number}", summary="一个命中测试集（测试问题与最近一次的结果）", **allow("read"))
def get_set(number: SetId, admin: AdminServices = Depends(services)) -> Dict:
    found = sets.get_set(admin.store, number)
    if found is None:
        raise HTTPException(404, f"命中测试集 {number} 不存在")
    return found


@router.post("/{number}/run", summary="运行命中测试（不记入群众提问统计）", **allow("read"))
def run(number: SetId, admin: AdminServices = Depends(services), res: Resources = Depends(resources)) -> Dict:
    found = sets.get_set(admin.store, number)
    if found is None:
        raise HTTPException(404, f"命中测试集 {number} 不存在")
    try:
        result = runner.run_rows(res.searcher, admin.store, found["rows"])
    except IndexMissing:
        raise HTTPException(409, NO_INDEX) from None
    sets.save_run(admin.store, number, result)
    return {"id": number, "name": found["name"], **result}


@router.delete("/{number}", summary="删除命中测试集", **allow("edit"))
def delete(number: SetId, admin: AdminServices = Depends(services)) -> Dict:
    if not sets.delete_set(admin.store, number):
        raise HTTPException(404, f"命中测试集 {number} 不存在")
    return {"id": number, "deleted": True}


def for_change(store, searcher, change: Dict) -> Optional[Dict]:
    """Every saved set run on live content and on "live + this change": the counts before and after and
    the rows that get better or worse. Stored per (change, set) with what it was computed on (the change's
    last edit, the set's last upload, the live content's latest change), so it is computed once per
    change and recomputed when any of them moves. None when there is no set, or the kind is not searched."""
    if change["kind"] not in SEARCHABLE_KINDS:
        return None
    saved = sets.list_sets(store, with_rows=True)
    if not saved:
        return None
    seq = store.latest_change()
    out: List[Dict] = []
    todo = []
    for found in saved:
        basis = f"{change['updated_at']}|{found['updated_at']}|{seq}"
        stored = sets.review_result(store, change["rev"], found["id"], basis)
        if stored is None:
            todo.append((found, basis))
        else:
            out.append(stored)
    if todo:
        data = change["data"] if change["action"] == "save" else None
        try:
            with runner.with_change(searcher, change["kind"], change["id"], data) as (changed, overrides):
                for found, basis in todo:
                    before = runner.run_rows(searcher, store, found["rows"])
                    after = runner.run_rows(changed, store, found["rows"], overrides)
                    result = {"set_id": found["id"], "name": found["name"], **runner.compare(before, after)}
                    sets.save_review_result(store, change["rev"], found["id"], basis, result)
                    out.append(result)
        except (IndexMissing, ValueError):
            return {"error": NO_INDEX, "sets": out}
        except Exception:  # the review queue must still show; the reviewer sees why there is no comparison
            logger.exception("命中测试对比失败：%s:%s", change["kind"], change["id"])
            return {"error": "命中测试对比失败（详见网关日志）", "sets": out}
    out.sort(key=lambda r: r["name"])
    return {"error": None, "sets": out}


def _jsonable(value: Dict) -> Dict:
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(value)
