"""One touch input line, whatever Kivy's defaults say; the shipped Kivy config is complete
for the Kivy version installed (else Kivy would "upgrade" it and add double inputs back)."""

from __future__ import annotations

import configparser
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO

from hardware.touch import apply, input_lines, kiosk_settings

KIVY_INI = REPO / "deploy" / "raspberry-pi" / "kivy-config.ini"


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser


@pytest.mark.parametrize(
    ("touch", "lines"),
    [
        ("mouse", {"mouse": "mouse,disable_multitouch"}),
        ("probesysfs,provider=hidinput", {"touch": "probesysfs,provider=hidinput"}),
        (
            " hidinput,/dev/input/by-path/platform-x-event ",
            {"touch": "hidinput,/dev/input/by-path/platform-x-event"},
        ),
    ],
)
def test_one_input_line(touch, lines):
    assert input_lines(touch) == lines


def test_apply_replaces_kivys_default_input_lines():
    # What Kivy writes by default on Linux: two providers for one panel.
    config = configparser.ConfigParser(interpolation=None)
    config.read_dict(
        {"input": {"mouse": "mouse", "%(name)s": "probesysfs"}, "graphics": {}, "kivy": {}}
    )
    apply(config, "probesysfs,provider=hidinput", rotation=90, fullscreen=True)
    assert dict(config["input"]) == {"touch": "probesysfs,provider=hidinput"}
    assert config["graphics"]["rotation"] == "90" and config["graphics"]["show_cursor"] == "0"
    assert config["kivy"]["exit_on_escape"] == "0"
    assert config["kivy"]["keyboard_mode"] == "system"


def test_no_cursor_even_in_a_window():
    # Patients touch; a pointer left on the screen only confuses them (demo windows too).
    assert ("graphics", "show_cursor", "0") in kiosk_settings("mouse", 0, fullscreen=False)


@pytest.mark.e2e
def test_shipped_kivy_config_is_complete_and_has_one_input_line(tmp_path):
    # Kivy's own defaults, written by the installed Kivy into an empty KIVY_HOME.
    subprocess.run(
        [sys.executable, "-c", "import kivy.config"],
        check=True,
        timeout=60,
        env={
            "KIVY_HOME": str(tmp_path),
            "KIVY_NO_ARGS": "1",
            "KIVY_NO_CONSOLELOG": "1",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
    )
    defaults, ours = read_ini(tmp_path / "config.ini"), read_ini(KIVY_INI)
    source = Path(importlib.util.find_spec("kivy.config").origin).read_text()
    version = re.search(r"^KIVY_CONFIG_VERSION = (\d+)", source, re.MULTILINE)[1]
    assert ours["kivy"]["config_version"] == version
    for section in defaults.sections():
        if section == "input":
            continue
        missing = set(defaults[section]) - set(ours[section])
        assert not missing, f"kivy-config.ini [{section}] lacks {sorted(missing)}"
    assert dict(ours["input"]) == {"mouse": "mouse,disable_multitouch"}
    assert ours["kivy"]["exit_on_escape"] == "0" and ours["graphics"]["show_cursor"] == "0"
    assert ours["kivy"]["keyboard_mode"] == "system"
    assert ours["graphics"]["fullscreen"] == "auto"
    assert ours["graphics"]["allow_screensaver"] == "0"
