"""A walk-in's alert, checked in at the desk: an arrival today with "Walk-in", audited."""

from __future__ import annotations

import pytest

from staffconsole.store.audit import list_audit


@pytest.fixture
def post(client, signed_in):
    def send(path, json=None):
        return client.post(path, json=json, headers={"X-CSRF-Token": signed_in})

    return send


def test_walk_in_becomes_an_arrival_and_the_alert_is_resolved(post, client, raise_handoff, db):
    alert = raise_handoff(
        "walk_in",
        entered={"first_name": "Siobhán", "last_name": "Ní Bhriain", "phone": "0412 555 010"},
    )
    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["alerts"][0]["walk_in"] == {
        "first_name": "Siobhán",
        "last_name": "Ní Bhriain",
        "dob": "",
        "phone": "0412 555 010",
    }
    r = post(
        f"/api/v1/console/alerts/{alert['id']}/check-in",
        {"first_name": "Siobhán", "last_name": "Ní Bhriain-O'Hara", "dob": "1975-05-05"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["alert"]["status"] == "resolved"
    assert (
        body["arrival"]["display_name"] == "Siobhán N." and body["arrival"]["provider"] == "Walk-in"
    )
    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["alerts"] == [] and [a["provider"] for a in snap["arrivals"]] == ["Walk-in"]
    assert snap["history"][0]["outcome_label"] == "Checked in at the desk"
    entry = list_audit(db, reads=False)[0]
    assert (entry["action"], entry["target"]) == (
        "alert.walk_in_checked_in",
        f"alert:{alert['id']}",
    )
    again = post(
        f"/api/v1/console/alerts/{alert['id']}/check-in", {"first_name": "A", "last_name": "B"}
    )
    assert again.status_code == 409


def test_only_walk_ins_and_real_input(post, raise_handoff):
    help_ = raise_handoff("help")
    r = post(
        f"/api/v1/console/alerts/{help_['id']}/check-in", {"first_name": "A", "last_name": "B"}
    )
    assert r.status_code == 409 and "not a walk-in" in r.json()["detail"]
    walk = raise_handoff("walk_in")
    r = post(
        f"/api/v1/console/alerts/{walk['id']}/check-in",
        {"first_name": "A", "last_name": "B", "dob": "1980-13-40"},
    )
    assert r.status_code == 422 and "real date" in r.json()["detail"]
    assert (
        post(
            f"/api/v1/console/alerts/{walk['id']}/check-in", {"first_name": "", "last_name": "B"}
        ).status_code
        == 422
    )
    assert (
        post(
            "/api/v1/console/alerts/999/check-in", {"first_name": "A", "last_name": "B"}
        ).status_code
        == 404
    )
