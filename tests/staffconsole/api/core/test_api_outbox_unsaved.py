"""A kiosk's heartbeat saying events are only in its memory (its disk is full) raises an
alert at the desk while so, and the next heartbeat with none clears it."""

from __future__ import annotations

from staffconsole.clock import utcnow
from staffconsole.store.alerts import SYSTEM, list_alerts, resolve_alert

API = "/api/v1/kiosk"


def beat(client, auth, unsaved, held=0):
    body = {
        "at": "2026-11-22T09:00:00+00:00",
        "app_version": "1",
        "printer": {"state": "ok"},
        "outbox": {"held": held, "newest_held": "e1" if held else None, "unsaved": unsaved},
    }
    r = client.post(f"{API}/heartbeat", headers=auth, json=body)
    assert r.status_code == 200, r.text


def unsaved_alerts(db, resolved=False):
    alerts = list_alerts(db, include_resolved=resolved)
    return [a for a in alerts if a["kind"] == "outbox_unsaved"]


def test_a_full_disk_is_raised_updated_then_cleared_by_itself(client, auth, app_db):
    beat(client, auth, 0)
    assert unsaved_alerts(app_db, resolved=True) == []
    beat(client, auth, 1)
    beat(client, auth, 1)
    (alert,) = unsaved_alerts(app_db)
    assert alert["status"] == "open" and alert["kiosk"] == "Lobby kiosk 1"
    assert alert["summary"].startswith(
        "Lobby kiosk 1 cannot save check-ins to its disk (full?): 1 event only in its memory"
    )
    beat(client, auth, 4)  # more check-ins at risk: the same card says so
    (updated,) = unsaved_alerts(app_db)
    assert updated["id"] == alert["id"] and "4 events" in updated["summary"]
    assert updated["data"] == {"unsaved": 4}
    beat(client, auth, 0)  # space again: the kiosk saved them
    assert unsaved_alerts(app_db) == []
    (closed,) = unsaved_alerts(app_db, resolved=True)
    assert closed["id"] == alert["id"] and closed["resolved_by"] == SYSTEM
    assert "can save check-ins to its disk again" in closed["note"]
    beat(client, auth, 2)  # full again later: a new alert
    (again,) = unsaved_alerts(app_db)
    assert again["id"] != alert["id"]


def test_a_person_resolving_it_is_not_undone_by_the_next_beat(client, auth, app_db):
    beat(client, auth, 2)
    (alert,) = unsaved_alerts(app_db)
    resolve_alert(app_db, alert["id"], "amy", "kiosk_fault", None, utcnow())
    beat(client, auth, 2)
    assert unsaved_alerts(app_db) == []
    beat(client, auth, 3)  # another check-in only in memory: the desk hears again
    (again,) = unsaved_alerts(app_db)
    assert again["id"] != alert["id"] and "3 events" in again["summary"]


def test_it_stands_apart_from_the_set_aside_events_alert(client, auth, app_db):
    beat(client, auth, 1, held=1)
    kinds = sorted(a["kind"] for a in list_alerts(app_db))
    assert kinds == ["outbox_held", "outbox_unsaved"]
    beat(client, auth, 0, held=1)
    assert [a["kind"] for a in list_alerts(app_db)] == ["outbox_held"]
