"""The words the hand-off, welcome and check screens choose, as plain functions (kiosk/words.py)."""

from __future__ import annotations

import pytest

from kiosk.words import COMING, GO_TO_DESK, NO_CONSOLE, TELL_DESK, UNREACHABLE, notice, shown_date
from kiosk.words import handoff_words as words


@pytest.mark.parametrize(
    "reason", ["no_match", "not_me", "help", "timed_out", "walk_in", "slip_not_printed"]
)
def test_someone_is_coming_only_when_it_is_true(reason):
    assert words(reason, someone_coming=True)[1] == COMING
    assert words(reason, someone_coming=False)[1] == GO_TO_DESK


def test_offline_always_tells_the_desk():
    assert words("offline", True)[1] == words("offline", False)[1] == TELL_DESK


def test_welcome_warns_before_anyone_types():
    assert notice(reachable=True, console_live=True) == ""
    assert notice(reachable=True, console_live=False) == NO_CONSOLE
    assert notice(reachable=False, console_live=True) == UNREACHABLE
    assert "front desk" in UNREACHABLE


def test_the_date_is_shown_in_the_clinics_order():
    assert shown_date("1975-12-31", "MDY") == "12 / 31 / 1975"
    assert shown_date("1975-12-31", "DMY") == "31 / 12 / 1975"
    assert shown_date("", "MDY") == ""
