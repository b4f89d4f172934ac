"""Kivy window settings; must run before anything imports kivy.core.window."""

from __future__ import annotations

from kiosk.config import window_size


def configure_window(config) -> None:
    """Fullscreen or a fixed window, no exit on Escape, one input per touch, no cursor,
    no screen blanking. (The app itself refuses window-close requests and F1's settings.)"""
    from kivy.config import Config

    if config.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
    else:
        width, height = window_size(config)
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))
        Config.set("graphics", "resizable", "0")
    # One input line for the panel, rotation, no cursor, no exit on Escape (hardware.touch).
    from hardware.touch import apply

    apply(Config, config.touch_input, config.rotation, config.fullscreen)
    # The screen must never blank between patients.
    Config.set("graphics", "allow_screensaver", "0")
