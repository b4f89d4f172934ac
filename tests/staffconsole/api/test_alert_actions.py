"""Acknowledge and resolve through the console API: answers, state, and the hub."""

from __future__ import annotations

import pytest

from staffconsole.store.alerts import get_alert, list_alerts


@pytest.fixture
def post(client, signed_in):
    def send(path, json=None):
        return client.post(path, json=json, headers={"X-CSRF-Token": signed_in})

    return send


def test_acknowledge_then_resolve(post, raise_handoff, app, db, staff, clock):
    alert = raise_handoff("help")
    seq = app.state.hub.seq
    r = post(f"/api/v1/console/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 200
    body = r.json()["alert"]
    assert body["status"] == "acknowledged" and body["acknowledged_by"] == staff
    assert body["kind_label"] == "Patient asked for help"
    assert app.state.hub.seq == seq + 1
    # Acknowledging again is harmless.
    assert post(f"/api/v1/console/alerts/{alert['id']}/acknowledge").status_code == 200

    clock.advance(minutes=3)
    r = post(
        f"/api/v1/console/alerts/{alert['id']}/resolve",
        {"outcome": "checked_in_at_desk", "note": "  Came to the desk — l'accueil  "},
    )
    assert r.status_code == 200
    assert r.json()["alert"]["status"] == "resolved"
    stored = get_alert(db, alert["id"])
    assert stored["outcome"] == "checked_in_at_desk"
    assert stored["note"] == "Came to the desk — l'accueil"
    assert stored["resolved_by"] == staff
    assert list_alerts(db) == []


def test_resolve_straight_from_open(post, raise_handoff, db):
    alert = raise_handoff("no_match")
    r = post(f"/api/v1/console/alerts/{alert['id']}/resolve", {"outcome": "other"})
    assert r.status_code == 200
    assert get_alert(db, alert["id"])["note"] is None


def test_already_resolved_is_409(post, raise_handoff, app):
    alert = raise_handoff()
    assert (
        post(
            f"/api/v1/console/alerts/{alert['id']}/resolve", {"outcome": "false_alarm"}
        ).status_code
        == 200
    )
    seq = app.state.hub.seq
    r = post(f"/api/v1/console/alerts/{alert['id']}/resolve", {"outcome": "false_alarm"})
    assert r.status_code == 409 and "already resolved" in r.json()["detail"]
    r = post(f"/api/v1/console/alerts/{alert['id']}/acknowledge")
    assert r.status_code == 409
    assert app.state.hub.seq == seq  # nothing changed, nobody woken


@pytest.mark.parametrize("bad_id", ["999", "abc", "-1", "1.5", "99999999999999999999999", "٣"])
def test_bad_ids_are_404(post, raise_handoff, bad_id):
    raise_handoff()
    for action, body in (("acknowledge", None), ("resolve", {"outcome": "other"})):
        r = post(f"/api/v1/console/alerts/{bad_id}/{action}", body)
        assert r.status_code == 404, (bad_id, action, r.text)
        assert "alert" in r.json()["detail"].lower()


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "made_up"},
        {},
        {"outcome": "other", "note": "x" * 501},
        {"outcome": "other", "note": 5},
        {"outcome": "other", "by": "someone else"},
        None,
    ],
)
def test_bad_resolve_bodies_are_422_and_change_nothing(post, raise_handoff, db, body):
    alert = raise_handoff()
    r = post(f"/api/v1/console/alerts/{alert['id']}/resolve", body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    assert get_alert(db, alert["id"])["status"] == "open"


def test_malformed_json_is_422_not_500(client, signed_in, raise_handoff):
    alert = raise_handoff()
    r = client.post(
        f"/api/v1/console/alerts/{alert['id']}/resolve",
        content=b"{not json",
        headers={"X-CSRF-Token": signed_in, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
