"""The UI driver itself: a failing step is reported with what the screen showed."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import run_scenario, write_config
from support import free_port

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def test_a_failing_step_is_reported(xvfb_display, tmp_path):
    config = write_config(tmp_path / "kiosk.toml", f"http://127.0.0.1:{free_port()}", "t")
    steps = [{"wait_screen": "welcome"}, {"tap": "start"}, {"tap": "next"}]
    result = run_scenario(xvfb_display, config, steps, tmp_path, check=False)
    assert result["ok"] is False and result["returncode"] == 1
    assert result["steps_done"] == 2 and result["failed_step"] == {"tap": "next"}
    assert "disabled" in result["error"]  # Next is off until a name is typed
    assert "What is your last name?" in result["texts"]
    with pytest.raises(AssertionError, match="failed at step 2"):
        run_scenario(xvfb_display, config, steps, tmp_path)


def test_buttons_are_big_enough_for_a_finger(xvfb_display, tmp_path):
    """Every button and key on the typing screens is at least 90x90 px on the 1280x800
    window (15 mm on a 10.1-inch panel is about 89 px)."""
    config = write_config(tmp_path / "kiosk.toml", f"http://127.0.0.1:{free_port()}", "t")
    steps = [
        {"wait_screen": "welcome"},
        {"check_targets": 90},
        {"tap": "start"},
        {"check_targets": 90},
        {"tap": "key_accents"},
        {"sleep": 0.2},
        {"check_targets": 90},
        {"tap": "key_letters"},
        {"type": "Ng"},
        {"tap": "next"},
        {"check_targets": 90},
        {"tap": "back"},
        {"tap": "use_code"},
        {"check_targets": 90},
        {"tap": "walk_in"},
        {"check_targets": 90},
        {"tap": "field_phone"},
        {"sleep": 0.2},
        {"check_targets": 90},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
