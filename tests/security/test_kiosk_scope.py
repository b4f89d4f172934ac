"""How far a kiosk token reaches: its own sessions, and only the appointments a look-up
offered them (issue 16, part 3; docs/security.md, "What a stolen kiosk token can and
cannot do").

The kiosk operations that name a session are read from the OpenAPI document, so a new
one without a case here fails.
"""

from __future__ import annotations

import pytest
from helpers.seed import PATIENTS, offer
from security.helpers import bearer

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.audit import list_audit

NAMES = [part for first, last, *_ in PATIENTS for part in (first, last)]


def _names_a_session(schema: dict, schemas: dict) -> bool:
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
    properties = schema.get("properties", {})
    if "session" in properties:
        return True
    items = [p.get("items", {}) for p in properties.values() if p.get("type") == "array"]
    return any(_names_a_session(item, schemas) for item in items if item)


def session_operations(app) -> set[str]:
    document = app.openapi()
    schemas = document["components"]["schemas"]
    found = set()
    for path, item in document["paths"].items():
        if not path.startswith("/api/v1/kiosk/"):
            continue
        for operation in item.values():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body and _names_a_session(body["schema"], schemas):
                found.add(path)
    return found


def _event(session):
    return {
        "id": f"e-{session}",
        "session": session,
        "type": "session.handed_off",
        "at": "2026-11-22T09:00:00+00:00",
        "data": {"reason": "help", "step": "identify"},
    }


# What each operation sends, naming the session given.
BODIES = {
    "/api/v1/kiosk/lookup": lambda s, booked: {
        "session": s,
        "last_name": "Okafor",
        "dob": "1980-02-04",
    },
    "/api/v1/kiosk/checkin": lambda s, booked: {"session": s, "appointment": booked["Okafor"]},
    "/api/v1/kiosk/events": lambda s, booked: {"events": [_event(s)]},
}


def test_every_kiosk_operation_naming_a_session_has_a_case(app):
    assert session_operations(app) == set(BODIES)


@pytest.mark.parametrize("path", sorted(BODIES))
def test_another_kiosks_session_is_refused_without_a_name(path, client, creds, booked, db, clock):
    mine = bearer(creds["kiosk"])
    offer(client, mine, "s-one", "Okafor")  # kiosk 1 started s-one, and was offered Okafor
    other = bearer(add_kiosk(db, "Lobby kiosk 2", clock()))
    r = client.post(path, headers=other, json=BODIES[path]("s-one", booked))
    assert r.status_code == 403, r.text
    assert "another kiosk" in r.json()["detail"] or "not offered" in r.json()["detail"]
    assert not any(name in r.text for name in NAMES)
    assert list_arrivals(db, clock().date()) == []
    # The same call on its own session is fine (the check-in after its own look-up).
    if path.endswith("/checkin"):
        offer(client, other, "s-two", "Okafor")
    r = client.post(path, headers=other, json=BODIES[path]("s-two", booked))
    assert r.status_code == 200, r.text


def test_an_offer_lasts_checkin_offer_minutes_on_the_servers_clock(
    client, creds, booked, db, clock
):
    kiosk = bearer(creds["kiosk"])
    body = {"session": "s1", "appointment": booked["Te Rangi"]}
    offer(client, kiosk, "s1", "Te Rangi")
    clock.advance(minutes=10, seconds=1)
    r = client.post("/api/v1/kiosk/checkin", headers=kiosk, json=body)
    assert r.status_code == 403 and "in the last 10 min" in r.json()["detail"]
    offer(client, kiosk, "s1", "Te Rangi")  # the kiosk's flow looks the patient up again
    clock.advance(minutes=9)
    r = client.post("/api/v1/kiosk/checkin", headers=kiosk, json=body)
    assert r.status_code == 200 and r.json()["arrival"]["display_name"] == "Aroha T."
    actions = [(e["actor"], e["action"]) for e in list_audit(db)[:2]]
    assert actions == [
        ("kiosk:Lobby kiosk 1", "arrival.checked_in"),
        ("kiosk:Lobby kiosk 1", "arrival.checkin_refused"),
    ]
