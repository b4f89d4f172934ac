"""Hand-off summaries name what the desk needs: the button the patient really pressed,
the appointment the kiosk showed (time and provider only), and every try they typed."""

import re
from datetime import UTC, datetime
from pathlib import Path

from staffconsole.rules import alerting

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
SESSION = {"id": "abc", "kiosk_id": 3, "step": "confirm"}
OKAFOR = {"last_name": "Okafor", "dob": "1980-02-04"}
SHOWN = {"time": "10:30", "provider": "Dr. Lee"}
ROOT = Path(__file__).resolve().parents[3]


def test_reported_problem_quotes_the_done_screens_real_button():
    summary = alerting.handoff_summary("reported_problem", "Lobby kiosk 1", "done", OKAFOR)
    assert summary == (
        'Someone at Lobby kiosk 1 pressed "Something\'s not right" after checking in '
        "('Okafor', born 4 Feb 1980)"
    )
    # The label must be what the kiosk's done screen shows (its English msgid) ...
    done_kv = (ROOT / "kiosk/screens/done.kv").read_text(encoding="utf-8")
    assert f'_("{alerting.REPORT_PROBLEM_BUTTON}"' in done_kv
    # ... and one the Spanish catalogue translates, so it is a live string.
    po = (ROOT / "assets/locale/es/LC_MESSAGES/kiosk.po").read_text(encoding="utf-8")
    assert re.search(r'^msgid "Something\'s not right"$', po, re.MULTILINE)
    assert "this isn't right" not in summary


def test_not_me_names_the_appointment_shown():
    fields = alerting.handoff_alert(
        "not_me", SESSION, "Lobby kiosk 1", OKAFOR, T0, shown={**SHOWN, "display_name": "X"}
    )
    assert fields["summary"] == (
        "Someone at Lobby kiosk 1 said the appointment found for 'Okafor', born 4 Feb 1980 "
        "(10:30 with Dr. Lee) is not theirs"
    )
    # Only time and provider are kept, whatever else the caller passed.
    assert fields["data"]["shown"] == SHOWN


def test_slip_not_printed_gives_the_desk_the_number_to_hand_over():
    shown = {**SHOWN, "ticket": 12}
    fields = alerting.handoff_alert(
        "slip_not_printed", SESSION, "Lobby kiosk 1", OKAFOR, T0, shown=shown
    )
    assert fields["summary"] == (
        "Someone at Lobby kiosk 1 is checked in ('Okafor', born 4 Feb 1980) but no slip came "
        "out of its printer; give them their number, 12 (10:30 with Dr. Lee)"
    )
    assert fields["data"]["shown"] == shown
    unknown = alerting.handoff_summary("slip_not_printed", "Lobby kiosk 1", "done", OKAFOR)
    assert unknown.endswith("give them their number")


def test_not_me_without_what_was_shown_reads_as_before():
    summary = alerting.handoff_summary("not_me", "Lobby kiosk 1", "confirm", OKAFOR)
    assert summary == (
        "Someone at Lobby kiosk 1 said the appointment found for 'Okafor', born 4 Feb 1980 "
        "is not theirs"
    )
    assert "shown" not in alerting.handoff_alert("not_me", SESSION, "K", OKAFOR, T0)["data"]


def test_timed_out_names_the_appointment_shown():
    summary = alerting.handoff_summary("timed_out", "Lobby kiosk 1", "confirm", OKAFOR, shown=SHOWN)
    assert summary == (
        "Someone at Lobby kiosk 1 stopped answering on the confirm screen after typing "
        "'Okafor', born 4 Feb 1980; it was showing the appointment at 10:30 with Dr. Lee"
    )
    plain = alerting.handoff_summary("timed_out", "Lobby kiosk 1", "identify_dob", OKAFOR)
    assert plain.endswith("date of birth screen after typing 'Okafor', born 4 Feb 1980")


def test_no_match_with_two_tries_shows_both():
    first = {"last_name": "O Brien Nunes", "first_name": "Zoe", "dob": "1957-11-30"}
    last = {"last_name": "OBrien Nunes", "dob": "1957-11-30"}
    fields = alerting.handoff_alert(
        "no_match", SESSION, "Lobby kiosk 1", last, T0, attempts=[first]
    )
    assert fields["summary"] == (
        "Someone at Lobby kiosk 1 typed 'OBrien Nunes', born 30 Nov 1957 and got no match; "
        "tried twice: 'O Brien Nunes', born 30 Nov 1957, then 'OBrien Nunes', born 30 Nov 1957"
    )
    assert fields["data"]["attempts"] == [first]


def test_walk_in_tries_show_first_names_and_three_tries_are_counted():
    tries = [{"first_name": "Ana", "last_name": "Ruiz"}, {"last_name": "Ruis", "dob": "1990-01-02"}]
    walker = {"first_name": "Ana", "last_name": "Ruiz Diaz", "phone": ""}
    summary = alerting.handoff_summary("walk_in", "Door", "walk_in", walker, attempts=tries)
    assert summary == (
        "A walk-in at Door asked to be seen ('Ana Ruiz Diaz'); tried three times: "
        "'Ana Ruiz', then 'Ruis', born 2 Jan 1990, then 'Ana Ruiz Diaz'"
    )


def test_empty_or_blank_tries_add_nothing():
    for attempts in (None, [], [{}], [{"last_name": "", "dob": None}]):
        summary = alerting.handoff_summary(
            "no_match", "K", "identify_dob", OKAFOR, attempts=attempts
        )
        assert summary == "Someone at K typed 'Okafor', born 4 Feb 1980 and got no match"


def test_many_tries_are_counted_in_figures():
    tries = [{"last_name": f"Name{n}"} for n in range(4)]
    summary = alerting.handoff_summary("no_match", "K", "identify_dob", OKAFOR, attempts=tries)
    assert "; tried 5 times: 'Name0', then 'Name1'" in summary
    assert summary.endswith("then 'Okafor', born 4 Feb 1980")
