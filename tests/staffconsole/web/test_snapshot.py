"""The snapshot: open and acknowledged alerts, today's arrivals, words staff can read."""

from __future__ import annotations

from helpers.seed import book_and_arrive

from seen.vocabulary import STAFF_OUTCOMES
from staffconsole.clock import iso


def test_snapshot_lists_unresolved_alerts_open_first(client, signed_in, raise_handoff, app):
    walk_in = raise_handoff("walk_in")
    help_ = raise_handoff("help")
    gone = raise_handoff("no_match")
    headers = {"X-CSRF-Token": signed_in}
    client.post(f"/api/v1/console/alerts/{help_['id']}/acknowledge", headers=headers)
    client.post(
        f"/api/v1/console/alerts/{gone['id']}/resolve",
        json={"outcome": "patient_left"},
        headers=headers,
    )
    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["seq"] == app.state.hub.seq
    assert [(a["id"], a["status"]) for a in snap["alerts"]] == [
        (walk_in["id"], "open"),
        (help_["id"], "acknowledged"),
    ]
    first = snap["alerts"][0]
    assert first["kind_label"] == "Walk-in patient"
    assert first["status_label"] == "New"
    assert first["kiosk"].startswith("Lobby kiosk")
    assert first["opened_at"] == walk_in["created_at"]
    assert snap["alerts"][1]["acknowledged_by"] == "ana"
    assert snap["console"]["clinic_name"] == "Clinique Saint-Éloi"
    assert snap["console"]["user"] == "ana"
    assert snap["console"]["live"] is False  # no page is streaming
    assert [o["value"] for o in snap["console"]["outcomes"]] == list(STAFF_OUTCOMES)


def test_patient_typed_text_comes_through_unchanged(client, signed_in, raise_handoff):
    raise_handoff("no_match", entered={"last_name": "O'Brien-Núñez <script>", "dob": "1980-02-04"})
    summary = client.get("/api/v1/console/snapshot").json()["alerts"][0]["summary"]
    assert "O'Brien-Núñez <script>" in summary
    assert "born 4 Feb 1980" in summary


def test_arrivals_are_todays_only(client, signed_in, db, clock):
    book_and_arrive(
        db,
        clock,
        external_id="a1",
        first="María José",
        last="Okafor",
        start="2026-11-22T10:30",
        provider="Dr. N'Diaye",
    )
    book_and_arrive(
        db, clock, external_id="a2", first="Li", last="Wu", start="2026-11-22T11:00", arrive=False
    )
    book_and_arrive(
        db, clock, external_id="a3", first="Old", last="Day", start="2026-11-21T09:00", arrive=False
    )
    snap = client.get("/api/v1/console/snapshot").json()
    assert [
        (a["display_name"], a["time"], a["provider"], a["arrived_at"]) for a in snap["arrivals"]
    ] == [("María José O.", "10:30", "Dr. N'Diaye", iso(clock()))]
    assert snap["generated_at"] == iso(clock())
