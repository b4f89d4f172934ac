"""After a server restart, kiosks get the offline threshold to be heard from again.

Rule passes at a fake now with `started_at` passed in (the running server's, from its
lifespan, is covered end to end in tests/e2e/test_restart_grace.py).
"""

import asyncio
from datetime import timedelta

from helpers.seed import NOW

from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.store.alerts import list_alerts
from staffconsole.store.sessions import heartbeat
from staffconsole.watch.live import Hub
from staffconsole.watch.watchdog import run_rules

# Offline after 3 missed 10 s heartbeats (30 s); escalation far away.
SETTINGS = load_settings(
    environ={}, overrides={"resound_s": 10**6, "escalate_after_s": 10**6, "ack_timeout_s": 10**6}
)
THRESHOLD = timedelta(seconds=30)
ZONE = ClinicZone("UTC")


def at(moment) -> ClinicClock:
    return ClinicClock(ZONE, lambda: moment)


def beat(db, kiosk, when) -> None:
    heartbeat(db, kiosk, app_version="0.1.0", printer_state="ok", printer_detail="", now=when)


def offline(db) -> list[dict]:
    return [a for a in list_alerts(db, include_resolved=True) if a["kind"] == "kiosk_offline"]


def test_the_grace_is_the_offline_threshold_from_the_start():
    started = NOW
    assert alerting.restart_grace(started, NOW + THRESHOLD - timedelta(seconds=1), 10, 3)
    assert not alerting.restart_grace(started, NOW + THRESHOLD, 10, 3)
    assert not alerting.restart_grace(None, NOW, 10, 3)
    kiosk = {"id": 1, "name": "Entrance", "last_seen_at": "2026-11-22T08:00:00+00:00"}
    late = NOW + timedelta(seconds=5)
    assert alerting.kiosk_offline_alert(kiosk, late, 10, 3, started_at=started) is None
    assert alerting.kiosk_offline_alert(kiosk, late, 10, 3)["kind"] == "kiosk_offline"


def test_no_kiosk_is_offline_until_the_threshold_has_passed_since_the_restart(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW)
    started = NOW + timedelta(minutes=10)  # down for ten minutes, then started again
    for seconds in (0, 1, 15, 29):
        moment = started + timedelta(seconds=seconds)
        assert run_rules(fresh_db, at(moment), SETTINGS, started_at=started) == 0, seconds
    assert offline(fresh_db) == []
    # Still silent once the grace is over: offline, as it would have been anyway.
    assert run_rules(fresh_db, at(started + THRESHOLD), SETTINGS, started_at=started) == 1
    [alert] = offline(fresh_db)
    assert alert["status"] == "open"


def test_a_kiosk_heard_from_in_the_grace_is_never_called_offline(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW)
    started = NOW + timedelta(minutes=10)
    run_rules(fresh_db, at(started + timedelta(seconds=2)), SETTINGS, started_at=started)
    beat(fresh_db, kiosk, started + timedelta(seconds=8))
    for seconds in (9, 30, 31):
        moment = started + timedelta(seconds=seconds)
        run_rules(fresh_db, at(moment), SETTINGS, started_at=started)
    assert offline(fresh_db) == []


def test_an_alert_from_before_the_restart_is_not_cleared_by_the_grace(fresh_db, kiosk):
    def rules_at(seconds: int) -> int:
        return run_rules(
            fresh_db, at(started + timedelta(seconds=seconds)), SETTINGS, started_at=started
        )

    beat(fresh_db, kiosk, NOW)
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=31)), SETTINGS) == 1
    started = NOW + timedelta(minutes=10)
    # The grace must not pass for "sending heartbeats again": nothing was heard.
    assert rules_at(1) == 0
    [alert] = offline(fresh_db)
    assert alert["status"] == "open"
    # Heard from again: it clears by itself, as without a restart.
    beat(fresh_db, kiosk, started + timedelta(seconds=3))
    assert rules_at(4) == 1
    [alert] = offline(fresh_db)
    assert alert["outcome"] == "cleared"


def test_no_console_already_counts_from_the_restart(fresh_db, kiosk):
    """Consoles reconnect within seconds of a restart: the no_console alert waits
    console_absent_s from the start (a new Hub's presence), not from before the restart."""
    started = NOW + timedelta(minutes=10)
    hub = Hub(at(started))
    loop = asyncio.new_event_loop()
    try:
        hub.bind(loop)
    finally:
        loop.close()
    assert hub.presence() == (0, started)
    absent = timedelta(seconds=SETTINGS.console_absent_s)
    quiet = started + absent - timedelta(seconds=1)
    beat(fresh_db, kiosk, quiet)  # the kiosk is back, online
    assert run_rules(fresh_db, at(quiet), SETTINGS, hub.presence(), started_at=started) == 0
    # Kept beating; still no page open once console_absent_s has passed: raised.
    beat(fresh_db, kiosk, started + absent)
    raised = run_rules(fresh_db, at(started + absent), SETTINGS, hub.presence(), started_at=started)
    assert raised == 1
    assert [a["kind"] for a in list_alerts(fresh_db)] == ["no_console"]
