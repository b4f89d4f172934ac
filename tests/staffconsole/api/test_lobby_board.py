"""The lobby board: "Called in" and "Seen", the wait clock, kiosks strip and today's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.seed import book_and_arrive

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.clock import iso
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert, resolve_alert
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.audit import list_audit
from staffconsole.store.sessions import heartbeat


@pytest.fixture
def post(client, signed_in):
    def send(path, json=None):
        return client.post(path, json=json, headers={"X-CSRF-Token": signed_in})

    return send


def test_called_in_then_seen_is_shown_audited_and_ends_the_long_wait(post, client, db, clock, app):
    book_and_arrive(
        db, clock, external_id="a1", first="Zoë", last="O'Brien-Núñez", start="2026-11-22T14:00"
    )
    [row] = client.get("/api/v1/console/snapshot").json()["arrivals"]
    assert row["status"] == "waiting" and row["wait_from"] == iso(clock())  # came late
    arrival = list_arrivals(db, clock().date())[0]
    fields = alerting.long_wait_alert(
        {**arrival, "kiosk_id": None}, clock() + timedelta(minutes=20), 15, app.state.clock.zone
    )
    wait, _ = open_or_update_alert(db, fields)

    seq = app.state.hub.seq
    clock.advance(minutes=2)
    r = post(f"/api/v1/console/arrivals/{row['id']}/called_in")
    assert r.status_code == 200, r.text
    assert r.json()["arrival"]["status"] == "called_in"
    assert app.state.hub.seq == seq + 1
    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["alerts"] == []
    [history] = snap["history"]
    assert history["id"] == wait["id"] and history["outcome_label"] == "Patient called in"
    assert history["resolved_by"] == "ana"

    assert post(f"/api/v1/console/arrivals/{row['id']}/seen").json()["arrival"]["status"] == "seen"
    r = post(f"/api/v1/console/arrivals/{row['id']}/called_in")
    assert r.status_code == 409 and "already seen" in r.json()["detail"]
    actions = [(e["action"], e["target"]) for e in list_audit(db, reads=False)[:2]]
    assert actions == [
        ("arrival.seen", f"arrival:{row['id']}"),
        ("arrival.called_in", f"arrival:{row['id']}"),
    ]


def test_board_buttons_refuse_bad_input_plainly(post, client):
    assert post("/api/v1/console/arrivals/999/seen").status_code == 404
    assert post("/api/v1/console/arrivals/abc/seen").status_code == 404
    assert post("/api/v1/console/arrivals/1/gone_home").status_code == 422
    assert client.post("/api/v1/console/arrivals/1/seen").status_code == 403  # no CSRF


def test_kiosk_strip_shows_online_and_printer(client, signed_in, db, clock):
    token = add_kiosk(db, "Entrée Nord", clock())
    kiosk = kiosk_for_token(db, token)
    add_kiosk(db, "Never installed", clock())
    heartbeat(db, kiosk, app_version="1", printer_state="paper_out", printer_detail="", now=clock())
    strip = {k["name"]: k for k in client.get("/api/v1/console/snapshot").json()["kiosks"]}
    assert strip["Entrée Nord"]["online"] is True
    assert strip["Entrée Nord"]["printer_label"] == "Out of paper"
    assert strip["Entrée Nord"]["printer_ok"] is False
    assert strip["Never installed"]["online"] is False
    clock.advance(seconds=31)
    strip = {k["name"]: k for k in client.get("/api/v1/console/snapshot").json()["kiosks"]}
    assert strip["Entrée Nord"]["online"] is False


def test_history_is_todays_resolved_alerts_newest_first(post, client, raise_handoff, clock, db):
    old = raise_handoff("timed_out")
    resolve_alert(db, old["id"], "ana", "patient_left", None, clock() - timedelta(days=1))
    first = raise_handoff("help")
    second = raise_handoff("no_match", entered={"last_name": "Okafor"})
    post(f"/api/v1/console/alerts/{first['id']}/resolve", {"outcome": "redirected"})
    clock.advance(minutes=1)
    post(
        f"/api/v1/console/alerts/{second['id']}/resolve",
        {"outcome": "false_alarm", "note": "tested the kiosk"},
    )
    history = client.get("/api/v1/console/snapshot").json()["history"]
    assert [(h["id"], h["outcome_label"], h["note"]) for h in history] == [
        (second["id"], "False alarm", "tested the kiosk"),
        (first["id"], "Sent to the right place", ""),
    ]
