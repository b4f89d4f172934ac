"""The watchdog raises unresponsive_session alerts: rule pass with a fake now, and the running app."""

from datetime import datetime, timedelta

from helpers.seed import NOW
from support import wait_for

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.clock import ClinicClock, ClinicZone, iso
from staffconsole.config import load_settings
from staffconsole.store.alerts import acknowledge_alert, get_alert, list_alerts, resolve_alert
from staffconsole.store.appointments import checkin, get_appointment
from staffconsole.store.audit import list_audit
from staffconsole.store.sessions import heartbeat, record_events, touch_session
from staffconsole.watch.watchdog import run_rules

# Deadline 120 s; the escalation ladder far away, so only the session rule is seen here.
SETTINGS = load_settings(
    environ={}, overrides={"resound_s": 10**6, "escalate_after_s": 10**6, "ack_timeout_s": 10**6}
)
ZONE = ClinicZone("UTC")  # the clinic's; whatever the zone of the machine running the tests


def at(moment: datetime) -> ClinicClock:
    """The clinic's clock stopped at `moment`."""
    return ClinicClock(ZONE, lambda: moment)


def test_silent_session_gets_one_alert(fresh_db, kiosk):
    touch_session(
        fresh_db,
        kiosk,
        "s1",
        NOW,
        step="confirm",
        entered={"last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=119)), SETTINGS) == 0
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=121)), SETTINGS) == 1
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "unresponsive_session" and alert["kiosk"] == "Lobby kiosk 1"
    assert "confirm screen" in alert["summary"] and "Okafor" in alert["summary"]
    # Later passes do not repeat it.
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=300)), SETTINGS) == 0
    assert len(list_alerts(fresh_db, include_resolved=True)) == 1


def test_late_handoff_updates_the_watchdogs_alert(fresh_db, kiosk):
    touch_session(fresh_db, kiosk, "s1", NOW)
    run_rules(fresh_db, at(NOW + timedelta(seconds=121)), SETTINGS)
    later = NOW + timedelta(seconds=200)
    record_events(
        fresh_db,
        kiosk,
        [
            {
                "id": "e9",
                "session": "s1",
                "type": "session.handed_off",
                "at": iso(later),
                "data": {"reason": "timed_out", "step": "identify", "entered": {}},
            }
        ],
        later,
    )
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "timed_out" and alert["updated_at"] == iso(later)
    assert run_rules(fresh_db, at(later + timedelta(hours=1)), SETTINGS) == 0


def test_checked_in_and_handed_off_sessions_are_left_alone(fresh_db, kiosk):
    from helpers.seed import book_today

    ids = book_today(fresh_db, NOW.date())
    checkin(fresh_db, kiosk, "done", ids["Okafor"], NOW, NOW.date())
    record_events(
        fresh_db,
        kiosk,
        [
            {
                "id": "e1",
                "session": "gone",
                "type": "session.handed_off",
                "at": iso(NOW),
                "data": {"reason": "help", "step": "welcome"},
            }
        ],
        NOW,
    )
    assert run_rules(fresh_db, at(NOW + timedelta(hours=1)), SETTINGS) == 0
    assert [a["kind"] for a in list_alerts(fresh_db)] == ["help"]


def test_resolved_alert_is_not_raised_again(fresh_db, kiosk):
    touch_session(fresh_db, kiosk, "s1", NOW)
    run_rules(fresh_db, at(NOW + timedelta(seconds=121)), SETTINGS)
    alert = list_alerts(fresh_db)[0]
    resolve_alert(fresh_db, alert["id"], "ana", "patient_left", None, NOW + timedelta(seconds=150))
    assert run_rules(fresh_db, at(NOW + timedelta(hours=2)), SETTINGS) == 0
    assert list_alerts(fresh_db) == []


def test_running_app_raises_the_alert_on_its_own(tmp_path):
    """Through the real app: a session started over HTTP and then silent becomes an alert."""
    from fastapi.testclient import TestClient

    from staffconsole.app import create_app
    from staffconsole.store.schema import open_db

    settings = load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "w.db"),
            "session_deadline_s": 1,
            "watchdog_interval_s": 0.05,
        },
    )
    app = create_app(settings, staff=False)
    db = open_db(settings.db_path)
    token = add_kiosk(db, "Lobby kiosk 1", NOW)
    with TestClient(app) as client:
        seq = app.state.hub.seq
        r = client.post(
            "/api/v1/kiosk/events",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "events": [
                    {
                        "id": "e1",
                        "session": "s1",
                        "type": "session.started",
                        "at": iso(NOW),
                        "data": {},
                    }
                ]
            },
        )
        assert r.status_code == 200, r.text
        found = wait_for(lambda: list_alerts(db), timeout=5, what="unresponsive alert")
        assert found[0]["kind"] == "unresponsive_session"
        assert found[0]["session_id"] == "s1"
        wait_for(lambda: app.state.hub.seq >= seq + 2, timeout=2, what="hub notified")
    db.close()


