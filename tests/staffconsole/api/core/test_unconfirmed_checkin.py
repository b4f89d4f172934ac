"""Through the kiosk API: a check-in that turns out committed after all ends its
"not confirmed" alert, in either order, and the console is woken each time."""

from datetime import date

import pytest
from helpers.seed import book_today, offer

from seen.vocabulary import CHECKED_IN_AFTER_ALL
from staffconsole.store.alerts import list_alerts

API = "/api/v1/kiosk"
TODAY = date.today()


def unconfirmed(session="s1"):
    return {
        "events": [
            {
                "id": f"h-{session}",
                "session": session,
                "type": "session.handed_off",
                "at": "2026-11-22T09:00:00+00:00",
                "data": {
                    "reason": "checkin_unconfirmed",
                    "step": "checking_in",
                    "entered": {"last_name": "Okafor", "dob": "1980-02-04"},
                },
            }
        ]
    }


@pytest.fixture
def booked(app_db):
    return book_today(app_db, TODAY)


def _post(client, app, path, auth, body):
    seq = app.state.hub.seq
    r = client.post(f"{API}/{path}", headers=auth, json=body)
    assert r.status_code == 200, r.text
    assert app.state.hub.seq > seq  # the console was told
    return r.json()


@pytest.mark.parametrize("order", ["alert_first", "checkin_first"])
def test_either_order_ends_resolved_as_checked_in(client, app, auth, app_db, booked, order):
    checkin = {"session": "s1", "appointment": booked["Okafor"]}
    offer(client, auth, "s1", "Okafor")
    if order == "alert_first":
        _post(client, app, "events", auth, unconfirmed())
        assert [a["status"] for a in list_alerts(app_db)] == ["open"]
        arrival = _post(client, app, "checkin", auth, checkin)["arrival"]
    else:
        arrival = _post(client, app, "checkin", auth, checkin)["arrival"]
        _post(client, app, "events", auth, unconfirmed())
    assert list_alerts(app_db) == []
    [alert] = list_alerts(app_db, include_resolved=True)
    assert alert["kind"] == "checkin_unconfirmed" and alert["status"] == "resolved"
    assert alert["resolved_by"] == "Seen" and alert["outcome"] == CHECKED_IN_AFTER_ALL
    assert f"number {arrival['ticket']}" in alert["note"]


def test_unconfirmed_without_a_checkin_stays_open(client, app, auth, app_db, booked):
    _post(client, app, "events", auth, unconfirmed())
    offer(client, auth, "s2", "Kowalski")
    _post(client, app, "checkin", auth, {"session": "s2", "appointment": booked["Kowalski"]})
    [alert] = list_alerts(app_db)
    assert alert["status"] == "open" and alert["session_id"] == "s1"
