"""A look-up offers only today's booked appointments, none started long ago (if configured)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from helpers.seed import book
from security.helpers import START, TODAY, bearer

from staffconsole.rules import lookup_limits


def test_within_window_rule():
    now = datetime(2026, 11, 22, 15, 0)
    assert lookup_limits.within_window("2026-11-22T11:00", now, 4)
    assert not lookup_limits.within_window("2026-11-22T10:59", now, 4)
    assert lookup_limits.within_window("2026-11-22T23:30", now, 4)  # later today: fine
    assert lookup_limits.within_window("2026-11-22T00:00", now, 0)  # 0: any time today


@pytest.fixture
def overrides():
    return {"lookup_late_hours": 4.0}


@pytest.fixture
def lobby(clock, db, creds):
    """Okafor booked yesterday, today 10:30, today 16:00 and tomorrow; the clinic's time 15:00."""
    assert clock() == START and START.hour == 15  # the clinic is on UTC here
    day = TODAY.isoformat()
    for external_id, start in [
        ("y", f"{TODAY - timedelta(days=1)}T16:00"),
        ("a", f"{day}T10:30"),
        ("b", f"{day}T16:00"),
        ("t", f"{TODAY + timedelta(days=1)}T10:30"),
    ]:
        book(db, external_id, "Maria", "Okafor", "1980-02-04", start, "Dr. Lee")
    book(db, "c", "Maria", "Okafor", "1980-02-04", f"{day}T14:00", "Dr. Lee", status="cancelled")


def times(client, creds, body):
    r = client.post(
        "/api/v1/kiosk/lookup", headers=bearer(creds["kiosk"]), json={"session": "s1", **body}
    )
    assert r.status_code == 200, r.text
    return [m["time"] for m in r.json()["matches"]]


def test_only_todays_booked_appointments_within_the_window(client, creds, lobby):
    # 10:30 started 4.5 h ago (over 4), 14:00 is cancelled, yesterday and tomorrow are not today.
    assert times(client, creds, {"last_name": "Okafor", "dob": "1980-02-04"}) == ["16:00"]
    assert times(client, creds, {"code": "a"}) == []
    assert times(client, creds, {"code": "t"}) == []
    assert times(client, creds, {"code": "b"}) == ["16:00"]


def test_checkin_refuses_an_appointment_that_is_not_today(client, creds, lobby, db):
    # Check-in by id is limited to what a look-up offered (so to today, within the window):
    # an id guessed from elsewhere is refused, with no word on whether it exists.
    tomorrow = db.execute("SELECT id FROM appointments WHERE external_id = 't'").fetchone()[0]
    r = client.post(
        "/api/v1/kiosk/checkin",
        headers=bearer(creds["kiosk"]),
        json={"session": "s1", "appointment": tomorrow},
    )
    assert r.status_code == 403 and "not offered" in r.json()["detail"]
