"""The console's JSON API answers its named failures with the status the OpenAPI document lists,
and `{"detail": "<message>"}`; its pages redirect to the sign-in form instead."""

from __future__ import annotations

import pytest

from staffconsole.store.alerts import resolve_alert


@pytest.fixture
def post(client, signed_in):
    def send(path, json=None, headers=None):
        return client.post(path, json=json, headers=headers or {"X-CSRF-Token": signed_in})

    return send


def documented(client, method: str, path: str) -> set[str]:
    return set(client.app.openapi()["paths"][path][method]["responses"])


ACK = "/api/v1/console/alerts/{alert_id}/acknowledge"
RESOLVE = "/api/v1/console/alerts/{alert_id}/resolve"
CHECK_IN = "/api/v1/console/alerts/{alert_id}/check-in"
REPORT = "/api/v1/console/report"


def test_an_unknown_alert_is_404(post, client):
    r = post(ACK.format(alert_id=4242))
    assert (r.status_code, r.json()) == (404, {"detail": "no alert with id 4242"})
    assert "404" in documented(client, "post", ACK)


def test_resolving_a_resolved_alert_is_409(post, client, raise_handoff, db, clock):
    alert = raise_handoff()
    resolve_alert(db, alert["id"], "bo", "redirected", "", clock())
    r = post(RESOLVE.format(alert_id=alert["id"]), {"outcome": "redirected"})
    assert (r.status_code, r.json()) == (
        409,
        {"detail": f"alert {alert['id']} is already resolved"},
    )
    assert "409" in documented(client, "post", RESOLVE)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"first_name": "   ", "last_name": "Okafor"},
            "the first name must be 1 to 100 characters",
        ),
        (
            {"first_name": "Maria", "last_name": "Okafor", "dob": "1980-02-31"},
            "the date of birth must be a real date (YYYY-MM-DD)",
        ),
    ],
)
def test_an_unusable_walk_in_value_is_422_with_one_sentence(
    post, client, raise_handoff, body, detail
):
    alert = raise_handoff("walk_in")
    r = post(CHECK_IN.format(alert_id=alert["id"]), body)
    assert (r.status_code, r.json()) == (422, {"detail": detail})
    assert "422" in documented(client, "post", CHECK_IN)


@pytest.mark.parametrize("path", [REPORT, "/console/report.csv"])
def test_a_bad_report_period_is_400(client, signed_in, path):
    r = client.get(path, params={"from": "2026-11-30", "to": "2026-11-01"})
    assert (r.status_code, r.json()) == (
        400,
        {"detail": "the period ends (2026-11-01) before it starts (2026-11-30)"},
    )
    assert "400" in documented(client, "get", path)


@pytest.mark.parametrize("path", ["/api/v1/console/snapshot", "/api/v1/console/session", REPORT])
def test_not_signed_in_is_401_on_the_api(client, path):
    r = client.get(path)
    assert (r.status_code, r.json()) == (401, {"detail": "Not signed in."})
    assert "401" in documented(client, "get", path)


def test_idle_is_423_on_the_api_and_the_lock_screen_on_the_pages(client, signed_in, clock):
    clock.advance(minutes=16)
    r = client.get("/api/v1/console/snapshot")
    assert (r.status_code, r.json()) == (
        423,
        {"detail": "The console is locked. Unlock it to go on."},
    )
    assert "423" in documented(client, "get", "/api/v1/console/snapshot")
    # Locked, not signed out: the console page is its own lock screen; others send there.
    assert client.get("/console").status_code == 200
    report = client.get("/console/report")
    assert (report.status_code, report.headers["location"]) == (303, "/console")


def test_a_missing_or_wrong_csrf_token_is_403(post, client, raise_handoff):
    alert = raise_handoff()
    path = ACK.format(alert_id=alert["id"])
    missing = post(path, headers={"X-Other": "1"})
    assert (missing.status_code, missing.json()) == (
        403,
        {"detail": "Missing X-CSRF-Token header; reload the console page and try again."},
    )
    wrong = post(path, headers={"X-CSRF-Token": "not-this-one"})
    assert (wrong.status_code, wrong.json()) == (
        403,
        {"detail": "X-CSRF-Token does not match this session; reload the console page."},
    )
    assert "403" in documented(client, "post", ACK)
