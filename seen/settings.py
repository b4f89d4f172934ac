"""Settings declared once (name, type, default, help, limits) and the one loader for them.

A role (the server, the kiosk) declares its settings as a `Role`; `load` reads them from
the defaults, then the role's table of an optional TOML file, then environment variables
`<prefix><NAME>`, then explicit overrides (command-line flags), later ones winning.

Every error names where the value came from (the file, the environment variable or
"override"), the key and the bad value. Unknown keys are errors, with the closest known
one suggested: a misspelt setting silently ignored is a default nobody chose. The same
holds for environment variables inside a role's own prefix; `OTHER_VARIABLES` lists the
SEEN_* names that are not settings (test hooks, the demo's), which every role passes over.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# SEEN_* environment variables that are not settings, with who reads them. A new one
# goes here (and so into docs/settings.md), or the server refuses to start beside it.
OTHER_VARIABLES: dict[str, str] = {
    "SEEN_KIOSK_CONFIG": "the kiosk's TOML file when `kiosk run` or `kiosk doctor` has no "
    "--config (set by the seen-kiosk systemd unit)",
    "SEEN_FAULT_EXIT_AFTER_COMMIT": "test hook: the server exits right after committing "
    "at this point (staffconsole/api/faults.py, the fault campaign)",
    "SEEN_INSTALL_ARCH": "tests: the machine type install.sh checks instead of `uname -m`",
    "SEEN_INSTALL_MOUNTS": "tests: the mount table install.sh reads instead of /proc/mounts",
    "SEEN_INSTALL_SYSTEMCTL": "tests: the systemctl stand-in install.sh --root asks to stop, "
    "start and restart services (tests/deploy/systemctl_standin.py)",
    "SEEN_SANDBOX_ROOT": "tests: the --root folder that stand-in runs the units in",
    "SEEN_INSTALL_STAFFCONSOLE": "tests: the staffconsole a --root install.sh runs to make "
    "the server's certificates (without it a --root run only says it would)",
    "SEEN_SOAK": "tests: 1 runs the fault campaign at soak size (`make soak`)",
    "SEEN_FUZZ_EXAMPLES": "tests: examples per operation of the OpenAPI fuzzing (`make fuzz-soak`)",
    "SEEN_TEST_PRINTER": "tests: a real printer's port for tests/hardware/test_printer_port.py",
    "SEEN_TEST_PRINTER_BAUD": "tests: that printer's speed",
    "SEEN_TEST_PRINTER_FLOW": "tests: that printer's flow control",
    "SEEN_DEMO_DIR": "deploy/demo.py: the folder of the demo's database and configs",
    "SEEN_DEMO_PORT": "deploy/demo.py: the demo server's port",
}


class ConfigError(Exception):
    """A setting could not be read: unknown key, wrong type or bad value."""


@dataclass(frozen=True)
class Setting:
    """One setting: its TOML key (and, upper-cased, its environment variable), type,
    default, one-line help and the values it accepts."""

    name: str
    type: type
    default: Any
    help: str
    greater_than: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple | None = None
    check: Callable[[Any], str | None] | None = None  # returns a reason when the value is bad

    def problem(self, value: Any) -> str | None:
        """Why the value is not acceptable, or None."""
        if self.choices is not None and value not in self.choices:
            return f"must be one of {', '.join(str(c) for c in self.choices)}"
        if self.greater_than is not None and not value > self.greater_than:
            return f"must be greater than {self.greater_than}"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None and not low <= value <= high:
            return f"must be between {low} and {high}"
        if low is not None and value < low:
            return f"must be {low} or more"
        if high is not None and value > high:
            return f"must be {high} or less"
        return self.check(value) if self.check else None


@dataclass(frozen=True)
class Role:
    """The settings of one program: its TOML table, its environment prefix, and the
    prefixes inside that one owned by another role (left to it)."""

    table: str
    env_prefix: str
    settings: tuple[Setting, ...]
    foreign_prefixes: tuple[str, ...] = ()

    def variable(self, setting: Setting) -> str:
        return self.env_prefix + setting.name.upper()

    def by_name(self) -> dict[str, Setting]:
        return {s.name: s for s in self.settings}


def not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


def settings_class(name: str, role: Role, doc: str, extra=()) -> type:
    """A frozen dataclass with one field per setting (default: the declared one)."""
    fields = [(s.name, s.type, dataclasses.field(default=s.default)) for s in role.settings]
    cls = dataclasses.make_dataclass(name, [*fields, *extra], frozen=True)
    cls.__doc__ = doc
    return cls


def _closest(wrong: str, names: list[str]) -> str | None:
    """The declared name closest to a wrong one (case aside), if any is close."""
    close = difflib.get_close_matches(wrong.lower(), names, n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(key: str, by_name: Mapping[str, Setting]) -> str:
    close = _closest(key, list(by_name))
    return f"; did you mean {close!r}?" if close else ""


def _typed(setting: Setting, value: Any, where: str) -> Any:
    """A TOML or override value of the setting's type (bool is no int; an int is a float)."""
    wanted = setting.type
    if wanted is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) != (wanted is bool) or not isinstance(value, wanted):
        raise ConfigError(f"{where}: {setting.name} = {value!r}: expected {wanted.__name__}")
    return value


