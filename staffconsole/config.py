"""Server settings, each declared once with its type, default and a one-line help.

Sources, later ones winning: defaults, the `[server]` table of a TOML file,
environment variables `SEEN_<NAME>`, then explicit overrides (command-line flags).
A bad value names where it came from, the key and the value.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENV_PREFIX = "SEEN_"


class ConfigError(Exception):
    """A setting could not be read: unknown key, wrong type or value out of range."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None  # returns a reason when the value is bad


def _positive(value) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _not_negative(value) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _port(value) -> str | None:
    return None if 1 <= value <= 65535 else "must be a TCP port between 1 and 65535"


def _not_empty(value) -> str | None:
    return None if value.strip() else "must not be empty"


def _http_url_or_empty(value) -> str | None:
    ok = not value or value.startswith(("http://", "https://"))
    return None if ok else "must be empty or start with http:// or https://"


def _round_trips(fmt: str, sample: datetime) -> str | None:
    """A strftime format is usable when what it writes reads back as the same moment."""
    try:
        ok = datetime.strptime(sample.strftime(fmt), fmt) == sample
    except ValueError:
        ok = False
    return None if ok else "must be a strftime format with day, month and year, e.g. %d/%m/%Y"


def _date_format(value) -> str | None:
    return _round_trips(value, datetime(1987, 11, 30))


def _datetime_format(value) -> str | None:
    reason = _round_trips(value, datetime(1987, 11, 30, 17, 45))
    return reason and reason.replace("%d/%m/%Y", "%d/%m/%Y %H:%M").replace(
        "day, month and year", "day, month, year, hour and minute"
    )


def _timezone(value) -> str | None:
    if not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as Europe/Paris, or empty for the server's"
    return None


