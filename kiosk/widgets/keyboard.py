"""The on-screen QWERTY keyboard: letters, a page of accented letters, hyphen, apostrophe,
space and Delete; digits on top for appointment codes.

Names like "O'Brien", "Smith-Jones", "de la Cruz" and "Núñez" can be typed as written.
(The server also matches without accents: "Nunez" finds "Núñez".)
Keys are at least 92 px high and 120 px wide on the 1280x800 panel: over 15 mm.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.i18n import N_
from kiosk.widgets.buttons import BigButton, WordKey

DIGIT_ROW = "1234567890"
LETTER_ROWS = ("QWERTYUIOP", "ASDFGHJKL'", "ZXCVBNM-")
ACCENT_ROWS = ("ÁÀÂÄÃÅÉÈÊË", "ÍÌÎÏÓÒÔÖÕØ", "ÚÙÛÜÑÇÝŸÆŒ")
NAMED = {"-": "key_hyphen", "'": "key_apostrophe", " ": "key_space"}
MAX_LENGTH = 60


def key_id(char: str) -> str:
    """The kiosk_id of a character's key: key_q, key_7, key_á, key_hyphen."""
    return NAMED.get(char, f"key_{char.lower()}")


def typed(text: str, value: str | None, case: str) -> str:
    """The text after one key press (None is Delete). Pure, so it is tested without a window.

    case "name": a letter after the first of a word shows in lower case, as names are
    written. case "upper": everything in capitals, as codes are printed.
    """
    if value is None:
        return text[:-1]
    if len(text) >= MAX_LENGTH:
        return text
    if value == " " and (not text or text.endswith(" ")):
        return text  # no leading or double spaces
    if case == "upper":
        return text + value.upper()
    first = not text or text[-1] in " -'"
    return text + (value if first or not value.isalpha() else value.lower())


class LetterKeyboard(BoxLayout):
    """Edits `text`. `digits` adds a row of digits; `spaces` adds the accents and space row."""

    text = StringProperty("")
    digits = BooleanProperty(False)
    spaces = BooleanProperty(True)
    case = OptionProperty("name", options=("name", "upper"))
    page = OptionProperty("letters", options=("letters", "accents"))

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("orientation", "vertical")
        super().__init__(**kwargs)
        self.bind(digits=self._build, spaces=self._build, page=self._build)
        self._build()

    def _build(self, *_args) -> None:
        self.clear_widgets()
        rows = ACCENT_ROWS if self.page == "accents" else LETTER_ROWS
        if self.digits and self.page == "letters":
            rows = (DIGIT_ROW, *rows)
        for index, row in enumerate(rows):
            line = self._row()
            for char in row:
                line.add_widget(self._key(key_id(char), char, char))
            if index == len(rows) - 1 and not self.spaces:
                line.add_widget(self._key("key_backspace", N_("Delete"), None, 2))
        if self.spaces:
            line = self._row()
            if self.page == "letters":
                line.add_widget(self._key("key_accents", "ÁÉÑ…", "accents", 2))
            else:
                line.add_widget(self._key("key_letters", "ABC", "letters", 2))
            line.add_widget(self._key("key_space", N_("space"), " ", 5))
            line.add_widget(self._key("key_backspace", N_("Delete"), None, 2))

    def on_spacing(self, _keyboard, spacing) -> None:
        # The kv's spacing may come after the keys are built (walk-in): keep the gaps
        # between keys, or a row of yellow keys reads as one bar in larger text.
        for line in self.children:
            line.spacing = spacing

    def _row(self) -> BoxLayout:
        line = BoxLayout(spacing=self.spacing)
        self.add_widget(line)
        return line

    def _key(self, kiosk_id: str, label: str, value: str | None, width: float = 1) -> BigButton:
        if kiosk_id in ("key_space", "key_backspace"):
            button = WordKey(word=label, kiosk_id=kiosk_id, font_size="30sp", size_hint_x=width)
        else:
            button = BigButton(text=label, kiosk_id=kiosk_id, font_size="34sp", size_hint_x=width)
        button.bind(on_release=lambda _b: self.press(value))
        return button

    def press(self, value: str | None) -> None:
        if value in ("accents", "letters"):
            self.page = value
            return
        self.text = typed(self.text, value, self.case)
        self.page = "letters"  # one accented letter at a time, as on a phone

    def clear(self) -> None:
        self.text = ""
        self.page = "letters"
