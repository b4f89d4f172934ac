"""What a key press does to the typed text (pure), and the scanner's Enter-terminated codes."""

from __future__ import annotations

import pytest

from kiosk.scanner import ScanBuffer
from kiosk.widgets.keyboard import ACCENT_ROWS, DIGIT_ROW, LETTER_ROWS, MAX_LENGTH, key_id, typed


def type_all(keys, case="name"):
    text = ""
    for key in keys:
        text = typed(text, key, case)
    return text


@pytest.mark.parametrize(
    ("keys", "case", "expected"),
    [
        ("OKAFOR", "name", "Okafor"),
        ("O'BRIEN-RUIZ", "name", "O'Brien-Ruiz"),
        ("DE LA CRUZ", "name", "De La Cruz"),
        ("NÚÑEZ", "name", "Núñez"),
        ("  A  B", "name", "A B"),  # no leading or double spaces
        ("qx7-42", "upper", "QX7-42"),
    ],
)
def test_typing(keys, case, expected):
    assert type_all(keys, case) == expected


def test_delete_and_the_length_limit():
    assert typed("Oka", None, "name") == "Ok" and typed("", None, "name") == ""
    long = type_all("A" * (MAX_LENGTH + 5))
    assert len(long) == MAX_LENGTH


def test_every_key_has_a_distinct_id_a_test_can_tap():
    chars = DIGIT_ROW + "".join(LETTER_ROWS) + "".join(ACCENT_ROWS) + " "
    ids = [key_id(char) for char in chars]
    assert len(set(ids)) == len(ids)
    assert key_id("Ñ") == "key_ñ" and key_id("'") == "key_apostrophe"


def test_a_scan_is_the_characters_before_enter():
    scans = ScanBuffer()
    for i, char in enumerate("QX7-42"):
        scans.feed(char, 10.0 + i * 0.01)
    assert scans.enter(10.1) == "QX7-42"
    assert scans.enter(10.2) is None  # a second Enter: nothing left


def test_a_slow_stray_key_is_not_glued_to_the_next_scan():
    scans = ScanBuffer(max_gap_s=1.0)
    scans.feed("z", 0.0)
    scans.feed("A1", 5.0)
    assert scans.enter(5.05) == "A1"
    scans.feed("B2", 6.0)
    assert scans.enter(9.0) is None  # Enter long after the characters: not a scan
    scans.feed("\x07C\t3", 10.0)
    assert scans.enter(10.0) == "C3"
