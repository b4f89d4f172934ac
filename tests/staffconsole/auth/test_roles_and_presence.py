"""Roles (admin-only audit), Secure cookies under TLS, and what kiosks are told about the console."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from fastapi.testclient import TestClient

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.auth.staff_sessions import COOKIE
from staffconsole.auth.users import add_user

PASSWORD = "correct horse battery staple"


def test_audit_api_is_for_admins_only(client, signed_in, app, db, clock):
    r = client.get("/api/v1/console/audit")
    assert r.status_code == 403 and "Only an admin" in r.json()["detail"]
    add_user(db, "mgr", PASSWORD, "admin", clock())
    admin = TestClient(app, follow_redirects=False)
    assert admin.post("/login", data={"username": "mgr", "password": PASSWORD}).status_code == 303
    entries = admin.get("/api/v1/console/audit").json()["entries"]
    assert [(e["actor"], e["action"]) for e in entries[:2]] == [
        ("mgr", "login.ok"),
        ("ana", "login.ok"),
    ]
    assert TestClient(app).get("/api/v1/console/audit").status_code == 401


def test_cookie_is_secure_when_the_request_came_over_tls(app, staff):
    tls = TestClient(app, base_url="https://testserver", follow_redirects=False)
    r = tls.post("/login", data={"username": staff, "password": PASSWORD})
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coro, 30)).result()


def test_heartbeat_says_whether_a_console_is_watching(
    app, client, signed_in, db, clock, stream_client
):
    token = add_kiosk(db, "Lobby kiosk 1", clock())
    kiosk = TestClient(app)

    def live():
        r = kiosk.post(
            "/api/v1/kiosk/heartbeat",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "at": "2026-11-22T15:00:00+00:00",
                "app_version": "1",
                "printer": {"state": "ok"},
            },
        )
        assert r.status_code == 200, r.text
        return r.json()["console_live"]

    assert live() is False  # no console page since the server started

    async def scenario():
        s = stream_client(app, "/api/v1/console/stream", {COOKIE: client.cookies[COOKIE]})
        await s.start()
        assert (await s.next_event())["event"] == "snapshot"
        watched = await asyncio.to_thread(live)
        await s.close()
        return watched

    assert run(scenario()) is True
    # Just closed (a reload, a blip): kiosks still trust the desk for the grace period...
    assert live() is True
    # ...and not once it has passed.
    hub = app.state.hub
    assert hub.console_watched(clock() + timedelta(seconds=61), 60) is False
    listeners, absent_since = hub.presence()
    assert listeners == 0 and absent_since is not None
