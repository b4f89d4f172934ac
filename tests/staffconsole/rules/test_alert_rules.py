"""Alert rules as pure functions, driven with a fake `now`."""

from datetime import UTC, datetime, timedelta

import pytest

from seen.vocabulary import ALERT_KINDS, HANDOFF_REASONS, PRINTER_STATES, SELF_CLEARING
from staffconsole.clock import ClinicZone, iso
from staffconsole.rules import alerting

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ZONE = ClinicZone("UTC")  # the clinic's: appointment starts below are UTC wall times
SESSION = {"id": "abc", "kiosk_id": 3, "step": "identify"}
OKAFOR = {"last_name": "Okafor", "dob": "1980-02-04"}


def waiting(last_event_at, outcome=None, alerted_at=None, **extra):
    return {
        "id": "abc",
        "kiosk_id": 3,
        "step": "confirm",
        "entered": OKAFOR,
        "last_event_at": iso(last_event_at),
        "outcome": outcome,
        "alerted_at": iso(alerted_at) if alerted_at else None,
        **extra,
    }


def test_no_match_summary_says_where_and_what_was_typed():
    fields = alerting.handoff_alert("no_match", SESSION, "Lobby kiosk 1", OKAFOR, T0)
    assert (
        fields["summary"] == "Someone at Lobby kiosk 1 typed 'Okafor', born 4 Feb 1980 "
        "and got no match"
    )
    assert fields["cause"] == "session:abc" and fields["kind"] == "no_match"
    assert fields["data"] == {"reason": "no_match", "step": "identify", "entered": OKAFOR}
    assert fields["at"] == iso(T0) and fields["kiosk_id"] == 3


def test_help_summary_names_the_screen():
    fields = alerting.handoff_alert("help", {**SESSION, "step": "confirm"}, "Lobby kiosk 1", {}, T0)
    assert fields["summary"] == "Someone at Lobby kiosk 1 asked for help on the confirm screen"


@pytest.mark.parametrize("reason", HANDOFF_REASONS)
def test_every_reason_has_a_plain_summary(reason):
    with_data = alerting.handoff_alert(reason, SESSION, "Side door", OKAFOR, T0)["summary"]
    without = alerting.handoff_alert(reason, SESSION, "Side door", None, T0)["summary"]
    for summary in (with_data, without):
        assert "Side door" in summary and "None" not in summary and "_" not in summary
    assert "Okafor" in with_data


def test_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        alerting.handoff_alert("bored", SESSION, "Lobby kiosk 1", {}, T0)


def test_severity_puts_unconfirmed_first():
    ranked = sorted(ALERT_KINDS.values(), key=lambda kind: kind.severity, reverse=True)
    assert ranked[0].name == "checkin_unconfirmed"
    assert ALERT_KINDS["help"].severity > ALERT_KINDS["timed_out"].severity


def test_describe_entered_handles_every_field_and_odd_dates():
    assert (
        alerting.describe_entered({"code": "K7", "phone": "0412 555 010"})
        == "code 'K7', phone 0412 555 010"
    )
    assert alerting.describe_entered({"dob": "not-a-date"}) == "born not-a-date"
    assert alerting.describe_entered(None) == ""
    walk_in = {"first_name": "Aroha", "last_name": "Te Rangi", "phone": "021 555 0101"}
    assert alerting.describe_entered(walk_in) == "'Te Rangi', phone 021 555 0101"
    assert (
        alerting.describe_entered(walk_in, with_first_name=True)
        == "'Aroha Te Rangi', phone 021 555 0101"
    )
    assert (
        alerting.handoff_summary("walk_in", "Side door", "welcome", {"first_name": "Aroha"})
        == "A walk-in at Side door asked to be seen ('Aroha')"
    )


@pytest.mark.parametrize("after_s, due", [(119, False), (120, True), (600, True)])
def test_session_due_after_deadline(after_s, due):
    found = alerting.due_unresponsive([waiting(T0)], T0 + timedelta(seconds=after_s), 120)
    assert bool(found) is due


