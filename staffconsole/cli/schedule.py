"""`staffconsole import-schedule`: one day's appointments from a CSV or FHIR file."""

from __future__ import annotations

import os
import sys
from datetime import date

from seen.terminal import shown
from staffconsole.cli.common import CliError, actor, clinic_clock, open_store, settings_from
from staffconsole.clock import ClinicClock, utcnow
from staffconsole.progress import ProgressBar
from staffconsole.schedule import csv_reader
from staffconsole.schedule.importer import import_text, read_text
from staffconsole.schedule.model import Options
from staffconsole.store.audit import audited


def add_parsers(commands, common) -> None:
    imp = commands.add_parser(
        "import-schedule",
        parents=[common],
        help="import one day's appointments from a CSV or FHIR R4 Bundle (JSON) file",
    )
    imp.add_argument("file", help="CSV or FHIR JSON; told apart by content")
    imp.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day to import (default: today in the clinic)"
    )
    imp.add_argument(
        "--map",
        metavar="OTHER=CANONICAL,...",
        help="CSV column names of another export, e.g. Surname=last_name,MRN=external_id",
    )
    imp.add_argument(
        "--date-format",
        metavar="FMT",
        help="how the CSV writes dates of birth (setting schedule_date_format)",
    )
    imp.add_argument(
        "--datetime-format",
        metavar="FMT",
        help="how the CSV writes starts (setting schedule_datetime_format)",
    )
    imp.add_argument(
        "--progress",
        action="store_true",
        help="draw a progress bar on stderr (default: only for large files on a terminal)",
    )
    imp.set_defaults(handler=cmd_import_schedule)


def _import_day(text: str | None, clock: ClinicClock) -> date:
    if text is None:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"--date {text!r}: expected a date like 2026-11-22") from None


def cmd_import_schedule(args) -> int:
    settings = settings_from(
        args, schedule_date_format=args.date_format, schedule_datetime_format=args.datetime_format
    )
    clock = clinic_clock(settings)
    day = _import_day(args.date, clock)
    db = open_store(args)
    bar = None
    if args.progress or (sys.stderr.isatty() and _is_large(args.file)):
        bar = ProgressBar(sys.stderr)
    try:
        options = Options(
            column_map=csv_reader.parse_map(args.map or ""),
            date_format=settings.schedule_date_format,
            datetime_format=settings.schedule_datetime_format,
            zone=clock.zone,
        )
        text = read_text(args.file)
        target = os.path.basename(args.file)
        with audited(db, actor(), "schedule.import", target, None, utcnow()) as entry:
            done = import_text(db, text, day, options, args.file, progress=bar or _quiet)
            entry.detail.update(
                kind=done.kind,
                day=day.isoformat(),
                added=done.added,
                changed=done.changed,
                rejected=len(done.rejected),
                cancelled=done.cancelled,
            )
    finally:
        if bar:
            bar.finish()
    for line in done.problems():
        print(shown(line), file=sys.stderr)
    if done.cancelled:
        print(f"Cancelled (no longer in the schedule): {shown(', '.join(done.cancelled))}")
    print(f"Imported {shown(args.file)} ({done.kind}, {day.isoformat()}): {done.summary()}.")
    return 0 if done.ok else 1


LARGE_FILE_BYTES = 256 * 1024  # about 4,000 rows; smaller files import in a blink


def _is_large(path: str) -> bool:
    try:
        return os.path.getsize(path) >= LARGE_FILE_BYTES
    except OSError:
        return False


def _quiet(done: int, total: int) -> None:
    return None
