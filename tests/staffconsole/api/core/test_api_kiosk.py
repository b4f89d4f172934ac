"""Kiosk API v1 in-process: look-up, check-in, events, hand-offs, heartbeat, auth, bad input."""

from datetime import date

import pytest
from helpers.seed import book, book_today, offer

from staffconsole import __version__
from staffconsole.auth.kiosks import list_kiosks, revoke_kiosk
from staffconsole.clock import utcnow
from staffconsole.store.alerts import list_alerts
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.sessions import get_session

API = "/api/v1/kiosk"
TODAY = date.today()


def event(id, type="session.started", session="s1", **data):
    return {
        "id": id,
        "session": session,
        "type": type,
        "at": "2026-11-22T09:00:00+00:00",
        "data": data,
    }


@pytest.fixture
def booked(app_db):
    return book_today(app_db, TODAY)


def test_healthz_needs_no_token(client):
    assert client.get("/healthz").json() == {"ok": True, "version": __version__}


@pytest.mark.parametrize("typed", ["Okafor", "okafor", "  OKAFOR ", "Ókafor"])
def test_lookup_forgives_case_accents_and_spaces(client, auth, booked, typed):
    r = client.post(
        f"{API}/lookup",
        headers=auth,
        json={"session": "s1", "last_name": typed, "dob": "1980-02-04"},
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "matches": [
            {
                "appointment": booked["Okafor"],
                "display_name": "Maria O.",
                "time": "10:30",
                "provider": "Dr. Lee",
            }
        ]
    }


@pytest.mark.parametrize("typed", ["O BRIEN NUNEZ", "OBRIEN-NUNEZ", "OBREIN NUNEZ"])
def test_lookup_forgives_gaps_and_one_swap_with_the_same_dob(client, auth, booked, typed):
    def find(dob):
        body = {"session": "s1", "last_name": typed, "dob": dob}
        r = client.post(f"{API}/lookup", headers=auth, json=body)
        assert r.status_code == 200, r.text
        return [m["display_name"] for m in r.json()["matches"]]

    assert find("1957-11-30") == ["Zoë O."]
    assert find("1957-11-29") == []