def test_sessions_with_an_outcome_are_never_due():
    assert (
        alerting.due_unresponsive(
            [waiting(T0, outcome="checked_in"), waiting(T0, outcome="handed_off")],
            T0 + timedelta(hours=1),
            120,
        )
        == []
    )


def test_an_alert_newer_than_the_last_event_covers_the_session():
    later = T0 + timedelta(seconds=121)
    covered = waiting(T0, alerted_at=later)
    assert alerting.due_unresponsive([covered], T0 + timedelta(hours=1), 120) == []
    # A newer event starts the clock again.
    moved = waiting(later + timedelta(seconds=5), alerted_at=later)
    assert alerting.due_unresponsive([moved], later + timedelta(seconds=200), 120) == [moved]


def test_unresponsive_alert_says_where_it_went_silent():
    now = T0 + timedelta(seconds=130)
    fields = alerting.unresponsive_alert(waiting(T0), "Lobby kiosk 1", now, 120)
    assert fields["kind"] == "unresponsive_session" and fields["cause"] == "session:abc"
    assert fields["summary"] == (
        "A check-in at Lobby kiosk 1 went silent on the confirm screen "
        "after typing 'Okafor', born 4 Feb 1980; nothing heard for 130 s"
    )


# -- state alerts: kiosks, printers, waits, the lobby, the console -----------------

KIOSK = {
    "id": 7,
    "name": "Lobby kiosk 1",
    "last_seen_at": iso(T0),
    "printer_state": "ok",
    "printer_detail": "",
}


@pytest.mark.parametrize("after_s, offline", [(29, False), (30, False), (31, True)])
def test_kiosk_is_offline_after_three_missed_heartbeats(after_s, offline):
    now = T0 + timedelta(seconds=after_s)
    fields = alerting.kiosk_offline_alert(KIOSK, now, heartbeat_s=10, missed=3)
    assert (fields is not None) is offline
    assert alerting.kiosk_online(KIOSK, now, 10, 3) is not offline
    if fields:
        assert fields["cause"] == "kiosk:7:offline" and fields["kind"] == "kiosk_offline"
        assert fields["summary"].startswith("Lobby kiosk 1 is offline")


def test_a_kiosk_never_heard_from_is_not_offline():
    never = {**KIOSK, "last_seen_at": None}
    assert alerting.kiosk_offline_alert(never, T0 + timedelta(hours=1), 10, 3) is None
    assert alerting.kiosk_online(never, T0, 10, 3) is False


@pytest.mark.parametrize("state", [s.name for s in PRINTER_STATES.values() if s.needs_attention])
def test_every_printer_fault_is_an_alert_in_plain_words(state):
    words = PRINTER_STATES[state].problem
    fields = alerting.printer_alert({**KIOSK, "printer_state": state, "printer_detail": "roll"}, T0)
    assert fields["summary"] == f"The receipt printer at Lobby kiosk 1 {words} (roll)"
    assert fields["cause"] == "kiosk:7:printer" and fields["data"]["state"] == state


@pytest.mark.parametrize("state", ["ok", "none", None])
def test_a_fine_or_absent_printer_is_no_alert(state):
    assert alerting.printer_alert({**KIOSK, "printer_state": state}, T0) is None


def arrival(arrived, start="2026-11-22T09:00", status="waiting", id=1):
    return {
        "id": id,
        "display_name": "María José O.",
        "time": start[11:16],
        "provider": "Dr. N'Diaye",
        "start": start,
        "arrived_at": iso(arrived),
        "status": status,
        "kiosk_id": 7,
    }


def test_long_wait_counts_from_arrival_when_late():
    a = arrival(T0 + timedelta(minutes=10))  # arrived 10 min after the 09:00 booking
    assert alerting.long_wait_alert(a, T0 + timedelta(minutes=24), 15, ZONE) is None
    fields = alerting.long_wait_alert(a, T0 + timedelta(minutes=25), 15, ZONE)
    assert fields["cause"] == "arrival:1" and fields["kind"] == "long_wait"
    assert fields["summary"] == (
        "María José O. (booked 09:00 with Dr. N'Diaye) has waited "
        "more than 15 min and has not been called in"
    )


