"""`python -m actions.platform.outbox_worker`: delivers pending submissions when the platform is back."""

from __future__ import annotations

import asyncio
import logging
import signal

from actions.platform.outbox import deliver_due
from actions.platform.resources import application_api_client, outbox

logger = logging.getLogger("actions.platform.outbox_worker")


async def run(interval: float) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    box, client = outbox(), application_api_client()
    while not stop.is_set():
        counts = await deliver_due(box, client)
        if any(counts.values()):
            logger.info("outbox: delivered %(delivered)d, still queued %(queued)d, refused %(rejected)d", counts)
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


def main() -> None:
    from settings import get_settings

    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(run(get_settings().outbox_poll_seconds))


if __name__ == "__main__":
    main()
