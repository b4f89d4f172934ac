"""`staffconsole user …` and `kiosk list|rename` as real processes: people leave, change
jobs and forget passwords; every change is audited and takes effect at once."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from support import run_cli

from staffconsole.auth import staff_sessions
from staffconsole.store.schema import open_db

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


@pytest.fixture
def db(tmp_path):
    path = str(tmp_path / "people.db")
    run_cli("user", "add", "ana", "--role", "admin", "--db", path, input=PASSWORD + "\n")
    run_cli("user", "add", "ben", "--db", path, input=PASSWORD + "\n")
    return path


def cli(db, *args, input=None, check=True):
    return run_cli(*args, "--db", db, input=input, check=check)


def sign_in(db, username, password=PASSWORD):
    return staff_sessions.sign_in(open_db(db), username, password, datetime.now(UTC))


def session(db, token):
    policy = staff_sessions.SessionPolicy(idle_min=30.0, max_hours=12.0)
    return staff_sessions.session_from_token(open_db(db), token, datetime.now(UTC), policy)


def audit_actions(db):
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT action FROM audit ORDER BY id")]


def test_user_list_shows_roles_and_state_and_is_audited(db):
    out = cli(db, "user", "list").stdout
    assert [line.split()[:3] for line in out.splitlines()[1:]] == [
        ["ana", "admin", "active"],
        ["ben", "receptionist", "active"],
    ]
    rows = [json.loads(line) for line in cli(db, "user", "list", "--json").stdout.splitlines()]
    assert [(r["username"], r["disabled"]) for r in rows] == [("ana", False), ("ben", False)]
    assert all("password_hash" not in r and "pin_hash" not in r for r in rows)
    assert audit_actions(db).count("user.list") == 2


def test_a_disabled_user_is_signed_out_and_cannot_sign_in_until_enabled(db):
    token, _ = sign_in(db, "ben")
    assert session(db, token) is not None
    assert "disabled" in cli(db, "user", "disable", "ben").stdout
    with pytest.raises(staff_sessions.NotSignedIn):
        session(db, token)
    with pytest.raises(staff_sessions.BadCredentials):
        sign_in(db, "ben")
    again = cli(db, "user", "disable", "ben", check=False)
    assert again.returncode == 1 and "already disabled" in again.stderr
    cli(db, "user", "enable", "ben")
    assert sign_in(db, "ben")[1].username == "ben"
    assert {"user.disable", "user.enable"} <= set(audit_actions(db))


def test_reset_password_ends_the_old_one_and_its_sessions(db):
    token, _ = sign_in(db, "ben")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE staff_users SET pin_hash = 'x' WHERE username = 'ben'")
    out = cli(db, "user", "reset-password", "ben", input="a new long passphrase\n").stdout
    assert "PIN cleared" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT pin_hash FROM staff_users WHERE username = 'ben'"
        ).fetchone() == (None,)
    with pytest.raises(staff_sessions.BadCredentials):
        sign_in(db, "ben")
    with pytest.raises(staff_sessions.NotSignedIn):
        session(db, token)
    assert sign_in(db, "ben", "a new long passphrase")[1].username == "ben"
    with sqlite3.connect(db) as conn:
        detail = conn.execute(
            "SELECT detail FROM audit WHERE action = 'user.reset_password'"
        ).fetchone()[0]
    assert "passphrase" not in detail


def test_set_role_and_the_last_admin_is_kept(db):
    assert "now admin" in cli(db, "user", "set-role", "ben", "admin").stdout
    cli(db, "user", "set-role", "ana", "receptionist")
    last = cli(db, "user", "set-role", "ben", "receptionist", check=False)
    assert last.returncode == 1 and "last admin" in last.stderr
    for action in ("disable", "remove"):
        refused = cli(db, "user", action, "ben", check=False)
        assert refused.returncode == 1 and "last admin" in refused.stderr, action
    bad = cli(db, "user", "set-role", "ben", "owner", check=False)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def test_remove_deletes_the_login_but_not_its_history(db):
    sign_in(db, "ben")
    cli(db, "user", "remove", "ben")
    assert "ben" not in cli(db, "user", "list").stdout
    with sqlite3.connect(db) as conn:
        actors = {row[0] for row in conn.execute("SELECT actor FROM audit")}
    assert "ben" in actors  # the sign-in row stays, under the name it was written with
    missing = cli(db, "user", "remove", "ben", check=False)
    assert missing.returncode == 1 and "no user named 'ben'" in missing.stderr


def test_unlock_ends_a_sign_in_pause(db):
    conn = open_db(db)
    now = datetime.now(UTC)
    for n in range(staff_sessions.USERNAME_THROTTLE.free):
        with pytest.raises(staff_sessions.BadCredentials):
            staff_sessions.sign_in(conn, "Ben", "wrong", now - timedelta(seconds=30 - n))
    with pytest.raises(staff_sessions.LockedOut):
        sign_in(db, "ben")
    out = cli(db, "user", "unlock", "BEN").stdout
    assert f"{staff_sessions.USERNAME_THROTTLE.free} failed tries" in out
    assert sign_in(db, "ben")[1].username == "ben"
    assert "user.unlock" in audit_actions(db)


def test_kiosk_list_and_rename_keep_the_token(db):
    token = cli(db, "kiosk", "add", "Lobby 1").stdout.strip().splitlines()[-1]
    cli(db, "kiosk", "add", "Side door")
    listed = cli(db, "kiosk", "list").stdout.splitlines()
    assert [line.split("  ")[0].strip() for line in listed[1:]] == ["Lobby 1", "Side door"]
    assert "never" in listed[1]
    cli(db, "kiosk", "rename", "Lobby 1", "Lobby  east")
    rows = [json.loads(line) for line in cli(db, "kiosk", "list", "--json").stdout.splitlines()]
    assert [r["name"] for r in rows] == ["Lobby east", "Side door"]
    from staffconsole.auth.kiosks import kiosk_for_token

    assert kiosk_for_token(open_db(db), token)["name"] == "Lobby east"
    taken = cli(db, "kiosk", "rename", "Lobby east", "Side door", check=False)
    assert taken.returncode == 1 and "already exists" in taken.stderr
    assert "kiosk.rename" in audit_actions(db)


def test_kiosk_list_shows_the_version_each_kiosk_reported(db):
    from staffconsole.auth.kiosks import kiosk_for_token
    from staffconsole.store.sessions import heartbeat

    token = cli(db, "kiosk", "add", "Lobby 1").stdout.strip().splitlines()[-1]
    cli(db, "kiosk", "add", "Side door")
    kiosk = kiosk_for_token(open_db(db), token)
    now = datetime.now(UTC)
    heartbeat(
        open_db(db), kiosk, app_version="0.2.0", printer_state="ok", printer_detail="", now=now
    )
    listed = cli(db, "kiosk", "list").stdout.splitlines()
    assert "version" in listed[0]
    lobby, side = listed[1], listed[2]
    assert "0.2.0" in lobby.split() and "0.2.0" not in side
    rows = [json.loads(line) for line in cli(db, "kiosk", "list", "--json").stdout.splitlines()]
    assert [r["app_version"] for r in rows] == ["0.2.0", None]