# -- kiosks, printers, waits, the lobby and the console, through run_rules ----------


def beat(db, kiosk, at, state="ok", detail=""):
    heartbeat(db, kiosk, app_version="0.1.0", printer_state=state, printer_detail=detail, now=at)


def open_kinds(db):
    return sorted(a["kind"] for a in list_alerts(db))


def test_kiosk_offline_is_raised_once_and_clears_itself(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW)
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=30)), SETTINGS) == 0
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=31)), SETTINGS) == 1
    assert open_kinds(fresh_db) == ["kiosk_offline"]
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=60)), SETTINGS) == 0  # not piled up
    beat(fresh_db, kiosk, NOW + timedelta(seconds=90))
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=91)), SETTINGS) == 1
    assert list_alerts(fresh_db) == []
    [done] = list_alerts(fresh_db, include_resolved=True)
    assert (done["outcome"], done["resolved_by"]) == ("cleared", "Seen")
    assert done["note"] == "Cleared by itself: Lobby kiosk 1 is sending heartbeats again"


def test_printer_fault_updates_one_alert_and_clears_itself_when_ok(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW, "paper_near_end", "roll low")
    run_rules(fresh_db, at(NOW), SETTINGS)
    [near] = list_alerts(fresh_db)
    assert (
        near["summary"] == "The receipt printer at Lobby kiosk 1 is nearly out of paper (roll low)"
    )
    beat(fresh_db, kiosk, NOW + timedelta(seconds=10), "paper_out")
    run_rules(fresh_db, at(NOW + timedelta(seconds=10)), SETTINGS)
    [out] = list_alerts(fresh_db)
    assert out["id"] == near["id"] and "is out of paper" in out["summary"]
    beat(fresh_db, kiosk, NOW + timedelta(seconds=20), "ok")
    run_rules(fresh_db, at(NOW + timedelta(seconds=20)), SETTINGS)
    assert list_alerts(fresh_db) == []
    assert "printer at Lobby kiosk 1 reported OK again" in get_alert(fresh_db, out["id"])["note"]


def test_long_wait_is_raised_once_and_called_in_resolves_it(fresh_db, kiosk):
    from helpers.seed import book_today

    from staffconsole.store import arrivals as store_arrivals

    today = ZONE.day(NOW)
    ids = book_today(fresh_db, today)
    booked = get_appointment(fresh_db, ids["Okafor"])["start"]  # 10:30 local
    start = ZONE.instant(datetime.fromisoformat(booked))
    arrival = checkin(fresh_db, kiosk, "s1", ids["Okafor"], start - timedelta(minutes=5), today)
    # The rules under test only: a kiosk that has never beaten is not offline.
    assert run_rules(fresh_db, at(start + timedelta(minutes=14, seconds=59)), SETTINGS) == 0
    assert run_rules(fresh_db, at(start + timedelta(minutes=15)), SETTINGS) == 1
    [wait] = list_alerts(fresh_db)
    assert wait["kind"] == "long_wait" and "Maria O." in wait["summary"]
    assert "Okafor" not in wait["summary"]  # display name only
    called = store_arrivals.set_status(
        fresh_db, arrival["id"], "called_in", "ana", start + timedelta(minutes=16)
    )
    assert called["status"] == "called_in" and called["called_in_by"] == "ana"
    assert list_alerts(fresh_db) == []
    done = get_alert(fresh_db, wait["id"])
    assert (done["outcome"], done["resolved_by"]) == ("called_in", "ana")
    assert run_rules(fresh_db, at(start + timedelta(hours=3)), SETTINGS) == 0
    assert list_audit(fresh_db)[0]["action"] == "arrival.called_in"


def test_lobby_busy_comes_and_goes(fresh_db, kiosk, tmp_path):
    from helpers.seed import book_today

    from staffconsole.store import arrivals as store_arrivals

    busy = load_settings(
        environ={},
        overrides={
            "lobby_busy_waiting": 2,
            "long_wait_min": 10**4,
            "resound_s": 10**6,
            "escalate_after_s": 10**6,
        },
    )
    today = ZONE.day(NOW)
    ids = book_today(fresh_db, today)
    arrivals = [
        checkin(fresh_db, kiosk, f"s{i}", ids[name], NOW, today)
        for i, name in enumerate(["Okafor", "Kowalski", "Te Rangi"])
    ]
    run_rules(fresh_db, at(NOW), busy)
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "lobby_busy" and "3 patients are waiting" in alert["summary"]
    store_arrivals.set_status(fresh_db, arrivals[0]["id"], "seen", "ana", NOW)
    run_rules(fresh_db, at(NOW), busy)
    assert list_alerts(fresh_db) == []
    assert (
        get_alert(fresh_db, alert["id"])["note"] == "Cleared by itself: the lobby is no longer busy"
    )