SETTINGS: tuple[Setting, ...] = (
    Setting("db_path", str, "seen.db", "SQLite database file (created if missing)", _not_empty),
    Setting("host", str, "127.0.0.1", "address the server listens on", _not_empty),
    Setting("port", int, 8400, "TCP port the server listens on", _port),
    Setting("clinic_name", str, "Seen Clinic", "clinic name shown on the console", _not_empty),
    Setting(
        "session_deadline_s",
        int,
        120,
        "seconds after a kiosk session's last event before it is an unresponsive_session alert",
        _positive,
    ),
    Setting("watchdog_interval_s", float, 1.0, "seconds between watchdog rule passes", _positive),
    Setting("heartbeat_interval_s", int, 10, "seconds between kiosk heartbeats", _positive),
    Setting(
        "heartbeats_missed_offline",
        int,
        3,
        "missed heartbeats after which a kiosk counts as offline",
        _positive,
    ),
    Setting(
        "long_wait_min",
        int,
        15,
        "minutes past the later of appointment time and arrival that make a long wait",
        _positive,
    ),
    Setting(
        "console_idle_logoff_min",
        int,
        15,
        "minutes without activity before a console session is signed out",
        _positive,
    ),
    Setting(
        "cookie_secure",
        bool,
        False,
        "send the console session cookie only over HTTPS (turn on behind TLS)",
    ),
    Setting(
        "lobby_busy_waiting",
        int,
        10,
        "more patients than this waiting (arrived, not called in) is a lobby_busy alert",
        _positive,
    ),
    Setting(
        "lobby_busy_median_min",
        int,
        30,
        "a median wait of more than this many minutes is a lobby_busy alert",
        _positive,
    ),
    Setting(
        "console_absent_s",
        int,
        60,
        "seconds with no console page open, while kiosks are online, before a no_console "
        "alert (and kiosks send patients to the front desk)",
        _positive,
    ),
    Setting(
        "resound_s",
        int,
        60,
        "seconds between repeated sounds for an alert nobody has acknowledged",
        _positive,
    ),
    Setting(
        "escalate_after_s",
        int,
        180,
        "seconds an alert may stay unacknowledged before it is escalated",
        _positive,
    ),
    Setting(
        "ack_timeout_s",
        int,
        600,
        "seconds an acknowledged alert may stay unresolved before it is new again",
        _positive,
    ),
    Setting(
        "escalation_webhook_url",
        str,
        "",
        "URL that receives a JSON POST for each escalated alert (empty: none)",
        _http_url_or_empty,
    ),
    Setting(
        "schedule_date_format",
        str,
        "%Y-%m-%d",
        "how schedule CSV files write dates of birth (strftime codes, e.g. %d/%m/%Y); "
        "ISO dates are always accepted",
        _date_format,
    ),
    Setting(
        "schedule_datetime_format",
        str,
        "%Y-%m-%dT%H:%M",
        "how schedule CSV files write appointment starts (e.g. %d/%m/%Y %H:%M); "
        "ISO is always accepted",
        _datetime_format,
    ),
    Setting(
        "clinic_timezone",
        str,
        "",
        "IANA time zone of the clinic (e.g. Europe/Paris): its today and every local time "
        "(look-ups, console, waits, imports); empty: the server's own",
        _timezone,
    ),
    Setting(
        "tls_cert",
        str,
        "",
        "PEM server certificate (from `staffconsole tls init`); with tls_key, serve HTTPS",
    ),
    Setting("tls_key", str, "", "PEM private key of tls_cert"),
    Setting(
        "lookup_rate_max",
        int,
        30,
        "look-ups one kiosk may make in lookup_rate_window_s; more are refused (429) and "
        "raise a lookup_rate alert",
        _positive,
    ),
    Setting(
        "lookup_rate_window_s",
        int,
        600,
        "seconds over which a kiosk's look-ups are counted",
        _positive,
    ),
    Setting(
        "lookup_late_hours",
        float,
        0.0,
        "a look-up does not offer today's appointments that started more than this many "
        "hours ago (0: any of today's)",
        _not_negative,
    ),
    Setting(
        "max_body_bytes",
        int,
        4 * 1024 * 1024,
        "largest request body accepted; larger ones get 413",
        _positive,
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}

Settings = dataclasses.make_dataclass(
    "Settings",
    [(s.name, s.type, dataclasses.field(default=s.default)) for s in SETTINGS],
    frozen=True,
)
Settings.__doc__ = "The server's settings; build with load_settings()."


def _coerce(setting: Setting, value: Any, where: str) -> Any:
    """Check a TOML or override value's type; ints are fine where floats are wanted."""
    wanted = setting.type
    ok = isinstance(value, wanted) and not (wanted is not bool and isinstance(value, bool))
    if wanted is float and isinstance(value, int) and not isinstance(value, bool):
        value, ok = float(value), True
    if not ok:
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
        if key != "server":
            raise ConfigError(f"{path}: unknown key {key!r}: settings belong in a [server] table")
    table = document.get("server", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: server = {table!r}: expected a [server] table")
    return table


def load_settings(
    path: str | Path | None = None,
    environ: Mapping[str, str] = os.environ,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from defaults, an optional TOML file, SEEN_* variables and overrides."""
    values = {s.name: s.default for s in SETTINGS}
    if path is not None:
        for key, value in _read_toml(Path(path)).items():
            setting = BY_NAME.get(key)
            if setting is None:
                raise ConfigError(f"{path}: unknown setting {key!r} in [server] = {value!r}")
            values[key] = _checked(setting, _coerce(setting, value, str(path)), str(path))
    # Other SEEN_* variables (the demo's, the kiosk's) are not ours: they are left alone.
    for setting in SETTINGS:
        variable = ENV_PREFIX + setting.name.upper()
        if variable in environ:
            where = f"environment variable {variable}"
            values[setting.name] = _checked(
                setting, _from_text(setting, environ[variable], where), where
            )
    for key, value in (overrides or {}).items():
        setting = BY_NAME.get(key)
        if setting is None:
            raise ConfigError(f"override: unknown setting {key!r} = {value!r}")
        values[key] = _checked(setting, _coerce(setting, value, "override"), "override")
    return Settings(**values)


def settings_table_markdown() -> str:
    """The settings as a Markdown table, for the docs."""
    lines = [
        "| setting | environment variable | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for s in SETTINGS:
        default = str(s.default).lower() if s.type is bool else repr(s.default).replace("'", '"')
        lines.append(f"| `{s.name}` | `{ENV_PREFIX}{s.name.upper()}` | `{default}` | {s.help} |")
    return "\n".join(lines) + "\n"
