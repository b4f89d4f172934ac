"""The periodic task that applies the alert rules; the only place here that reads the clock.

The server does not trust a kiosk to report its own failure: a session that goes
quiet without an outcome becomes an `unresponsive_session` alert on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from sqlite_utils import Database

from staffconsole import alerts, store
from staffconsole.clock import utcnow
from staffconsole.schema import open_db, write

log = logging.getLogger("staffconsole.watchdog")


def run_rules(db: Database, now: datetime, settings) -> int:
    """One pass of every rule at `now`; returns how many alerts it raised or updated."""
    changed = 0
    with write(db):
        waiting = store.sessions_awaiting_outcome(db)
        for session in alerts.due_unresponsive(waiting, now, settings.session_deadline_s):
            fields = alerts.unresponsive_alert(session, session["kiosk_name"], now,
                                               settings.session_deadline_s)
            store.open_or_update_alert(db, fields)
            changed += 1
    return changed


def _tick(settings) -> int:
    db = open_db(settings.db_path)
    try:
        return run_rules(db, utcnow(), settings)
    finally:
        db.close()


async def watch(app) -> None:
    """Run the rules every watchdog_interval_s until cancelled; a failed pass is logged, not fatal."""
    settings = app.state.settings
    while True:
        await asyncio.sleep(settings.watchdog_interval_s)
        try:
            changed = await asyncio.to_thread(_tick, settings)
        # Keep watching: one failed pass (a locked database) is no reason to stop for good.
        except Exception as e:  # noqa: BLE001
            log.error("watchdog pass failed: %s: %s", type(e).__name__, e)
            continue
        if changed:
            app.state.hub.notify()


def start(app) -> asyncio.Task:
    return asyncio.create_task(watch(app), name="seen-watchdog")


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
