"""Kiosk settings, each declared once with its type, default and a one-line help.

Sources, later ones winning: defaults, the `[kiosk]` table of a TOML file, then
environment variables `SEEN_KIOSK_<NAME>` (so a token need not sit in the file).
A bad value names the file (or variable), the key and the value.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "SEEN_KIOSK_"
PRINTER_PROFILES = ("epson", "generic58")  # hardware.escpos.PROFILES; checked again on open
DATE_ORDERS = ("MDY", "DMY")
FLOW_CONTROLS = ("xonxoff", "rtscts", "none")  # hardware.printer.FLOW_CONTROLS


class ConfigError(Exception):
    """A kiosk setting could not be read: unknown key, wrong type or bad value."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None  # returns a reason when the value is bad


def _positive(value) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_empty(value) -> str | None:
    return None if value.strip() else "must not be empty"


def _url(value) -> str | None:
    return None if re.match(r"^https?://[^\s/]+", value) else "must start with http:// or https://"


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}"

    return check


def _window_size(value) -> str | None:
    return (
        None
        if re.fullmatch(r"[1-9]\d{1,4}x[1-9]\d{1,4}", value)
        else "must be WIDTHxHEIGHT in pixels, like 1280x800"
    )


def _width(value) -> str | None:
    return None if 16 <= value <= 80 else "must be between 16 and 80 characters"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "server_url", str, "http://127.0.0.1:8400", "base URL of the staff console server", _url
    ),
    Setting("token", str, "", "this kiosk's token from `staffconsole kiosk add NAME`"),
    Setting(
        "outbox_path",
        str,
        "kiosk-outbox.db",
        "SQLite file holding events not yet delivered to the server",
        _not_empty,
    ),
    Setting(
        "printer",
        str,
        "none",
        "receipt printer: none, or a port URL (/dev/ttyUSB0, loop://, a pty path)",
        _not_empty,
    ),
    Setting(
        "printer_profile",
        str,
        "epson",
        "printer model profile: epson or generic58",
        _one_of(*PRINTER_PROFILES),
    ),
    Setting("printer_width", int, 42, "characters per receipt line", _width),
    Setting("printer_baudrate", int, 19200, "serial speed of the printer port", _positive),
    Setting("clinic_name", str, "Seen Clinic", "clinic name printed on receipts", _not_empty),
    Setting(
        "date_order",
        str,
        "MDY",
        "order of the date-of-birth fields: MDY or DMY",
        _one_of(*DATE_ORDERS),
    ),
    Setting(
        "inactivity_prompt_s",
        int,
        45,
        'seconds without a touch before asking "Are you still there?"',
        _positive,
    ),
    Setting(
        "countdown_s",
        int,
        15,
        'seconds the "Are you still there?" countdown runs before a hand-off',
        _positive,
    ),
    Setting("done_return_s", int, 20, "seconds the done screen stays before welcome", _positive),
    Setting(
        "handoff_return_s", int, 30, "seconds the hand-off screen stays before welcome", _positive
    ),
    Setting("heartbeat_s", int, 10, "seconds between heartbeats to the server", _positive),
    Setting(
        "long_wait_min",
        int,
        15,
        "minutes past the later of appointment and arrival to tell the front desk",
        _positive,
    ),
    Setting("fullscreen", bool, True, "fill the screen (turn off for development)"),
    Setting("window_size", str, "1280x800", "window size when not fullscreen", _window_size),
    Setting(
        "printer_flow_control",
        str,
        "xonxoff",
        "printer flow control: xonxoff, rtscts or none (pyserial has no DSR/DTR on Linux)",
        _one_of(*FLOW_CONTROLS),
    ),
    Setting(
        "printer_write_timeout_s",
        int,
        2,
        "seconds a receipt write may take before the printer counts as stuck",
        _positive,
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
        "touch_input",
        str,
        "mouse",
        "the ONE Kivy input line for the touch panel: mouse (SDL), or e.g. "
        "probesysfs,provider=hidinput (two lines give double taps)",
        _not_empty,
    ),
    Setting(
        "rotation",
        int,
        0,
        "screen rotation in degrees: 0, 90, 180 or 270",
        lambda v: None if v in (0, 90, 180, 270) else "must be 0, 90, 180 or 270",
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}

KioskConfig = dataclasses.make_dataclass(
    "KioskConfig",
    [(s.name, s.type, dataclasses.field(default=s.default)) for s in SETTINGS]
    + [("source", str, dataclasses.field(default="defaults"))],
    frozen=True,
)
KioskConfig.__doc__ = "The kiosk's settings; build with load_config()."


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    """Check a TOML value's type (bool is not an int here)."""
    wanted = setting.type
    if isinstance(value, bool) != (wanted is bool) or not isinstance(value, wanted):
        raise ConfigError(f"{where}: {setting.name} = {value!r}: expected {wanted.__name__}")
    return value


def _from_text(setting: Setting, text: str, where: str) -> Any:
    """Read an environment variable's text as the setting's type."""
    try:
        if setting.type is bool:
            lowered = text.strip().lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError
        return setting.type(text.strip())
    except ValueError:
        kind = "true or false" if setting.type is bool else setting.type.__name__
        raise ConfigError(f"{where}: {setting.name} = {text!r}: expected {kind}") from None


def _checked(setting: Setting, value: Any, where: str) -> Any:
    reason = setting.check(value) if setting.check else None
    if reason:
        raise ConfigError(f"{where}: {setting.name} = {value!r}: {reason}")
    return value


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            document = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read config file ({e.strerror})") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None
    for key in document:
        if key != "kiosk":
            raise ConfigError(f"{path}: unknown key {key!r}: settings belong in a [kiosk] table")
    table = document.get("kiosk", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: kiosk = {table!r}: expected a [kiosk] table")
    return table


def load_config(
    path: str | Path | None = None, environ: Mapping[str, str] = os.environ
) -> KioskConfig:
    """Settings from defaults, an optional TOML file and SEEN_KIOSK_* variables.

    A relative outbox_path is taken relative to the config file's folder.
    """
    values = {s.name: s.default for s in SETTINGS}
    if path is not None:
        where = str(path)
        for key, value in _read_toml(Path(path)).items():
            setting = BY_NAME.get(key)
            if setting is None:
                raise ConfigError(f"{where}: unknown setting {key!r} in [kiosk] = {value!r}")
            values[key] = _checked(setting, _coerce(setting, value, where), where)
    for name, text in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        setting = BY_NAME.get(key)
        if setting is None:
            raise ConfigError(f"environment: unknown setting {name} = {text!r}")
        values[key] = _checked(setting, _from_text(setting, text, name), name)
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
        where = str(path) if path is not None else f"{ENV_PREFIX}CA_FILE"
        raise ConfigError(f"{where}: ca_file = {value!r}: file not found ({ca})")
    return str(ca)


def window_size(config: KioskConfig) -> tuple[int, int]:
    """(width, height) from the window_size setting."""
    width, height = config.window_size.split("x")
    return int(width), int(height)


def settings_table() -> str:
    """The settings as a Markdown table (for the docs)."""
    rows = ["| setting | default | help |", "| --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
