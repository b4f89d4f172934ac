"""The lobby board from the store: today's arrivals in board order, whatever order they came."""

from datetime import UTC, datetime

from helpers.seed import book_today

from staffconsole.clock import ClinicZone
from staffconsole.store.appointments import checkin
from staffconsole.store.arrivals import list_board, set_status

TODAY = datetime(2026, 11, 22).date()
PARIS = ClinicZone("Europe/Paris")  # the bookings' 10:30 is 09:30 UTC


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-22T{hhmm}").replace(tzinfo=UTC)


def test_list_board_puts_the_longest_wait_first_and_the_latest_move_first(fresh_db, kiosk):
    ids = book_today(fresh_db, TODAY)  # booked 10:30, 11:00, 11:15, 11:30, 12:00 (Paris)
    arrivals = {}
    for last, arrived in (
        ("Ní Bhriain", "08:30"),  # first in, booked 12:00: waits from 11:00 UTC
        ("Kowalski", "09:00"),
        ("O'Brien-Núñez", "09:10"),  # early for 11:00: waits from 10:00 UTC
        ("Te Rangi", "09:20"),
        ("Okafor", "09:45"),  # late for 10:30: waits from arrival
    ):
        arrivals[last] = checkin(fresh_db, kiosk, f"s-{last}", ids[last], at(arrived), TODAY)
    set_status(fresh_db, arrivals["Kowalski"]["id"], "seen", "ana", at("09:40"))
    set_status(fresh_db, arrivals["Te Rangi"]["id"], "called_in", "ana", at("09:50"))

    board = list_board(fresh_db, TODAY, PARIS)
    assert [(a["display_name"], a["status"], a["ticket"]) for a in board] == [
        ("Maria O.", "waiting", 5),
        ("Zoë O.", "waiting", 3),
        ("Siobhán N.", "waiting", 1),
        ("Aroha T.", "called_in", 4),
        ("Łukasz K.", "seen", 2),
    ]
    # The same rows as the arrival-ordered list, only ordered differently.
    assert {a["id"] for a in board} == {a["id"] for a in arrivals.values()}
    assert list_board(fresh_db, TODAY.replace(day=23), PARIS) == []
