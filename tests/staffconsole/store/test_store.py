"""Storage: schema and durability settings, kiosks, users, appointments, arrivals, alerts, audit."""

from datetime import date, timedelta

import pytest
from helpers.seed import NOW, book, book_today

from staffconsole.auth.kiosks import (
    add_kiosk,
    get_kiosk,
    kiosk_for_token,
    list_kiosks,
    revoke_kiosk,
)
from staffconsole.auth.passwords import verify
from staffconsole.auth.users import add_user, user_by_name
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store import migrate, schema
from staffconsole.store.alerts import acknowledge_alert, get_alert, list_alerts, resolve_alert
from staffconsole.store.appointments import checkin, list_arrivals, lookup
from staffconsole.store.audit import audited, list_audit
from staffconsole.store.sessions import get_session, heartbeat, record_events, touch_session

TODAY = date(2026, 11, 22)
LATER = NOW + timedelta(minutes=5)


def handoff(session_id, reason="help", step="identify", entered=None, event_id=None):
    return {
        "id": event_id or f"ev-{session_id}-{reason}",
        "session": session_id,
        "type": "session.handed_off",
        "at": iso(NOW),
        "data": {"reason": reason, "step": step, "entered": entered or {}},
    }


# --- schema -----------------------------------------------------------------


def test_database_is_durable_and_versioned(fresh_db):
    if fresh_db.dialect == "sqlite":
        assert fresh_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert fresh_db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert fresh_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    else:  # a real server (its durability is the server's configuration, docs/scale.md)
        assert int(fresh_db.execute("SHOW server_version_num").fetchone()[0]) >= 150000
    assert schema.schema_version(fresh_db) == schema.SCHEMA_VERSION
    schema.ensure_schema(fresh_db)  # again: nothing to do, no error
    assert {
        "patients",
        "appointments",
        "kiosks",
        "sessions",
        "events",
        "arrivals",
        "alerts",
        "staff_users",
        "staff_sessions",
        "login_attempts",
        "audit",
    } <= set(fresh_db.table_names())


def test_newer_database_is_refused(fresh_db):
    newer = migrate.revision_id(schema.SCHEMA_VERSION + 1)  # a later Seen's Alembic revision
    fresh_db.execute("UPDATE alembic_version SET version_num = ?", [newer])
    with pytest.raises(schema.DatabaseError, match="newer"):
        schema.ensure_schema(fresh_db)
    assert fresh_db.execute("SELECT version_num FROM alembic_version").fetchall() == [(newer,)]


def test_a_database_newer_by_its_user_version_is_refused(tmp_path):
    db = schema.open_db(tmp_path / "store.db")  # what a Seen before Alembic looked at
    schema.ensure_schema(db)
    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    with pytest.raises(schema.DatabaseError, match="newer"):
        schema.ensure_schema(db)


def test_unopenable_database_names_the_path(tmp_path):
    with pytest.raises(schema.DatabaseError, match="no-such-dir"):
        schema.open_db(tmp_path / "no-such-dir" / "x.db")


def test_failed_write_leaves_nothing_behind(fresh_db, kiosk):
    with pytest.raises(RuntimeError), schema.write(fresh_db):
        touch_session(fresh_db, kiosk, "s1", NOW)
        raise RuntimeError("power cut")
    assert get_session(fresh_db, "s1") is None


# --- kiosks and users ---------------------------------------------------------


def test_kiosk_token_is_stored_only_as_a_hash(fresh_db):
    token = add_kiosk(fresh_db, "Lobby kiosk 1", NOW)
    assert len(token) >= 40
    dump = "\n".join(
        repr(row)
        for table in fresh_db.table_names()
        for row in fresh_db.query(f"SELECT * FROM {table}")
    )
    assert token not in dump
    assert kiosk_for_token(fresh_db, token)["name"] == "Lobby kiosk 1"
    assert kiosk_for_token(fresh_db, token + "x") is None


