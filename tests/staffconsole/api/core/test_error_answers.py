"""Named failures become HTTP answers in one place (api/errors.py): status and body, exactly."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers.seed import NOW, book_today, offer

from staffconsole.app import create_app
from staffconsole.auth import api_tokens
from staffconsole.auth.staff_sessions import (
    BadCredentials,
    BadPin,
    CsrfRejected,
    LockedOut,
    NotSignedIn,
    SessionLocked,
    UnlockRefused,
)
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.report.figures import BadPeriod
from staffconsole.store.appointments import cancel_appointment
from staffconsole.store.schema import DatabaseError

KIOSK = "/api/v1/kiosk"


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("no alert with id 7"), 404),
        (Conflict("alert 7 is already resolved"), 409),
        (Invalid("the first name must be 1 to 100 characters"), 422),
        (BadPeriod("a report covers at most 92 days"), 400),
        (NotSignedIn("Not signed in."), 401),
        (SessionLocked("The console is locked. Unlock it to go on."), 423),
        (UnlockRefused("That password or PIN does not match. Try again."), 403),
        (BadPin("A PIN is 4 to 8 digits."), 422),
        (CsrfRejected("Missing X-CSRF-Token header; reload the console page and try again."), 403),
        (BadCredentials("That username and password do not match."), 403),
        (LockedOut("Sign-in is paused for this username."), 403),
    ],
)
def test_each_named_failure_is_its_status_with_its_message(settings, error, status):
    app = create_app(settings)

    def fails():
        raise error

    app.add_api_route("/fails", fails)
    r = TestClient(app).get("/fails")
    assert (r.status_code, r.json()) == (status, {"detail": str(error)})
    assert r.headers["content-type"] == "application/json"


def test_a_database_error_is_503_with_a_plain_reason(settings):
    app = create_app(settings)

    def fails():
        raise DatabaseError("cannot open database /nowhere/seen.db: unable to open")

    app.add_api_route("/fails", fails)
    r = TestClient(app).get("/fails")
    assert (r.status_code, r.json()) == (503, {"detail": "database unavailable, try again"})


def documented(client, method: str, path: str) -> set[str]:
    return set(client.app.openapi()["paths"][path][method]["responses"])


def test_checkin_not_offered_is_403_and_cancelled_is_409(client, app_db, auth):
    ids = book_today(app_db)
    missing = client.post(
        f"{KIOSK}/checkin", headers=auth, json={"session": "s1", "appointment": 999}
    )
    assert (missing.status_code, missing.json()) == (
        403,
        {
            "detail": "appointment 999 was not offered to this kiosk session in the last "
            "10 min: look the patient up again, or send them to the front desk"
        },
    )
    offer(client, auth, "s2", "Okafor")
    cancel_appointment(app_db, "t-0")
    cancelled = ids["Okafor"]
    r = client.post(
        f"{KIOSK}/checkin", headers=auth, json={"session": "s2", "appointment": cancelled}
    )
    assert (r.status_code, r.json()) == (409, {"detail": f"appointment {cancelled} was cancelled"})
    assert {"403", "404", "409", "429"} <= documented(client, "post", f"{KIOSK}/checkin")


@pytest.fixture
def push(app_db):
    return {"Authorization": f"Bearer {api_tokens.add_token(app_db, 'Acme PMS', 'push', NOW)}"}


def test_push_cancel_of_an_unknown_appointment_is_404(client, push):
    r = client.delete("/api/v1/appointments/PMS-404", headers=push)
    assert (r.status_code, r.json()) == (
        404,
        {"detail": "no appointment with external_id 'PMS-404'"},
    )
    assert "404" in documented(client, "delete", "/api/v1/appointments/{external_id}")


def test_push_arrival_backwards_is_409_and_unknown_is_404(client, app_db, auth, push):
    ids = book_today(app_db)
    offer(client, auth, "s1", "Okafor")
    arrival = client.post(
        f"{KIOSK}/checkin", headers=auth, json={"session": "s1", "appointment": ids["Okafor"]}
    ).json()["arrival"]["id"]
    status = f"/api/v1/arrivals/{arrival}/status"
    assert client.post(status, json={"status": "seen"}, headers=push).status_code == 200
    back = client.post(status, json={"status": "called_in"}, headers=push)
    assert (back.status_code, back.json()) == (
        409,
        {"detail": f"arrival {arrival} is already seen"},
    )
    gone = client.post("/api/v1/arrivals/999/status", json={"status": "seen"}, headers=push)
    assert (gone.status_code, gone.json()) == (404, {"detail": "no arrival with id 999"})
    assert {"404", "409"} <= documented(client, "post", "/api/v1/arrivals/{arrival_id}/status")
