"""The lobby display's server side: display tokens for a cookie, "Call in" from the board,
what the display is sent (tickets and rooms, never a name), and the dark-display alert."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from helpers.seed import book_and_arrive

from staffconsole.auth.displays import add_display, list_displays, revoke_display
from staffconsole.cli import main
from staffconsole.config import load_settings
from staffconsole.store.alerts import list_alerts
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.audit import list_audit
from staffconsole.store.calls import call_in
from staffconsole.store.schema import SCHEMA_VERSION, open_db, schema_version
from staffconsole.watch.watchdog import display_rules

NAMES = [("Zoë", "O'Brien-Núñez"), ("Дмитрий", "Иванова"), ("美咲", "田中")]


@pytest.fixture
def settings(tmp_path):
    return load_settings(
        environ={},
        overrides={
            "db_path": str(tmp_path / "seen.db"),
            "clinic_timezone": "UTC",
            "lobby_rooms": "Room 1, Room 3 ,Desk A",
            "lobby_speech_languages": "en, es",
        },
    )


@pytest.fixture
def post(client, signed_in):
    def send(path, json=None):
        return client.post(path, json=json, headers={"X-CSRF-Token": signed_in})

    return send


@pytest.fixture
def display(client, db, clock):
    """A display set up as its page does: the token posted once for the cookie."""
    token = add_display(db, "Waiting room", clock())
    r = client.post("/api/v1/lobby/session", json={"token": token})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/api/v1/lobby" in cookie
    return token


def arrive_three(db, clock):
    for i, (first, last) in enumerate(NAMES):
        book_and_arrive(
            db,
            clock,
            external_id=f"d{i}",
            first=first,
            last=last,
            start="2026-11-22T14:30",
            provider="Dr. Lee",
        )
    return [a["id"] for a in list_arrivals(db, clock().date())]


def test_the_schema_has_the_lobby_tables(db):
    assert schema_version(db) == SCHEMA_VERSION
    assert {"displays", "lobby_calls"} <= set(db.table_names())


def test_a_display_needs_its_token_and_its_site(client, db, clock):
    assert client.get("/api/v1/lobby/state").status_code == 401
    assert client.post("/api/v1/lobby/session", json={"token": "nope"}).status_code == 401
    assert client.post("/api/v1/lobby/session", json={}).status_code == 422
    token = add_display(db, "Waiting room", clock(), site="north")
    assert client.post("/api/v1/lobby/session", json={"token": token}).status_code == 200
    assert client.get("/api/v1/lobby/state?site=north").status_code == 200
    r = client.get("/api/v1/lobby/state")
    assert r.status_code == 403 and "north" in r.json()["detail"]
    revoke_display(db, "Waiting room", clock())
    assert client.get("/api/v1/lobby/state?site=north").status_code == 401
    page = client.get("/lobby/north")
    assert page.status_code == 200 and 'data-site="north"' in page.text
    assert token not in page.text


def test_call_in_marks_called_in_audits_and_reaches_the_display(post, client, db, clock, display):
    ids = arrive_three(db, clock)
    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["console"]["rooms"] == ["Room 1", "Room 3", "Desk A"]
    clock.advance(minutes=3)
    r = post(f"/api/v1/console/arrivals/{ids[0]}/call", {"room": "Room 3"})
    assert r.status_code == 200, r.text
    assert r.json()["arrival"]["status"] == "called_in"
    ticket = r.json()["call"]["ticket"]
    state = client.get("/api/v1/lobby/state").json()
    assert state["now_calling"]["ticket"] == ticket and state["now_calling"]["room"] == "Room 3"
    assert state["speech"] == ["en", "es"]
    # Called again (they did not hear): a new call; the status stays.
    clock.advance(minutes=1)
    post(f"/api/v1/console/arrivals/{ids[1]}/call", {"room": ""})
    again = post(f"/api/v1/console/arrivals/{ids[0]}/call", {"room": "Room 1"})
    assert again.status_code == 200
    state = client.get("/api/v1/lobby/state").json()
    assert [c["ticket"] for c in [state["now_calling"], *state["recent"]]][:3] == [
        ticket,
        r.json()["call"]["ticket"] + 1,
        ticket,
    ]
    actions = [e["action"] for e in list_audit(db, reads=False) if e["action"].startswith("arr")]
    assert actions[:4] == ["arrival.call", "arrival.call", "arrival.called_in", "arrival.call"]


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"room": "Room 9"}, 422, "not one of the rooms"),
        ({"room": "x" * 41}, 422, ""),
        ({"room": "Room 1", "name": "x"}, 422, ""),
    ],
)
def test_a_bad_call_is_refused_with_a_reason(post, db, clock, body, status, says):
    [first, *_] = arrive_three(db, clock)
    r = post(f"/api/v1/console/arrivals/{first}/call", body)
    assert r.status_code == status and says in r.text
    assert post("/api/v1/console/arrivals/99999/call", {}).status_code == 404
    assert post("/api/v1/console/arrivals/x1/call", {}).status_code == 404


def test_the_display_is_sent_no_name(post, client, db, clock, display):
    ids = arrive_three(db, clock)
    post(f"/api/v1/console/arrivals/{ids[2]}/call", {"room": "Desk A"})
    text = json.dumps(client.get("/api/v1/lobby/state").json(), ensure_ascii=False)
    for first, last in NAMES:
        for part in (first, last, first[:1] + ".", last[:3]):
            assert part not in text
    assert "Dr. Lee" in text  # providers are staff: their names are what patients look for


def test_wait_figures_come_from_the_days_call_ins(client, db, clock, display):
    # Three called in 20, 20 and 25 minutes after their 14:30 slot; two still wait.
    for i in range(5):
        book_and_arrive(
            db,
            clock,
            external_id=f"w{i}",
            first="Ana",
            last=f"Test{i}",
            start="2026-11-22T14:30",
            provider="Dr. Ó Súilleabháin",
        )
    ids = [a["id"] for a in list_arrivals(db, clock().date())]
    few = client.get("/api/v1/lobby/state").json()["providers"]
    assert few == [
        {
            "provider": "Dr. Ó Súilleabháin",
            "waiting": 5,
            "wait_min": None,
            "late": False,
            "wait_text": "",
        }
    ]
    for arrival, late in zip(ids[:3], (20, 20, 25), strict=True):
        at = clock() + timedelta(minutes=late)  # arrived at 15:00, 30 min after the slot
        call_in(db, arrival, "", "ana", at, ())
    clock.advance(minutes=30)
    [provider] = client.get("/api/v1/lobby/state").json()["providers"]
    assert provider["waiting"] == 2 and provider["late"] is True
    assert provider["wait_text"] == "Running about 20 minutes late"


def test_a_display_that_stops_streaming_is_an_alert_until_it_returns(db, clock):
    add_display(db, "Waiting room", clock())
    assert [d["name"] for d in list_displays(db)] == ["Waiting room"]
    assert display_rules(db, clock(), 60, None) == 0  # never connected: not dark
    db.execute("UPDATE displays SET last_seen_at = ?", [clock().isoformat()])
    assert display_rules(db, clock() + timedelta(seconds=59), 60, None) == 0
    later = clock() + timedelta(seconds=61)
    assert display_rules(db, later, 60, later - timedelta(seconds=30)) == 0  # restart grace
    assert display_rules(db, later, 60, None) == 1
    [alert] = list_alerts(db)
    assert alert["kind"] == "display_dark" and "Waiting room" in alert["summary"]
    db.execute("UPDATE displays SET last_seen_at = ?", [later.isoformat()])
    assert display_rules(db, later, 60, None) == 1
    assert list_alerts(db) == []


def test_the_display_commands_add_list_and_revoke_audited(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    assert main(["display", "add", "Waiting room", "--site", "north", "--db", db]) == 0
    out = capsys.readouterr().out.splitlines()
    token = out[-1]
    assert any(f"/lobby/north#token={token}" in line for line in out)
    assert main(["display", "list", "--json", "--db", db]) == 0
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (listed["name"], listed["site"], listed["revoked_at"]) == ("Waiting room", "north", None)
    assert token not in json.dumps(listed)
    assert main(["display", "add", "Waiting room", "--db", db]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["display", "revoke", "Waiting room", "--db", db]) == 0
    assert main(["display", "revoke", "Nowhere", "--db", db]) == 1
    actions = [e["action"] for e in list_audit(open_db(db), reads=False)]
    assert actions[:2] == ["display.revoke", "display.add"]
