"""Who may call what: every operation in the OpenAPI document, with every kind of credential.

The operations are read from the app, so a new route that forgets its guard fails here.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from security.helpers import bearer, sign_in

from staffconsole.auth import staff_sessions
from staffconsole.store.audit import list_audit

PUBLIC = {("GET", "/healthz"), ("GET", "/readyz")}
PAGES = [("GET", "/console"), ("GET", "/console/admin"), ("POST", "/logout")]


def operations(app) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
    )


def area(path: str) -> str:
    if path.startswith("/api/v1/kiosk/"):
        return "kiosk"
    if path.startswith(("/api/v1/console/", "/console/")):
        return "console"
    if path.startswith("/api/v1/lobby/"):
        return "display"  # tests/staffconsole/api/test_lobby_display.py
    if path.startswith("/api/v1/"):
        return "push"
    if path == "/metrics":
        return "metrics"
    return "other"


def url(path: str) -> str:
    return (
        path.replace("{alert_id}", "1")
        .replace("{arrival_id}", "1")
        .replace("{status}", "seen")
        .replace("{external_id}", "A-1")
    )


def call(client: TestClient, method: str, path: str, headers: dict | None = None):
    body = {} if method in ("POST", "PUT") else None
    return client.request(method, url(path), json=body, headers=headers or {})


def test_every_operation_is_guarded_by_one_kind_of_credential(app):
    found = operations(app)
    assert len(found) >= 15
    unguarded = [op for op in found if op not in PUBLIC and area(op[1]) == "other"]
    assert unguarded == [], "every operation must belong to the kiosk, push or console API"
    assert {area(path) for _, path in found} >= {"kiosk", "push", "console", "metrics"}


def test_kiosk_api_refuses_missing_wrong_revoked_and_foreign_credentials(app, client, creds):
    staff_client = TestClient(app, follow_redirects=False)
    sign_in(staff_client)
    kiosk_ops = [op for op in operations(app) if area(op[1]) == "kiosk"]
    assert len(kiosk_ops) == 4
    cases = {
        "none": {},
        "unknown": bearer("x" * 43),
        "malformed": {"Authorization": f"Basic {creds['kiosk']}"},
        "revoked": bearer(creds["revoked_kiosk"]),
        "push token": bearer(creds["push"]),
    }
    for method, path in kiosk_ops:
        for name, headers in cases.items():
            r = call(client, method, path, headers)
            assert r.status_code == 401, (path, name, r.status_code, r.text)
            assert r.headers["www-authenticate"] == "Bearer"
            assert r.json()["detail"], (path, name)
        # A signed-in receptionist's cookie is not a kiosk credential.
        r = call(staff_client, method, path)
        assert r.status_code == 401, (path, "staff cookie", r.status_code)
        # The right token gets past the guard to the body check.
        assert call(client, method, path, bearer(creds["kiosk"])).status_code == 422
    assert (
        "revoked"
        in call(client, "POST", "/api/v1/kiosk/lookup", bearer(creds["revoked_kiosk"])).json()[
            "detail"
        ]
    )


def test_push_api_refuses_kiosk_tokens_and_missing_wrong_or_revoked_ones(app, client, creds):
    staff_client = TestClient(app, follow_redirects=False)
    sign_in(staff_client)
    push_ops = [op for op in operations(app) if area(op[1]) == "push"]
    assert len(push_ops) >= 5
    for method, path in push_ops:
        for name, headers in {
            "none": {},
            "unknown": bearer("y" * 43),
            "revoked": bearer(creds["revoked_push"]),
        }.items():
            r = call(client, method, path, headers)
            assert r.status_code == 401, (path, name, r.status_code, r.text)
        r = call(client, method, path, bearer(creds["kiosk"]))
        assert r.status_code == 403 and "kiosk token" in r.json()["detail"], path
        assert call(staff_client, method, path).status_code == 401, path
        assert call(client, method, path, bearer(creds["push"])).status_code not in (401, 403)


def test_console_api_needs_a_staff_session_not_a_token(app, client, creds):
    console_ops = [op for op in operations(app) if area(op[1]) == "console"]
    assert len(console_ops) >= 7
    for method, path in console_ops:
        for name, headers in {
            "none": {},
            "kiosk token": bearer(creds["kiosk"]),
            "push token": bearer(creds["push"]),
            "forged cookie": {"Cookie": "seen_session=" + "z" * 43},
        }.items():
            r = call(client, method, path, headers)
            assert r.status_code == 401, (path, name, r.status_code, r.text)
    assert client.get("/console").headers["location"] == "/login"
    assert client.post("/logout").status_code in (401, 403)


def test_every_console_state_change_needs_the_sessions_csrf_token(app, client, creds, db, clock):
    csrf = sign_in(client)
    other = TestClient(app, follow_redirects=False)
    other_csrf = sign_in(other, "root")
    changes = [op for op in operations(app) if area(op[1]) == "console" and op[0] != "GET"]
    changes += [("POST", "/logout")]
    assert len(changes) >= 5
    for method, path in changes:
        for name, headers in {
            "missing": {},
            "wrong": {"X-CSRF-Token": "guess"},
            "another session's": {"X-CSRF-Token": other_csrf},
        }.items():
            r = call(client, method, path, headers)
            assert r.status_code == 403, (path, name, r.status_code, r.text)
            assert "CSRF" in r.json()["detail"]
    # Still signed in, and the right token works.
    assert client.get("/api/v1/console/snapshot").status_code == 200
    assert client.post("/logout", headers={"X-CSRF-Token": csrf}).status_code == 303
    assert client.get("/api/v1/console/snapshot").status_code == 401
    assert list_audit(db)[0]["action"] == "logout"


def test_the_audit_log_is_for_admins_only(app, client, creds):
    sign_in(client)
    assert client.get("/api/v1/console/audit").status_code == 403
    admin = TestClient(app, follow_redirects=False)
    sign_in(admin, "root")
    entries = admin.get("/api/v1/console/audit").json()["entries"]
    assert any(e["actor"] == "ana" for e in entries)


def test_the_admin_page_and_its_calls_are_for_admins_only(app, client, creds):
    admin_ops = [op for op in operations(app) if op[1].startswith("/api/v1/console/admin/")]
    assert len(admin_ops) == 12
    receptionist = TestClient(app, follow_redirects=False)
    ana = {"X-CSRF-Token": sign_in(receptionist)}
    admin = TestClient(app, follow_redirects=False)
    root = {"X-CSRF-Token": sign_in(admin, "root")}
    for method, path in admin_ops:
        r = call(receptionist, method, path, ana)  # signed in, right CSRF token: still no
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert "Only an admin" in r.json()["detail"], path
        for name, headers in {
            "none": {},
            "kiosk token": bearer(creds["kiosk"]),
            "push token": bearer(creds["push"]),
        }.items():
            assert call(client, method, path, headers).status_code == 401, (path, name)
        # An admin gets past the guard (to the body check, or the answer).
        assert call(admin, method, path, root).status_code in (200, 422), path
    assert receptionist.get("/console/admin").status_code == 403
    assert client.get("/console/admin").headers["location"] == "/login"
    assert admin.get("/console/admin").status_code == 200


def test_metrics_are_for_admins_and_metrics_tokens_only(app, client, creds):
    for name, headers in {
        "none": {},
        "kiosk token": bearer(creds["kiosk"]),
        "unknown": bearer("x" * 43),
        "revoked API token": bearer(creds["revoked_push"]),
        "forged cookie": {"Cookie": "seen_session=" + "z" * 43},
    }.items():
        r = client.get("/metrics", headers=headers)
        assert r.status_code == 401, (name, r.status_code, r.text)
        assert r.headers["www-authenticate"] == "Bearer" and r.json()["detail"]
    receptionist = TestClient(app, follow_redirects=False)
    sign_in(receptionist)
    assert receptionist.get("/metrics").status_code == 403
    pushed = client.get("/metrics", headers=bearer(creds["push"]))
    assert pushed.status_code == 403 and "--scope metrics" in pushed.json()["detail"]
    # ... and a scraper's token opens nothing of the push API.
    feed = client.get(
        "/api/v1/arrivals?since=2026-01-01T00:00:00Z", headers=bearer(creds["metrics"])
    )
    assert feed.status_code == 403 and "not push" in feed.json()["detail"]
    admin = TestClient(app, follow_redirects=False)
    sign_in(admin, "root")
    for answer in (admin.get("/metrics"), client.get("/metrics", headers=bearer(creds["metrics"]))):
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/plain")
        assert "# TYPE seen_alerts_open gauge" in answer.text


def test_login_pauses_after_the_free_failures_and_opens_again_later(client, creds, clock):
    for _ in range(staff_sessions.USERNAME_THROTTLE.free):
        r = client.post("/login", data={"username": "ana", "password": "wrong"})
        assert r.status_code == 401
    r = client.post("/login", data={"username": "ana", "password": "correct horse battery staple"})
    assert r.status_code == 429 and "seen_session" not in r.cookies
    # Another account is not locked by someone hammering this one.
    assert (
        client.post(
            "/login", data={"username": "root", "password": "correct horse battery staple"}
        ).status_code
        == 303
    )
    clock.advance(seconds=31)  # a growing wait, not an hour's lock
    assert (
        client.post(
            "/login", data={"username": "ana", "password": "correct horse battery staple"}
        ).status_code
        == 303
    )


def test_unknown_and_known_users_get_the_same_refusal(client, creds):
    known = client.post("/login", data={"username": "ana", "password": "wrong"})
    unknown = client.post("/login", data={"username": "nobody", "password": "wrong"})
    assert known.status_code == unknown.status_code == 401
    assert "do not match" in known.text and "do not match" in unknown.text


@pytest.mark.parametrize("idle_min", [16, 60])
def test_an_idle_console_is_locked(client, creds, clock, idle_min, db):
    sign_in(client)
    clock.advance(minutes=14)
    assert client.get("/api/v1/console/snapshot").status_code == 200  # activity
    clock.advance(minutes=14)
    assert client.get("/api/v1/console/snapshot").status_code == 200
    clock.advance(minutes=idle_min)
    r = client.get("/api/v1/console/snapshot")
    assert list_audit(db)[0]["action"] == "console.locked"
    assert r.status_code == 423 and "locked" in r.json()["detail"]
    # No patient list for a locked session, whatever it asks for.
    for path in ("/api/v1/console/snapshot", "/api/v1/console/arrivals"):
        assert client.get(path).status_code in (404, 405, 423)
