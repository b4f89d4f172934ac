"""The admins' page and its JSON calls: logins and kiosks, as the command line manages them.

In-process (TestClient, the test's clock): each change is audited with the admin as actor
under the command line's action names; the guard rails hold; bad input is a 4xx with a
reason; names are text, never markup.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.auth.users import add_user
from staffconsole.store.audit import list_audit

API = "/api/v1/console/admin"
PASSWORD = "correct horse battery staple"  # the staff fixture's
NEW_PASSWORD = "Ünë nouvelle phrase 42"


def csrf_from_page(html: str) -> str:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', html)
    assert found, "the page has no csrf-token meta tag"
    return found.group(1)


@pytest.fixture
def admin(app, db, clock):
    """`root`, an admin, signed in; returns (client, headers with the CSRF token)."""
    add_user(db, "root", PASSWORD, "admin", clock())
    client = TestClient(app, follow_redirects=False)
    assert client.post("/login", data={"username": "root", "password": PASSWORD}).status_code == 303
    csrf = csrf_from_page(client.get("/console").text)
    return client, {"X-CSRF-Token": csrf}


def sign_in(app, username: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    r = client.post("/login", data={"username": username, "password": password})
    assert r.status_code == 303, (username, r.status_code)
    return client


def changes(db, actor="root") -> list[tuple[str, str | None]]:
    """The audit rows `actor` wrote, oldest first, without sign-ins and reads."""
    rows = reversed(list_audit(db))
    return [
        (e["action"], e["target"])
        for e in rows
        if e["actor"] == actor
        and not e["action"].startswith(("login.", "read.", "console.", "user.list"))
    ]


def roster(client) -> dict[str, dict]:
    r = client.get(f"{API}/users")
    assert r.status_code == 200, r.text
    return {u["username"]: u for u in r.json()["users"]}


def test_the_page_is_an_admins_and_the_console_links_to_it_for_admins_only(
    app, admin, client, signed_in
):
    admin_client, _ = admin
    page = admin_client.get("/console/admin")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert 'src="/static/console/admin.js"' in page.text and "<script>" not in page.text
    assert 'href="/console/admin"' in admin_client.get("/console").text
    # A receptionist neither sees the link nor gets the page.
    assert 'href="/console/admin"' not in client.get("/console").text
    assert client.get("/console/admin").status_code == 403
    signed_out = TestClient(app, follow_redirects=False)
    assert signed_out.get("/console/admin").headers["location"] == "/login"


def test_an_admin_adds_resets_demotes_disables_enables_and_removes_a_login(app, admin, db):
    client, headers = admin
    r = client.post(
        f"{API}/users",
        json={"username": "bea", "role": "admin", "password": PASSWORD},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["user"] == {"username": "bea", "role": "admin"}
    listed = roster(client)
    assert listed["bea"]["role"] == "admin" and listed["bea"]["disabled"] is False
    assert listed["bea"]["last_sign_in_at"] is None and listed["bea"]["paused_until"] is None
    assert "password_hash" not in listed["bea"] and "pin_hash" not in listed["bea"]
    assert roster(client)["root"]["last_sign_in_shown"] == "22 Nov 2026 15:00"

    bea = sign_in(app, "bea")
    assert roster(client)["bea"]["last_sign_in_at"] is not None
    # A new password: bea's open page is signed out, the old password no longer works.
    body = {"username": "bea", "password": NEW_PASSWORD}
    r = client.post(f"{API}/users/reset-password", json=body, headers=headers)
    assert r.status_code == 200, r.text
    assert bea.get("/api/v1/console/snapshot").status_code == 401
    refused = TestClient(app, follow_redirects=False).post(
        "/login", data={"username": "bea", "password": PASSWORD}
    )
    assert refused.status_code == 401
    bea = sign_in(app, "bea", NEW_PASSWORD)

    body = {"username": "bea", "role": "receptionist"}
    assert (
        client.post(f"{API}/users/set-role", json=body, headers=headers).json()["user"]["role"]
        == "receptionist"
    )
    assert bea.get("/api/v1/console/snapshot").status_code == 401  # signed out to pick it up
    bea = sign_in(app, "bea", NEW_PASSWORD)

    r = client.post(f"{API}/users/disable", json={"username": "bea"}, headers=headers)
    assert r.json()["user"]["disabled"] is True
    assert bea.get("/api/v1/console/snapshot").status_code == 401
    assert roster(client)["bea"]["disabled"] is True
    r = client.post(f"{API}/users/enable", json={"username": "bea"}, headers=headers)
    assert r.json()["user"]["disabled"] is False
    sign_in(app, "bea", NEW_PASSWORD)

    r = client.post(f"{API}/users/remove", json={"username": "bea"}, headers=headers)
    assert r.json() == {"removed": "bea"}
    assert "bea" not in roster(client)

    assert changes(db) == [
        ("user.add", "bea"),
        ("user.reset_password", "bea"),
        ("user.set_role", "bea"),
        ("user.disable", "bea"),
        ("user.enable", "bea"),
        ("user.remove", "bea"),
    ]
    listed = [e for e in list_audit(db) if e["action"] == "user.list"]
    assert listed and {e["actor"] for e in listed} == {"root"}
    assert listed[0]["detail"] == {"count": 1}  # as `staffconsole user list` writes it
    add = next(e for e in list_audit(db) if e["action"] == "user.add")
    assert add["detail"] == {"role": "admin"} and add["actor"] == "root"
    assert PASSWORD not in str(list_audit(db)) and NEW_PASSWORD not in str(list_audit(db))


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short one", "12"),
        ("password1234", "common"),
        ("newcomer-newcomer", "username"),
    ],
)
def test_the_password_policy_applies_to_a_new_login_and_a_reset(admin, db, staff, password, reason):
    client, headers = admin
    body = {"username": "newcomer-newcomer", "role": "receptionist", "password": password}
    r = client.post(f"{API}/users", json=body, headers=headers)
    assert r.status_code == 422 and reason in r.json()["detail"], r.text
    assert "newcomer-newcomer" not in roster(client)
    if reason != "username":
        body = {"username": staff, "password": password}
        r = client.post(f"{API}/users/reset-password", json=body, headers=headers)
        assert r.status_code == 422 and reason in r.json()["detail"], r.text
    assert changes(db) == []


def test_a_paused_sign_in_shows_and_an_admin_unpauses_it(app, admin, staff, db, clock):
    client, headers = admin
    stranger = TestClient(app, follow_redirects=False)
    for _ in range(5):  # the free failures: the next try must wait
        stranger.post("/login", data={"username": "ANA ", "password": "a wrong guess"})
    paused = roster(client)["ana"]
    assert paused["failed_tries"] == 5 and paused["paused_until"] > "2026-11-22T15:00"
    assert paused["paused_until_shown"].startswith("22 Nov 2026 15:0")
    assert (
        stranger.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 429
    )

    r = client.post(f"{API}/users/unlock", json={"username": "ana"}, headers=headers)
    assert r.json() == {"username": "ana", "failures": 5}
    assert roster(client)["ana"]["paused_until"] is None
    unlock = next(e for e in list_audit(db) if e["action"] == "user.unlock")
    assert (unlock["actor"], unlock["target"], unlock["detail"]) == ("root", "ana", {"failures": 5})
    sign_in(app, "ana")
    # Unpausing is not a sign-in: the last one is ana's own.
    assert roster(client)["ana"]["last_sign_in_at"] is not None


@pytest.mark.parametrize(
    ("call", "body", "doing"),
    [
        ("disable", {}, "disable"),
        ("remove", {}, "remove"),
        ("set-role", {"role": "receptionist"}, "take admin away from"),
    ],
)
def test_an_admin_cannot_take_away_their_own_login(admin, db, call, body, doing):
    client, headers = admin
    r = client.post(f"{API}/users/{call}", json={"username": " root", **body}, headers=headers)
    assert r.status_code == 409
    assert r.json()["detail"] == (
        f"You are signed in as 'root': you cannot {doing} your own login. "
        "Ask another admin to do it."
    )
    me = roster(client)["root"]
    assert me["role"] == "admin" and me["disabled"] is False
    assert changes(db) == []


def test_one_admin_may_disable_another_whose_pages_are_signed_out(app, admin, db, clock):
    client, _ = admin
    add_user(db, "boss", PASSWORD, "admin", clock())
    boss = sign_in(app, "boss")
    boss_headers = {"X-CSRF-Token": csrf_from_page(boss.get("/console").text)}
    r = boss.post(f"{API}/users/disable", json={"username": "root"}, headers=boss_headers)
    assert r.status_code == 200, r.text
    assert client.get(f"{API}/users").status_code == 401  # root's page is signed out at once
    # boss is now the only enabled admin, and the page will not let them go.
    r = boss.post(f"{API}/users/remove", json={"username": "boss"}, headers=boss_headers)
    assert r.status_code == 409 and "your own login" in r.json()["detail"]
    r = boss.post(f"{API}/users/enable", json={"username": "root"}, headers=boss_headers)
    assert r.status_code == 200
    assert changes(db, "boss") == [("user.disable", "root"), ("user.enable", "root")]


@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("users", {"username": "ana", "role": "admin", "password": NEW_PASSWORD}, 409, "exists"),
        (
            "users",
            {"username": "two words", "role": "admin", "password": NEW_PASSWORD},
            422,
            "without spaces",
        ),
        ("users", {"username": "x", "role": "owner", "password": NEW_PASSWORD}, 422, "role"),
        ("users", {"username": "x", "role": "admin"}, 422, "password"),
        ("users", {"username": "x", "role": "admin", "password": "p" * 2000}, 422, "password"),
        (
            "users",
            {"username": "x", "role": "admin", "password": NEW_PASSWORD, "pin": 1},
            422,
            "pin",
        ),
        ("users/disable", {"username": "nobody"}, 404, "no user named 'nobody'"),
        ("users/disable", {}, 422, "username"),
        ("users/disable", {"username": ""}, 422, "username"),
        ("users/enable", {"username": "ana"}, 409, "already enabled"),
        ("users/reset-password", {"username": "nobody", "password": NEW_PASSWORD}, 404, "nobody"),
        ("users/set-role", {"username": "ana", "role": "receptionist"}, 409, "already"),
        ("users/set-role", {"username": "ana", "role": "root"}, 422, "role"),
        ("users/remove", {"username": "x" * 201}, 422, "username"),
        ("kiosks", {"name": "   "}, 422, "1 to 100 characters"),
        ("kiosks", {"name": "k" * 101}, 422, "1 to 100 characters"),
        ("kiosks", {"name": "Lobby kiosk 1"}, 409, "already exists"),
        ("kiosks", {}, 422, "name"),
        ("kiosks/rename", {"name": "Nowhere", "new_name": "Somewhere"}, 404, "no kiosk named"),
        ("kiosks/rename", {"name": "Lobby kiosk 1", "new_name": "Lobby kiosk 1"}, 409, "exists"),
        ("kiosks/rename", {"name": "Lobby kiosk 1", "new_name": " "}, 422, "characters"),
        ("kiosks/revoke", {"name": "Nowhere"}, 404, "no kiosk named"),
    ],
)
def test_bad_input_gets_a_4xx_with_a_plain_reason(
    admin, staff, kiosk_named, path, body, status, words
):
    client, headers = admin
    r = client.post(f"{API}/{path}", json=body, headers=headers)
    assert r.status_code == status, r.text
    assert words in str(r.json()["detail"]), r.text
    assert "p" * 2000 not in r.text  # a 422 never echoes what was sent


@pytest.fixture
def kiosk_named(db, clock):
    return add_kiosk(db, "Lobby kiosk 1", clock())


def test_not_json_and_a_wrong_shape_are_4xx(admin):
    client, headers = admin
    r = client.post(f"{API}/users", content=b"{not json", headers=headers)
    assert r.status_code == 422
    r = client.post(f"{API}/kiosks", json=["Lobby"], headers=headers)
    assert r.status_code == 422


def heartbeat(client, token: str, version: str, state: str, detail: str = ""):
    return client.post(
        "/api/v1/kiosk/heartbeat",
        json={
            "at": "2026-11-22T15:00:00+00:00",
            "app_version": version,
            "printer": {"state": state, "detail": detail},
        },
        headers={"Authorization": f"Bearer {token}"},
    )


def test_an_admin_adds_a_kiosk_sees_its_token_once_renames_and_revokes_it(app, admin, db, clock):
    client, headers = admin
    r = client.post(f"{API}/kiosks", json={"name": "  Lobby   kiosk 2 "}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    token = r.json()["token"]
    assert r.json()["kiosk"]["name"] == "Lobby kiosk 2" and len(token) >= 40

    kiosk_client = TestClient(app)
    assert heartbeat(kiosk_client, token, "1.4.2", "paper_near_end", "roll low").status_code == 200
    clock.advance(minutes=3)
    listing = client.get(f"{API}/kiosks")
    assert token not in listing.text and "token" not in listing.text
    (shown,) = listing.json()["kiosks"]
    assert shown["app_version"] == "1.4.2"
    assert (shown["printer_state"], shown["printer_label"]) == (
        "paper_near_end",
        "Paper nearly out",
    )
    assert shown["printer_detail"] == "roll low"
    assert shown["last_seen_shown"] == "22 Nov 2026 15:00" and shown["revoked_at"] is None

    body = {"name": "Lobby kiosk 2", "new_name": "Reception <b>east</b>"}
    r = client.post(f"{API}/kiosks/rename", json=body, headers=headers)
    assert r.json()["kiosk"]["name"] == "Reception <b>east</b>"
    assert heartbeat(kiosk_client, token, "1.4.2", "ok").status_code == 200  # still works

    r = client.post(f"{API}/kiosks/revoke", json={"name": "Reception <b>east</b>"}, headers=headers)
    assert r.json()["kiosk"]["revoked_at"] is not None
    assert heartbeat(kiosk_client, token, "1.4.2", "ok").status_code == 401
    r = client.post(f"{API}/kiosks/revoke", json={"name": "Reception <b>east</b>"}, headers=headers)
    assert r.status_code == 409 and "already revoked" in r.json()["detail"]

    assert changes(db) == [
        ("kiosk.add", "Lobby kiosk 2"),
        ("kiosk.rename", "Reception <b>east</b>"),
        ("kiosk.revoke", "Reception <b>east</b>"),
    ]
    rename = next(e for e in list_audit(db) if e["action"] == "kiosk.rename")
    assert rename["detail"] == {"from": "Lobby kiosk 2"}
    assert token not in str(list_audit(db))


def test_receptionists_locked_pages_and_strangers_are_refused(app, admin, client, signed_in, clock):
    calls = [("GET", "users"), ("GET", "kiosks"), ("POST", "users"), ("POST", "kiosks/rename")]
    receptionist = {"X-CSRF-Token": signed_in}
    for method, path in calls:
        r = client.request(method, f"{API}/{path}", json={}, headers=receptionist)
        assert r.status_code == 403 and "Only an admin" in r.json()["detail"], path
        r = TestClient(app).request(method, f"{API}/{path}", json={})
        assert r.status_code == 401, path
    admin_client, headers = admin
    clock.advance(minutes=16)  # idle past console_idle_logoff_min: the session locks
    for method, path in calls:
        r = admin_client.request(method, f"{API}/{path}", json={}, headers=headers)
        assert r.status_code == 423 and "locked" in r.json()["detail"], path
    # The page itself sends a locked session to the console's lock screen.
    assert admin_client.get("/console/admin").headers["location"] == "/console"


def test_a_name_with_markup_is_text_on_the_page(app, db, clock):
    add_user(db, "<i>boss</i>", PASSWORD, "admin", clock())
    client = sign_in(app, "<i>boss</i>")
    page = client.get("/console/admin").text
    assert "<i>boss</i>" not in page and "&lt;i&gt;boss&lt;/i&gt;" in page


def test_an_admin_may_reset_their_own_password_and_signs_in_again_with_it(app, admin, db):
    client, headers = admin
    body = {"username": "root", "password": NEW_PASSWORD}
    assert client.post(f"{API}/users/reset-password", json=body, headers=headers).status_code == 200
    assert client.get(f"{API}/users").status_code == 401  # their own sessions end too
    roster_again = sign_in(app, "root", NEW_PASSWORD).get(f"{API}/users")
    assert roster_again.json()["you"] == "root"
    assert changes(db) == [("user.reset_password", "root")]
