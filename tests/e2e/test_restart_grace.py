"""A server restart does not call every kiosk offline at once.

Real parts: `staffconsole serve` as a process, stopped for longer than the offline
threshold and started again on the same database, with heartbeats sent through the real
kiosk API. Timings are short SEEN_* settings: heartbeats every 1 s, offline after 3
missed (3 s), the watchdog every 0.2 s.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from support import start_server, wait_for

pytestmark = pytest.mark.e2e

THRESHOLD_S = 3  # SEEN_HEARTBEAT_INTERVAL_S × SEEN_HEARTBEATS_MISSED_OFFLINE
ENV = {
    "SEEN_HEARTBEAT_INTERVAL_S": "1",
    "SEEN_HEARTBEATS_MISSED_OFFLINE": "3",
    "SEEN_WATCHDOG_INTERVAL_S": "0.2",
    "SEEN_CONSOLE_ABSENT_S": "600",  # no console here; its own grace is tested in watch/
}


def beat(server, token: str) -> None:
    r = httpx.post(
        f"{server.url}/api/v1/kiosk/heartbeat",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "at": datetime.now(UTC).isoformat(),
            "app_version": "0.1.0",
            "printer": {"state": "ok", "detail": ""},
        },
        timeout=5,
    )
    assert r.status_code == 200, r.text


def offline_alerts(db) -> dict[str, list[str]]:
    """Every kiosk_offline alert ever raised (resolved too): {kiosk name: [created_at]}."""
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute(
            "select k.name, a.created_at from alerts a join kiosks k on k.id = a.kiosk_id "
            "where a.kind = 'kiosk_offline' order by a.id"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for name, created in rows:
        found.setdefault(name, []).append(created)
    return found


def test_kiosks_get_a_grace_after_a_restart_and_a_silent_one_is_then_offline(tmp_path):
    server = start_server(tmp_path, env=ENV)
    try:
        back = server.add_kiosk("Entrance")
        gone = server.add_kiosk("Back hall")
        for _ in range(3):
            beat(server, back)
            beat(server, gone)
            time.sleep(0.5)
    finally:
        server.stop()
    assert offline_alerts(server.db) == {}

    time.sleep(THRESHOLD_S + 1.5)  # down for longer than the offline threshold
    before_start = datetime.now(UTC)
    server = start_server(tmp_path, db=server.db, env=ENV)
    try:
        # The kiosk retries on its own schedule: its first beat comes up to a period
        # later, after several watchdog passes that see its pre-restart heartbeat overdue.
        time.sleep(1.0)
        deadline = time.monotonic() + THRESHOLD_S + 2.5
        while time.monotonic() < deadline:
            beat(server, back)
            time.sleep(0.5)
        alerts = wait_for(
            lambda: offline_alerts(server.db).get("Back hall") and offline_alerts(server.db),
            timeout=10,
            what="a kiosk_offline alert for the kiosk that did not come back",
        )
    finally:
        server.stop()
    assert "Entrance" not in alerts, alerts
    assert len(alerts["Back hall"]) == 1
    raised = datetime.fromisoformat(alerts["Back hall"][0])
    assert raised >= before_start + timedelta(seconds=THRESHOLD_S), (raised, before_start)
