"""The on-screen letter keyboard: A-Z, space, hyphen, apostrophe and backspace.

Names like "O'Brien", "Smith-Jones" and "de la Cruz" can be typed as written.
Accents are not needed: the server matches names without them ("Maria" finds "María").
"""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.gridlayout import GridLayout

from kiosk.widgets.buttons import BigButton

ROWS = ("ABCDEFGHIJ", "KLMNOPQRST", "UVWXYZ")
SPECIALS = (("key_hyphen", "-", "-"), ("key_apostrophe", "'", "'"),
            ("key_space", "space", " "), ("key_backspace", "Delete", None))
MAX_LENGTH = 60


class LetterKeyboard(GridLayout):
    """Edits `text`; each key has kiosk_id key_<letter> (key_a ... key_z) or a special name."""

    text = StringProperty("")

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cols", 10)
        super().__init__(**kwargs)
        for row in ROWS:
            for letter in row:
                self._key(f"key_{letter.lower()}", letter, letter)
        for kiosk_id, label, value in SPECIALS:
            self._key(kiosk_id, label, value)

    def _key(self, kiosk_id: str, label: str, value: str | None) -> None:
        button = BigButton(text=label, kiosk_id=kiosk_id, font_size="34sp")
        button.bind(on_release=lambda _b: self.press(value))
        self.add_widget(button)

    def press(self, value: str | None) -> None:
        if value is None:
            self.text = self.text[:-1]
        elif len(self.text) < MAX_LENGTH:
            if value == " " and (not self.text or self.text.endswith(" ")):
                return  # no leading or double spaces
            # Letters typed after the first of a word show in lower case, as names are written.
            first = not self.text or self.text[-1] in " -'"
            self.text += value if first or not value.isalpha() else value.lower()

    def clear(self) -> None:
        self.text = ""
