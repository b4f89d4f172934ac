"""Sign-in through the form: cookies, messages, sign-out, redirects."""

from __future__ import annotations

import hashlib

import pytest

from staffconsole.auth.staff_sessions import BAD_CREDENTIALS, COOKIE
from staffconsole.auth.users import add_user
from staffconsole.config import load_settings

PASSWORD = "correct horse battery staple"


def test_sign_in_sets_a_strict_http_only_cookie_and_stores_only_its_hash(client, staff, db):
    r = client.post("/login", data={"username": staff, "password": PASSWORD})
    assert r.status_code == 303
    assert r.headers["location"] == "/console"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" not in cookie
    token = r.cookies[COOKIE]
    ids = [row[0] for row in db.execute("select id from staff_sessions").fetchall()]
    assert ids == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in str(db.execute("select * from staff_sessions").fetchall())
    page = client.get("/console")
    assert page.status_code == 200
    assert "Clinique Saint-Éloi" in page.text and staff in page.text


def test_cookie_is_secure_when_the_setting_says_so(tmp_path, clock):
    from fastapi.testclient import TestClient

    from staffconsole.app import create_app
    from staffconsole.clock import ClinicClock
    from staffconsole.store.schema import open_db

    settings = load_settings(
        environ={}, overrides={"db_path": str(tmp_path / "s.db"), "cookie_secure": True}
    )
    app = create_app(settings, clock=ClinicClock(instants=clock))
    db = open_db(settings.db_path)
    add_user(db, "bo", PASSWORD, "receptionist", clock())
    db.close()
    r = TestClient(app, follow_redirects=False).post(
        "/login", data={"username": "bo", "password": PASSWORD}
    )
    assert r.status_code == 303
    assert "Secure" in r.headers["set-cookie"]


def test_wrong_password_and_unknown_user_get_the_same_plain_message(client, staff):
    wrong = client.post("/login", data={"username": staff, "password": "nope"})
    unknown = client.post("/login", data={"username": "nobody", "password": "nope"})
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert BAD_CREDENTIALS in r.text
        assert COOKIE not in r.headers.get("set-cookie", "")
        assert '<form method="post" action="/login">' in r.text
    # The username typed is kept in the form, escaped.
    assert 'value="ana"' in wrong.text


def test_missing_fields_re_show_the_form(client, staff):
    r = client.post("/login", data={"username": staff})
    assert r.status_code == 400
    assert "Enter your username and password." in r.text


def test_disabled_user_cannot_sign_in(client, staff, db):
    with db.conn:
        db.execute("update staff_users set disabled = 1 where username = ?", [staff])
    r = client.post("/login", data={"username": staff, "password": PASSWORD})
    assert r.status_code == 401 and BAD_CREDENTIALS in r.text


def test_odd_usernames_work(client, db, clock):
    name = "Zoë.O'Néill-" + "x" * 150
    add_user(db, name, "pässwörd ✓ für alle", "receptionist", clock())
    r = client.post("/login", data={"username": name, "password": "pässwörd ✓ für alle"})
    assert r.status_code == 303
    page = client.get("/console")
    assert "Zoë.O&#39;Néill-" in page.text  # escaped by the template, not raw


def test_pages_redirect_to_sign_in_and_json_says_401(client):
    assert client.get("/").headers["location"] == "/console"
    r = client.get("/console")
    assert r.status_code == 303 and r.headers["location"] == "/login"
    r = client.get("/api/v1/console/snapshot")
    assert r.status_code == 401 and r.json()["detail"]
    assert client.get("/login").status_code == 200


def test_a_forged_cookie_is_not_a_session(client, staff):
    client.cookies.set(COOKIE, "made-up-token")
    assert client.get("/api/v1/console/snapshot").status_code == 401
    assert client.get("/console").headers["location"] == "/login"


def test_sign_out_ends_the_session(client, signed_in, db):
    r = client.post("/logout", headers={"X-CSRF-Token": signed_in})
    assert r.status_code == 303
    assert r.headers["location"] == "/login?reason=signed_out"
    assert db.execute("select count(*) from staff_sessions").fetchone()[0] == 0
    assert client.get("/console").status_code == 303
    assert "You have signed out." in client.get("/login?reason=signed_out").text


def test_with_every_password_slot_taken_sign_in_is_a_429_that_counts_as_no_failure(
    client, staff, db
):
    from staffconsole.auth import passwords

    passwords.set_hash_slots(1)
    held = passwords._slots
    assert held.acquire(timeout=1)  # another sign-in is being checked
    try:
        r = client.post("/login", data={"username": staff, "password": PASSWORD})
        assert r.status_code == 429
        assert r.headers["retry-after"] == "1"
        assert "try again in a moment" in r.text
        assert "set-cookie" not in r.headers
    finally:
        held.release()
    # A busy server is not the person's fault: nothing counts towards a sign-in pause.
    assert db.execute("select count(*) from login_attempts").fetchone()[0] == 0
    assert client.post("/login", data={"username": staff, "password": PASSWORD}).status_code == 303


@pytest.fixture(autouse=True)
def _default_slots():
    yield
    from staffconsole.auth import passwords

    passwords.set_hash_slots(2)
