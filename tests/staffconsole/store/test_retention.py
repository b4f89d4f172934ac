"""Retention on a real SQLite file at a fake now: typed text, kiosk events and the audit
rows of reads go after their limits; nothing younger is touched; arrivals, alerts and
the audit rows of changes stay."""

from __future__ import annotations

import json
from datetime import timedelta

from helpers.seed import NOW, PATIENTS, book

from staffconsole.clock import iso
from staffconsole.store.alerts import list_alerts, resolve_alert
from staffconsole.store.appointments import appointment_by_external_id, checkin
from staffconsole.store.audit import audited, list_audit
from staffconsole.store.retention import READ_ACTIONS, Limits, Purged, purge
from staffconsole.store.sessions import record_events

LIMITS = Limits(typed_text_days=30, event_days=60, audit_read_days=365)
FIRST, LAST, DOB = PATIENTS[1][0], PATIENTS[1][1], PATIENTS[1][2]


def visit(db, kiosk, session: str, at, *, abandoned: bool = False) -> None:
    """A session in which the patient typed a name, checked in, and (or) asked for help."""
    entered = {"last_name": LAST, "dob": DOB, "first_name": FIRST}
    events = [
        {"id": f"{session}-1", "session": session, "type": "session.started", "at": iso(at)},
        {
            "id": f"{session}-2",
            "session": session,
            "type": "session.progress",
            "at": iso(at),
            "data": {"step": "identify_dob", "entered": entered},
        },
    ]
    if abandoned:
        events.append(
            {
                "id": f"{session}-3",
                "session": session,
                "type": "session.abandoned",
                "at": iso(at),
                "data": {"reason": "walked_away", "step": "confirm", "entered": entered},
            }
        )
    else:
        events.append(
            {
                "id": f"{session}-3",
                "session": session,
                "type": "session.handed_off",
                "at": iso(at),
                "data": {"reason": "help", "step": "identify_dob", "entered": entered},
            }
        )
    record_events(db, kiosk, events, at)


def rows(db, sql, params=()):
    return [dict(row) for row in db.query(sql, params)]


def session_text(db) -> dict[str, dict]:
    return {r["id"]: json.loads(r["entered"]) for r in rows(db, "SELECT * FROM sessions")}


def test_purge_empties_old_typed_text_and_deletes_old_events_and_reads(fresh_db, kiosk):
    db = fresh_db
    now = NOW
    old = now - timedelta(days=90)  # past every limit but the audit reads'
    middle = now - timedelta(days=45)  # past the typed text's 30 days, within events' 60
    young = now - timedelta(days=29, hours=23)  # within every limit
    visit(db, kiosk, "old", old)
    visit(db, kiosk, "gone-away", old, abandoned=True)
    visit(db, kiosk, "middle", middle)
    visit(db, kiosk, "young", young)
    book(db, "a-1", FIRST, LAST, DOB, f"{old.date().isoformat()}T10:30", "Dr. Lee")
    appointment = appointment_by_external_id(db, "a-1")["id"]
    checkin(db, kiosk, "old", appointment, old, old.date())
    for at, action in (
        (now - timedelta(days=400), "report.export_names"),
        (now - timedelta(days=400), "user.list"),
        (now - timedelta(days=400), "read.console.snapshot"),
        (now - timedelta(days=400), "alert.resolve"),  # a change: kept for good
        (now - timedelta(days=364), "report.export"),  # a read within its year
    ):
        with audited(db, "ana", action, None, {"rows": 3}, at):
            pass
    alerts_before = list_alerts(db, include_resolved=True)
    assert len(alerts_before) == 3 and all(LAST in a["summary"] for a in alerts_before)

    done = purge(db, now, LIMITS)

    assert done.sessions_blanked == 3  # old, gone-away, middle
    text = session_text(db)
    assert text["old"] == text["gone-away"] == text["middle"] == {}
    assert text["young"]["last_name"] == LAST  # younger than the limit: untouched
    events = {r["id"]: r for r in rows(db, "SELECT * FROM events")}
    # Older than 60 days: deleted, but for the abandoned mark the report counts (emptied).
    assert "old-1" not in events and "old-3" not in events and "gone-away-2" not in events
    assert events["gone-away-3"]["type"] == "session.abandoned"
    assert events["gone-away-3"]["data"] == "{}"
    # Within 60 days but their session's text is past 30: kept, emptied.
    assert {events[f"middle-{n}"]["data"] for n in (1, 2, 3)} == {"{}"}
    assert LAST in events["young-2"]["data"] and LAST in events["young-3"]["data"]
    assert done.events_deleted == 5
    # Arrivals and alerts stay whole (the report's period is any period).
    [arrival] = rows(db, "SELECT * FROM arrivals")
    assert arrival["appointment_id"] == appointment and arrival["session_id"] == "old"
    assert list_alerts(db, include_resolved=True) == alerts_before
    actions = sorted(entry["action"] for entry in list_audit(db))
    assert "report.export_names" not in actions and "user.list" not in actions
    assert "read.console.snapshot" not in actions
    assert "alert.resolve" in actions and "report.export" in actions
    assert done.audit_reads_deleted == 3
    # A second purge at the same now finds nothing more to do.
    assert purge(db, now, LIMITS).total == 0


