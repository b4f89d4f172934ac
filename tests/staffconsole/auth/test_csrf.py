"""State-changing console calls need the session's X-CSRF-Token header."""

from __future__ import annotations


def test_missing_or_wrong_token_is_403_with_a_reason(client, signed_in, raise_handoff):
    alert = raise_handoff()
    url = f"/api/v1/console/alerts/{alert['id']}/acknowledge"
    r = client.post(url)
    assert r.status_code == 403 and "Missing X-CSRF-Token" in r.json()["detail"]
    r = client.post(url, headers={"X-CSRF-Token": "guess"})
    assert r.status_code == 403 and "does not match" in r.json()["detail"]
    r = client.post(
        f"/api/v1/console/alerts/{alert['id']}/resolve", json={"outcome": "false_alarm"}
    )
    assert r.status_code == 403
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/console/snapshot").json()["alerts"][0]["status"] == "open"
    assert client.post(url, headers={"X-CSRF-Token": signed_in}).status_code == 200


def test_token_belongs_to_its_session(client, signed_in, raise_handoff, app, staff, password):
    from fastapi.testclient import TestClient

    other = TestClient(app, follow_redirects=False)
    assert other.post("/login", data={"username": staff, "password": password}).status_code == 303
    alert = raise_handoff()
    r = other.post(
        f"/api/v1/console/alerts/{alert['id']}/acknowledge", headers={"X-CSRF-Token": signed_in}
    )
    assert r.status_code == 403


def test_not_signed_in_is_401_before_csrf(client, raise_handoff):
    alert = raise_handoff()
    r = client.post(f"/api/v1/console/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 401


def test_every_state_changing_console_call_needs_the_token(client, signed_in, app):
    """Walks the OpenAPI paths, so a new console POST without CSRF protection fails here."""
    posts = [
        path
        for path, item in app.openapi()["paths"].items()
        if "post" in item and path.startswith("/api/v1/console/")
    ] + ["/logout"]
    assert "/api/v1/console/arrivals/{arrival_id}/{status}" in posts
    assert "/api/v1/console/alerts/{alert_id}/check-in" in posts
    for path in posts:
        url = (
            path.replace("{alert_id}", "1").replace("{arrival_id}", "1").replace("{status}", "seen")
        )
        r = client.post(url, json={})
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert "X-CSRF-Token" in r.json()["detail"]
