"""The console after a check-in that turns out committed after all: the "not confirmed"
card leaves the open list and is in today's history as checked in, by Seen."""

from helpers.seed import book

from staffconsole.auth.kiosks import add_kiosk

API = "/api/v1/kiosk"


def test_the_card_moves_to_history_as_checked_in_after_all(client, signed_in, db, clock, app):
    book(db, "a1", "Maria", "Okafor", "1980-02-04", "2026-11-22T16:30", "Dr. Lee")
    appointment = db.execute("SELECT id FROM appointments").fetchone()[0]
    kiosk = {"Authorization": f"Bearer {add_kiosk(db, 'Lobby kiosk 1', clock())}"}
    handoff = {
        "id": "h1",
        "session": "s1",
        "type": "session.handed_off",
        "at": "2026-11-22T15:00:00+00:00",
        "data": {"reason": "checkin_unconfirmed", "step": "checking_in", "entered": {}},
    }
    r = client.post(f"{API}/events", headers=kiosk, json={"events": [handoff]})
    assert r.status_code == 200, r.text
    snap = client.get("/api/v1/console/snapshot").json()
    assert [a["kind_label"] for a in snap["alerts"]] == ["Check-in not confirmed"]

    clock.advance(seconds=30)
    # The kiosk's own retry names the appointment its session's look-up offered.
    r = client.post(
        f"{API}/lookup",
        headers=kiosk,
        json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert [m["appointment"] for m in r.json()["matches"]] == [appointment]
    seq = app.state.hub.seq
    r = client.post(
        f"{API}/checkin", headers=kiosk, json={"session": "s1", "appointment": appointment}
    )
    assert r.status_code == 200, r.text
    assert app.state.hub.seq > seq  # the console pages are told at once

    snap = client.get("/api/v1/console/snapshot").json()
    assert snap["alerts"] == []
    [done] = snap["history"]
    assert done["kind_label"] == "Check-in not confirmed"
    assert done["outcome_label"] == "Checked in after all" and done["resolved_by"] == "Seen"
    assert "number 1" in done["note"]
    assert [a["display_name"] for a in snap["arrivals"]] == ["Maria O."]
