"""The numeric keypad for the date of birth (up to 8 digits) or a phone number: 0-9, Delete."""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.dob import DIGITS
from kiosk.i18n import N_
from kiosk.widgets.buttons import BigButton, WordKey

LAYOUT = ("1", "2", "3", "4", "5", "6", "7", "8", "9", None, "0", "back")


class DigitKeypad(GridLayout):
    """Edits `digits`; keys have kiosk_id digit_0 ... digit_9 and digit_backspace."""

    digits = StringProperty("")
    max_digits = NumericProperty(DIGITS)  # 8 for a date; more for a phone number

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cols", 3)
        super().__init__(**kwargs)
        for key in LAYOUT:
            if key is None:
                self.add_widget(BigButton(disabled=True, opacity=0))
            elif key == "back":
                button = WordKey(word=N_("Delete"), kiosk_id="digit_backspace", font_size="28sp")
                button.bind(on_release=lambda _b: self.press(None))
                self.add_widget(button)
            else:
                button = BigButton(text=key, kiosk_id=f"digit_{key}", font_size="40sp")
                button.bind(on_release=lambda _b, k=key: self.press(k))
                self.add_widget(button)

    def press(self, digit: str | None) -> None:
        if digit is None:
            self.digits = self.digits[:-1]
        elif len(self.digits) < self.max_digits:
            self.digits += digit

    def clear(self) -> None:
        self.digits = ""
