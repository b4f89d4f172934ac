"""Kiosk lockdown settings are put into Kivy's Config before any window exists."""

from __future__ import annotations

import dataclasses

import pytest

from kiosk.config import load_config
from kiosk.window import configure_window


@pytest.fixture
def kivy_config():
    from kivy.config import Config

    saved = {
        (s, k): Config.get(s, k)
        for s, k in (
            ("graphics", "fullscreen"),
            ("graphics", "show_cursor"),
            ("graphics", "allow_screensaver"),
            ("kivy", "exit_on_escape"),
            ("input", "mouse"),
            ("graphics", "width"),
            ("graphics", "height"),
            ("graphics", "resizable"),
        )
        if Config.has_option(s, k)
    }
    yield Config
    for (section, key), value in saved.items():
        Config.set(section, key, value)


@pytest.mark.parametrize("fullscreen", [True, False])
def test_lockdown_settings(kivy_config, fullscreen):
    config = dataclasses.replace(
        load_config(None, environ={}), fullscreen=fullscreen, window_size="1024x600"
    )
    configure_window(config)
    get = kivy_config.get
    assert get("kivy", "exit_on_escape") == "0"
    assert get("input", "mouse") == "mouse,disable_multitouch"
    assert get("graphics", "show_cursor") == "0"
    assert get("graphics", "allow_screensaver") == "0"
    if fullscreen:
        assert get("graphics", "fullscreen") == "auto"
    else:
        assert (
            get("graphics", "fullscreen"),
            get("graphics", "width"),
            get("graphics", "height"),
        ) == ("0", "1024", "600")
