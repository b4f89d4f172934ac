"""Every sign-in, sign-out and alert action leaves an audit entry."""

from __future__ import annotations

import getpass
import sqlite3

import pytest

from staffconsole.auth import staff_sessions
from staffconsole.clock import iso
from staffconsole.store.alerts import get_alert
from staffconsole.store.audit import list_audit


def actions(db):
    return [(e["actor"], e["action"], e["target"]) for e in reversed(list_audit(db))]


def test_each_action_is_audited(client, staff, password, db, raise_handoff, clock):
    client.post("/login", data={"username": staff, "password": "wrong"})
    client.post("/login", data={"username": staff, "password": password})
    csrf = client.get("/console").text.split('name="csrf-token" content="')[1].split('"')[0]
    alert = raise_handoff()
    headers = {"X-CSRF-Token": csrf}
    client.post(f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers=headers)
    client.post(
        f"/api/v1/console/alerts/{alert['id']}/resolve",
        json={"outcome": "redirected", "note": "sent to lab"},
        headers=headers,
    )
    client.post("/logout", headers=headers)
    target = f"alert:{alert['id']}"
    assert actions(db) == [
        ("ana", "login.failed", "ana"),
        ("ana", "login.ok", "ana"),
        ("ana", "alert.acknowledge", target),
        ("ana", "alert.resolve", target),
        ("ana", "logout", "ana"),
    ]
    resolve = list_audit(db)[1]
    assert resolve["detail"] == {"outcome": "redirected"}  # the note stays with the alert
    assert resolve["at"] == iso(clock())


def test_audit_rows_name_the_client_address_they_came_from(app, staff, password, db, clock):
    from fastapi.testclient import TestClient

    # Two desk PCs: a wrong password from one, the right one from the other.
    stranger = TestClient(app, follow_redirects=False, client=("203.0.113.66", 41000))
    desk = TestClient(app, follow_redirects=False, client=("192.0.2.10", 50123))
    stranger.post("/login", data={"username": staff, "password": "wrong guess"})
    desk.post("/login", data={"username": staff, "password": password})
    csrf = desk.get("/console").text.split('name="csrf-token" content="')[1].split('"')[0]
    desk.post("/logout", headers={"X-CSRF-Token": csrf})
    rows = {e["action"]: e["source"] for e in list_audit(db)}
    assert rows["login.failed"] == "203.0.113.66"
    assert rows["login.ok"] == "192.0.2.10"
    assert rows["logout"] == "192.0.2.10"
    # Work outside a request (the command line, the watchdog) has no address and does not
    # inherit the last request's.
    from staffconsole.store.audit import audited

    with audited(db, "cli:it", "kiosk.add", "Side door", None, clock()):
        pass
    assert list_audit(db)[0]["source"] is None


def test_lockout_is_audited(client, db):
    free = staff_sessions.USERNAME_THROTTLE.free
    for _ in range(free + 1):
        client.post("/login", data={"username": "Mallory", "password": "x"})
    entries = actions(db)
    assert entries.count(("mallory", "login.failed", "mallory")) == free
    assert entries[-1] == ("mallory", "login.locked", "mallory")


def test_refused_actions_are_not_audited(client, signed_in, db):
    before = len(list_audit(db))
    client.post("/api/v1/console/alerts/42/acknowledge", headers={"X-CSRF-Token": signed_in})
    client.post("/api/v1/console/alerts/42/acknowledge")
    assert len(list_audit(db)) == before


@pytest.mark.e2e
def test_kiosk_and_user_changes_are_audited_and_printed_as_json(tmp_path):
    import json

    from support import run_cli

    db = str(tmp_path / "cli.db")
    run_cli(
        "user", "add", "Zoë-Ann", "--role", "admin", "--db", db, input="pw-ünïcode-long-enough\n"
    )
    run_cli("kiosk", "add", "Entrée  Nord", "--db", db)
    run_cli("kiosk", "revoke", "Entrée Nord", "--db", db)
    lines = run_cli("audit", "--json", "--db", db).stdout.splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["action"], e["target"]) for e in entries] == [
        ("user.add", "Zoë-Ann"),
        ("kiosk.add", "Entrée Nord"),
        ("kiosk.revoke", "Entrée Nord"),
    ]
    assert entries[0]["detail"] == {"role": "admin"}
    assert all(e["actor"] == "cli:" + getpass.getuser() for e in entries)
    assert all(e["at"].endswith("+00:00") for e in entries)
    assert "pw-ünïcode-long-enough" not in "\n".join(lines)


def refuse(db, table: str, when: str = "INSERT") -> None:
    """Make every `when` on `table` fail, as a full disk or a broken row would."""
    db.execute(
        f"CREATE TRIGGER refuse_{table} BEFORE {when} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} refused'); END"
    )


def test_an_alert_action_whose_audit_row_fails_is_rolled_back(client, signed_in, db, raise_handoff):
    alert = raise_handoff()
    before = actions(db)
    refuse(db, "audit")
    with pytest.raises(sqlite3.IntegrityError, match="audit refused"):
        client.post(
            f"/api/v1/console/alerts/{alert['id']}/acknowledge",
            headers={"X-CSRF-Token": signed_in},
        )
    assert get_alert(db, alert["id"])["status"] == "open"
    assert get_alert(db, alert["id"])["acknowledged_by"] is None
    assert actions(db) == before


def test_a_walk_in_that_fails_half_way_leaves_nothing_and_no_audit_row(
    client, signed_in, db, raise_handoff
):
    alert = raise_handoff("walk_in")
    before = actions(db)
    refuse(db, "alerts", "UPDATE")  # after the appointment and arrival rows are written
    with pytest.raises(sqlite3.IntegrityError, match="alerts refused"):
        client.post(
            f"/api/v1/console/alerts/{alert['id']}/check-in",
            json={"first_name": "Siobhán", "last_name": "Ní Bhriain"},
            headers={"X-CSRF-Token": signed_in},
        )
    assert db.execute("SELECT count(*) FROM arrivals").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM appointments").fetchone() == (0,)
    assert get_alert(db, alert["id"])["status"] == "open"
    assert actions(db) == before
