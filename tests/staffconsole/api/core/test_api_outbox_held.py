"""A kiosk's heartbeat saying its outbox set events aside raises one alert at the desk."""

from __future__ import annotations

import pytest

from staffconsole.clock import utcnow
from staffconsole.store.alerts import list_alerts, resolve_alert

API = "/api/v1/kiosk"


def beat(client, auth, outbox=None):
    body = {"at": "2026-11-22T09:00:00+00:00", "app_version": "1", "printer": {"state": "ok"}}
    if outbox is not None:
        body["outbox"] = outbox
    r = client.post(f"{API}/heartbeat", headers=auth, json=body)
    assert r.status_code == 200, r.text
    return r


def held_alerts(db, resolved=False):
    return [a for a in list_alerts(db, include_resolved=resolved) if a["kind"] == "outbox_held"]


def test_held_events_raise_one_alert_updated_not_repeated(client, auth, app_db):
    beat(client, auth)  # an older kiosk sends no outbox: nothing raised
    beat(client, auth, {"held": 0, "newest_held": None, "unsaved": 0})
    assert held_alerts(app_db) == []
    beat(client, auth, {"held": 1, "newest_held": "e7", "unsaved": 0})
    beat(client, auth, {"held": 1, "newest_held": "e7", "unsaved": 0})
    (alert,) = held_alerts(app_db)
    assert alert["summary"].startswith("Lobby kiosk 1 could not deliver 1 event to the server")
    assert "check the kiosk" in alert["summary"] and alert["severity"] == 62
    beat(client, auth, {"held": 2, "newest_held": "e9", "unsaved": 0})
    (alert,) = held_alerts(app_db)
    assert "2 events" in alert["summary"]
    # Resolved by a person: the same events do not raise it again at the next beat ...
    resolve_alert(app_db, alert["id"], "amy", "kiosk_fault", None, utcnow())
    beat(client, auth, {"held": 2, "newest_held": "e9", "unsaved": 0})
    assert held_alerts(app_db) == []
    # ... a newly set-aside event does.
    beat(client, auth, {"held": 3, "newest_held": "e12", "unsaved": 0})
    (again,) = held_alerts(app_db)
    assert again["id"] != alert["id"] and "3 events" in again["summary"]


@pytest.mark.parametrize(
    "outbox, words",
    [
        ({"held": -1}, "greater than or equal to 0"),
        ({"held": "3"}, "integer"),
        ({"held": 1, "newest_held": "x" * 65}, "at most 64"),
    ],
)
def test_bad_outbox_state_is_a_422_with_a_reason(client, auth, outbox, words):
    body = {"at": "2026-11-22T09:00:00+00:00", "app_version": "1", "printer": {"state": "ok"}}
    r = client.post(f"{API}/heartbeat", headers=auth, json={**body, "outbox": outbox})
    assert r.status_code == 422 and words in r.text


def test_a_count_without_an_id_still_raises(client, auth, app_db):
    beat(client, auth, {"held": 2})
    (alert,) = held_alerts(app_db)
    assert "2 events" in alert["summary"] and alert["data"] == {"held": 2, "newest_held": None}