def test_kiosk_names_are_unique_until_revoked(fresh_db):
    old = add_kiosk(fresh_db, "Lobby kiosk 1", NOW)
    with pytest.raises(Conflict, match="already exists"):
        add_kiosk(fresh_db, "Lobby  kiosk 1", NOW)
    revoked = revoke_kiosk(fresh_db, "Lobby kiosk 1", LATER)
    assert revoked["revoked_at"] == iso(LATER)
    with pytest.raises(Conflict, match="already revoked"):
        revoke_kiosk(fresh_db, "Lobby kiosk 1", LATER)
    new = add_kiosk(fresh_db, "Lobby kiosk 1", LATER)  # re-issued
    assert kiosk_for_token(fresh_db, new)["revoked_at"] is None
    assert kiosk_for_token(fresh_db, old) is None
    assert len(list_kiosks(fresh_db)) == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_bad_kiosk_names(fresh_db, name):
    with pytest.raises(Invalid):
        add_kiosk(fresh_db, name, NOW)


def test_revoking_an_unknown_kiosk(fresh_db):
    with pytest.raises(NotFound, match="Side door"):
        revoke_kiosk(fresh_db, "Side door", NOW)


def test_users_get_argon2id_hashes(fresh_db):
    user = add_user(fresh_db, "ana", "correct horse battery", "admin", NOW)
    assert user["password_hash"].startswith("$argon2id$")
    assert verify(user["password_hash"], "correct horse battery")
    assert not verify(user["password_hash"], "wrong")
    assert user_by_name(fresh_db, "ana")["role"] == "admin"
    assert user_by_name(fresh_db, "nobody") is None
    with pytest.raises(Conflict):
        add_user(fresh_db, "ana", "another long phrase", "receptionist", NOW)


@pytest.mark.parametrize(
    "username, password, role",
    [
        ("", "pw", "receptionist"),
        ("two words", "pw", "receptionist"),
        ("bo", "", "receptionist"),
        ("bo", "pw", "boss"),
    ],
)
def test_bad_users_are_refused(fresh_db, username, password, role):
    with pytest.raises(Invalid):
        add_user(fresh_db, username, password, role, NOW)


def test_audit_newest_first(fresh_db):
    with audited(fresh_db, "ana", "login.ok", "ana", None, NOW):
        pass
    with audited(fresh_db, "ana", "alert.resolve", "alert:1", {"outcome": "redirected"}, LATER):
        pass
    entries = list_audit(fresh_db)
    assert [e["action"] for e in entries] == ["alert.resolve", "login.ok"]
    assert entries[0]["detail"] == {"outcome": "redirected"}


# --- appointments, look-up, check-in ------------------------------------------


def test_upsert_reports_added_changed_unchanged(fresh_db):
    args = ("a1", "Maria", "Okafor", "1980-02-04", "2026-11-22T10:30", "Dr. Lee")
    assert book(fresh_db, *args) == "added"
    assert book(fresh_db, *args) == "unchanged"
    assert book(fresh_db, *args[:4], "2026-11-22T11:00", "Dr. Lee") == "changed"
    assert book(fresh_db, *args[:4], "2026-11-22T11:00", "Dr. Lee", "cancelled") == "changed"
    assert fresh_db.execute("SELECT count(*) FROM appointments").fetchone()[0] == 1
    assert fresh_db.execute("SELECT count(*) FROM patients").fetchone()[0] == 1


def test_lookup_matches_today_only_and_forgives_spelling(fresh_db):
    ids = book_today(fresh_db, TODAY)
    book(fresh_db, "y", "Maria", "Okafor", "1980-02-04", "2026-11-21T10:30", "Dr. Lee")
    book(fresh_db, "t", "Maria", "Okafor", "1980-02-04", "2026-11-23T00:00", "Dr. Lee")
    matches = lookup(fresh_db, " OKAFOR ", "1980-02-04", TODAY)
    assert matches == [
        {
            "appointment": ids["Okafor"],
            "display_name": "Maria O.",
            "time": "10:30",
            "provider": "Dr. Lee",
        }
    ]
    assert (
        lookup(fresh_db, "obrien nunez", date(1957, 11, 30), TODAY)[0]["display_name"] == "Zoë O."
    )
    assert lookup(fresh_db, "Okafor", "1980-02-05", TODAY) == []
    assert lookup(fresh_db, "   ", "1980-02-04", TODAY) == []


def test_lookup_skips_cancelled(fresh_db):
    book(fresh_db, "c", "Maria", "Okafor", "1980-02-04", "2026-11-22T10:30", "Dr. Lee", "cancelled")
    assert lookup(fresh_db, "Okafor", "1980-02-04", TODAY) == []


