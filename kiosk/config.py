"""Kiosk settings, each declared once with its type, default and a one-line help.

Sources, later ones winning: defaults, the `[kiosk]` table of a TOML file, then
environment variables `SEEN_KIOSK_<NAME>` (so a token need not sit in the file).
The loader and its errors are seen.settings'; docs/settings.md lists them all.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from pathlib import Path

from hardware.usburl import is_usb_url, parse_usb_url
from kiosk.speech import engine_problem
from seen.log_setup import LOG_FORMATS
from seen.settings import (
    ConfigError,
    Role,
    Setting,
    load,
    markdown_table,
    not_empty,
    settings_class,
)

PRINTER_PROFILES = (
    "epson",
    "tm-t20",
    "generic58",
    "generic58-nocut",
    "epson-nocut",
)  # hardware.escpos.PROFILES; checked again on open
DATE_ORDERS = ("MDY", "DMY")
FLOW_CONTROLS = ("xonxoff", "rtscts", "none")  # hardware.printer.FLOW_CONTROLS
PRINTER_STATUS_MODES = ("auto", "dle_eot", "none")  # hardware.printer.STATUS_MODES


def _url(value) -> str | None:
    return None if re.match(r"^https?://[^\s/]+", value) else "must start with http:// or https://"


def _printer(value) -> str | None:
    if not value.strip():
        return "must not be empty"
    if is_usb_url(value):
        try:
            parse_usb_url(value)
        except ValueError as exc:
            return str(exc)
    return None


def _printer_width(value) -> str | None:
    return None if value == 0 or 16 <= value <= 80 else "must be 0 (the profile's) or 16 to 80"


def _window_size(value) -> str | None:
    return (
        None
        if re.fullmatch(r"[1-9]\d{1,4}x[1-9]\d{1,4}", value)
        else "must be WIDTHxHEIGHT in pixels, like 1280x800"
    )


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "server_url",
        str,
        "http://127.0.0.1:8400",
        "base URL of the staff console server",
        check=_url,
    ),
    Setting("token", str, "", "this kiosk's token from `staffconsole kiosk add NAME`"),
    Setting(
        "outbox_path",
        str,
        "kiosk-outbox.db",
        "SQLite file holding events not yet delivered to the server",
        check=not_empty,
    ),
    Setting(
        "outbox_retention_h",
        int,
        24,
        "hours a delivered (or set-aside) event stays in the outbox before it is deleted; "
        "at most 24: events hold what patients typed",
        minimum=1,
        maximum=24,
    ),
    Setting(
        "outbox_max_server_errors",
        int,
        5,
        "server errors (5xx) an event may get alone before it is set aside so the rest "
        "flow (the desk is told)",
        minimum=1,
        maximum=100,
    ),
    Setting(
        "printer",
        str,
        "none",
        "receipt printer: none, a serial port (/dev/seen-printer, /dev/ttyUSB0, a pty path), "
        "a USB printer-class device (/dev/usb/lp0), socket://HOST:9100 (network) or "
        "usb://VID:PID[?serial=S&interface=N] (raw USB through libusb)",
        check=_printer,
    ),
    Setting(
        "printer_profile",
        str,
        "epson",
        "printer model profile: epson (42 columns), tm-t20 (48), generic58 (32), "
        "generic58-nocut or epson-nocut (no cutter: the slip is fed past the tear bar)",
        choices=PRINTER_PROFILES,
    ),
    Setting(
        "printer_width",
        int,
        0,
        "characters per receipt line, 16 to 80; 0 takes the profile's width",
        check=_printer_width,
    ),
    Setting(
        "printer_status",
        str,
        "auto",
        "how the printer's state is learnt: dle_eot (ask; silence is offline), none (never "
        "ask: printers without status) or auto (ask; a printer that has never answered "
        "prints without status)",
        choices=PRINTER_STATUS_MODES,
    ),
    Setting("printer_baudrate", int, 19200, "serial speed of the printer port", greater_than=0),
    Setting("clinic_name", str, "Seen Clinic", "clinic name printed on receipts", check=not_empty),
    Setting(
        "date_order",
        str,
        "MDY",
        "order of the date-of-birth fields in English: MDY or DMY (Spanish: always day first)",
        choices=DATE_ORDERS,
    ),
    Setting(
        "inactivity_prompt_s",
        int,
        45,
        'seconds without a touch before asking "Are you still there?"',
        greater_than=0,
    ),
    Setting(
        "countdown_s",
        int,
        15,
        'seconds the "Are you still there?" countdown runs before a hand-off',
        greater_than=0,
    ),
    Setting(
        "done_return_s", int, 20, "seconds the done screen stays before welcome", greater_than=0
    ),
    Setting(
        "handoff_return_s",
        int,
        30,
        "seconds the hand-off screen stays before welcome",
        greater_than=0,
    ),
    Setting("heartbeat_s", int, 10, "seconds between heartbeats to the server", greater_than=0),
    Setting(
        "long_wait_min",
        float,
        15.0,
        "minutes past the later of appointment and arrival to tell the front desk",
        greater_than=0,
    ),
    Setting("fullscreen", bool, True, "fill the screen (turn off for development)"),
    Setting("window_size", str, "1280x800", "window size when not fullscreen", check=_window_size),
    Setting(
        "printer_flow_control",
        str,
        "xonxoff",
        "printer flow control: xonxoff, rtscts or none (pyserial has no DSR/DTR on Linux)",
        choices=FLOW_CONTROLS,
    ),
    Setting(
        "printer_write_timeout_s",
        int,
        2,
        "seconds a receipt write may take before the printer counts as stuck",
        greater_than=0,
    ),
    Setting(
        "ca_file",
        str,
        "",
        "PEM file of the clinic CA that signed the server's certificate (https only; "
        "empty: the system's CAs)",
    ),
    Setting(
        "require_display",
        bool,
        False,
        "`kiosk doctor` fails (not warns) when no connected screen is found",
    ),
    Setting(
        "require_touch",
        bool,
        False,
        "`kiosk doctor` fails (not warns) when no touch panel is found",
    ),
    Setting(
        "require_audio",
        bool,
        False,
        "`kiosk doctor` fails (not warns) when no sound card is found for speech mode",
    ),
    Setting(
        "touch_input",
        str,
        "mouse",
        "the ONE Kivy input line for the touch panel: mouse (SDL), or e.g. "
        "probesysfs,provider=hidinput (two lines give double taps)",
        check=not_empty,
    ),
    Setting(
        "rotation",
        int,
        0,
        "screen rotation in degrees: 0, 90, 180 or 270",
        choices=(0, 90, 180, 270),
    ),
    Setting(
        "log_format",
        str,
        "text",
        "log lines on stderr: text (level, logger, message) or json (one object a line); "
        "under systemd each line starts with its journald priority",
        choices=LOG_FORMATS,
    ),
    Setting(
        "speech_engine",
        str,
        "espeak-ng",
        "speech mode's voice: espeak-ng (offline, Debian's package), none (silent) or "
        "record:<file> (writes each phrase asked for to a file, for tests)",
        check=engine_problem,
    ),
    Setting(
        "speech_volume",
        int,
        80,
        "speech mode's starting volume in percent, 10 to 100 (the volume keys change it "
        "for the session)",
        minimum=10,
        maximum=100,
    ),
    Setting("speech_voice_en", str, "en-us", "espeak-ng voice for English", check=not_empty),
    Setting("speech_voice_es", str, "es-419", "espeak-ng voice for Spanish", check=not_empty),
    # Headphones that start speech mode (kiosk/speech/jack.py, docs/kiosk.md).
    Setting(
        "headphones_cards",
        str,
        "/proc/asound/cards",
        "ALSA's card list, watched for a USB headset or sound adapter plugged in (starts "
        "speech mode) or pulled out (stops it); empty: not watched",
    ),
    Setting(
        "headphones_switch",
        str,
        "auto",
        "input device whose headphone-jack switch (SW_HEADPHONE_INSERT) starts and stops "
        "speech mode: a path like /dev/input/event3, auto (the first device the kernel "
        "lists with one) or empty (none)",
    ),
    Setting(
        "headphones_poll_s",
        float,
        0.5,
        "seconds between looks at headphones_cards (and the longest a stop waits)",
        greater_than=0,
    ),
)

KIOSK = Role("kiosk", "SEEN_KIOSK_", SETTINGS)

KioskConfig = settings_class(
    "KioskConfig",
    KIOSK,
    "The kiosk's settings; build with load_config().",
    extra=[("source", str, dataclasses.field(default="defaults"))],
)


def load_config(
    path: str | Path | None = None, environ: Mapping[str, str] = os.environ
) -> KioskConfig:
    """Settings from defaults, an optional TOML file and SEEN_KIOSK_* variables.

    A relative outbox_path is taken relative to the config file's folder.
    """
    values = load(KIOSK, path, environ)
    outbox = Path(values["outbox_path"])
    if path is not None and not outbox.is_absolute():
        values["outbox_path"] = str(Path(path).resolve().parent / outbox)
    values["ca_file"] = _ca_file(values["ca_file"], path)
    return KioskConfig(**values, source=str(path) if path is not None else "defaults")


def _ca_file(value: str, path) -> str:
    """A relative ca_file is beside the config file; a missing one is an error now, not
    a confusing TLS failure later."""
    if not value.strip():
        return ""
    ca = Path(value)
    if path is not None and not ca.is_absolute():
        ca = Path(path).resolve().parent / ca
    if not ca.is_file():
        where = str(path) if path is not None else KIOSK.env_prefix + "CA_FILE"
        raise ConfigError(f"{where}: ca_file = {value!r}: file not found ({ca})")
    return str(ca)


def window_size(config: KioskConfig) -> tuple[int, int]:
    """(width, height) from the window_size setting."""
    width, height = config.window_size.split("x")
    return int(width), int(height)


def settings_table() -> str:
    """The settings as a Markdown table (for the docs)."""
    return markdown_table(KIOSK)
