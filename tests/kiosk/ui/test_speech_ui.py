"""Speech mode and the tactile path on the real app: real X key events only (no touch),
the recording speech engine (speech_engine = "record:<file>") writes down every phrase the
kiosk asked to say, and the test reads the phrases spoken, screen by screen."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import run_scenario, write_config

from kiosk.speech import phrases as p
from kiosk.speech import read_records

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

TITLES = {title: state for state, title in p.TITLES.items()}


def keys(*names, delay=250):
    """Real key events, spaced like a person's (never a scanner's burst)."""
    return {"xdotool": ["key", "--delay", str(delay), *names]}


def typed(text):
    return {"xdotool": ["type", "--delay", "250", text]}


@pytest.fixture
def speech_config(seeded_server, printer, tmp_path):
    token = seeded_server.add_kiosk("lobby")
    said = tmp_path / "said.jsonl"
    config = write_config(
        tmp_path / "kiosk.toml",
        seeded_server.url,
        token,
        printer=printer.port,
        heartbeat_s=1,
        speech_engine=f"record:{said}",
    )
    return config, said


def spoken(said):
    """Each record: the phrases of one say (or "STOP")."""
    return [r.get("say", "STOP") for r in read_records(said)]


def test_a_check_in_with_keys_only_is_spoken_screen_by_screen(
    xvfb_display, speech_config, seeded_server, tmp_path
):
    config, said = speech_config
    steps = [
        {"wait_screen": "welcome"},
        keys("KP_Multiply"),  # speech on
        {"sleep": 0.5},
        keys("Return"),  # Check in
        {"wait_screen": "identify_name"},
        typed("Okafo"),
        keys("Right", "Right", "Right", "Right", "Return"),  # walk Q W E R, press R
        {"expect_text": "Okafor"},
        keys("Down", "Return"),  # from the letters to the choices: Next
        {"wait_screen": "identify_dob"},
        typed("04021980"),
        {"expect_text": "04 / 02 / 1980"},
        keys("Return"),
        {"wait_screen": "confirm", "timeout": 10},
        {"sleep": 1.2},  # the screen changed by itself: keys just after are ignored
        keys("Down", "Return"),
        {"wait_screen": "done", "timeout": 10},
        {"sleep": 1.2},
        keys("KP_Divide"),  # repeat
        keys("Down", "Return"),  # "Done"
        {"wait_screen": "welcome"},
        {"sleep": 0.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = spoken(said)
    assert records[0][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)
    assert "Welcome to Seen Clinic" in records[0]
    screens = [TITLES.get(r[0]) for r in records if r != "STOP" and r[0] in TITLES]
    assert screens == [
        "identify_name",
        "identify_dob",
        "looking_up",
        "confirm",
        "checking_in",
    ]
    start = records.index(next(r for r in records if r[0] == p.TITLES["identify_name"]))
    # Each letter echoed as typed; the walk says each key it lands on, then R is typed.
    # (as the name is shown: capital first, then small letters)
    assert records[start + 1 : start + 6] == [["O"], ["k"], ["a"], ["f"], ["o"]]
    walked = records[start + 6 : start + 12]
    assert walked == [["Q"], ["W"], ["E"], ["R"], ["r"], ["Next, 1 of 5"]]
    dob = records.index(next(r for r in records if r[0] == p.TITLES["identify_dob"]))
    assert records[dob + 1 : dob + 8] == [[d] for d in "0402198"]
    assert records[dob + 8] == ["0", "April 2, 1980"]
    confirm = next(r for r in records if r[0] == p.TITLES["confirm"])
    assert confirm[1:3] == ["María O.", "10:30 with Dr. Lee"]
    assert ["Yes, that's me, 1 of 3"] in records
    done = [r for r in records if r != "STOP" and r[0].startswith("You're checked in, María.")]
    assert len(done) == 2  # shown, then the repeat key
    assert done[0] == done[1]
    assert done[0][1].startswith("Your number is ") and "Appointment: 10:30 with Dr. Lee" in done[0]
    assert records[-2:] == [["Done, 1 of 3"], "STOP"], records[-6:]  # welcome: speech over
