"""The lobby board's order as a pure function: waiting first by wait, then the rest."""

from datetime import UTC, datetime, timedelta

from staffconsole.clock import ClinicZone, iso
from staffconsole.rules.board import board_order

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PARIS = ClinicZone("Europe/Paris")  # UTC+1 in November: 10:00 on the wall is 09:00 UTC


def arrival(id, arrived_min, start, status="waiting", called_min=None, seen_min=None):
    return {
        "id": id,
        "arrived_at": iso(T0 + timedelta(minutes=arrived_min)),
        "start": start,
        "status": status,
        "called_in_at": iso(T0 + timedelta(minutes=called_min)) if called_min is not None else None,
        "seen_at": iso(T0 + timedelta(minutes=seen_min)) if seen_min is not None else None,
    }


def test_waiting_first_longest_wait_on_top_then_most_recent_move():
    rows = [
        arrival(1, 0, "2026-11-22T10:00", "seen", called_min=5, seen_min=30),
        # Arrived first but booked for 10:40 on the wall (09:40 UTC): waits from then.
        arrival(2, 1, "2026-11-22T10:40"),
        arrival(3, 20, "2026-11-22T10:00"),  # late: waits from arrival, 09:20
        arrival(4, 20, "2026-11-22T10:00"),  # the same: the lower id first
        arrival(5, 10, "2026-11-22T10:20"),  # waits from 09:20 too, but arrived earlier
        arrival(6, 2, "2026-11-22T10:00", "called_in", called_min=40),
        arrival(7, 3, "2026-11-22T10:00", "seen", called_min=8, seen_min=35),
        arrival(8, 4, "2026-11-22T10:00", "seen", seen_min=35),  # same moment: higher id first
    ]
    assert [a["id"] for a in board_order(rows, PARIS)] == [5, 3, 4, 2, 6, 8, 7, 1]


def test_the_zone_says_when_a_booked_time_is():
    rows = [arrival(1, 0, "2026-11-22T09:30"), arrival(2, 10, "2026-11-22T09:05")]
    # In UTC, 1 waits from 09:30 and 2 from 09:10; in Paris both came late (08:30, 08:05).
    assert [a["id"] for a in board_order(rows, ClinicZone("UTC"))] == [2, 1]
    assert [a["id"] for a in board_order(rows, PARIS)] == [1, 2]