def test_long_wait_counts_from_the_appointment_when_early():
    a = arrival(T0 - timedelta(minutes=40))  # came 40 min early for 09:00
    assert alerting.long_wait_alert(a, T0 + timedelta(minutes=14), 15, ZONE) is None
    assert alerting.long_wait_alert(a, T0 + timedelta(minutes=15), 15, ZONE) is not None
    assert alerting.long_wait_alert(a, T0 + timedelta(minutes=15), 20, ZONE) is None  # configurable


@pytest.mark.parametrize("status", ["called_in", "seen"])
def test_called_in_or_seen_is_no_long_wait(status):
    assert (
        alerting.long_wait_alert(arrival(T0, status=status), T0 + timedelta(hours=2), 15, ZONE)
        is None
    )


def test_lobby_busy_by_count():
    crowd = [arrival(T0, id=i) for i in range(4)]
    now = T0 + timedelta(minutes=1)
    assert (
        alerting.lobby_busy_alert(crowd, now, max_waiting=4, max_median_min=30, zone=ZONE) is None
    )
    fields = alerting.lobby_busy_alert(crowd + [arrival(T0, id=9)], now, 4, 30, ZONE)
    assert fields["summary"] == "The lobby is busy: 5 patients are waiting, median wait 1 min"
    assert fields["cause"] == "lobby"
    called = crowd + [arrival(T0, id=9, status="called_in")]
    assert alerting.lobby_busy_alert(called, now, 4, 30, ZONE) is None


def test_lobby_busy_by_median_wait():
    two = [arrival(T0, id=1), arrival(T0 + timedelta(minutes=20), id=2)]
    # waits 40 and 20 min: median 30
    assert alerting.lobby_busy_alert(two, T0 + timedelta(minutes=40), 10, 30, ZONE) is None
    fields = alerting.lobby_busy_alert(two, T0 + timedelta(minutes=41), 10, 30, ZONE)
    assert fields["data"] == {"waiting": 2, "median_min": 31}
    assert alerting.lobby_busy_alert([], T0, 0, 0, ZONE) is None


def test_no_console_after_the_grace_while_kiosks_are_online():
    since = T0
    assert alerting.no_console_alert(0, since, 1, T0 + timedelta(seconds=59), 60) is None
    fields = alerting.no_console_alert(0, since, 1, T0 + timedelta(seconds=60), 60)
    assert fields["kind"] == "no_console" and fields["cause"] == "console"
    assert "front desk" in fields["summary"]
    assert alerting.no_console_alert(1, since, 1, T0 + timedelta(hours=1), 60) is None  # watched
    assert alerting.no_console_alert(0, since, 0, T0 + timedelta(hours=1), 60) is None  # no kiosks


def test_console_watched_is_what_kiosks_are_told():
    assert alerting.console_watched(1, None, T0, 60) is True
    assert alerting.console_watched(0, None, T0, 60) is False  # nobody since the start
    assert alerting.console_watched(0, T0, T0 + timedelta(seconds=59), 60) is True  # reconnecting
    assert alerting.console_watched(0, T0, T0 + timedelta(seconds=60), 60) is False


def test_self_clearing_kinds_say_so():
    assert set(SELF_CLEARING) == {
        "kiosk_offline",
        "printer",
        "lobby_busy",
        "outbox_unsaved",
        "certificate_expiry",
        "hl7_queue_stuck",
    }
    assert (
        alerting.cleared_note("printer", "Side door")
        == "Cleared by itself: the printer at Side door reported OK again"
    )
    assert "heartbeats again" in alerting.cleared_note("kiosk_offline", "Side door")
    assert "practice system takes" in alerting.cleared_note("hl7_queue_stuck", None)
    assert not set(SELF_CLEARING) & set(HANDOFF_REASONS + ("long_wait",))
