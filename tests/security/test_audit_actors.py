"""Every staff action writes exactly one audit row, under the actor docs/security.md promises.

The state-changing routes are read from the app, so a new one without a case here fails.
"""

from __future__ import annotations

import pytest
from helpers.seed import offer
from security.helpers import PASSWORD, bearer, sign_in

from staffconsole.auth.kiosks import kiosk_for_token
from staffconsole.auth.users import set_disabled
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.audit import list_audit

STAFF = "ana"
PUSH = "api:practice system"  # the push token in conftest.creds is named "practice system"
CHANGES = {"POST", "PUT", "DELETE", "PATCH"}


def all_routes(routes):
    """Every route, also those of included routers (FastAPI wraps each one, unprefixed here)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from all_routes(included.routes) if included is not None else [route]


def state_changing_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route that may change something, the kiosk API aside.

    Read from the app, not the OpenAPI document, which leaves out /login and /logout.
    """
    found = set()
    for route in all_routes(app.routes):
        for method in getattr(route, "methods", None) or ():
            if method in CHANGES and not route.path.startswith("/api/v1/kiosk/"):
                found.add((method, route.path))
    return found


def raise_alert(db, creds, clock, reason="help"):
    kiosk = kiosk_for_token(db, creds["kiosk"])
    session = {"id": f"s-{reason}", "kiosk_id": kiosk["id"], "step": "identify"}
    fields = alerting.handoff_alert(reason, session, kiosk["name"], {}, clock())
    return open_or_update_alert(db, fields)[0]


def arrive(client, creds, booked, last="Okafor") -> int:
    offer(client, bearer(creds["kiosk"]), f"s-{last}", last)
    r = client.post(
        "/api/v1/kiosk/checkin",
        json={"session": f"s-{last}", "appointment": booked[last]},
        headers=bearer(creds["kiosk"]),
    )
    assert r.status_code == 200, r.text
    return r.json()["arrival"]["id"]


# Each case arranges what it needs and returns the act and the audit row it must write.
def case_login(client, db, creds, clock, booked):
    def act():
        return client.post("/login", data={"username": STAFF, "password": PASSWORD})

    return act, (STAFF, "login.ok")


def case_logout(client, db, creds, clock, booked):
    csrf = sign_in(client)
    return lambda: client.post("/logout", headers={"X-CSRF-Token": csrf}), (STAFF, "logout")


def _console(client, path, json=None):
    csrf = sign_in(client)
    return lambda: client.post(path, json=json, headers={"X-CSRF-Token": csrf})


def case_acknowledge(client, db, creds, clock, booked):
    alert = raise_alert(db, creds, clock)
    act = _console(client, f"/api/v1/console/alerts/{alert['id']}/acknowledge")
    return act, (STAFF, "alert.acknowledge")


def case_resolve(client, db, creds, clock, booked):
    alert = raise_alert(db, creds, clock)
    path = f"/api/v1/console/alerts/{alert['id']}/resolve"
    return _console(client, path, {"outcome": "redirected"}), (STAFF, "alert.resolve")


def case_walk_in(client, db, creds, clock, booked):
    alert = raise_alert(db, creds, clock, "walk_in")
    path = f"/api/v1/console/alerts/{alert['id']}/check-in"
    body = {"first_name": "Siobhán", "last_name": "Ní Bhriain"}
    return _console(client, path, body), (STAFF, "alert.walk_in_checked_in")


def case_console_arrival(client, db, creds, clock, booked):
    arrival = arrive(client, creds, booked)
    path = f"/api/v1/console/arrivals/{arrival}/called_in"
    return _console(client, path), (STAFF, "arrival.called_in")


def case_console_call(client, db, creds, clock, booked):
    # Called again (did not hear): the call's own row. A first Call in also writes
    # arrival.called_in (tests/staffconsole/api/test_lobby_display.py).
    arrival = arrive(client, creds, booked)
    r = _console(client, f"/api/v1/console/arrivals/{arrival}/called_in")()
    assert r.status_code == 200, r.text
    act = _console(client, f"/api/v1/console/arrivals/{arrival}/call", json={})
    return act, (STAFF, "arrival.call")


def case_push_put(client, db, creds, clock, booked):
    body = {
        "first_name": "Aroha",
        "last_name": "Te Rangi",
        "dob": "2001-12-24",
        "start": "2026-11-22T10:30",
        "provider": "Dr. Lee",
    }

    def act():
        return client.put("/api/v1/appointments/P-1", json=body, headers=bearer(creds["push"]))

    return act, (PUSH, "appointment.added")


def case_push_delete(client, db, creds, clock, booked):
    def act():
        return client.delete("/api/v1/appointments/t-0", headers=bearer(creds["push"]))

    return act, (PUSH, "appointment.cancelled")


def case_push_arrival(client, db, creds, clock, booked):
    arrival = arrive(client, creds, booked)

    def act():
        return client.post(
            f"/api/v1/arrivals/{arrival}/status",
            json={"status": "seen"},
            headers=bearer(creds["push"]),
        )

    return act, (PUSH, "arrival.seen")


def case_lock(client, db, creds, clock, booked):
    return _console(client, "/api/v1/console/lock"), (STAFF, "console.locked")