def test_checkin_is_idempotent_and_numbers_tickets(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    first = checkin(fresh_db, kiosk, "s1", ids["Okafor"], NOW, TODAY)
    assert first["ticket"] == 1 and first["display_name"] == "Maria O."
    assert first["arrived_at"] == iso(NOW) and first["time"] == "10:30"
    again = checkin(fresh_db, kiosk, "s2", ids["Okafor"], LATER, TODAY)
    assert again == first
    second = checkin(fresh_db, kiosk, "s3", ids["Kowalski"], LATER, TODAY)
    assert second["ticket"] == 2
    assert get_session(fresh_db, "s1")["outcome"] == "checked_in"
    arrivals = list_arrivals(fresh_db, TODAY)
    assert [a["display_name"] for a in arrivals] == ["Maria O.", "Łukasz K."]
    assert arrivals[0]["kiosk"] == "Lobby kiosk 1" and arrivals[0]["status"] == "waiting"
    assert list_arrivals(fresh_db, TODAY + timedelta(days=1)) == []


def test_checkin_refuses_other_days_and_cancelled(fresh_db, kiosk):
    book(fresh_db, "y", "Maria", "Okafor", "1980-02-04", "2026-11-21T10:30", "Dr. Lee")
    book(fresh_db, "c", "Zoë", "Núñez", "1957-11-30", "2026-11-22T10:30", "Dr. Lee", "cancelled")
    yesterday, cancelled = [
        r[0] for r in fresh_db.execute("SELECT id FROM appointments ORDER BY external_id DESC")
    ]
    with pytest.raises(NotFound):
        checkin(fresh_db, kiosk, "s1", yesterday, NOW, TODAY)
    with pytest.raises(NotFound):
        checkin(fresh_db, kiosk, "s1", 999, NOW, TODAY)
    with pytest.raises(Conflict, match="cancelled"):
        checkin(fresh_db, kiosk, "s1", cancelled, NOW, TODAY)
    assert fresh_db.execute("SELECT count(*) FROM arrivals").fetchone()[0] == 0


# --- sessions, events, alerts ---------------------------------------------------


def test_events_are_idempotent_by_id(fresh_db, kiosk):
    events = [
        {"id": "e1", "session": "s1", "type": "session.started", "at": iso(NOW), "data": {}},
        {
            "id": "e2",
            "session": "s1",
            "type": "session.step",
            "at": iso(NOW),
            "data": {"step": "identify"},
        },
    ]
    assert record_events(fresh_db, kiosk, events, NOW) == (["e1", "e2"], [])
    assert record_events(fresh_db, kiosk, events, LATER) == ([], ["e1", "e2"])
    session = get_session(fresh_db, "s1")
    assert session["step"] == "identify" and session["last_event_at"] == iso(NOW)
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 2


def test_handoff_opens_one_alert_per_session(fresh_db, kiosk):
    touch_session(fresh_db, kiosk, "s1", NOW, entered={"last_name": "Okafor", "dob": "1980-02-04"})
    record_events(fresh_db, kiosk, [handoff("s1", "no_match", "identify")], NOW)
    [alert] = list_alerts(fresh_db)
    assert alert["kind"] == "no_match" and alert["status"] == "open"
    assert alert["kiosk"] == "Lobby kiosk 1" and alert["cause"] == "session:s1"
    assert "Okafor" in alert["summary"] and "4 Feb 1980" in alert["summary"]
    assert get_session(fresh_db, "s1")["outcome"] == "handed_off"

    record_events(fresh_db, kiosk, [handoff("s1", "help", "handoff")], LATER)
    [updated] = list_alerts(fresh_db)
    assert updated["id"] == alert["id"] and updated["kind"] == "help"
    assert updated["updated_at"] == iso(LATER) and updated["created_at"] == iso(NOW)


def test_handoff_after_checkin_keeps_the_arrival(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)
    checkin(fresh_db, kiosk, "s1", ids["Okafor"], NOW, TODAY)
    record_events(fresh_db, kiosk, [handoff("s1", "reported_problem", "done")], LATER)
    assert get_session(fresh_db, "s1")["outcome"] == "checked_in"
    assert list_alerts(fresh_db)[0]["kind"] == "reported_problem"


def test_alert_lifecycle_ends_only_by_resolve(fresh_db, kiosk):
    record_events(fresh_db, kiosk, [handoff("s1")], NOW)
    [alert] = list_alerts(fresh_db)
    acked = acknowledge_alert(fresh_db, alert["id"], "ana", LATER)
    assert acked["status"] == "acknowledged" and acked["acknowledged_by"] == "ana"
    assert acknowledge_alert(fresh_db, alert["id"], "bo", LATER)["acknowledged_by"] == "ana"
    with pytest.raises(Invalid, match="outcome"):
        resolve_alert(fresh_db, alert["id"], "ana", "went_home", None, LATER)
    done = resolve_alert(
        fresh_db, alert["id"], "ana", "checked_in_at_desk", " came to the desk ", LATER
    )
    assert (done["status"], done["outcome"], done["note"]) == (
        "resolved",
        "checked_in_at_desk",
        "came to the desk",
    )
    assert list_alerts(fresh_db) == []
    assert [a["id"] for a in list_alerts(fresh_db, include_resolved=True)] == [alert["id"]]
    with pytest.raises(Conflict):
        resolve_alert(fresh_db, alert["id"], "ana", "other", None, LATER)
    with pytest.raises(Conflict):
        acknowledge_alert(fresh_db, alert["id"], "ana", LATER)
    with pytest.raises(NotFound):
        get_alert(fresh_db, 4242)


def test_new_handoff_after_resolve_opens_a_new_alert(fresh_db, kiosk):
    record_events(fresh_db, kiosk, [handoff("s1", "help")], NOW)
    first = list_alerts(fresh_db)[0]
    resolve_alert(fresh_db, first["id"], "ana", "redirected", None, NOW)
    record_events(fresh_db, kiosk, [handoff("s1", "reported_problem", "done")], LATER)
    [second] = list_alerts(fresh_db)
    assert second["id"] != first["id"] and second["kind"] == "reported_problem"


def test_open_alerts_come_first_most_urgent_first(fresh_db, kiosk):
    record_events(
        fresh_db,
        kiosk,
        [handoff("a", "timed_out"), handoff("b", "help"), handoff("c", "checkin_unconfirmed")],
        NOW,
    )
    kinds = [a["kind"] for a in list_alerts(fresh_db)]
    assert kinds == ["checkin_unconfirmed", "help", "timed_out"]
    top = list_alerts(fresh_db)[0]
    acknowledge_alert(fresh_db, top["id"], "ana", LATER)
    assert [a["kind"] for a in list_alerts(fresh_db)] == [
        "help",
        "timed_out",
        "checkin_unconfirmed",
    ]


def test_heartbeat_records_printer_and_reports_change(fresh_db, kiosk):
    args = {"app_version": "0.1.0", "printer_state": "ok", "printer_detail": ""}
    assert heartbeat(fresh_db, kiosk, now=NOW, **args) is True
    assert heartbeat(fresh_db, kiosk, now=LATER, **args) is False
    seen = get_kiosk(fresh_db, kiosk["id"])
    assert seen["last_seen_at"] == iso(LATER) and seen["printer_state"] == "ok"
    assert heartbeat(fresh_db, kiosk, now=LATER, **{**args, "printer_state": "paper_out"})


def test_concurrent_checkins_make_one_arrival(tmp_path):
    """Two kiosks (threads, own connections) checking in the same appointment at once."""
    from concurrent.futures import ThreadPoolExecutor

    path = tmp_path / "race.db"
    setup = schema.open_db(path)
    schema.ensure_schema(setup)
    ids = book_today(setup, TODAY)
    kiosk = kiosk_for_token(setup, add_kiosk(setup, "Lobby kiosk 1", NOW))

    def attempt(n):
        db = schema.open_db(path)
        try:
            return checkin(db, kiosk, f"s{n}", ids["Okafor"], NOW, TODAY)
        finally:
            db.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(attempt, range(16)))
    assert len({r["id"] for r in results}) == 1 and {r["ticket"] for r in results} == {1}
    assert setup.execute("SELECT count(*) FROM arrivals").fetchone()[0] == 1
    setup.close()
