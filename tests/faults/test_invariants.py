"""The campaign's checker finds each broken promise (so a green campaign means something)."""

from __future__ import annotations

import json
from datetime import datetime

from faults.invariants import check, read_kiosk

from staffconsole.auth import kiosks as auth_kiosks
from staffconsole.clock import utcnow
from staffconsole.store import appointments as store_appointments
from staffconsole.store import sessions as store_sessions
from staffconsole.store.schema import ensure_schema, open_db


def _server(tmp_path):
    """A database with one kiosk, one check-in (session s-in) and one hand-off (s-help)."""
    path = tmp_path / "seen.db"
    db = open_db(path)
    ensure_schema(db)
    today = datetime.now().date()
    for n in (1, 2):
        store_appointments.upsert_appointment(
            db,
            external_id=f"a{n}",
            first_name="Łukasz",
            last_name="Kowalski",
            dob="1991-06-15",
            start=f"{today.isoformat()}T11:1{n}",
            provider="Dr. Patel",
        )
    auth_kiosks.add_kiosk(db, "K1", utcnow())
    kiosk = db.execute("SELECT * FROM kiosks").fetchone()
    kiosk = {"id": kiosk[0], "name": "K1"}
    arrival = store_appointments.checkin(db, kiosk, "s-in", 1, utcnow(), today)
    store_sessions.record_events(
        db,
        kiosk,
        [
            {
                "id": "e1",
                "session": "s-help",
                "type": "session.handed_off",
                "at": utcnow().isoformat(),
                "data": {"reason": "help", "step": "identify_name"},
            }
        ],
        utcnow(),
    )
    return path, db, arrival


def _kiosk(tmp_path, started, done=()):
    journal = tmp_path / "K1-journal.jsonl"
    lines = [{"t": "start", "session": s, "script": "checkin"} for s in started]
    lines += [{"t": "done", **d} for d in done]
    journal.write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"t": "do', "utf-8")
    return read_kiosk("K1", tmp_path / "none.db", journal)


def test_a_clean_run_passes(tmp_path):
    path, db, arrival = _server(tmp_path)
    db.close()
    kiosk = _kiosk(
        tmp_path,
        ["s-in", "s-help"],
        [{"session": "s-in", "appointment": 1, "arrival": arrival["id"]}],
    )
    found = check(path, [kiosk])
    assert found.ok and (found.sessions, found.checked_in, found.alerted) == (2, 1, 1)


def test_each_broken_promise_is_found(tmp_path):
    path, db, arrival = _server(tmp_path)
    # A second alert for the same session, and a person's kind of alert closed by the system.
    db.execute(
        "INSERT INTO alerts (kind, cause, status, severity, created_at, updated_at, "
        "summary, resolved_by, outcome) VALUES ('help', 'session:s-help', 'resolved', "
        "80, 'x', 'x', 'x', 'Seen', 'cleared')"
    )
    db.conn.commit()
    db.close()
    kiosk = _kiosk(
        tmp_path,
        ["s-in", "s-help", "s-gone"],
        [{"session": "s-in", "appointment": 2, "arrival": arrival["id"]}],
    )
    found = check(path, [kiosk])
    assert found.lost == ["s-gone"]
    assert found.doubled == ["2 alerts for session:s-help"]
    assert len(found.false_confirmations) == 1 and "s-in" in found.false_confirmations[0]
    assert len(found.wrongly_closed) == 1 and "(help) resolved by 'Seen'" in found.wrongly_closed[0]
    assert not found.ok


def test_a_not_confirmed_alert_closed_by_its_own_checkin_is_not_wrongly_closed(tmp_path):
    path, db, _ = _server(tmp_path)
    kiosk = {"id": 1, "name": "K1"}
    late = {
        "id": "e2",
        "session": "s-late",
        "type": "session.handed_off",
        "at": utcnow().isoformat(),
        "data": {"reason": "checkin_unconfirmed", "step": "checking_in"},
    }
    store_sessions.record_events(db, kiosk, [late], utcnow())
    store_appointments.checkin(db, kiosk, "s-late", 2, utcnow(), datetime.now().date())
    # The same outcome on a session that never checked in would be a false close.
    db.execute(
        "INSERT INTO alerts (kind, cause, status, severity, created_at, updated_at, summary, "
        "session_id, resolved_by, outcome) VALUES ('checkin_unconfirmed', 'session:s-help2', "
        "'resolved', 90, 'x', 'x', 'x', 's-help2', 'Seen', 'checked_in_after_all')"
    )
    db.conn.commit()
    db.close()
    found = check(path, [_kiosk(tmp_path, ["s-in", "s-help", "s-late"])])
    assert found.wrongly_closed == ["alert 3 (checkin_unconfirmed) resolved by 'Seen'"], (
        found.wrongly_closed
    )
