"""The live desk's housekeeping, run by every gateway replica every LIVE_SWEEP_SECONDS (and whenever a console
reads the queue), so that nothing waits on an agent who is gone:

- a session whose agent's console stopped beating goes back to the queue, and its citizen is told;
- a waiting citizen silent for LIVE_ABANDON_MINUTES leaves the queue and the bot has the conversation again;
- when no console beats any more (every agent left), the waiting chats become 离线留言 tickets with what
  the citizen wrote, the citizen is told, and the bot has the conversation again.
Each step is a conditional UPDATE per session, so replicas sweeping at once act on a session only once."""

from __future__ import annotations

import asyncio
import logging
from typing import List, Optional

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from gateway.channels.wording import channel_text
from gateway.live import delivery, handover
from gateway.resources import Resources

logger = logging.getLogger(__name__)


async def requeued(res: Resources, wechat, session_ids: List[int]) -> None:
    """Sessions just put back in the queue: counted, and their citizens told."""
    for session_id in session_ids:
        res.metrics.live_sessions.labels("requeued").inc()
        await delivery.say_system(res, wechat, session_id, channel_text("utter_live_requeued", res.store))


async def sweep(res: Resources, wechat) -> None:
    await requeued(res, wechat, await run_in_threadpool(res.live.requeue_stale))
    silent = res.settings.live_abandon_minutes * 60
    for session in await run_in_threadpool(res.live.expire_abandoned, silent):
        res.metrics.live_sessions.labels("closed_abandoned").inc()
        await handover.resume(res, session)
    for ticket in await run_in_threadpool(res.live.unattended_to_tickets):
        res.metrics.live_sessions.labels("ticket_unattended").inc()
        said = channel_text("utter_live_unattended_ticket", res.store, number=ticket["id"])
        await delivery.say_system(res, wechat, ticket["id"], said)
        await handover.resume(res, ticket)


class SweepLoop:
    def __init__(self, res: Resources, wechat, interval: float) -> None:
        self.res, self.wechat, self.interval = res, wechat, interval
        self._stop = asyncio.Event()
        self._task: Optional[asyncio.Task] = None

    async def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                await sweep(self.res, self.wechat)
            except Exception:  # the database or Redis is away for a moment: the next round tries again
                logger.exception("live desk sweep failed")
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="live-sweep")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task


def install(app: FastAPI) -> None:
    """Runs the sweep with the app (LIVE_SWEEP_SECONDS; 0, or live chat turned off, runs none)."""

    @app.on_event("startup")
    async def _start_live_sweep() -> None:
        res = app.state.resources
        if res.settings.live_chat_enabled and res.settings.live_sweep_seconds > 0:
            app.state.live_sweep = SweepLoop(res, app.state.wechat, res.settings.live_sweep_seconds)
            app.state.live_sweep.start()

    @app.on_event("shutdown")
    async def _stop_live_sweep() -> None:
        loop = getattr(app.state, "live_sweep", None)
        if loop is not None:
            await loop.stop()
