"""A patient checks in by taps on the real app: done screen, receipt on the printer, arrival
in the database, and nothing of the patient left on screen after welcome."""

from __future__ import annotations

import sqlite3

import pytest
from kiosk_ui.harness import run_scenario
from support import wait_for

pytestmark = pytest.mark.ui


def test_checkin_by_taps(xvfb_display, kiosk_config, seeded_server, printer, shots, tmp_path):
    steps = [
        {"wait_screen": "welcome"}, shots("welcome"),
        {"tap": "start"}, {"wait_screen": "identify_name"},
        {"type": "Okafor"}, {"expect_text": "Okafor"}, shots("identify_name"),
        {"tap": "next"}, {"wait_screen": "identify_dob"},
        {"keypad": "04021980"}, {"expect_text": "04 / 02 / 1980"}, shots("identify_dob"),
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10}, {"expect_text": "María O."},
        {"expect_text": "10:30 with Dr. Lee"}, shots("confirm"),
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "You're checked in, María. Please take a seat."}, shots("done"),
        {"tap": "finish"}, {"wait_screen": "welcome"},
        {"expect_absent": "María"}, {"expect_absent": "Okafor"}, {"expect_absent": "0402"},
    ]
    result = run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    assert result["screen"] == "welcome"

    db = sqlite3.connect(seeded_server.db)
    (ticket,) = db.execute("SELECT ticket FROM arrivals").fetchone()
    receipt = wait_for(lambda: "Ticket" in printer.text() and printer.text(), timeout=5,
                       what="the receipt on the printer")
    assert "María O." in receipt and f"Ticket {ticket}" in receipt
    assert "10:30 with Dr. Lee" in receipt and printer.cuts == 1
    # The outbox delivered the session's events while the app ran.
    kinds = {row[0] for row in db.execute("SELECT type FROM events")}
    assert {"session.started", "session.checked_in"} <= kinds


def test_name_with_apostrophe_and_hyphen(xvfb_display, kiosk_config, tmp_path):
    steps = [
        {"tap": "start"}, {"type": "O'Brien-Ruiz"}, {"expect_text": "O'Brien-Ruiz"},
        {"tap": "next"}, {"keypad": "12311975"}, {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10}, {"expect_text": "Seán O."},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