def test_nothing_younger_than_a_limit_is_touched(fresh_db, kiosk):
    db = fresh_db
    just_inside = NOW - timedelta(days=30) + timedelta(seconds=1)
    visit(db, kiosk, "s", just_inside)
    for action in (*READ_ACTIONS, "read.arrivals"):
        with audited(db, "ana", action, None, None, NOW - timedelta(days=365, seconds=-1)):
            pass
    before = (
        rows(db, "SELECT * FROM sessions"),
        rows(db, "SELECT * FROM events"),
        rows(db, "SELECT * FROM audit"),
    )
    assert purge(db, NOW, Limits(30, 30, 365)).total == 0
    after = (
        rows(db, "SELECT * FROM sessions"),
        rows(db, "SELECT * FROM events"),
        rows(db, "SELECT * FROM audit"),
    )
    assert after == before
    # One second later every one of them is past its limit.
    assert purge(db, NOW + timedelta(seconds=2), Limits(30, 30, 365)) == Purged(
        sessions_blanked=1, events_blanked=2, events_deleted=3, audit_reads_deleted=4
    )


def test_resolved_alerts_lose_the_patients_words_open_ones_keep_them(fresh_db, kiosk):
    db = fresh_db
    old = NOW - timedelta(days=45)
    visit(db, kiosk, "resolved-old", old)
    visit(db, kiosk, "resolved-young", NOW - timedelta(days=2))
    visit(db, kiosk, "still-open", old)
    by_session = {a["session_id"]: a for a in list_alerts(db, include_resolved=True)}
    resolve_alert(
        db, by_session["resolved-old"]["id"], "ana", "redirected", f"{LAST} sent to lab", old
    )
    young = by_session["resolved-young"]["id"]
    resolve_alert(db, young, "ana", "redirected", None, NOW - timedelta(days=2))

    done = purge(db, NOW, LIMITS)

    after = {a["session_id"]: a for a in list_alerts(db, include_resolved=True)}
    blanked = after["resolved-old"]
    assert blanked["summary"] == "Patient asked for help (details removed after 30 days)"
    assert LAST not in json.dumps(blanked) and FIRST not in json.dumps(blanked)
    assert blanked["data"] == {"reason": "help", "step": "identify_dob", "blanked": True}
    assert (
        blanked["outcome"] == "redirected" and blanked["note"] is None
    )  # the report still counts it
    assert LAST in after["resolved-young"]["summary"]  # resolved within the limit
    assert LAST in after["still-open"]["summary"]  # someone must still find this patient
    assert done.alerts_blanked == 1
    assert purge(db, NOW, LIMITS).alerts_blanked == 0


def test_hl7_messages_for_no_destination_go_after_a_day_else_they_wait(fresh_db, kiosk):
    db = fresh_db
    for days in (3, 1, 0):  # a check-in queues its arrival's message for the practice system
        at = NOW - timedelta(days=days, seconds=1)
        book(db, f"h-{days}", FIRST, LAST, DOB, f"{at.date().isoformat()}T10:30", "Dr. Lee")
        appointment = appointment_by_external_id(db, f"h-{days}")["id"]
        checkin(db, kiosk, f"h-{days}", appointment, at, at.date())

    def queued():
        return len(rows(db, "SELECT * FROM hl7_outbound"))

    # A destination is set (down for days, say): nothing is dropped.
    assert purge(db, NOW, LIMITS).hl7_unsent_deleted == 0 and queued() == 3
    # None is set: what is older than a day goes; today's wait for one to be set.
    assert purge(db, NOW, Limits(30, 60, 365, hl7_unsent_days=1)).hl7_unsent_deleted == 2
    assert queued() == 1
