"""A USB keyboard on the kiosk: its keys go to the pad on screen, as a finger's taps do.

No Kivy import: a screen offers `pad()` (the LetterKeyboard or DigitKeypad the patient
is typing with now, or None) and its buttons by id; this only decides what a key does,
so it is tested with plain stand-ins. Keys come one at a time, however slowly.
"""

from __future__ import annotations

NAME_MARKS = " -'"  # what a name may hold besides letters (as on the on-screen keyboard)
CODE_MARKS = "-"
NEXT_BUTTONS = ("next", "send", "try_again")  # what Enter presses, the first found
# Speech mode's keys on a USB numeric keypad (Kivy key codes): star turns speech on and
# off, slash repeats, dot stops, plus and minus change the volume (docs/kiosk.md).
KEYPAD_SPEECH_KEYS = {268: "toggle", 267: "repeat", 266: "stop", 270: "louder", 269: "quieter"}
# The same on a plain keyboard, the second group of function keys (found by touch: the
# gap after F4), plus the language key. F1 stays Kivy's (swallowed), F2-F4 unused.
F5, F6, F7, F8, F9, F10 = 286, 287, 288, 289, 290, 291
KEYBOARD_SPEECH_KEYS = {
    F5: "toggle",
    F6: "repeat",
    F7: "stop",
    F8: "language",
    F9: "quieter",
    F10: "louder",
}
SPEECH_KEYS = {**KEYPAD_SPEECH_KEYS, **KEYBOARD_SPEECH_KEYS}
# The text those keys also type, which must not reach a field (a "-" in a name).
SPEECH_KEY_TEXT = {268: "*", 267: "/", 266: ".", 270: "+", 269: "-"}


def active_pad(screen):
    pad = getattr(screen, "pad", None)
    return pad() if callable(pad) else None


def accepts(pad, char: str) -> bool:
    """Whether the pad has a key for char (any alphabet's letters on a letter keyboard)."""
    if hasattr(pad, "max_digits"):  # the digit keypad
        return char in "0123456789"
    if char.isdigit():
        return bool(getattr(pad, "digits", False)) and char in "0123456789"
    marks = NAME_MARKS if getattr(pad, "spaces", True) else CODE_MARKS
    return char.isalpha() or char in marks


def type_into(screen, text: str) -> bool:
    """Press the pad's key for each character it has; True when anything was typed."""
    pad = active_pad(screen)
    if pad is None:
        return False
    typed = False
    for char in text:
        if accepts(pad, char):
            # As the on-screen keys send capitals: the pad writes the name's case itself.
            upper = char.upper()
            pad.press(upper if len(upper) == 1 and not hasattr(pad, "max_digits") else char)
            typed = True
    return typed


def delete(screen) -> bool:
    pad = active_pad(screen)
    if pad is None:
        return False
    pad.press(None)  # None is the pads' Delete
    return True


def snapshot(screen):
    """What the pad holds now, to put back if a burst of keys turns out to be a scan."""
    pad = active_pad(screen)
    if pad is None:
        return None
    attribute = "digits" if hasattr(pad, "max_digits") else "text"
    return pad, attribute, getattr(pad, attribute)


def restore(saved) -> None:
    if saved is not None:
        pad, attribute, value = saved
        setattr(pad, attribute, value)


def press_next(screen) -> bool:
    """Enter: the screen's Next (or Send, Try again) when it is enabled."""
    ids = getattr(screen, "ids", {}) or {}
    for name in NEXT_BUTTONS:
        button = ids.get(name)
        if button is not None:
            if getattr(button, "disabled", False):
                return False
            button.dispatch("on_release")
            return True
    return False
