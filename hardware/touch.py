"""Kivy input settings for a kiosk's touch panel: exactly ONE provider for it.

Kivy's default config on Linux lists the `mouse` provider (touches that SDL turns into
mouse events) and `probesysfs` (the same panel read again from /dev/input): one tap
then arrives twice. A kiosk keeps one line: `mouse` (SDL's events, under X or KMSDRM)
or a kernel provider such as `probesysfs,provider=hidinput` /
`hidinput,/dev/input/by-path/...-event`. Pure apart from `apply`.
"""

from __future__ import annotations

ROTATIONS = (0, 90, 180, 270)


def input_lines(touch_input: str) -> dict[str, str]:
    """The whole [input] section for one touch provider line."""
    value = touch_input.strip()
    if value in ("mouse", ""):
        # No right-click "multitouch" red dots: they would stay on a patient's screen.
        return {"mouse": "mouse,disable_multitouch"}
    return {"touch": value}


def kiosk_settings(touch_input: str, rotation: int, fullscreen: bool) -> list[tuple[str, str, str]]:
    """(section, key, value) for Kivy's Config: one input line, rotation, no cursor, no Escape."""
    settings = [
        ("graphics", "rotation", str(rotation)),
        ("graphics", "show_cursor", "0"),
        ("kivy", "exit_on_escape", "0"),
        # A USB barcode scanner is a keyboard: take real key events, show no
        # virtual keyboard (the screens have their own big keys).
        ("kivy", "keyboard_mode", "system"),
    ]
    settings += [("input", key, value) for key, value in input_lines(touch_input).items()]
    return settings


def apply(kivy_config, touch_input: str, rotation: int, fullscreen: bool) -> None:
    """Replace Kivy's [input] section and set the kiosk's graphics and keyboard options."""
    if kivy_config.has_section("input"):
        for key in list(kivy_config.options("input")):
            kivy_config.remove_option("input", key)
    for section, key, value in kiosk_settings(touch_input, rotation, fullscreen):
        kivy_config.set(section, key, value)
