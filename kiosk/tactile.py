"""The tactile path: a USB numeric keypad or a keyboard's arrows, Tab and Enter move
through the screen's choices and walk the on-screen keyboard letter by letter.

No Kivy import: widgets are found by the screen's kv ids or their kiosk_id and pressed
through their own on_release, as a finger would, so plain stand-ins test it. Up/Down and
Tab/Shift+Tab walk the choices (kiosk.speech.phrases.choices: the order speech reads);
Left/Right walk the letter keys where the screen has the letter keyboard, else the
choices too. Enter presses what the focus is on. Focus starts afresh on every screen.
"""

from __future__ import annotations

from kiosk.i18n import N_

TAB, UP, DOWN, RIGHT, LEFT = 9, 273, 274, 275, 276
MOVE_KEYS = (TAB, UP, DOWN, RIGHT, LEFT)
# What a letter key is called when focus lands on it (its text is a letter otherwise).
KEY_NAMES = {
    "key_space": N_("space"),
    "key_backspace": N_("Delete"),
    "key_hyphen": N_("hyphen"),
    "key_apostrophe": N_("apostrophe"),
    "key_accents": N_("Accented letters"),
    "key_letters": N_("Plain letters"),
}


def step(index: int | None, count: int, delta: int) -> int | None:
    """The next place round a ring of count (from nothing: the first, or the last going back)."""
    if count <= 0:
        return None
    if index is None:
        return 0 if delta > 0 else count - 1
    return (index + delta) % count


def find(screen, key: str):
    """The widget with this kv id or kiosk_id on the screen (None when not there)."""
    ids = getattr(screen, "ids", {}) or {}
    if key in ids:
        return ids[key]
    for widget in screen.walk(restrict=True):
        if getattr(widget, "kiosk_id", "") == key:
            return widget
    return None


def usable(widget) -> bool:
    return (
        widget is not None
        and not getattr(widget, "disabled", False)
        and getattr(widget, "opacity", 1) > 0
        and getattr(widget, "parent", None) is not None
    )


def letter_keys(screen) -> list:
    """The on-screen letter keyboard's keys in reading order ([] without one)."""
    pad = getattr(screen, "pad", None)
    pad = pad() if callable(pad) else None
    if pad is None or not hasattr(pad, "page"):  # the digit keypad is typed, not walked
        return []
    return [
        widget
        for widget in pad.walk(restrict=True)
        if getattr(widget, "kiosk_id", "").startswith("key_")
    ]


class Focus:
    """Where the keypad's focus is on the current screen."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._show(None)
        self.ring: str | None = None  # "choices" or "letters"
        self.index: int | None = None

    def _show(self, widget) -> None:
        """Move the drawn focus ring (buttons with a `focused` property) to widget."""
        old = getattr(self, "widget", None)
        if old is not None and hasattr(old, "focused"):
            old.focused = False
        self.widget = widget
        if widget is not None and hasattr(widget, "focused"):
            widget.focused = True

    def move(self, screen, choices: list[tuple[str, str]], key: int, backwards: bool = False):
        """Move for an arrow or Tab; returns (label, index, count) of where focus is now
        (label an English msgid or the key's own text), or None when there is nowhere."""
        delta = -1 if key in (UP, LEFT) or (key == TAB and backwards) else 1
        letters = letter_keys(screen) if key in (LEFT, RIGHT) else []
        if letters:
            return self._move_letters(letters, delta)
        present = [(key_, label) for key_, label in choices if usable(find(screen, key_))]
        if self.ring != "choices":
            self.ring, self.index = "choices", None
        self.index = step(self.index, len(present), delta)
        if self.index is None:
            self._show(None)
            return None
        key_, label = present[self.index]
        self._show(find(screen, key_))
        return label, self.index, len(present)

    def _move_letters(self, letters: list, delta: int):
        if self.ring != "letters":
            self.ring, self.index = "letters", None
        self.index = step(self.index, len(letters), delta)
        self._show(letters[self.index])
        kiosk_id = getattr(self.widget, "kiosk_id", "")
        label = KEY_NAMES.get(kiosk_id, getattr(self.widget, "text", ""))
        return label, self.index, len(letters)

    def press(self) -> bool:
        """Enter: press the focused widget as a tap would; False when nothing is focused."""
        widget = self.widget
        if not usable(widget):
            return False
        widget.dispatch("on_release")
        if self.ring == "choices":
            self.reset()  # a choice usually changes the screen; a key keeps its place
        return True
