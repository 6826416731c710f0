"""Test controls (fault modes, received-request log, status advancing) and the health check.

None of these need a token and none is affected by the fault modes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from .context import AppContext, get_ctx
from .errors import ApiError
from .models import (
    APPLICATION_DRAFT,
    APPLICATION_STEPS,
    WORKORDER_REPLY,
    WORKORDER_STEPS,
    Application,
    ControlSettings,
    ControlState,
    ErrorResponse,
    HealthResponse,
    ReceivedList,
    Workorder,
)
from .routes_applications import MSG_NOT_FOUND as MSG_APPLICATION_NOT_FOUND
from .routes_applications import application_view
from .routes_workorders import MSG_NOT_FOUND as MSG_WORKORDER_NOT_FOUND
from .routes_workorders import workorder_view

router = APIRouter(prefix="/_control", tags=["测试控制"])
health_router = APIRouter(tags=["健康检查"])

MSG_APPLICATION_FINISHED = "办件已办结，无法继续推进"
MSG_WORKORDER_FINISHED = "工单已办结，无法继续推进"


@health_router.get("/healthz", response_model=HealthResponse, summary="健康检查", description="不受故障模式影响。")
def healthz() -> HealthResponse:
    return HealthResponse(status="ok")


@router.get("", response_model=ControlState, summary="查看当前故障模式")
def get_control(ctx: AppContext = Depends(get_ctx)) -> ControlState:
    return ControlState(**ctx.faults.snapshot())


@router.post(
    "",
    response_model=ControlState,
    summary="设置故障模式",
    description="delay_seconds：每个非控制请求处理前先等待的秒数；fail_status：非空时每个非控制请求都直接以该状态码应答"
    "（如 503，detail 为“服务暂不可用”），请求不会被处理；fail_times：只让接下来的若干个请求失败。"
    "/healthz、/_control 及接口文档不受影响。每次设置都整体替换之前的设置。",
)
def set_control(body: ControlSettings, ctx: AppContext = Depends(get_ctx)) -> ControlState:
    ctx.faults.configure(body.delay_seconds, body.fail_status, body.fail_times)
    return ControlState(**ctx.faults.snapshot())


@router.post("/reset", response_model=ControlState, summary="清除故障模式", description="不清空已收到请求的记录。")
def reset_control(ctx: AppContext = Depends(get_ctx)) -> ControlState:
    ctx.faults.reset()
    return ControlState(**ctx.faults.snapshot())


@router.get(
    "/received",
    response_model=ReceivedList,
    summary="列出收到的创建请求",
    description="按到达顺序列出收到的每个创建请求（POST /appointments、/applications、/workorders、/evaluations、"
    "/messages）"
    "和取消预约请求（DELETE /appointments/{id}），包括被故障模式拒绝的：方法、路径、幂等键、请求体及应答状态码。",
)
def list_received(ctx: AppContext = Depends(get_ctx)) -> ReceivedList:
    return ReceivedList(items=ctx.faults.received())


@router.delete("/received", summary="清空收到的请求记录")
def clear_received(ctx: AppContext = Depends(get_ctx)) -> dict:
    return {"cleared": ctx.faults.clear_received()}


@router.post(
    "/applications/{application_no}/advance",
    response_model=Application,
    responses={404: {"model": ErrorResponse}, 409: {"model": ErrorResponse, "description": MSG_APPLICATION_FINISHED}},
    summary="推进办件状态一步",
    description="待补充 → 已受理 → 审核中 → 已办结，每调用一次推进一步并记录该环节时间。",
)
def advance_application(
    application_no: str = Path(..., max_length=64), ctx: AppContext = Depends(get_ctx)
) -> Application:
    with ctx.store.transaction():
        record = ctx.store.get_application(application_no)
        if record is None:
            raise ApiError(404, MSG_APPLICATION_NOT_FOUND)
        status = record["status"]
        if status == APPLICATION_STEPS[-1]:
            raise ApiError(409, MSG_APPLICATION_FINISHED)
        new_status = (
            APPLICATION_STEPS[0]
            if status == APPLICATION_DRAFT
            else APPLICATION_STEPS[APPLICATION_STEPS.index(status) + 1]
        )
        now = ctx.now_iso()
        record["step_times"][new_status] = now
        record.update(status=new_status, updated_at=now)
        ctx.store.update_application(application_no, new_status, record["step_times"], now)
    return Application(**application_view(record))


@router.post(
    "/workorders/{workorder_no}/advance",
    response_model=Workorder,
    responses={404: {"model": ErrorResponse}, 409: {"model": ErrorResponse, "description": MSG_WORKORDER_FINISHED}},
    summary="推进工单状态一步",
    description="已受理 → 处理中 → 已办结，每调用一次推进一步；办结时附上答复。",
)
def advance_workorder(workorder_no: str = Path(..., max_length=64), ctx: AppContext = Depends(get_ctx)) -> Workorder:
    with ctx.store.transaction():
        record = ctx.store.get_workorder(workorder_no)
        if record is None:
            raise ApiError(404, MSG_WORKORDER_NOT_FOUND)
        status = record["status"]
        if status == WORKORDER_STEPS[-1]:
            raise ApiError(409, MSG_WORKORDER_FINISHED)
        new_status = WORKORDER_STEPS[WORKORDER_STEPS.index(status) + 1]
        now = ctx.now_iso()
        record["step_times"][new_status] = now
        reply = WORKORDER_REPLY if new_status == WORKORDER_STEPS[-1] else None
        record.update(status=new_status, updated_at=now, reply=reply)
        ctx.store.update_workorder(workorder_no, new_status, record["step_times"], reply, now)
    return Workorder(**workorder_view(record))
