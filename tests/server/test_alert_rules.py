"""Alert rules as pure functions, driven with a fake `now`."""

from datetime import UTC, datetime, timedelta

import pytest

from staffconsole import alerts
from staffconsole.clock import iso

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SESSION = {"id": "abc", "kiosk_id": 3, "step": "identify"}
OKAFOR = {"last_name": "Okafor", "dob": "1980-02-04"}


def waiting(last_event_at, outcome=None, alerted_at=None, **extra):
    return {"id": "abc", "kiosk_id": 3, "step": "confirm", "entered": OKAFOR,
            "last_event_at": iso(last_event_at), "outcome": outcome,
            "alerted_at": iso(alerted_at) if alerted_at else None, **extra}


def test_no_match_summary_says_where_and_what_was_typed():
    fields = alerts.handoff_alert("no_match", SESSION, "Lobby kiosk 1", OKAFOR, T0)
    assert fields["summary"] == "Someone at Lobby kiosk 1 typed 'Okafor', born 4 Feb 1980 " \
                                "and got no match"
    assert fields["cause"] == "session:abc" and fields["kind"] == "no_match"
    assert fields["data"] == {"reason": "no_match", "step": "identify", "entered": OKAFOR}
    assert fields["at"] == iso(T0) and fields["kiosk_id"] == 3


def test_help_summary_names_the_screen():
    fields = alerts.handoff_alert("help", {**SESSION, "step": "confirm"}, "Lobby kiosk 1", {}, T0)
    assert fields["summary"] == "Someone at Lobby kiosk 1 asked for help on the confirm screen"


@pytest.mark.parametrize("reason", alerts.HANDOFF_REASONS)
def test_every_reason_has_a_plain_summary(reason):
    with_data = alerts.handoff_alert(reason, SESSION, "Side door", OKAFOR, T0)["summary"]
    without = alerts.handoff_alert(reason, SESSION, "Side door", None, T0)["summary"]
    for summary in (with_data, without):
        assert "Side door" in summary and "None" not in summary and "_" not in summary
    assert "Okafor" in with_data


def test_unknown_reason_is_refused():
    with pytest.raises(ValueError):
        alerts.handoff_alert("bored", SESSION, "Lobby kiosk 1", {}, T0)


def test_severity_is_defined_for_every_kind_and_puts_unconfirmed_first():
    assert set(alerts.SEVERITY) == set(alerts.KINDS)
    ranked = sorted(alerts.KINDS, key=alerts.SEVERITY.get, reverse=True)
    assert ranked[0] == "checkin_unconfirmed"
    assert alerts.SEVERITY["help"] > alerts.SEVERITY["timed_out"]


def test_describe_entered_handles_every_field_and_odd_dates():
    assert alerts.describe_entered({"code": "K7", "phone": "0412 555 010"}) == \
        "code 'K7', phone 0412 555 010"
    assert alerts.describe_entered({"dob": "not-a-date"}) == "born not-a-date"
    assert alerts.describe_entered(None) == ""


@pytest.mark.parametrize("after_s, due", [(119, False), (120, True), (600, True)])
def test_session_due_after_deadline(after_s, due):
    found = alerts.due_unresponsive([waiting(T0)], T0 + timedelta(seconds=after_s), 120)
    assert bool(found) is due


def test_sessions_with_an_outcome_are_never_due():
    assert alerts.due_unresponsive([waiting(T0, outcome="checked_in"),
                                    waiting(T0, outcome="handed_off")],
                                   T0 + timedelta(hours=1), 120) == []


def test_an_alert_newer_than_the_last_event_covers_the_session():
    later = T0 + timedelta(seconds=121)
    covered = waiting(T0, alerted_at=later)
    assert alerts.due_unresponsive([covered], T0 + timedelta(hours=1), 120) == []
    # A newer event starts the clock again.
    moved = waiting(later + timedelta(seconds=5), alerted_at=later)
    assert alerts.due_unresponsive([moved], later + timedelta(seconds=200), 120) == [moved]


def test_unresponsive_alert_says_where_it_went_silent():
    now = T0 + timedelta(seconds=130)
    fields = alerts.unresponsive_alert(waiting(T0), "Lobby kiosk 1", now, 120)
    assert fields["kind"] == "unresponsive_session" and fields["cause"] == "session:abc"
    assert fields["summary"] == ("A check-in at Lobby kiosk 1 went silent on the confirm screen "
                                 "after typing 'Okafor', born 4 Feb 1980; nothing heard for 130 s")
