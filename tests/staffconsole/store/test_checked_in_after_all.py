"""A "check-in not confirmed" alert ends itself when the check-in turns out committed,
whichever reaches the server first: the kiosk's hand-off or its queued check-in."""

from datetime import date, timedelta

from helpers.seed import NOW, book_today

from seen.vocabulary import CHECKED_IN_AFTER_ALL, STAFF_OUTCOMES
from staffconsole.clock import iso
from staffconsole.store.alerts import acknowledge_alert, list_alerts
from staffconsole.store.appointments import checkin, list_arrivals
from staffconsole.store.sessions import get_session, record_events

TODAY = date(2026, 11, 22)
LATER = NOW + timedelta(seconds=40)


def handoff(session_id, reason="checkin_unconfirmed", event_id=None):
    return {
        "id": event_id or f"ev-{session_id}-{reason}",
        "session": session_id,
        "type": "session.handed_off",
        "at": iso(NOW),
        "data": {
            "reason": reason,
            "step": "checking_in",
            "entered": {"last_name": "Okafor", "dob": "1980-02-04"},
        },
    }


def _only_alert(db):
    [alert] = list_alerts(db, include_resolved=True)
    return alert


def test_alert_first_then_the_queued_checkin_closes_it(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    assert _only_alert(fresh_db)["status"] == "open"

    arrival = checkin(fresh_db, kiosk, "s1", ids["Okafor"], LATER, TODAY)
    alert = _only_alert(fresh_db)
    assert alert["status"] == "resolved" and alert["kind"] == "checkin_unconfirmed"
    assert alert["resolved_by"] == "Seen" and alert["outcome"] == CHECKED_IN_AFTER_ALL
    assert alert["resolved_at"] == iso(LATER)
    assert f"number {arrival['ticket']}" in alert["note"]
    assert list_alerts(fresh_db) == []  # off the console's open list
    assert len(list_arrivals(fresh_db, TODAY)) == 1


def test_checkin_first_then_the_late_handoff_is_closed_at_once(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    checkin(fresh_db, kiosk, "s1", ids["Okafor"], NOW, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], LATER)
    alert = _only_alert(fresh_db)
    assert alert["status"] == "resolved" and alert["outcome"] == CHECKED_IN_AFTER_ALL
    assert alert["resolved_by"] == "Seen" and "number 1" in alert["note"]
    assert list_alerts(fresh_db) == []
    assert get_session(fresh_db, "s1")["outcome"] == "checked_in"


def test_a_second_unconfirmed_handoff_adds_no_second_card(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    checkin(fresh_db, kiosk, "s1", ids["Okafor"], LATER, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1", event_id="again")], LATER)
    assert _only_alert(fresh_db)["status"] == "resolved"


def test_an_acknowledged_card_is_closed_too(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    acknowledge_alert(fresh_db, _only_alert(fresh_db)["id"], "ana", NOW)
    checkin(fresh_db, kiosk, "s1", ids["Okafor"], LATER, TODAY)
    alert = _only_alert(fresh_db)
    assert alert["status"] == "resolved" and alert["acknowledged_by"] == "ana"
    assert alert["resolved_by"] == "Seen"


def test_other_alerts_stay_for_a_person(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    # Help asked on the confirm screen, then a check-in in the same session: the
    # patient still asked for a person.
    record_events(fresh_db, kiosk, [handoff("s1", "help")], NOW)
    checkin(fresh_db, kiosk, "s1", ids["Okafor"], LATER, TODAY)
    assert _only_alert(fresh_db)["status"] == "open"
    # A reported problem after checking in is never closed by the check-in.
    checkin(fresh_db, kiosk, "s2", ids["Kowalski"], NOW, TODAY)
    record_events(fresh_db, kiosk, [handoff("s2", "reported_problem")], LATER)
    assert [a["kind"] for a in list_alerts(fresh_db)] == ["reported_problem", "help"]


def test_another_sessions_checkin_does_not_close_it(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    checkin(fresh_db, kiosk, "s2", ids["Kowalski"], LATER, TODAY)
    assert _only_alert(fresh_db)["status"] == "open"


def test_unconfirmed_without_a_checkin_stays_open(fresh_db, kiosk):
    book_today(fresh_db, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    assert _only_alert(fresh_db)["status"] == "open"
    assert get_session(fresh_db, "s1")["outcome"] == "handed_off"


def test_the_outcome_is_not_offered_to_staff():
    assert CHECKED_IN_AFTER_ALL not in STAFF_OUTCOMES
