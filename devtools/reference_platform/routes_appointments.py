"""Appointments (预约): slot availability, booking, listing and cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Tuple

from fastapi import APIRouter, Depends, Path, Query, Request

from .context import AppContext, current_user, get_ctx, idempotency_key, listed_user, run_idempotent
from .errors import MSG_SLOT_FULL, MSG_UNAUTHORIZED, VALIDATION_PREFIX, ApiError
from .models import (
    APPOINTMENT_BOOKED,
    APPOINTMENT_CANCELLED,
    SLOTS,
    Appointment,
    AppointmentCreate,
    AppointmentList,
    ErrorResponse,
    SlotsResponse,
    parse_iso_date,
)

router = APIRouter(prefix="/appointments", tags=["预约"])

MSG_PAST_DATE = "预约日期已过，请选择今天及以后的工作日"
MSG_SLOT_PASSED = "该时段已过，请选择其他时段"
MSG_ALREADY_BOOKED = "您已预约该事项的这个时段，请勿重复预约"
MSG_NOT_FOUND = "预约记录不存在"
MSG_ALREADY_CANCELLED = "该预约已取消，请勿重复操作"
MSG_CANCEL_PAST = "预约日期已过，无法取消"
_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def weekend_message(day: dt.date) -> str:
    return f"所选日期为周末（{_WEEKDAY_NAMES[day.weekday()]}），不提供预约服务，请选择工作日"


def check_bookable_date(ctx: AppContext, day: dt.date) -> None:
    if day < ctx.today():
        raise ApiError(422, MSG_PAST_DATE)
    if day.weekday() >= 5:
        raise ApiError(422, weekend_message(day))


def slot_passed(ctx: AppContext, day: dt.date, slot: str) -> bool:
    if day != ctx.today():
        return False
    start = dt.time.fromisoformat(slot.split("-")[0])
    return ctx.now().time() >= start


_ERRORS = {
    401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED},
    409: {"model": ErrorResponse, "description": MSG_SLOT_FULL},
    422: {"model": ErrorResponse, "description": "参数有误、日期已过或为周末、幂等键已用于其他请求"},
}


@router.get(
    "/slots",
    response_model=SlotsResponse,
    responses={422: {"model": ErrorResponse, "description": "参数有误、日期已过或为周末"}},
    summary="查询可预约时段",
    description="返回某事项在某办理地点某日的各时段及剩余号源。每个时段号源数相同（默认 2）。"
    f"时段：{'、'.join(SLOTS)}。"
    "过去的日期或周末返回 422；当天已开始的时段不可预约。",
)
def list_slots(
    item_id: str = Query(..., min_length=1, max_length=64, description="事项编码"),
    place: str = Query(..., min_length=1, max_length=200, description="办理地点"),
    date: str = Query(..., description="日期 YYYY-MM-DD"),
    ctx: AppContext = Depends(get_ctx),
) -> SlotsResponse:
    try:
        day = parse_iso_date(date)
    except ValueError as exc:
        raise ApiError(422, f"{VALIDATION_PREFIX}date {exc}") from None
    check_bookable_date(ctx, day)
    slots = []
    for slot in SLOTS:
        remaining = max(ctx.slot_capacity - ctx.store.count_booked(item_id, place, day.isoformat(), slot), 0)
        passed = slot_passed(ctx, day, slot)
        slots.append(
            {
                "slot": slot,
                "capacity": ctx.slot_capacity,
                "remaining": remaining,
                "available": remaining > 0 and not passed,
            }
        )
    return SlotsResponse(item_id=item_id, place=place, date=day.isoformat(), slots=slots)


@router.post(
    "",
    status_code=201,
    response_model=Appointment,
    responses=_ERRORS,
    summary="预约办事时段",
    description="为当前令牌对应的用户预约一个时段。时段约满返回 409；日期已过或为周末返回 422。"
    "支持 Idempotency-Key：重复请求返回首次结果。",
)
def create_appointment(
    body: AppointmentCreate,
    request: Request,
    user_id: str = Depends(current_user),
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        day = body.date
        check_bookable_date(ctx, day)
        if slot_passed(ctx, day, body.slot):
            raise ApiError(422, MSG_SLOT_PASSED)
        if ctx.store.user_booking(user_id, body.item_id, day.isoformat(), body.slot) is not None:
            raise ApiError(409, MSG_ALREADY_BOOKED)
        if ctx.store.count_booked(body.item_id, body.place, day.isoformat(), body.slot) >= ctx.slot_capacity:
            raise ApiError(409, MSG_SLOT_FULL)
        record = {
            "appointment_id": ctx.store.next_number("YY", ctx.day_code()),
            "user_id": user_id,
            "item_id": body.item_id,
            "item_name": body.item_name,
            "place": body.place,
            "date": day.isoformat(),
            "slot": body.slot,
            "phone": body.phone,
            "status": APPOINTMENT_BOOKED,
            "created_at": ctx.now_iso(),
            "cancelled_at": None,
        }
        ctx.store.insert_appointment(record)
        return 201, record

    return run_idempotent(ctx, request, user_id, key, body.dict(), action)


@router.get(
    "",
    response_model=AppointmentList,
    summary="查询本人的预约记录",
    description="列出本人的全部预约（含已取消），按创建顺序排列。带令牌时列令牌本人的；开发检查可只给 user_id。",
)
def list_appointments(
    user_id: str = Depends(listed_user),
    ctx: AppContext = Depends(get_ctx),
) -> AppointmentList:
    return AppointmentList(items=ctx.store.list_appointments(user_id))


@router.get(
    "/{appointment_id}",
    response_model=Appointment,
    responses={404: {"model": ErrorResponse, "description": MSG_NOT_FOUND}},
    summary="查询预约详情",
    description="按预约编号查询。须令牌；他人的编号与不存在的一样返回 404。",
)
def get_appointment(
    appointment_id: str = Path(..., max_length=64, description="预约编号"),
    user_id: str = Depends(current_user),
    ctx: AppContext = Depends(get_ctx),
) -> Appointment:
    record = ctx.store.get_appointment(appointment_id)
    if record is None or record["user_id"] != user_id:  # someone else's record: as if it did not exist
        raise ApiError(404, MSG_NOT_FOUND)
    return Appointment(**record)


@router.delete(
    "/{appointment_id}",
    response_model=Appointment,
    responses={
        401: {"model": ErrorResponse, "description": MSG_UNAUTHORIZED},
        404: {"model": ErrorResponse, "description": MSG_NOT_FOUND},
        409: {"model": ErrorResponse, "description": MSG_ALREADY_CANCELLED},
        422: {"model": ErrorResponse, "description": MSG_CANCEL_PAST},
    },
    summary="取消预约",
    description="取消当前用户自己的预约，释放号源，返回取消后的预约记录。支持 Idempotency-Key。",
)
def cancel_appointment(
    request: Request,
    appointment_id: str = Path(..., max_length=64, description="预约编号"),
    user_id: str = Depends(current_user),
    key: str = Depends(idempotency_key),
    ctx: AppContext = Depends(get_ctx),
):
    def action() -> Tuple[int, Dict[str, Any]]:
        record = ctx.store.get_appointment(appointment_id)
        if record is None or record["user_id"] != user_id:
            raise ApiError(404, MSG_NOT_FOUND)
        if record["status"] == APPOINTMENT_CANCELLED:
            raise ApiError(409, MSG_ALREADY_CANCELLED)
        if dt.date.fromisoformat(record["date"]) < ctx.today():
            raise ApiError(422, MSG_CANCEL_PAST)
        cancelled_at = ctx.now_iso()
        ctx.store.cancel_appointment(appointment_id, APPOINTMENT_CANCELLED, cancelled_at)
        record.update(status=APPOINTMENT_CANCELLED, cancelled_at=cancelled_at)
        return 200, record

    return run_idempotent(ctx, request, user_id, key, None, action)
