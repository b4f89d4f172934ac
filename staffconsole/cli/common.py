"""What every admin command shares: settings, the database, who is asking, passwords."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Sequence

from seen.terminal import json_line, shown
from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import load_settings
from staffconsole.store.audit import cli_actor
from staffconsole.store.schema import ensure_schema, open_db


class CliError(Exception):
    """A problem to report in one line on stderr."""


def settings_from(args, **overrides):
    if args.db:
        overrides["db_path"] = args.db
    return load_settings(
        args.config, overrides={k: v for k, v in overrides.items() if v is not None}
    )


def actor() -> str:
    """Who ran an admin command, for the audit log: `cli:<operating-system account>`."""
    try:
        return cli_actor(getpass.getuser())
    except (KeyError, OSError):
        return cli_actor(None)


def clinic_clock(settings) -> ClinicClock:
    """The clinic's clock, as the server builds it from the same settings."""
    return ClinicClock(ClinicZone(settings.clinic_timezone))


def open_store(args):
    db = open_db(settings_from(args).db_path)
    ensure_schema(db)
    return db


def read_password(username: str) -> str:
    if sys.stdin.isatty():
        print("At least 12 characters; a few unrelated words make a good one.", file=sys.stderr)
        first = getpass.getpass(f"Password for {shown(username)}: ")
        if first and getpass.getpass("Same password again: ") != first:
            raise CliError("the two passwords differ; nothing was changed")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def read_password_once(username: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {shown(username)}: ")
    return sys.stdin.readline().rstrip("\r\n")


Column = tuple[str, int, Callable[[dict], str]]  # title, width (0: last, unpadded), value


def print_listing(
    rows: list[dict], columns: Sequence[Column], *, as_json: bool, empty: str
) -> None:
    """Rows as one JSON object per line, or a table of `columns` (stored text escaped)."""
    if as_json:
        for row in rows:
            print(json_line(row))
        return
    if not rows:
        print(empty)
        return
    print("  ".join(f"{title:<{width}}" for title, width, _ in columns).rstrip())
    for row in rows:
        print("  ".join(f"{shown(value(row)):<{width}}" for _, width, value in columns).rstrip())
