"""Spanish and larger text for one session, reset for the next patient."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import run_scenario
from support import wait_for

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

NORMAL = [20, 31]  # a QuietButton's 28sp at font scale 1
LARGE = [33, 40]  # the same at 1.3


def test_spanish_and_large_text_then_reset(xvfb_display, kiosk_config, printer, shots, tmp_path):
    """Also: a clinic that writes dates day first gets DD / MM / YYYY (AAAA in Spanish)."""
    kiosk_config.write_text(kiosk_config.read_text() + 'date_order = "DMY"\n')
    steps = [
        {"wait_screen": "welcome"},
        {"font_size": ["help", *NORMAL]},
        {"tap": "lang_es"},
        {"wait_screen": "identify_name"},
        {"expect_text": "¿Cuál es su apellido?"},
        {"expect_text": "Necesito ayuda"},
        {"expect_text": "espacio"},
        {"tap": "large_text"},
        {"font_size": ["help", *LARGE]},
        {"expect_text": "Texto normal"},
        shots("identify_name_es_large"),
        {"type": "Okafor"},
        {"tap": "next"},
        {"wait_screen": "identify_dob"},
        {"expect_text": "¿Cuál es su fecha de nacimiento?"},
        {"tap": "language"},
        {"expect_text": "What is your date of birth?"},
        {"font_size": ["help", *LARGE]},  # the text size stays when the language changes
        {"tap": "language"},
        {"expect_text": "¿Cuál es su fecha de nacimiento?"},
        {"expect_text": "DD / MM / AAAA"},
        {"keypad": "02041980"},
        {"expect_text": "02 / 04 / 1980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"expect_text": "10:30 con Dr. Lee"},
        {"expect_text": "Sí, soy yo"},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "Listo, María: su llegada está registrada."},
        shots("done_es"),
        {"tap": "finish"},
        {"wait_screen": "welcome"},
        {"expect_text": "Check in"},
        {"font_size": ["help", *NORMAL]},
        {"tap": "start"},
        {"wait_screen": "identify_name"},
        {"expect_text": "What is your last name?"},
        {"expect_text": "Larger text"},
        {"font_size": ["help", *NORMAL]},
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
    # The slip speaks the patient's language too.
    slip = wait_for(
        lambda: "Cita:" in printer.text() and printer.text(), timeout=5, what="a Spanish receipt"
    )
    assert "Cita: 10:30 con Dr. Lee" in slip and "Número 1" in slip