def _from_text(setting: Setting, text: str, where: str) -> Any:
    """An environment variable's text read as the setting's type."""
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


def _accepted(setting: Setting, value: Any, where: str) -> Any:
    reason = setting.problem(value)
    if reason:
        raise ConfigError(f"{where}: {setting.name} = {value!r}: {reason}")
    return value


def _read_table(role: Role, path: Path) -> dict:
    """The role's table of a TOML file; any other top-level key is an error."""
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
        if key != role.table:
            raise ConfigError(
                f"{path}: unknown key {key!r}: settings belong in a [{role.table}] table"
            )
    table = document.get(role.table, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {role.table} = {table!r}: expected a [{role.table}] table")
    return table


def _from_environment(role: Role, environ: Mapping[str, str]) -> dict[str, Any]:
    by_variable = {role.variable(s): s for s in role.settings}
    values = {}
    for variable, text in environ.items():
        if (
            not variable.startswith(role.env_prefix)
            or variable in OTHER_VARIABLES
            or variable.startswith(role.foreign_prefixes)
        ):
            continue
        setting = by_variable.get(variable)
        if setting is None:
            close = _closest(variable[len(role.env_prefix) :], [s.name for s in role.settings])
            hint = (
                f"; did you mean {role.env_prefix}{close.upper()}?"
                if close
                else f" (not a {role.table} setting nor in seen.settings.OTHER_VARIABLES; "
                "see docs/settings.md)"
            )
            raise ConfigError(f"environment: unknown setting {variable} = {text!r}{hint}")
        where = f"environment variable {variable}"
        values[setting.name] = _accepted(setting, _from_text(setting, text, where), where)
    return values


def load(
    role: Role,
    path: str | Path | None,
    environ: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every setting's value: defaults < TOML file < environment < overrides."""
    by_name = role.by_name()
    values = {s.name: s.default for s in role.settings}
    if path is not None:
        for key, value in _read_table(role, Path(path)).items():
            setting = by_name.get(key)
            if setting is None:
                raise ConfigError(
                    f"{path}: unknown setting {key!r} in [{role.table}] = {value!r}"
                    + _did_you_mean(key, by_name)
                )
            values[key] = _accepted(setting, _typed(setting, value, str(path)), str(path))
    values.update(_from_environment(role, environ))
    for key, value in (overrides or {}).items():
        setting = by_name.get(key)
        if setting is None:
            raise ConfigError(
                f"override: unknown setting {key!r} = {value!r}" + _did_you_mean(key, by_name)
            )
        values[key] = _accepted(setting, _typed(setting, value, "override"), "override")
    return values


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return json.dumps(value) if isinstance(value, str) else repr(value)


def markdown_table(role: Role) -> str:
    """The role's settings as a Markdown table (for docs/settings.md)."""
    lines = [
        "| setting | environment variable | default | what it does |",
        "| --- | --- | --- | --- |",
    ]
    for s in role.settings:
        lines.append(
            f"| `{s.name}` | `{role.variable(s)}` | `{_toml_value(s.default)}` | {s.help} |"
        )
    return "\n".join(lines) + "\n"


def other_variables_table() -> str:
    """OTHER_VARIABLES as a Markdown table."""
    lines = ["| variable | read by |", "| --- | --- |"]
    lines += [f"| `{name}` | {what} |" for name, what in OTHER_VARIABLES.items()]
    return "\n".join(lines) + "\n"