def test_no_console_while_a_kiosk_is_online(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW)
    started = NOW - timedelta(seconds=59)
    assert run_rules(fresh_db, at(NOW), SETTINGS, presence=(0, started)) == 0
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=1)), SETTINGS, presence=(0, started)) == 1
    assert open_kinds(fresh_db) == ["no_console"]
    # A person resolves it, not the console coming back.
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=5)), SETTINGS, presence=(1, None)) == 0
    assert open_kinds(fresh_db) == ["no_console"]


def test_escalation_ladder_over_passes(fresh_db, kiosk):
    quick = load_settings(
        environ={}, overrides={"resound_s": 60, "escalate_after_s": 180, "ack_timeout_s": 600}
    )
    record_events(
        fresh_db,
        kiosk,
        [
            {
                "id": "e1",
                "session": "s1",
                "type": "session.handed_off",
                "at": iso(NOW),
                "data": {"reason": "help", "step": "welcome"},
            }
        ],
        NOW,
    )
    escalated: list = []
    [alert] = list_alerts(fresh_db)
    changed = [
        run_rules(fresh_db, at(NOW + timedelta(seconds=second)), quick, escalated=escalated)
        for second in range(0, 181, 30)
    ]
    # Nothing to push until the escalation: no per-alert resound (the page reminds).
    assert changed == [0, 0, 0, 0, 0, 0, 1]
    alert = get_alert(fresh_db, alert["id"])
    assert alert["sounded_at"] == iso(NOW + timedelta(seconds=180))
    assert alert["escalated_at"] == iso(NOW + timedelta(seconds=180))
    assert [a["id"] for a in escalated] == [alert["id"]]
    acknowledge_alert(fresh_db, alert["id"], "ana", NOW + timedelta(seconds=200))
    run_rules(fresh_db, at(NOW + timedelta(seconds=799)), quick)
    assert get_alert(fresh_db, alert["id"])["status"] == "acknowledged"
    run_rules(fresh_db, at(NOW + timedelta(seconds=800)), quick)
    back = get_alert(fresh_db, alert["id"])
    assert back["status"] == "open" and back["returned_at"] == iso(NOW + timedelta(seconds=800))


def test_escalation_is_posted_to_the_webhook(fresh_db, kiosk):
    """A real local HTTP server receives the JSON; no patient-typed text goes out."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from staffconsole.watch.watchdog import notify_escalated

    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Content-Type"], json.loads(self.rfile.read(length))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        settings = load_settings(
            environ={},
            overrides={"escalation_webhook_url": url, "clinic_name": "Clinique Saint-Éloi"},
        )
        record_events(
            fresh_db,
            kiosk,
            [
                {
                    "id": "e1",
                    "session": "s1",
                    "type": "session.handed_off",
                    "at": iso(NOW),
                    "data": {
                        "reason": "no_match",
                        "step": "identify",
                        "entered": {"last_name": "Okafor", "dob": "1980-02-04"},
                    },
                }
            ],
            NOW,
        )
        escalated: list = []
        run_rules(fresh_db, at(NOW + timedelta(minutes=3)), settings, escalated=escalated)
        assert notify_escalated(escalated, settings) == 1
        [(kind, body)] = received
        assert kind == "application/json"
        assert body["kind"] == "no_match" and body["kiosk"] == "Lobby kiosk 1"
        assert body["text"].startswith('Clinique Saint-Éloi: "Kiosk could not find')
        assert "3 min" in body["text"]
        assert "Okafor" not in json.dumps(body) and "1980" not in json.dumps(body)
        # A dead webhook is logged, not raised.
        dead = load_settings(
            environ={}, overrides={"escalation_webhook_url": "http://127.0.0.1:9/nothing"}
        )
        assert notify_escalated(escalated, dead) == 0
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_fault_a_person_resolved_is_not_raised_again_until_it_clears(fresh_db, kiosk):
    beat(fresh_db, kiosk, NOW, "paper_near_end")
    run_rules(fresh_db, at(NOW), SETTINGS)
    [first] = list_alerts(fresh_db)
    resolve_alert(fresh_db, first["id"], "ana", "other", "new roll ordered", NOW)
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=5)), SETTINGS) == 0
    assert list_alerts(fresh_db) == []
    beat(fresh_db, kiosk, NOW + timedelta(seconds=10), "paper_out")  # worse: a new alert
    run_rules(fresh_db, at(NOW + timedelta(seconds=10)), SETTINGS)
    [worse] = list_alerts(fresh_db)
    resolve_alert(fresh_db, worse["id"], "ana", "other", None, NOW + timedelta(seconds=11))
    beat(fresh_db, kiosk, NOW + timedelta(seconds=20), "ok")
    run_rules(fresh_db, at(NOW + timedelta(seconds=20)), SETTINGS)
    beat(fresh_db, kiosk, NOW + timedelta(seconds=30), "paper_out")  # the next day's roll
    run_rules(fresh_db, at(NOW + timedelta(seconds=30)), SETTINGS)
    [again] = list_alerts(fresh_db)
    assert again["id"] not in (first["id"], worse["id"]) and "out of paper" in again["summary"]
