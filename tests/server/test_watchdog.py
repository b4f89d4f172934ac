"""The watchdog raises unresponsive_session alerts: rule pass with a fake now, and the running app."""

from datetime import timedelta

from server.seed import NOW
from support import wait_for

from staffconsole import store
from staffconsole.clock import iso
from staffconsole.config import load_settings
from staffconsole.watchdog import run_rules

SETTINGS = load_settings(environ={})  # deadline 120 s


def test_silent_session_gets_one_alert(fresh_db, kiosk):
    store.touch_session(fresh_db, kiosk, "s1", NOW, step="confirm",
                        entered={"last_name": "Okafor", "dob": "1980-02-04"})
    assert run_rules(fresh_db, NOW + timedelta(seconds=119), SETTINGS) == 0
    assert run_rules(fresh_db, NOW + timedelta(seconds=121), SETTINGS) == 1
    [alert] = store.list_alerts(fresh_db)
    assert alert["kind"] == "unresponsive_session" and alert["kiosk"] == "Lobby kiosk 1"
    assert "confirm screen" in alert["summary"] and "Okafor" in alert["summary"]
    # Later passes do not repeat it.
    assert run_rules(fresh_db, NOW + timedelta(seconds=300), SETTINGS) == 0
    assert len(store.list_alerts(fresh_db, include_resolved=True)) == 1


def test_late_handoff_updates_the_watchdogs_alert(fresh_db, kiosk):
    store.touch_session(fresh_db, kiosk, "s1", NOW)
    run_rules(fresh_db, NOW + timedelta(seconds=121), SETTINGS)
    later = NOW + timedelta(seconds=200)
    store.record_events(fresh_db, kiosk, [{
        "id": "e9", "session": "s1", "type": "session.handed_off", "at": iso(later),
        "data": {"reason": "timed_out", "step": "identify", "entered": {}}}], later)
    [alert] = store.list_alerts(fresh_db)
    assert alert["kind"] == "timed_out" and alert["updated_at"] == iso(later)
    assert run_rules(fresh_db, later + timedelta(hours=1), SETTINGS) == 0


def test_checked_in_and_handed_off_sessions_are_left_alone(fresh_db, kiosk):
    from server.seed import book_today

    ids = book_today(fresh_db, NOW.date())
    store.checkin(fresh_db, kiosk, "done", ids["Okafor"], NOW, NOW.date())
    store.record_events(fresh_db, kiosk, [{
        "id": "e1", "session": "gone", "type": "session.handed_off", "at": iso(NOW),
        "data": {"reason": "help", "step": "welcome"}}], NOW)
    assert run_rules(fresh_db, NOW + timedelta(hours=1), SETTINGS) == 0
    assert [a["kind"] for a in store.list_alerts(fresh_db)] == ["help"]


def test_resolved_alert_is_not_raised_again(fresh_db, kiosk):
    store.touch_session(fresh_db, kiosk, "s1", NOW)
    run_rules(fresh_db, NOW + timedelta(seconds=121), SETTINGS)
    alert = store.list_alerts(fresh_db)[0]
    store.resolve_alert(fresh_db, alert["id"], "ana", "patient_left", None,
                        NOW + timedelta(seconds=150))
    assert run_rules(fresh_db, NOW + timedelta(hours=2), SETTINGS) == 0
    assert store.list_alerts(fresh_db) == []


def test_running_app_raises_the_alert_on_its_own(tmp_path):
    """Through the real app: a session started over HTTP and then silent becomes an alert."""
    from fastapi.testclient import TestClient

    from staffconsole.app import create_app
    from staffconsole.schema import open_db

    settings = load_settings(environ={}, overrides={
        "db_path": str(tmp_path / "w.db"), "session_deadline_s": 1, "watchdog_interval_s": 0.05})
    app = create_app(settings, staff=False)
    db = open_db(settings.db_path)
    token = store.add_kiosk(db, "Lobby kiosk 1", NOW)
    with TestClient(app) as client:
        seq = app.state.hub.seq
        r = client.post("/api/v1/kiosk/events", headers={"Authorization": f"Bearer {token}"},
                        json={"events": [{"id": "e1", "session": "s1", "type": "session.started",
                                          "at": iso(NOW), "data": {}}]})
        assert r.status_code == 200, r.text
        found = wait_for(lambda: store.list_alerts(db), timeout=5, what="unresponsive alert")
        assert found[0]["kind"] == "unresponsive_session"
        assert found[0]["session_id"] == "s1"
        wait_for(lambda: app.state.hub.seq >= seq + 2, timeout=2, what="hub notified")
    db.close()
