"""Kiosk API in-process: a kiosk token proves a kiosk, not a right to any appointment.

A check-in names what a look-up offered the same session (by name or by code); check-ins
are rate-limited per kiosk; a kiosk touches only the sessions it started (issue 16, 3).
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.seed import NOW, PATIENTS, book_today, offer

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.config import load_settings
from staffconsole.store.alerts import list_alerts
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.audit import list_audit

API = "/api/v1/kiosk"
TODAY = date.today()
NAMES = [part for first, last, *_ in PATIENTS for part in (first, last)]


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "app.db"),
            "watchdog_interval_s": 0.05,
            "checkin_rate_max": 4,
        },
    )


@pytest.fixture
def booked(app_db):
    return book_today(app_db, TODAY)


@pytest.fixture
def other(app_db):
    return {"Authorization": f"Bearer {add_kiosk(app_db, 'Lobby kiosk 2', NOW)}"}


def checkin(client, auth, session, appointment):
    return client.post(
        f"{API}/checkin", headers=auth, json={"session": session, "appointment": appointment}
    )


def test_what_a_look_up_offered_checks_in_and_nothing_else(client, auth, app_db, booked):
    [match] = offer(client, auth, "s1", "Kowalski")
    refused = checkin(client, auth, "s1", booked["Okafor"])  # exists, today, never shown
    assert refused.status_code == 403
    assert "not offered to this kiosk session" in refused.json()["detail"]
    assert not any(name in refused.text for name in NAMES)
    assert checkin(client, auth, "s2", match["appointment"]).status_code == 403  # other session
    assert list_arrivals(app_db, TODAY) == []
    r = checkin(client, auth, "s1", match["appointment"])
    assert r.status_code == 200 and r.json()["arrival"]["display_name"] == "Łukasz K."


def test_a_scanned_or_typed_code_offers_its_appointment(client, auth, app_db, booked):
    r = client.post(f"{API}/lookup", headers=auth, json={"session": "scan-1", "code": " t-3 "})
    [match] = r.json()["matches"]
    assert match["appointment"] == booked["Te Rangi"]
    arrival = checkin(client, auth, "scan-1", match["appointment"]).json()["arrival"]
    assert arrival["display_name"] == "Aroha T."


def test_another_kiosk_cannot_check_in_what_this_one_was_offered(client, auth, other, booked):
    [match] = offer(client, auth, "s1", "Okafor")
    # Naming this kiosk's session with another token: the session is not that kiosk's.
    r = checkin(client, other, "s1", match["appointment"])
    assert r.status_code == 403 and "not offered" in r.json()["detail"]
    r = client.post(
        f"{API}/lookup",
        headers=other,
        json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert r.status_code == 403 and "another kiosk" in r.json()["detail"]
    assert "Maria" not in r.text


def test_check_ins_are_rate_limited_per_kiosk_with_a_reason(client, auth, other, booked):
    [match] = offer(client, auth, "s1", "Okafor")
    answers = [checkin(client, auth, "s1", match["appointment"]) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert "too many check-ins from this kiosk: at most 4 in 10 min" in answers[4].json()["detail"]
    assert int(answers[4].headers["retry-after"]) >= 1
    assert "Maria" not in answers[4].text
    # Refused ones count too: a sweep of bare ids runs into the same limit.
    [kowalski] = offer(client, other, "o1", "Kowalski")
    assert [checkin(client, other, "o1", 999 + n).status_code for n in range(4)] == [403] * 4
    assert checkin(client, other, "o1", kowalski["appointment"]).status_code == 429


def test_a_sweep_of_ids_tells_the_desk_once_without_a_name(client, auth, app_db, booked):
    [match] = offer(client, auth, "s1", "Okafor")
    # One stale check-in is a patient (handed to the desk anyway), not a sweep.
    assert checkin(client, auth, "s1", booked["Kowalski"]).status_code == 403
    assert checkin(client, auth, "s1", booked["Te Rangi"]).status_code == 403
    assert list_alerts(app_db) == []
    assert checkin(client, auth, "s1", booked["Ní Bhriain"]).status_code == 403
    [alert] = list_alerts(app_db)
    assert alert["kind"] == "checkin_refused" and alert["kiosk"] == "Lobby kiosk 1"
    assert alert["summary"].startswith("Lobby kiosk 1 asked for 3 check-ins in 10 min that")
    assert "revoke it" in alert["summary"]
    # More refusals, and then the rate limit, update the same card.
    assert checkin(client, auth, "s1", 999).status_code == 403
    assert checkin(client, auth, "s1", match["appointment"]).status_code == 429
    [alert] = list_alerts(app_db)
    assert alert["data"]["refused"] == 5
    assert not any(name in str(alert) for name in NAMES)
    reasons = [e["detail"]["reason"] for e in list_audit(app_db) if "refused" in e["action"]]
    assert reasons == ["rate", "not_offered", "not_offered", "not_offered", "not_offered"]


def test_each_check_in_is_audited_with_its_source_and_no_name(client, auth, app_db, booked):
    [match] = offer(client, auth, "s1", "O'Brien-Núñez")
    arrival = checkin(client, auth, "s1", match["appointment"]).json()["arrival"]
    checkin(client, auth, "s1", booked["Okafor"])
    refused, done = list_audit(app_db)[:2]
    assert (done["actor"], done["action"], done["source"]) == (
        "kiosk:Lobby kiosk 1",
        "arrival.checked_in",
        "testclient",  # the TestClient's client address
    )
    assert done["detail"]["arrival"] == arrival["id"] and done["detail"]["session"] == "s1"
    assert (refused["action"], refused["target"]) == (
        "arrival.checkin_refused",
        f"appointment:{booked['Okafor']}",
    )
    assert not any(name in str([refused, done]) for name in NAMES)


def handoff(event_id, session):
    return {
        "id": event_id,
        "session": session,
        "type": "session.handed_off",
        "at": "2026-11-22T09:00:00+00:00",
        "data": {"reason": "help", "step": "identify"},
    }


def test_events_for_another_kiosks_session_are_refused_with_nothing_kept(
    client, auth, other, app_db
):
    started = {**handoff("a1", "s-a"), "type": "session.started", "data": {}}
    assert client.post(f"{API}/events", headers=auth, json={"events": [started]}).status_code == 200
    batch = {"events": [handoff("b1", "s-b"), handoff("b2", "s-a")]}
    r = client.post(f"{API}/events", headers=other, json=batch)
    assert r.status_code == 403
    assert r.json() == {
        "detail": "session s-a was started by another kiosk: a kiosk may only act on its "
        "own sessions"
    }
    assert list_alerts(app_db) == []  # neither hand-off raised anything
    # One by one, as the kiosk's sender retries a refused batch: its own event goes in.
    r = client.post(f"{API}/events", headers=other, json={"events": batch["events"][:1]})
    assert r.json() == {"accepted": ["b1"], "duplicate": []}
    [alert] = list_alerts(app_db)
    assert alert["session_id"] == "s-b" and alert["kiosk"] == "Lobby kiosk 2"


def test_the_refusals_are_documented(client):
    paths = client.app.openapi()["paths"]
    assert {"403", "429"} <= set(paths[f"{API}/checkin"]["post"]["responses"])
    assert "403" in paths[f"{API}/events"]["post"]["responses"]
    assert "403" in paths[f"{API}/lookup"]["post"]["responses"]
