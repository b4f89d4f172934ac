"""Idle logoff: requests count as activity, asking who is signed in does not."""

from __future__ import annotations

from staffconsole.store.audit import list_audit


def test_activity_keeps_the_session_and_idleness_ends_it(client, signed_in, clock, db):
    clock.advance(minutes=14)
    assert client.get("/api/v1/console/snapshot").status_code == 200
    clock.advance(minutes=14)
    assert client.get("/api/v1/console/snapshot").status_code == 200  # 28 min, but active
    clock.advance(minutes=15, seconds=1)
    r = client.get("/api/v1/console/snapshot")
    assert r.status_code == 401
    assert "15 minutes without activity" in r.json()["detail"]
    assert db.execute("select count(*) from staff_sessions").fetchone()[0] == 0
    assert list_audit(db)[0]["action"] == "logout.idle"


def test_idle_page_load_goes_to_sign_in_with_a_reason(client, signed_in, clock):
    clock.advance(minutes=16)
    r = client.get("/console")
    assert r.status_code == 303 and r.headers["location"] == "/login?reason=idle"
    assert "signed out because the console was idle" in client.get(r.headers["location"]).text


def test_session_check_does_not_count_as_activity(client, signed_in, clock):
    for _ in range(3):
        clock.advance(minutes=7)
        r = client.get("/api/v1/console/session")
        if r.status_code != 200:
            break
    # 21 minutes of only asking "am I signed in?": the session idled out.
    assert r.status_code == 401
