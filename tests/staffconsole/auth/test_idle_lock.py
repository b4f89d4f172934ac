"""The idle lock: what counts as activity, what a locked session may do, and unlocking."""

from __future__ import annotations

import pytest

from staffconsole.auth import staff_sessions
from staffconsole.store.audit import list_audit

SNAPSHOT = "/api/v1/console/snapshot"


def csrf(token):
    return {"X-CSRF-Token": token}


def actions(db):
    return [row["action"] for row in list_audit(db)]


def test_page_activity_keeps_it_unlocked_and_idleness_locks_it(client, signed_in, clock, db):
    clock.advance(minutes=14)
    assert client.post("/api/v1/console/activity", headers=csrf(signed_in)).status_code == 200
    clock.advance(minutes=14)
    assert client.get(SNAPSHOT).status_code == 200  # 28 min since sign-in, but active
    clock.advance(minutes=15, seconds=1)
    r = client.get(SNAPSHOT)
    assert r.status_code == 423
    assert "locked" in r.json()["detail"]
    # Locked, not signed out: the session (and so the watching page) is still there.
    row = db.execute("select locked_at, lock_reason from staff_sessions").fetchone()
    assert row[0] is not None and row[1] == "idle"
    assert "console.locked" in actions(db)


def test_activity_needs_the_csrf_header(client, signed_in):
    assert client.post("/api/v1/console/activity").status_code == 403


def test_asking_who_is_signed_in_is_not_activity(client, signed_in, clock):
    for _ in range(3):
        clock.advance(minutes=7)
        r = client.get("/api/v1/console/session")
        assert r.status_code == 200
    # 21 minutes of only asking "am I signed in?": the page locked.
    assert r.json()["locked"] is True
    assert r.json()["idle_lock_s"] == 15 * 60


def test_a_locked_console_still_loads_its_page_and_other_pages_send_there(client, signed_in, clock):
    clock.advance(minutes=16)
    page = client.get("/console")
    assert page.status_code == 200  # the lock screen is the console page itself
    r = client.get("/console/report")
    assert r.status_code == 303 and r.headers["location"] == "/console"


def test_a_locked_console_cannot_act(client, signed_in, clock, raise_handoff):
    alert = raise_handoff("help")
    clock.advance(minutes=16)
    r = client.post(f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers=csrf(signed_in))
    assert r.status_code == 423


def test_unlock_with_the_password(client, signed_in, clock, db, password):
    clock.advance(minutes=16)
    wrong = client.post(
        "/api/v1/console/unlock", json={"secret": "not it"}, headers=csrf(signed_in)
    )
    assert wrong.status_code == 403 and "does not match" in wrong.json()["detail"]
    r = client.post("/api/v1/console/unlock", json={"secret": password}, headers=csrf(signed_in))
    assert r.status_code == 200 and r.json() == {"unlocked": True, "by": "password"}
    assert client.get(SNAPSHOT).status_code == 200
    assert {"console.unlock_failed", "console.unlocked"} <= set(actions(db))


def test_unlock_needs_the_csrf_header(client, signed_in, clock, password):
    clock.advance(minutes=16)
    assert client.post("/api/v1/console/unlock", json={"secret": password}).status_code == 403


def test_five_wrong_tries_sign_the_session_out(client, signed_in, clock, db):
    clock.advance(minutes=16)
    for _ in range(staff_sessions.UNLOCK_FAILURES - 1):
        r = client.post("/api/v1/console/unlock", json={"secret": "guess"}, headers=csrf(signed_in))
        assert r.status_code == 403
    r = client.post("/api/v1/console/unlock", json={"secret": "guess"}, headers=csrf(signed_in))
    assert r.status_code == 401 and "wrong tries" in r.json()["detail"]
    assert db.execute("select count(*) from staff_sessions").fetchone()[0] == 0


