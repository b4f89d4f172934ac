"""A USB keyboard's keys on the pad on screen (kiosk/keys.py), with plain stand-ins."""

from __future__ import annotations

from kiosk import keys
from kiosk.widgets.keyboard import typed


class Letters:
    def __init__(self, digits=False, spaces=True, case="name"):
        self.text, self.digits, self.spaces, self.case = "", digits, spaces, case

    def press(self, value):
        self.text = typed(self.text, value, self.case)


class Digits:
    max_digits = 8

    def __init__(self):
        self.digits = ""

    def press(self, digit):
        self.digits = self.digits[:-1] if digit is None else (self.digits + digit)[:8]


class Button:
    def __init__(self, disabled=False):
        self.disabled, self.released = disabled, 0

    def dispatch(self, name):
        assert name == "on_release"
        self.released += 1


class Screen:
    def __init__(self, pad, **ids):
        self._pad, self.ids = pad, ids

    def pad(self):
        return self._pad


def test_keys_typed_one_at_a_time_reach_the_name_field():
    screen = Screen(Letters())
    for char in "o'BRIEN-núñez":
        assert keys.type_into(screen, char)
    assert screen.pad().text == "O'Brien-Núñez"
    assert not keys.type_into(screen, "7")  # no digits on the name keyboard
    keys.delete(screen)
    assert screen.pad().text == "O'Brien-Núñe"


def test_any_alphabet_is_typed():
    screen = Screen(Letters())
    keys.type_into(screen, "Иванова")
    keys.type_into(screen, " 王")
    assert screen.pad().text == "Иванова 王"


def test_the_date_takes_digits_only():
    screen = Screen(Digits())
    keys.type_into(screen, "04/02/1980")
    assert screen.pad().digits == "04021980"


def test_the_code_field_takes_letters_digits_and_hyphens():
    screen = Screen(Letters(digits=True, spaces=False, case="upper"))
    keys.type_into(screen, "qx7-42 '")
    assert screen.pad().text == "QX7-42"


def test_enter_presses_next_only_when_enabled():
    on, off = Button(), Button(disabled=True)
    assert keys.press_next(Screen(None, next=on)) and on.released == 1
    assert not keys.press_next(Screen(None, next=off)) and off.released == 0
    assert keys.press_next(Screen(None, try_again=on)) and on.released == 2


def test_no_pad_no_typing():
    screen = Screen(None)
    assert not keys.type_into(screen, "a") and not keys.delete(screen)


def test_a_scan_burst_gives_the_field_back_its_text():
    screen = Screen(Letters())
    keys.type_into(screen, "Oka")
    saved = keys.snapshot(screen)
    keys.type_into(screen, "QX-")
    keys.restore(saved)
    assert screen.pad().text == "Oka"
