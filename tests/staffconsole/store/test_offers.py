"""store/offers.py on a real SQLite file: a check-in names only what its session was offered.

Also the session ownership of store/sessions.py that goes with it (a kiosk acts on its
own sessions only).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.seed import NOW, PATIENTS, book_today

from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.store import offers
from staffconsole.store.appointments import list_arrivals
from staffconsole.store.audit import list_audit, request_source
from staffconsole.store.sessions import OtherKiosk, get_session, record_events, touch_session

TODAY = NOW.date()
NAMES = [part for first, last, *_ in PATIENTS for part in (first, last)]


@pytest.fixture(autouse=True)
def client_address():
    """As api/client_source.py sets it for a request: the audit rows' source."""
    token = request_source.set("192.0.2.7")
    yield
    request_source.reset(token)


@pytest.fixture
def booked(fresh_db):
    return book_today(fresh_db, TODAY)


@pytest.fixture
def other(fresh_db):
    return kiosk_for_token(fresh_db, add_kiosk(fresh_db, "Lobby kiosk 2", NOW))


def offered(db, kiosk, session, appointment, at=NOW, minutes=10):
    return offers.was_offered(db, kiosk["id"], session, appointment, at, minutes)


def test_cutoff_is_comparable_text_and_the_refusal_names_no_patient():
    assert offers.cutoff(NOW, 10) == "2026-11-22T08:50:00.000000+00:00"
    assert offers.cutoff(NOW, 0.5) < offers.cutoff(NOW, 0.25)
    words = offers.refusal(41, 10)
    assert "appointment 41 was not offered to this kiosk session in the last 10 min" in words
    assert "desk" in words


def test_an_offer_is_for_that_kiosk_that_session_that_appointment_for_a_while(
    fresh_db, kiosk, other, booked
):
    okafor, kowalski = booked["Okafor"], booked["Kowalski"]
    offers.record_offers(fresh_db, kiosk["id"], "s1", [okafor], NOW, 10)
    assert offered(fresh_db, kiosk, "s1", okafor)
    assert not offered(fresh_db, kiosk, "s1", kowalski)  # not shown
    assert not offered(fresh_db, kiosk, "s2", okafor)  # another session of the same kiosk
    assert not offered(fresh_db, other, "s1", okafor)  # another kiosk naming the session
    assert offered(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=10))
    assert not offered(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=10, seconds=1))
    # Looking the patient up again renews the offer.
    offers.record_offers(fresh_db, kiosk["id"], "s1", [okafor], NOW + timedelta(minutes=8), 10)
    assert offered(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=15))


def test_old_offers_are_pruned_when_new_ones_are_written(fresh_db, kiosk, booked):
    offers.record_offers(fresh_db, kiosk["id"], "old", list(booked.values()), NOW, 10)
    offers.record_offers(fresh_db, kiosk["id"], "kept", [booked["Okafor"]], NOW, 10)
    later = NOW + timedelta(minutes=11)
    offers.record_offers(fresh_db, kiosk["id"], "new", [booked["Kowalski"]], later, 10)
    rows = fresh_db.execute("SELECT session_id FROM kiosk_offers ORDER BY session_id").fetchall()
    assert rows == [("new",)]
    # An empty look-up (no match) still prunes, and records nothing.
    offers.record_offers(fresh_db, kiosk["id"], "none", [], later + timedelta(minutes=11), 10)
    assert fresh_db.execute("SELECT count(*) FROM kiosk_offers").fetchone() == (0,)


def checkin(db, kiosk, session, appointment, at=NOW):
    return offers.checkin_offered(db, kiosk, session, appointment, at, TODAY, minutes=10)


def test_a_check_in_of_what_was_not_offered_is_refused_and_audited_without_names(
    fresh_db, kiosk, booked
):
    for appointment in [*booked.values(), 999]:
        with pytest.raises(offers.NotOffered, match="not offered"):
            checkin(fresh_db, kiosk, "s1", appointment)
    assert list_arrivals(fresh_db, TODAY) == []
    assert get_session(fresh_db, "s1") is None  # nothing of the refused call was kept
    rows = list_audit(fresh_db)
    assert len(rows) == len(booked) + 1
    assert {(r["actor"], r["action"], r["source"]) for r in rows} == {
        ("kiosk:Lobby kiosk 1", offers.CHECKIN_REFUSED, "192.0.2.7")
    }
    assert rows[0]["target"] == "appointment:999"
    assert rows[0]["detail"] == {"kiosk": kiosk["id"], "session": "s1", "reason": "not_offered"}
    assert not any(name in str(rows) for name in NAMES)


def test_an_offered_check_in_arrives_once_and_each_call_is_audited(fresh_db, kiosk, booked):
    okafor = booked["Okafor"]
    offers.record_offers(fresh_db, kiosk["id"], "s1", [okafor], NOW, 10)
    arrival = checkin(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=2))
    again = checkin(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=3))
    assert arrival == again and arrival["display_name"] == "Maria O."
    assert [a["appointment"] for a in list_arrivals(fresh_db, TODAY)] == [okafor]
    first, repeat = reversed(list_audit(fresh_db))
    assert (first["actor"], first["action"], first["target"], first["source"]) == (
        "kiosk:Lobby kiosk 1",
        offers.CHECKED_IN,
        f"appointment:{okafor}",
        "192.0.2.7",
    )
    assert first["detail"] == {
        "kiosk": kiosk["id"],
        "session": "s1",
        "arrival": arrival["id"],
        "repeat": False,
    }
    assert repeat["detail"]["repeat"] is True
    assert not any(name in str([first, repeat]) for name in NAMES)
    # Past the window the same session is refused (the kiosk looks the patient up again).
    with pytest.raises(offers.NotOffered):
        checkin(fresh_db, kiosk, "s1", okafor, NOW + timedelta(minutes=11))


def test_a_kiosk_cannot_touch_another_kiosks_session(fresh_db, kiosk, other):
    touch_session(fresh_db, kiosk, "s1", NOW)
    with pytest.raises(OtherKiosk, match="session s1 was started by another kiosk"):
        touch_session(fresh_db, other, "s1", NOW, entered={"last_name": "Okafor"})
    assert get_session(fresh_db, "s1")["entered"] == {}


def test_a_batch_naming_another_kiosks_session_is_refused_whole(fresh_db, kiosk, other):
    record_events(fresh_db, kiosk, [_event("e1", "s1")], NOW)
    batch = [_event("e2", "s2"), _event("e3", "s1", "session.handed_off", reason="help")]
    with pytest.raises(OtherKiosk):
        record_events(fresh_db, other, batch, NOW)
    # Nothing of the batch was kept, not even the good event before the bad one; the alert
    # the hand-off would have raised (naming the wrong kiosk) was never raised.
    assert fresh_db.execute("SELECT id FROM events").fetchall() == [("e1",)]
    assert get_session(fresh_db, "s2") is None
    assert fresh_db.execute("SELECT count(*) FROM alerts").fetchone() == (0,)
    # Sent alone, the good one is accepted: what the kiosk's sender does on a 4xx.
    assert record_events(fresh_db, other, batch[:1], NOW) == (["e2"], [])
    assert get_session(fresh_db, "s2")["kiosk_id"] == other["id"]


def _event(event_id, session, kind="session.started", **data):
    return {
        "id": event_id,
        "session": session,
        "type": kind,
        "at": "2026-11-22T09:00:00+00:00",
        "data": data,
    }
