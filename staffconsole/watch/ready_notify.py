"""systemd's watchdog fed only while ready: WATCHDOG=1 after each passing readiness probe,
STATUS=<reason> instead when the database cannot be written (issue 16).

So a server that answers /healthz but cannot save a check-in goes quiet, and systemd
(WatchdogSec= in seen-console.service) restarts it and logs the last STATUS.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping

from seen import sdnotify
from staffconsole.store.readiness import probe


def messages(reason: str | None, last: str | None) -> list[str]:
    """Pure: what to send after a probe; a STATUS only when the reason changed."""
    status = [] if reason == last else [f"STATUS={reason or 'ready'}"]
    return status + (["WATCHDOG=1"] if reason is None else [])


async def run(db_path: str, interval: float, environ: Mapping[str, str]) -> None:
    last: str | None = "unknown"
    while True:
        reason = await asyncio.to_thread(probe, db_path)
        for message in messages(reason, last):
            sdnotify.notify(message, environ)
        last = reason
        await asyncio.sleep(interval)


def start(db_path: str, environ: Mapping[str, str] = os.environ) -> asyncio.Task | None:
    """The feeding task, or None when systemd asked for no watchdog."""
    interval = sdnotify.watchdog_interval(environ)
    if interval is None:
        return None
    return asyncio.get_running_loop().create_task(run(db_path, interval, dict(environ)))


async def stop(task: asyncio.Task | None) -> None:
    if task is None:
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