def case_unlock(client, db, creds, clock, booked):
    csrf = sign_in(client)
    assert client.post("/api/v1/console/lock", headers={"X-CSRF-Token": csrf}).status_code == 200

    def act():
        body = {"secret": PASSWORD}
        return client.post("/api/v1/console/unlock", json=body, headers={"X-CSRF-Token": csrf})

    return act, (STAFF, "console.unlocked")


def case_pin(client, db, creds, clock, booked):
    body = {"password": PASSWORD, "pin": "5082"}
    return _console(client, "/api/v1/console/pin", body), (STAFF, "user.pin_set")


def case_report_csv(client, db, creds, clock, booked):
    sign_in(client)
    return lambda: client.get("/console/report.csv"), (STAFF, "report.export")


ADMIN = "root"  # conftest.creds' admin
ADMIN_API = "/api/v1/console/admin"


def _admin(client, path, json):
    csrf = sign_in(client, ADMIN)
    return lambda: client.post(ADMIN_API + path, json=json, headers={"X-CSRF-Token": csrf})


def _admin_case(path, body, action, arrange=None):
    """A case for the admin page's calls: the CLI's action names, the admin as actor."""

    def case(client, db, creds, clock, booked):
        if arrange:
            arrange(db, clock)
        return _admin(client, path, body), (ADMIN, action)

    return case


def _disabled_ana(db, clock):
    set_disabled(db, STAFF, True)


NEW_PASSWORD = "a brand new phrase 2026"
ADMIN_CASES = {
    ("POST", "/users"): _admin_case(
        "/users", {"username": "bea", "role": "receptionist", "password": NEW_PASSWORD}, "user.add"
    ),
    ("POST", "/users/disable"): _admin_case("/users/disable", {"username": STAFF}, "user.disable"),
    ("POST", "/users/enable"): _admin_case(
        "/users/enable", {"username": STAFF}, "user.enable", _disabled_ana
    ),
    ("POST", "/users/reset-password"): _admin_case(
        "/users/reset-password",
        {"username": STAFF, "password": NEW_PASSWORD},
        "user.reset_password",
    ),
    ("POST", "/users/set-role"): _admin_case(
        "/users/set-role", {"username": STAFF, "role": "admin"}, "user.set_role"
    ),
    ("POST", "/users/remove"): _admin_case("/users/remove", {"username": STAFF}, "user.remove"),
    ("POST", "/users/unlock"): _admin_case("/users/unlock", {"username": STAFF}, "user.unlock"),
    ("POST", "/kiosks"): _admin_case("/kiosks", {"name": "Lobby kiosk 2"}, "kiosk.add"),
    ("POST", "/kiosks/rename"): _admin_case(
        "/kiosks/rename", {"name": "Lobby kiosk 1", "new_name": "Front door"}, "kiosk.rename"
    ),
    ("POST", "/kiosks/revoke"): _admin_case(
        "/kiosks/revoke", {"name": "Lobby kiosk 1"}, "kiosk.revoke"
    ),
}


CASES = {
    ("POST", "/login"): case_login,
    ("POST", "/logout"): case_logout,
    ("POST", "/api/v1/console/alerts/{alert_id}/acknowledge"): case_acknowledge,
    ("POST", "/api/v1/console/alerts/{alert_id}/resolve"): case_resolve,
    ("POST", "/api/v1/console/alerts/{alert_id}/check-in"): case_walk_in,
    ("POST", "/api/v1/console/arrivals/{arrival_id}/{status}"): case_console_arrival,
    ("POST", "/api/v1/console/arrivals/{arrival_id}/call"): case_console_call,
    ("PUT", "/api/v1/appointments/{external_id}"): case_push_put,
    ("DELETE", "/api/v1/appointments/{external_id}"): case_push_delete,
    ("POST", "/api/v1/arrivals/{arrival_id}/status"): case_push_arrival,
    ("POST", "/api/v1/console/lock"): case_lock,
    ("POST", "/api/v1/console/unlock"): case_unlock,
    ("POST", "/api/v1/console/pin"): case_pin,
    **{(method, ADMIN_API + path): case for (method, path), case in ADMIN_CASES.items()},
}
# The page's "a person is here" signal only moves the session's last activity; an audit
# row per mouse move would bury the log. Locking and unlocking are audited above.
# A lobby display trading its token for its cookie changes nothing stored.
NOT_AUDITED = {("POST", "/api/v1/console/activity"), ("POST", "/api/v1/lobby/session")}
READS = {("GET", "/console/report.csv"): case_report_csv}  # reads of patient data, audited


def test_every_state_changing_route_has_an_audit_case(app):
    paths = {getattr(route, "path", None) for route in all_routes(app.routes)}
    assert "/api/v1/kiosk/checkin" in paths  # the walk reaches into included routers
    assert state_changing_routes(app) == set(CASES) | NOT_AUDITED


@pytest.mark.parametrize("route", sorted({**CASES, **READS}), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_staff_action_writes_one_row_under_the_conventional_actor(
    route, client, db, creds, clock, booked
):
    act, (actor, action) = {**CASES, **READS}[route](client, db, creds, clock, booked)
    before = {e["id"] for e in list_audit(db)}
    r = act()
    assert r.status_code < 400, r.text
    new = [e for e in list_audit(db) if e["id"] not in before]
    assert [(e["actor"], e["action"]) for e in new] == [(actor, action)]
