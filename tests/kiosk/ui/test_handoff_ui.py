"""Hand-offs from the real app: the screen says what happens next, the server has the alert;
help from every screen; the inactivity countdown; the outbox keeps what the server missed."""

from __future__ import annotations

import json
import sqlite3

import pytest
from helpers.kiosk_harness import handoffs, open_alerts, run_scenario, write_config
from support import start_server, wait_for

from kiosk.client import KioskClient
from kiosk.outbox import Outbox
from kiosk.sender import Sender

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_help_from_the_name_screen(xvfb_display, kiosk_config, seeded_server, shots, tmp_path):
    steps = [
        {"tap": "start"},
        {"type": "Okaf"},
        {"tap": "help"},
        {"wait_screen": "handoff"},
        {"expect_text": "Help is on the way."},
        # Nobody has the console open: the patient is told to go to the desk, not to wait.
        {"expect_text": "Please go to the front desk and let them know you're here."},
        shots("handoff_help_no_console"),
        {"sleep": 1.5},  # let the outbox deliver while the app still runs
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    (alert,) = wait_for(
        lambda: open_alerts(seeded_server, "help"), timeout=10, what="an open help alert"
    )
    assert alert["status"] == "open" and alert["kiosk"] == "lobby"
    # What the patient had typed reached the server with the hand-off.
    assert handoffs(seeded_server) == [
        {"reason": "help", "step": "identify_name", "entered": {"last_name": "Okaf"}}
    ]


def test_help_from_every_screen(xvfb_display, kiosk_config, seeded_server, tmp_path):
    """One session per screen, each ended by "I need help" and the hand-off's OK."""
    kiosk_config.write_text(kiosk_config.read_text() + "inactivity_prompt_s = 4\n")
    name_dob = [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
    ]
    paths = {
        "welcome": [],
        "identify_name": [{"tap": "start"}],
        "identify_dob": [{"tap": "start"}, {"type": "Ng"}, {"tap": "next"}],
        "identify_code": [{"tap": "start"}, {"tap": "use_code"}],
        "walk_in": [{"tap": "start"}, {"tap": "walk_in"}],
        "choose": [
            {"tap": "start"},
            {"type": "Nunez"},
            {"tap": "next"},
            {"keypad": "06151990"},
            {"tap": "next"},
        ],
        "confirm": name_dob,
        "still_there": [{"tap": "start"}, {"wait_screen": "still_there", "timeout": 8}],
    }
    steps = []
    for screen, path in paths.items():
        steps += [
            *path,
            {"wait_screen": screen, "timeout": 10},
            {"tap": "help"},
            {"wait_screen": "handoff"},
            {"expect_text": "Help is on the way."},
            {"tap": "finish"},
            {"wait_screen": "welcome"},
        ]
    steps += [
        *name_dob,
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"tap": "help"},
        {"wait_screen": "handoff"},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    expected = [*[s if s != "still_there" else "identify_name" for s in paths], "done"]
    got = wait_for(
        lambda: len(handoffs(seeded_server)) >= len(expected) and handoffs(seeded_server),
        timeout=10,
        what="every help hand-off",
    )
    assert [(h["reason"], h["step"]) for h in got] == [("help", s) for s in expected]


def test_no_match_says_sorry(xvfb_display, kiosk_config, seeded_server, tmp_path):
    steps = [
        {"tap": "start"},
        {"type": "Nobody"},
        {"tap": "next"},
        {"keypad": "01011990"},
        {"tap": "next"},
        # One miss: a look at what was typed; the same again is the second miss.
        {"wait_screen": "check_typed", "timeout": 10},
        {"tap": "try_again"},
        {"tap": "next"},
        {"wait_screen": "identify_dob"},
        {"tap": "next"},
        {"wait_screen": "handoff", "timeout": 10},
        {"expect_text": "Sorry, we couldn't find your appointment."},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    wait_for(lambda: open_alerts(seeded_server, "no_match"), timeout=10, what="no_match alert")


def test_inactivity_prompt_then_timed_out(
    xvfb_display, kiosk_config, seeded_server, shots, tmp_path
):
    text = kiosk_config.read_text() + "inactivity_prompt_s = 2\ncountdown_s = 3\n"
    kiosk_config.write_text(text)
    steps = [
        {"tap": "start"},
        {"type": "Ok"},  # with nothing typed the first screen would end quietly instead
        {"wait_screen": "still_there", "timeout": 5},
        {"expect_text": "Are you still there?"},
        {"expect_text": "3"},
        shots("still_there"),
        {"tap": "still_here"},
        {"wait_screen": "identify_name"},
        {"wait_screen": "still_there", "timeout": 5},
        {"expect_text": "2", "timeout": 3},
        {"expect_text": "1", "timeout": 3},  # counting down
        {"wait_screen": "handoff", "timeout": 6},
        {"expect_text": "We've asked someone to help you."},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    wait_for(lambda: open_alerts(seeded_server, "timed_out"), timeout=10, what="timed_out alert")


def test_server_down_then_the_outbox_delivers(
    xvfb_display, kiosk_config, seeded_server, shots, tmp_path
):
    seeded_server.stop()
    steps = [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "handoff", "timeout": 15},
        {"expect_text": "Sorry, the check-in system isn't working right now."},
        {"expect_text": "Please let the front desk know you've arrived."},
        shots("handoff_offline"),
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    # The hand-off is kept in the kiosk's outbox file...
    outbox = Outbox(tmp_path / "outbox.db")
    kept = [e for e in outbox.pending(100) if e["type"] == "session.handed_off"]
    assert [e["data"]["reason"] for e in kept] == ["offline"]
    # ...and delivered when a server is back (same database, new process).
    server = start_server(tmp_path, db=seeded_server.db)
    token = seeded_server.kiosk_tokens["lobby"]
    sender = Sender(outbox, KioskClient(server.url, token))
    sender.start()
    try:
        (alert,) = wait_for(
            lambda: open_alerts(server, "offline"),
            timeout=15,
            what="the offline alert from the outbox",
        )
        wait_for(lambda: not outbox.pending(100), timeout=10, what="an empty outbox")
    finally:
        sender.stop(timeout=5)
        outbox.close()
        server.stop()
    assert alert["status"] == "open"
    db = sqlite3.connect(server.db)
    (data,) = db.execute("SELECT data FROM events WHERE type = 'session.handed_off'").fetchone()
    db.close()
    assert json.loads(data)["entered"] == {"last_name": "Okafor", "dob": "1980-04-02"}


def test_checkin_without_an_answer_is_not_called_done(
    xvfb_display, broken_checkin_server, shots, tmp_path
):
    """The server fails while checking in: no "you're checked in"; a person checks."""
    config = write_config(tmp_path / "kiosk.toml", broken_checkin_server.url, "t", heartbeat_s=1)
    steps = [
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "handoff", "timeout": 15},
        {"expect_text": "Sorry, we couldn't finish checking you in."},
        # Said once the server has accepted the hand-off (a moment), not before.
        {"expect_text": "Someone from the front desk is coming to you.", "timeout": 5},
        shots("handoff_checkin_unconfirmed"),
        {"sleep": 1.5},
    ]
    result = run_scenario(xvfb_display, config, steps, tmp_path)
    assert "done" not in result["texts"]
    kinds = [e["type"] for e in broken_checkin_server.events]
    assert "session.checked_in" not in kinds
    (handoff,) = [
        e["data"] for e in broken_checkin_server.events if e["type"] == "session.handed_off"
    ]
    assert handoff == {
        "reason": "checkin_unconfirmed",
        "step": "checking_in",
        "entered": {"last_name": "Okafor", "dob": "1980-04-02"},
    }
