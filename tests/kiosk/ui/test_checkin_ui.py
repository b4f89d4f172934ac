"""A patient checks in by taps on the real app: done screen, receipt on the printer, arrival
in the database, nothing of the patient left on screen after welcome; the window is locked
down (Escape, F1 and close requests do nothing)."""

from __future__ import annotations

import sqlite3

import pytest
from helpers.kiosk_harness import handoffs, open_alerts, run_scenario
from support import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_checkin_by_taps(xvfb_display, kiosk_config, seeded_server, printer, shots, tmp_path):
    steps = [
        {"wait_screen": "welcome"},
        {"check_lockdown": True},
        # Real X key events: none of these may close the kiosk or open anything.
        {"xdotool": ["key", "Escape"]},
        {"xdotool": ["key", "F1"]},
        {"xdotool": ["key", "alt+F4"]},
        {"expect_running": True},
        {"wait_screen": "welcome"},
        shots("welcome"),
        {"tap": "start"},
        {"wait_screen": "identify_name"},
        {"type": "Okafor"},
        {"expect_text": "Okafor"},
        shots("identify_name"),
        {"tap": "next"},
        {"wait_screen": "identify_dob"},
        {"keypad": "04021980"},
        {"expect_text": "04 / 02 / 1980"},
        shots("identify_dob"),
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"expect_text": "María O."},
        {"expect_text": "10:30 with Dr. Lee"},
        shots("confirm"),
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "You're checked in, María. Please take a seat."},
        {"expect_text": "Please take your receipt."},
        shots("done"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
        {"expect_absent": "María"},
        {"expect_absent": "Okafor"},
        {"expect_absent": "0402"},
        # The next patient's screens start empty.
        {"tap": "start"},
        {"wait_screen": "identify_name"},
        {"expect_absent": "Okafor"},
        {"tap": "help"},
        {"wait_screen": "handoff"},
        {"tap": "finish"},
        {"wait_screen": "welcome"},
    ]
    result = run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    assert result["screen"] == "welcome"

    db = sqlite3.connect(seeded_server.db)
    (ticket,) = db.execute("SELECT ticket FROM arrivals").fetchone()
    receipt = wait_for(
        lambda: "Ticket" in printer.text() and printer.text(),
        timeout=5,
        what="the receipt on the printer",
    )
    assert "María O." in receipt and f"Ticket {ticket}" in receipt
    assert "10:30 with Dr. Lee" in receipt and printer.cuts == 1
    # The outbox delivered the session's events while the app ran.
    kinds = {row[0] for row in db.execute("SELECT type FROM events")}
    assert {"session.started", "session.checked_in", "session.ended"} <= kinds
    db.close()


def test_accents_two_appointments_and_not_me(
    xvfb_display, kiosk_config, seeded_server, shots, tmp_path
):
    """Núñez typed through the accents page; two appointments today -> choose; then an
    apostrophe-and-hyphen name whose confirm screen is answered "No, that's not me"."""
    steps = [
        {"tap": "start"},
        {"type": "Núñez"},
        {"expect_text": "Núñez"},
        {"tap": "next"},
        {"keypad": "06151990"},
        {"tap": "next"},
        {"wait_screen": "choose", "timeout": 10},
        {"expect_text": "Ana N., 09:00 with Dr. Lee"},
        {"expect_text": "Ana N., 15:30 with Nurse Kim"},
        shots("choose"),
        {"tap": "choice_1"},
        {"wait_screen": "confirm"},
        {"expect_text": "15:30 with Nurse Kim"},
        {"tap": "help"},
        {"wait_screen": "handoff"},
        {"tap": "finish"},
        {"tap": "start"},
        {"type": "O'Brien-Ruiz"},
        {"expect_text": "O'Brien-Ruiz"},
        {"tap": "next"},
        {"keypad": "12311975"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"expect_text": "Seán O."},
        {"tap": "no"},
        {"wait_screen": "handoff"},
        {"expect_text": "Thank you for telling us."},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    wait_for(lambda: open_alerts(seeded_server, "not_me"), timeout=10, what="not_me alert")
    (not_me,) = [h for h in handoffs(seeded_server) if h["reason"] == "not_me"]
    assert not_me["entered"] == {"last_name": "O'Brien-Ruiz", "dob": "1975-12-31"}
