"""A patient without an appointment: first name, last name and phone reach the desk."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import handoffs, open_alerts, run_scenario
from support import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_walk_in_sends_name_and_phone(xvfb_display, kiosk_config, seeded_server, shots, tmp_path):
    steps = [
        {"tap": "start"},
        {"type": "Ruiz"},
        {"tap": "walk_in"},
        {"wait_screen": "walk_in"},
        {"expect_text": "Ruiz"},  # the last name typed before is kept
        {"type": "Seán"},
        {"expect_text": "Seán"},
        {"tap": "field_phone"},
        {"keypad": "5550100"},
        {"expect_text": "5550100"},
        shots("walk_in"),
        {"tap": "field_last_name"},
        {"type": "-Díaz"},
        {"expect_text": "Ruiz-Díaz"},
        {"tap": "send"},
        {"wait_screen": "handoff"},
        {"expect_text": "Thank you. The front desk will help you."},
        shots("handoff_walk_in"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
        {"expect_absent": "Seán"},
        {"expect_absent": "Ruiz"},
        {"expect_absent": "5550100"},
        {"tap": "start"},
        {"tap": "walk_in"},
        {"wait_screen": "walk_in"},
        {"expect_absent": "Seán"},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    (alert,) = wait_for(
        lambda: open_alerts(seeded_server, "walk_in"), timeout=10, what="a walk_in alert"
    )
    assert alert["status"] == "open"
    (walk_in,) = [h for h in handoffs(seeded_server) if h["reason"] == "walk_in"]
    assert walk_in == {
        "reason": "walk_in",
        "step": "walk_in",
        "entered": {"first_name": "Seán", "last_name": "Ruiz-Díaz", "phone": "5550100"},
    }
