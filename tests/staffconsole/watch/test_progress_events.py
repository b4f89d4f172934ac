"""Issue 14: what the patient typed reaches the deadline alert; a quiet end raises none."""

from datetime import timedelta

import pytest
from helpers.seed import NOW
from pydantic import ValidationError

from staffconsole.api.kiosk import Event
from staffconsole.clock import ClinicClock, ClinicZone, iso
from staffconsole.config import load_settings
from staffconsole.report.queries import sessions_between
from staffconsole.store.alerts import list_alerts
from staffconsole.store.sessions import record_events

SETTINGS = load_settings(
    environ={}, overrides={"resound_s": 10**6, "escalate_after_s": 10**6, "ack_timeout_s": 10**6}
)


def at(moment):
    return ClinicClock(ClinicZone("UTC"), lambda: moment)


def event(n, kind, **data):
    return {"id": f"e{n}", "session": "s1", "type": kind, "at": iso(NOW), "data": data}


def test_progress_names_the_patient_in_the_deadline_alert(fresh_db, kiosk):
    from staffconsole.watch.watchdog import run_rules

    record_events(
        fresh_db,
        kiosk,
        [
            event(1, "session.started"),
            event(2, "session.step", step="identify_name"),
            event(3, "session.progress", step="identify_name", entered={"last_name": "Okaf"}),
        ],
        NOW,
    )
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=121)), SETTINGS) == 1
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "unresponsive_session"
    assert "Okaf" in alert["summary"] and "name screen" in alert["summary"]
    assert alert["data"]["entered"] == {"last_name": "Okaf"}


def test_an_abandoned_session_raises_no_alert_and_is_counted(fresh_db, kiosk):
    from staffconsole.watch.watchdog import run_rules

    record_events(
        fresh_db,
        kiosk,
        [
            event(1, "session.started"),
            event(2, "session.step", step="identify_name"),
            event(3, "session.abandoned", reason="walked_away", step="identify_name"),
        ],
        NOW,
    )
    assert run_rules(fresh_db, at(NOW + timedelta(seconds=600)), SETTINGS) == 0
    assert list_alerts(fresh_db) == []
    (session,) = sessions_between(
        fresh_db, iso(NOW - timedelta(hours=1)), iso(NOW + timedelta(hours=1))
    )
    assert session["abandoned"] and session["outcome"] is None


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        ("session.abandoned", {"reason": "bored"}, "data.reason must be one of"),
        ("session.progress", {"entered": "Okafor"}, "data.entered must be an object"),
        ("session.progress", {"entered": {"last_name": "x" * 101}}, "at most 100"),
    ],
)
def test_bad_new_events_are_refused_with_a_reason(kind, data, message):
    with pytest.raises(ValidationError, match=message):
        Event(id="e1", session="s1", type=kind, at=iso(NOW), data=data)


def test_good_new_events_are_accepted():
    quiet = Event(
        id="e1", session="s1", type="session.abandoned", at=iso(NOW), data={"reason": "start_over"}
    )
    assert quiet.data["reason"] == "start_over"
    progress = Event(
        id="e2",
        session="s1",
        type="session.progress",
        at=iso(NOW),
        data={"step": "identify_dob", "entered": {"last_name": "Ng", "dob": "04/02"}},
    )
    assert progress.data["entered"]["last_name"] == "Ng"
