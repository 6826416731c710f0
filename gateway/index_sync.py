"""Keeps this node's search index current while the gateway runs.

At start-up the index catches up with the knowledge store (or is built, on a node that has none); then
every `INDEX_SYNC_INTERVAL_SECONDS` the changes made since (staff edits, imports, publishes) are applied
(search/sync.py), so a published entry is searchable — and answered in chat — within seconds, without a
restart. The gateway is the node's one index writer; the action server only reads and picks up each
commit by itself. `INDEX_SYNC_INTERVAL_SECONDS=0` turns the loop off (an operator then runs
`python -m search sync` from elsewhere).

Beside it, a thread computes the sentence vectors of what the index holds and the vector store lacks
(search/embedder.py): newest first, so a published entry is found by meaning within seconds, and a bulk
import's backlog is worked through while lexical search already finds its entries.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Optional

from fastapi import FastAPI

from search.embedder import Embedder, EmbeddingLoop
from search.layout import WriterBusy
from search.sync import IndexSync

logger = logging.getLogger(__name__)
SHUTDOWN_WAIT_SECONDS = 30.0


class IndexSyncLoop:
    def __init__(self, sync: IndexSync, interval: float) -> None:
        self.sync = sync
        self.interval = interval
        self.runs = 0
        self.applied = 0
        self.last_error: Optional[str] = None
        self._stop = asyncio.Event()
        self._task: Optional[asyncio.Task] = None

    async def run_once(self) -> int:
        try:
            applied = await asyncio.to_thread(self.sync.apply_pending)
        except WriterBusy:
            logger.info("索引正由其他进程写入，稍后再同步")
            return 0
        except Exception as exc:  # keep serving: the next round retries from the last committed sequence
            self.last_error = f"{type(exc).__name__}: {exc}"
            logger.exception("索引增量同步失败")
            return 0
        self.runs += 1
        self.applied += applied
        self.last_error = None
        return applied

    async def _loop(self) -> None:
        while not self._stop.is_set():
            await self.run_once()
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=self.interval)
            except asyncio.TimeoutError:
                pass

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="index-sync")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, timeout=SHUTDOWN_WAIT_SECONDS)
            except asyncio.TimeoutError:
                logger.warning("索引同步未在 %.0f 秒内结束", SHUTDOWN_WAIT_SECONDS)


def install(app: FastAPI) -> None:
    """Starts the sync loop with the app and stops it (after the round in progress) at shutdown."""

    @app.on_event("startup")
    async def _start_index_sync() -> None:
        res = app.state.resources
        interval = res.settings.index_sync_interval_seconds
        loop = IndexSyncLoop(IndexSync(res.store, res.settings.index_dir), interval)
        app.state.index_sync = loop
        if interval > 0:
            loop.start()
        semantic = res.searcher.semantic
        if interval > 0 and semantic is not None:
            embedding = EmbeddingLoop(Embedder(res.settings.index_dir, semantic.store, semantic.encoder), interval)
            app.state.embedding = embedding
            embedding.start()

    @app.on_event("shutdown")
    async def _stop_index_sync() -> None:
        loop = getattr(app.state, "index_sync", None)
        if loop is not None:
            await loop.stop()
        embedding = getattr(app.state, "embedding", None)
        if embedding is not None:
            await asyncio.to_thread(embedding.stop)
