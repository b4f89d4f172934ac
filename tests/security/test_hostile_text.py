"""SQL-ish and control-character text in every text field: stored as text or refused, never 500.

Every query is parameterised; this proves it from the outside, field by field, and
that what was stored reads back exactly.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from security.helpers import TODAY, bearer, sign_in

from staffconsole.auth.kiosks import kiosk_for_token
from staffconsole.rules import alerting
from staffconsole.store.alerts import list_alerts, open_or_update_alert

HOSTILE = [
    "Robert'); DROP TABLE patients;--",
    "' OR '1'='1",
    '" OR 1=1 --',
    "x' UNION SELECT token_hash FROM kiosks --",
    "%_%",
    "\\\\'\\\"",
    "nul\x00byte",
    "bell\x07 esc\x1b[31m red",
    "line\r\nbreak",
    "right\u202eto-left",
    "zero\u200bwidth",
    "\ufeffbom",
    "emoji 🏥",
    "O'Brien-Núñez",
]


@pytest.fixture
def overrides():
    return {"lookup_rate_max": 1000}  # this file is about text, not the rate limit


TABLES = ("patients", "appointments", "arrivals", "alerts", "kiosks", "staff_users", "audit")


def tables_intact(db) -> None:
    for table in TABLES:
        db.execute(f"SELECT count(*) FROM {table}").fetchone()


def test_kiosk_api_text_fields(client, creds, booked, db):
    auth = bearer(creds["kiosk"])
    for i, text in enumerate(HOSTILE):
        for body in (
            {"session": f"s{i}", "last_name": text, "dob": "1980-02-04"},
            {"session": f"c{i}", "code": text},
            {"session": text[:64], "last_name": "Okafor", "dob": "1980-02-04"},
        ):
            r = client.post("/api/v1/kiosk/lookup", headers=auth, json=body)
            assert r.status_code in (200, 422), (body, r.status_code, r.text)
            if r.status_code == 200 and body.get("last_name") != "Okafor":
                assert r.json()["matches"] == [], body  # nothing leaks out of a crafted name
        events = [
            {
                "id": f"e{i}-1",
                "session": f"h{i}",
                "type": "session.step",
                "at": "2026-11-22T10:00:00+00:00",
                "data": {"step": text},
            },
            {
                "id": f"e{i}-2",
                "session": f"h{i}",
                "type": "session.handed_off",
                "at": "2026-11-22T10:00:01+00:00",
                "data": {
                    "reason": "help",
                    "step": "identify_name",
                    "entered": {"last_name": text, "phone": text, "code": text},
                },
            },
        ]
        r = client.post("/api/v1/kiosk/events", headers=auth, json={"events": events})
        assert r.status_code in (200, 422), (text, r.status_code, r.text)
        r = client.post(
            "/api/v1/kiosk/heartbeat",
            headers=auth,
            json={
                "at": "2026-11-22T10:00:00+00:00",
                "app_version": text,
                "printer": {"state": "ok", "detail": text},
            },
        )
        assert r.status_code in (200, 422), (text, r.status_code, r.text)
    tables_intact(db)
    # What the desk sees is exactly what was typed (the page inserts it as text).
    helped = {a["data"]["entered"]["last_name"] for a in list_alerts(db) if a["kind"] == "help"}
    assert "Robert'); DROP TABLE patients;--" in helped
    assert "bell\x07 esc\x1b[31m red" in helped
    assert db.execute("SELECT count(*) FROM patients").fetchone()[0] == len(booked)


def test_push_api_text_fields(client, creds, db):
    auth = bearer(creds["push"])
    today = TODAY.isoformat()
    for i, text in enumerate(HOSTILE):
        body = {
            "first_name": text,
            "last_name": text,
            "dob": "1970-01-01",
            "start": f"{today}T10:00",
            "provider": text,
            "code": f"Z{i}",
        }
        r = client.put(f"/api/v1/appointments/ext-{i}", headers=auth, json=body)
        assert r.status_code in (200, 201, 422), (text, r.status_code, r.text)
        if r.status_code < 300:
            got = client.get(f"/api/v1/appointments/ext-{i}", headers=auth).json()
            assert got["provider"] == text.strip()
        r = client.put(
            "/api/v1/appointments/x",
            headers=auth,
            json={**body, "code": text, "first_name": "Ann", "last_name": "Lee"},
        )
        assert r.status_code in (200, 201, 422), (text, r.status_code, r.text)
        r = client.get(f"/api/v1/appointments/{quote(text, safe='')}", headers=auth)
        assert r.status_code in (404, 422), (text, r.status_code, r.text)
        r = client.get("/api/v1/arrivals", headers=auth, params={"since": text})
        assert r.status_code == 422
    tables_intact(db)
    stored = db.execute("SELECT last_name FROM patients WHERE last_name LIKE 'Robert%'").fetchall()
    assert stored == [("Robert'); DROP TABLE patients;--",)]
    # Looked up at the kiosk by that very name, it is found like any other.
    r = client.post(
        "/api/v1/kiosk/lookup",
        headers=bearer(creds["kiosk"]),
        json={
            "session": "s1",
            "last_name": "Robert'); DROP TABLE patients;--",
            "dob": "1970-01-01",
        },
    )
    assert [m["display_name"] for m in r.json()["matches"]] == [
        "Robert'); DROP TABLE patients;-- R."
    ]


def test_console_text_fields(client, creds, db, clock):
    for text in HOSTILE:
        r = client.post("/login", data={"username": text, "password": text})
        assert r.status_code in (400, 401), (text, r.status_code)
    csrf = sign_in(client)
    kiosk = kiosk_for_token(db, creds["kiosk"])
    for i, text in enumerate(HOSTILE):
        session = {"id": f"w{i}", "kiosk_id": kiosk["id"], "step": "walk_in"}
        walk_in, _ = open_or_update_alert(
            db,
            alerting.handoff_alert(
                "walk_in", session, kiosk["name"], {"first_name": text, "last_name": text}, clock()
            ),
        )
        r = client.post(
            f"/api/v1/console/alerts/{walk_in['id']}/check-in",
            headers={"X-CSRF-Token": csrf},
            json={"first_name": text, "last_name": text, "dob": ""},
        )
        assert r.status_code in (200, 422), (text, r.status_code, r.text)
        if r.status_code == 422:
            r = client.post(
                f"/api/v1/console/alerts/{walk_in['id']}/resolve",
                headers={"X-CSRF-Token": csrf},
                json={"outcome": "other", "note": text},
            )
            assert r.status_code in (200, 422), (text, r.status_code, r.text)
        r = client.post(
            f"/api/v1/console/alerts/{quote(text, safe='')}/acknowledge",
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code in (404, 405), (text, r.status_code)
    tables_intact(db)
    assert client.get("/api/v1/console/snapshot").status_code == 200
    ended = list_alerts(db, include_resolved=True)
    assert len(ended) == len(HOSTILE) and all(a["status"] == "resolved" for a in ended)
    assert any("DROP TABLE patients;--" in a["summary"] for a in ended)
    names = {row[0] for row in db.execute("SELECT last_name FROM patients")}
    assert "Robert'); DROP TABLE patients;--" in names
