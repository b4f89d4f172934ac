"""Hand-offs from the real app: the screen says what happens next, the console has an alert."""

from __future__ import annotations

import json
import sqlite3

import pytest
from kiosk_ui.harness import run_scenario
from support import wait_for

pytestmark = pytest.mark.ui


def open_alerts(server, kind):
    lines = server.cli("alerts", "--json").stdout.splitlines()
    alerts = [json.loads(line) for line in lines if line.strip()]
    return [a for a in alerts if a.get("kind") == kind]


def test_help_from_the_name_screen(xvfb_display, kiosk_config, seeded_server, shots, tmp_path):
    steps = [
        {"tap": "start"}, {"type": "Okaf"}, {"tap": "help"},
        {"wait_screen": "handoff"},
        {"expect_text": "Please go to the front desk"}, shots("handoff_help"),  # no console open
        {"sleep": 1.5},  # let the outbox deliver while the app still runs
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    (alert,) = wait_for(lambda: open_alerts(seeded_server, "help"), timeout=10,
                        what="an open help alert")
    assert alert["status"] == "open" and alert["kiosk"] == "lobby"
    # What the patient had typed reached the server with the hand-off.
    db = sqlite3.connect(seeded_server.db)
    (data,) = db.execute("SELECT data FROM events WHERE type = 'session.handed_off'").fetchone()
    assert json.loads(data) == {"reason": "help", "step": "identify_name",
                                "entered": {"last_name": "Okaf"}}


def test_no_match_says_sorry(xvfb_display, kiosk_config, seeded_server, tmp_path):
    steps = [
        {"tap": "start"}, {"type": "Nobody"}, {"tap": "next"}, {"keypad": "01011990"},
        {"tap": "next"}, {"wait_screen": "handoff", "timeout": 10},
        {"expect_text": "Sorry, we couldn't find your appointment."}, {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    wait_for(lambda: open_alerts(seeded_server, "no_match"), timeout=10, what="no_match alert")


def test_inactivity_prompt_then_timed_out(xvfb_display, kiosk_config, seeded_server, shots,
                                          tmp_path):
    text = kiosk_config.read_text() + "inactivity_prompt_s = 2\ncountdown_s = 3\n"
    kiosk_config.write_text(text)
    steps = [
        {"tap": "start"}, {"wait_screen": "still_there", "timeout": 5},
        {"expect_text": "Are you still there?"}, shots("still_there"),
        {"tap": "still_here"}, {"wait_screen": "identify_name"},
        {"wait_screen": "still_there", "timeout": 5},
        {"wait_screen": "handoff", "timeout": 6}, {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    wait_for(lambda: open_alerts(seeded_server, "timed_out"), timeout=10, what="timed_out alert")


def test_server_down_says_tell_the_front_desk(xvfb_display, kiosk_config, seeded_server, shots,
                                              tmp_path):
    seeded_server.stop()
    steps = [
        {"tap": "start"}, {"type": "Okafor"}, {"tap": "next"}, {"keypad": "04021980"},
        {"tap": "next"}, {"wait_screen": "handoff", "timeout": 15},
        {"expect_text": "Please let the front desk know you've arrived."}, shots("handoff_offline"),
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
