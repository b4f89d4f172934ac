"""`staffconsole`: run the server and manage kiosks, staff logins, the schedule and alerts.

Every subcommand takes --db PATH and --config PATH. Errors are one line on stderr
and a non-zero exit, never a traceback. Each module here adds its own subcommands.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

import psycopg

from seen.settings import ConfigError
from seen.terminal import shown
from staffconsole import __version__
from staffconsole.cli import accounts, displays, hl7, records, schedule, serve, upkeep
from staffconsole.cli.common import CliError
from staffconsole.errors import StoreError
from staffconsole.report import export as report_export
from staffconsole.report import figures as report
from staffconsole.schedule.model import ScheduleError
from staffconsole.store.schema import DatabaseError

__all__ = ["CliError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db", metavar="PATH", help="SQLite file, or a postgresql:// URL (setting db_path)"
    )
    common.add_argument("--config", metavar="PATH", help="server TOML file ([server] table)")

    parser = argparse.ArgumentParser(
        prog="staffconsole", description="Seen staff console server and admin commands."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in (serve, accounts, displays, schedule, records, upkeep, hl7):
        module.add_parsers(commands, common)
    return parser


# The one place errors become an exit code and a line on stderr (never a traceback).
# 2: the schedule file as a whole is unusable; 1: anything else refused, including a
# database that is locked or refuses a write (the change and its audit row roll back).
EXIT_CODES: dict[type[Exception], int] = {
    ScheduleError: 2,
    CliError: 1,
    ConfigError: 1,
    DatabaseError: 1,
    sqlite3.Error: 1,
    psycopg.Error: 1,
    StoreError: 1,
    report.BadPeriod: 1,
    report_export.NamesRefused: 1,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except tuple(EXIT_CODES) as e:
        print(f"staffconsole: {shown(e)}", file=sys.stderr)
        return next(EXIT_CODES[cls] for cls in type(e).__mro__ if cls in EXIT_CODES)
    except KeyboardInterrupt:
        return 130