def test_lookup_matches_only_today(client, auth, app_db):
    book(app_db, "y", "Maria", "Okafor", "1980-02-04", "2020-01-01T10:30", "Dr. Lee")
    r = client.post(
        f"{API}/lookup",
        headers=auth,
        json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert r.json() == {"matches": []}


def test_lookup_remembers_what_was_typed_for_the_console(client, auth, app_db, booked):
    client.post(
        f"{API}/lookup",
        headers=auth,
        json={"session": "s1", "last_name": "O'Brien Nunez", "dob": "1957-11-30"},
    )
    assert get_session(app_db, "s1")["entered"] == {
        "last_name": "O'Brien Nunez",
        "dob": "1957-11-30",
    }


def test_checkin_is_idempotent_and_committed(client, app, auth, app_db, booked):
    body = {"session": "s1", "appointment": booked["Okafor"]}
    offer(client, auth, "s1", "Okafor")
    first = client.post(f"{API}/checkin", headers=auth, json=body)
    assert first.status_code == 200, first.text
    arrival = first.json()["arrival"]
    assert arrival["display_name"] == "Maria O." and arrival["ticket"] == 1
    assert set(arrival) == {
        "id",
        "appointment",
        "display_name",
        "time",
        "provider",
        "arrived_at",
        "ticket",
    }
    # Another connection sees it: it was committed before the answer.
    assert list_arrivals(app_db, TODAY)[0]["id"] == arrival["id"]
    again = client.post(f"{API}/checkin", headers=auth, json=body)
    assert again.json() == first.json()
    assert len(list_arrivals(app_db, TODAY)) == 1


def test_checkin_unknown_is_403_like_any_not_offered_and_cancelled_is_409(client, auth, app_db):
    book(app_db, "c", "Maria", "Okafor", "1980-02-04", f"{TODAY}T10:30", "Dr. Lee")
    booked = app_db.execute("SELECT id FROM appointments").fetchone()[0]
    # An unknown id answers as an existing one not offered: no oracle for which exist.
    r = client.post(f"{API}/checkin", headers=auth, json={"session": "s1", "appointment": 999})
    assert r.status_code == 403 and "not offered" in r.json()["detail"]
    offer(client, auth, "s1", "Okafor")
    app_db.execute("UPDATE appointments SET status = 'cancelled' WHERE id = ?", [booked])
    app_db.conn.commit()
    r = client.post(f"{API}/checkin", headers=auth, json={"session": "s1", "appointment": booked})
    assert r.status_code == 409 and "cancelled" in r.json()["detail"]


def test_events_are_idempotent(client, auth):
    batch = {"events": [event("e1"), event("e2", "session.step", step="identify")]}
    r = client.post(f"{API}/events", headers=auth, json=batch)
    assert r.json() == {"accepted": ["e1", "e2"], "duplicate": []}
    batch["events"].append(event("e3", "session.ended"))
    r = client.post(f"{API}/events", headers=auth, json=batch)
    assert r.json() == {"accepted": ["e3"], "duplicate": ["e1", "e2"]}


def test_handoff_opens_an_alert_and_a_second_updates_it(client, app, auth, app_db):
    seq = app.state.hub.seq
    r = client.post(
        f"{API}/events",
        headers=auth,
        json={
            "events": [
                event(
                    "e1",
                    "session.handed_off",
                    reason="no_match",
                    step="identify",
                    entered={"last_name": "Okafor", "dob": "1980-02-04"},
                )
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert app.state.hub.seq > seq  # the console was woken
    [alert] = list_alerts(app_db)
    assert alert["kind"] == "no_match" and alert["status"] == "open"
    assert alert["summary"] == (
        "Someone at Lobby kiosk 1 typed 'Okafor', born 4 Feb 1980 and got no match"
    )
    client.post(
        f"{API}/events",
        headers=auth,
        json={"events": [event("e2", "session.handed_off", reason="help", step="handoff")]},
    )
    [updated] = list_alerts(app_db)
    assert updated["id"] == alert["id"] and updated["kind"] == "help"
    assert "help" in updated["summary"]


def test_heartbeat_records_printer_state(client, auth, app_db):
    r = client.post(
        f"{API}/heartbeat",
        headers=auth,
        json={
            "at": "2026-11-22T09:00:00+00:00",
            "app_version": "0.1.0",
            "printer": {"state": "paper_near_end", "detail": "roll low"},
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["console_live"] is False and r.json()["server_time"].endswith("+00:00")
    kiosk = list_kiosks(app_db)[0]
    assert (kiosk["printer_state"], kiosk["printer_detail"], kiosk["app_version"]) == (
        "paper_near_end",
        "roll low",
        "0.1.0",
    )
    assert kiosk["last_seen_at"]


# --- auth -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, reason",
    [
        (None, "missing"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("Bearer", "malformed"),
        ("Bearer short", "malformed"),
        ("Bearer " + "x" * 43, "unknown"),
    ],
)
def test_bad_tokens_get_401_with_reason(client, token, header, reason):
    headers = {"Authorization": header} if header else {}
    r = client.post(
        f"{API}/lookup",
        headers=headers,
        json={"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"},
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert reason in r.json()["detail"]


def test_revoked_token_gets_401(client, auth, app_db):
    revoke_kiosk(app_db, "Lobby kiosk 1", utcnow())
    r = client.post(
        f"{API}/heartbeat",
        headers=auth,
        json={"at": "2026-11-22T09:00:00+00:00", "app_version": "1", "printer": {"state": "ok"}},
    )
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


# --- bad input is a 422 with a reason, never a 500 -------------------------------

GOOD_LOOKUP = {"session": "s1", "last_name": "Okafor", "dob": "1980-02-04"}


@pytest.mark.parametrize(
    "change, words",
    [
        ({"dob": "1980-02-30"}, "real date"),
        ({"dob": "04/02/1980"}, "pattern"),
        ({"dob": 19800204}, "string"),
        ({"last_name": ""}, "at least 1"),
        ({"last_name": "x" * 101}, "at most 100"),
        ({"session": ""}, "at least 1"),
        ({"session": "s" * 65}, "at most 64"),
        ({"session": None}, "string"),
    ],
)
def test_bad_lookup_is_422(client, auth, change, words):
    r = client.post(f"{API}/lookup", headers=auth, json={**GOOD_LOOKUP, **change})
    assert r.status_code == 422
    assert words in r.text


@pytest.mark.parametrize(
    "body",
    [
        {"session": "s1", "appointment": "seven"},
        {"session": "s1", "appointment": 0},
        {"session": "s1", "appointment": 2**80},
        {"session": "s1", "appointment": True},
        {"session": "s1"},
        [],
    ],
)
def test_bad_checkin_is_422(client, auth, body):
    assert client.post(f"{API}/checkin", headers=auth, json=body).status_code == 422


@pytest.mark.parametrize(
    "events, words",
    [
        ([], "at least 1"),
        ([event(f"e{i}") for i in range(501)], "at most 500"),
        ([event("e1", "session.exploded")], "session.started"),
        ([event("e1", "session.handed_off", reason="bored")], "data.reason"),
        ([event("e1", "session.handed_off")], "data.reason"),
        ([event("e1", "session.handed_off", reason="help", entered={"last_name": 7})], "text"),
        ([event("e1", "session.handed_off", reason="help", entered="Okafor")], "object"),
        ([event("e1", "session.step")], "data.step"),
        ([{**event("e1"), "at": "last tuesday"}], "ISO 8601"),
        ([{**event("e1"), "id": ""}], "at least 1"),
        ([event("e1", blob="x" * 5000)], "larger"),
    ],
)
def test_bad_events_are_422_and_nothing_is_stored(client, auth, app_db, events, words):
    r = client.post(f"{API}/events", headers=auth, json={"events": events})
    assert r.status_code == 422, r.text
    assert words in r.text
    assert app_db.execute("SELECT count(*) FROM events").fetchone()[0] == 0


def test_not_json_is_422(client, auth):
    r = client.post(
        f"{API}/lookup", headers={**auth, "Content-Type": "application/json"}, content=b"{not json"
    )
    assert r.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {"at": "2026-11-22T09:00:00Z", "app_version": "1", "printer": {"state": "smoking"}},
        {"at": "2026-11-22T09:00:00Z", "app_version": "", "printer": {"state": "ok"}},
        {"at": "2026-11-22T09:00:00Z", "app_version": "1"},
    ],
)
def test_bad_heartbeat_is_422(client, auth, body):
    assert client.post(f"{API}/heartbeat", headers=auth, json=body).status_code == 422


def test_openapi_document_lists_the_kiosk_api(client):
    paths = client.app.openapi()["paths"]
    for call in ("lookup", "checkin", "events", "heartbeat"):
        assert f"{API}/{call}" in paths


def test_handoff_with_half_typed_data_still_reaches_a_person(client, auth, app_db):
    """Rejecting it would leave the patient unseen: odd `entered` data is kept, not refused."""
    r = client.post(
        f"{API}/events",
        headers=auth,
        json={
            "events": [
                event(
                    "e1",
                    "session.handed_off",
                    reason="help",
                    step="identify_dob",
                    entered={"last_name": "Te Rangi", "dob": "2001-12", "first_name": "Aroha"},
                )
            ]
        },
    )
    assert r.status_code == 200, r.text
    [alert] = list_alerts(app_db)
    assert alert["summary"] == (
        "Someone at Lobby kiosk 1 asked for help on the date of birth "
        "screen after typing 'Te Rangi', born 2001-12"
    )


def test_lost_database_is_503_not_500(client, auth, settings, tmp_path):
    """The kiosk reads a 5xx as "unconfirmed" and hands off; the reason is plain, no traceback."""
    from pathlib import Path

    db = Path(settings.db_path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.mkdir()  # the database path is now something SQLite cannot open
    r = client.post(f"{API}/checkin", headers=auth, json={"session": "s1", "appointment": 1})
    assert r.status_code == 503 and r.json() == {"detail": "database unavailable, try again"}
