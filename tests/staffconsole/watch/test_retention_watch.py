"""The watchdog runs retention: at its first pass and hourly, at the app's (fake) clock."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from helpers.seed import NOW, PATIENTS
from support import wait_for

from staffconsole.app import create_app
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import ClinicClock, ClinicZone, iso
from staffconsole.config import load_settings
from staffconsole.store.alerts import list_alerts
from staffconsole.store.schema import ensure_schema, open_db
from staffconsole.store.sessions import record_events
from staffconsole.watch.watchdog import PURGE_EVERY, purge_due, run_retention

LAST = PATIENTS[0][1]


def handed_off(db, kiosk, session: str, at) -> None:
    record_events(
        db,
        kiosk,
        [
            {
                "id": f"{session}-h",
                "session": session,
                "type": "session.handed_off",
                "at": iso(at),
                "data": {"reason": "help", "step": "identify_dob", "entered": {"last_name": LAST}},
            }
        ],
        at,
    )


def entered(db) -> dict[str, dict]:
    return {
        row["id"]: json.loads(row["entered"])
        for row in db.query("SELECT id, entered FROM sessions")
    }


def test_purge_is_due_at_the_first_pass_then_hourly():
    assert purge_due(None, NOW)
    assert not purge_due(NOW, NOW + PURGE_EVERY - timedelta(seconds=1))
    assert purge_due(NOW, NOW + PURGE_EVERY)


def test_run_retention_uses_the_clock_and_the_settings(fresh_db, kiosk):
    handed_off(fresh_db, kiosk, "s1", NOW)
    settings = load_settings(environ={}, overrides={"typed_text_retention_days": 7})
    zone = ClinicZone("UTC")
    later = NOW + timedelta(days=7)
    assert run_retention(fresh_db, ClinicClock(zone, lambda: later), settings).total == 0
    assert entered(fresh_db)["s1"] == {"last_name": LAST}
    done = run_retention(
        fresh_db, ClinicClock(zone, lambda: later + timedelta(seconds=1)), settings
    )
    assert done.sessions_blanked == 1 and entered(fresh_db)["s1"] == {}
    assert len(list_alerts(fresh_db)) == 1  # the alert stays for the desk and the report


def test_the_running_apps_watchdog_purges_at_its_clock(tmp_path):
    settings = load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "w.db"),
            "watchdog_interval_s": 0.05,
            "session_deadline_s": 10**6,
        },
    )
    db = open_db(settings.db_path)
    ensure_schema(db)
    kiosk = kiosk_for_token(db, add_kiosk(db, "Lobby kiosk 1", NOW - timedelta(days=60)))
    handed_off(db, kiosk, "old", NOW - timedelta(days=31))
    handed_off(db, kiosk, "young", NOW - timedelta(days=29))
    app = create_app(settings, staff=False, clock=ClinicClock(ClinicZone("UTC"), lambda: NOW))
    with TestClient(app):
        wait_for(lambda: entered(db)["old"] == {}, timeout=10, what="the watchdog's purge")
    assert entered(db)["young"] == {"last_name": LAST}
    db.close()