def test_a_pin_unlocks_until_the_day_is_long(client, signed_in, clock, password):
    r = client.post(
        "/api/v1/console/pin", json={"password": password, "pin": "4071"}, headers=csrf(signed_in)
    )
    assert r.status_code == 200
    clock.advance(minutes=16)
    r = client.post("/api/v1/console/unlock", json={"secret": "4071"}, headers=csrf(signed_in))
    assert r.json() == {"unlocked": True, "by": "pin"}
    # Active all day: after console_session_hours only the password unlocks.
    for _ in range(12 * 6 + 1):
        clock.advance(minutes=10)
        client.post("/api/v1/console/activity", headers=csrf(signed_in))
    info = client.get("/api/v1/console/session").json()
    assert info["locked"] is True
    refused = client.post(
        "/api/v1/console/unlock", json={"secret": "4071"}, headers=csrf(signed_in)
    )
    assert refused.status_code == 403 and "only the password" in refused.json()["detail"]
    r = client.post("/api/v1/console/unlock", json={"secret": password}, headers=csrf(signed_in))
    assert r.json()["by"] == "password"


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("12", "4 to 8 digits"),
        ("12a4", "4 to 8 digits"),
        ("１２３９", "4 to 8 digits"),
        ("7777", "too easy"),
        ("3456", "too easy"),
        ("9876", "too easy"),
    ],
)
def test_a_weak_pin_is_refused_with_a_reason(client, signed_in, password, pin, reason):
    r = client.post(
        "/api/v1/console/pin", json={"password": password, "pin": pin}, headers=csrf(signed_in)
    )
    assert r.status_code == 422 and reason in r.json()["detail"]


def test_setting_a_pin_needs_the_password(client, signed_in):
    r = client.post(
        "/api/v1/console/pin", json={"password": "nope", "pin": "4071"}, headers=csrf(signed_in)
    )
    assert r.status_code == 403


def test_a_session_left_untouched_all_day_is_signed_out(client, signed_in, clock, db):
    clock.advance(hours=12, minutes=1)
    r = client.get("/api/v1/console/session")
    assert r.status_code == 401
    assert "logout.expired" in actions(db)
    assert client.get("/console").headers["location"] == "/login"


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {},
        {"secret": ""},
        {"secret": 7},
        {"secret": "x" * 1001},
        {"secret": "a", "b": 1},
        {"secret": "\u0000\ud7ff"},
    ],
)
def test_junk_to_unlock_and_pin_is_a_4xx_with_a_reason(client, signed_in, clock, body, password):
    clock.advance(minutes=16)
    for path in ("/api/v1/console/unlock", "/api/v1/console/pin"):
        r = client.post(path, json=body, headers=csrf(signed_in))
        assert 400 <= r.status_code < 500 and r.json()["detail"], (path, r.status_code)
    # None of it counted as a wrong try: the password still unlocks.
    r = client.post("/api/v1/console/unlock", json={"secret": password}, headers=csrf(signed_in))
    assert r.status_code == 200


def test_a_session_ends_a_day_after_sign_in_however_active_and_unlocked(
    client, signed_in, clock, db, password
):
    # Active and re-unlocked with the password all day and night: a cookie copied off the
    # desk PC still stops working 24 h (console_session_absolute_hours) after sign-in.
    for _ in range(23 * 6):
        clock.advance(minutes=10)
        client.post("/api/v1/console/activity", headers=csrf(signed_in))
        if client.get("/api/v1/console/session").json()["locked"]:
            r = client.post(
                "/api/v1/console/unlock", json={"secret": password}, headers=csrf(signed_in)
            )
            assert r.json()["by"] == "password"
    assert client.get(SNAPSHOT).status_code == 200  # 23 h: still in
    clock.advance(hours=1, minutes=1)
    r = client.get("/api/v1/console/session")
    assert r.status_code == 401 and "Sign in again" in r.json()["detail"]
    expired = [e for e in list_audit(db) if e["action"] == "logout.expired"]
    assert expired and "absolute_hours" in str(expired[0]["detail"])
    assert db.execute("select count(*) from staff_sessions").fetchone()[0] == 0
