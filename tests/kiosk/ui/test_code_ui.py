"""Check-in by appointment code: read by a scanner (real X key events ending in Enter) and
typed on the on-screen keyboard; a printer out of paper never blocks the check-in."""

from __future__ import annotations

import sqlite3

import pytest
from helpers.kiosk_harness import handoffs, open_alerts, run_scenario
from support import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_scanned_code_checks_in_even_without_paper(
    xvfb_display, kiosk_config, seeded_server, printer, shots, tmp_path
):
    printer.set_state("paper_out")
    steps = [
        {"wait_screen": "welcome"},
        # The scanner "types" the code from the appointment letter, then Enter, in one
        # burst: one xdotool run (two would leave a gap that a busy machine stretches past
        # the 0.15 s that tells a scanner from a person).
        {"xdotool": ["key", "--delay", "15", "q", "x", "7", "minus", "4", "2", "Return"]},
        {"wait_screen": "confirm", "timeout": 10},
        {"expect_text": "María O."},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "You're checked in, María."},
        {
            "expect_text": "Sorry, your receipt could not print. You are still checked in.",
            "timeout": 10,
        },
        shots("done_no_receipt"),
        {"tap": "report_problem"},
        {"wait_screen": "handoff"},
        {"expect_text": "Sorry about that. Thank you for telling us."},
        {"tap": "finish"},
        {"wait_screen": "welcome"},
        {"expect_absent": "María"},
        # Typed on the code keyboard; a code-less appointment answers to its external id.
        {"tap": "start"},
        {"tap": "use_code"},
        {"wait_screen": "identify_code"},
        {"type": "ui-2"},
        {"expect_text": "UI-2"},
        shots("identify_code"),
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"expect_text": "Seán O."},
        {"tap": "help"},
        {"wait_screen": "handoff"},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    db = sqlite3.connect(seeded_server.db)
    arrivals = db.execute("SELECT count(*) FROM arrivals").fetchone()[0]
    db.close()
    assert arrivals == 1  # checked in although nothing printed
    assert "Ticket" not in printer.text()
    wait_for(
        lambda: open_alerts(seeded_server, "reported_problem"),
        timeout=10,
        what="reported_problem alert",
    )
    reasons = [(h["reason"], h["entered"]) for h in handoffs(seeded_server)]
    assert reasons == [("reported_problem", {"code": "qx7-42"}), ("help", {"code": "UI-2"})]
