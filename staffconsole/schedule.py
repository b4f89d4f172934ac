"""Import the day's appointments from a CSV export of the practice system.

Columns: external_id, first_name, last_name, dob, start, provider (and optionally
status: booked or cancelled; code: the appointment code a patient may type or scan at
the kiosk, which defaults to the external_id). Dates are ISO (`1980-02-04`); `start` is a
clinic-local ISO date-time without an offset (`2026-11-22T10:30`). A bad row is
reported as "line N: reason" and skipped; good rows are upserted by external_id,
so importing the same file again changes nothing. Reasons never quote a
patient's name or date of birth.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlite_utils import Database

from staffconsole.store_schedule import STATUSES, upsert_appointment

COLUMNS = ("external_id", "first_name", "last_name", "dob", "start", "provider")
MAX_TEXT = 100
MAX_ID = 64


class ScheduleError(Exception):
    """The schedule file as a whole cannot be read (missing, not UTF-8, wrong header)."""


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return (f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
                f"{len(self.rejected)} rejected")


def _text(row: dict, column: str, limit: int = MAX_TEXT) -> str:
    value = " ".join((row.get(column) or "").split())
    if not value:
        raise ValueError(f"{column} is empty")
    if len(value) > limit:
        raise ValueError(f"{column} is longer than {limit} characters")
    return value


def parse_row(row: dict) -> dict:
    """One CSV row as upsert_appointment arguments; ValueError says what is wrong."""
    dob_text = _text(row, "dob")
    try:
        dob = date.fromisoformat(dob_text)
    except ValueError:
        raise ValueError("dob is not a real date in YYYY-MM-DD form") from None
    if dob.year < 1880:
        raise ValueError("dob is before 1880")
    start_text = _text(row, "start")
    try:
        start = datetime.fromisoformat(start_text)
    except ValueError:
        raise ValueError("start is not a date and time like 2026-11-22T10:30") from None
    if start.tzinfo is not None:
        raise ValueError("start must be clinic-local time, without a UTC offset")
    if dob > start.date():
        raise ValueError("dob is after the appointment")
    status = (row.get("status") or "booked").strip().lower() or "booked"
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    code = "".join((row.get("code") or "").split()) or None
    if code is not None and len(code) > MAX_ID:
        raise ValueError(f"code is longer than {MAX_ID} characters")
    timespec = "seconds" if start.second else "minutes"
    return {"external_id": _text(row, "external_id", MAX_ID),
            "first_name": _text(row, "first_name"), "last_name": _text(row, "last_name"),
            "dob": dob.isoformat(), "start": start.isoformat(timespec=timespec),
            "provider": _text(row, "provider"), "status": status, "code": code}


def read_text(path: str | Path) -> str:
    """The file's text, UTF-8 with or without a byte-order mark."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ScheduleError(f"cannot read {path}: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScheduleError(f"{path} is not UTF-8 text (bad byte at offset {e.start}); "
                            "export it as CSV UTF-8") from None


def import_csv_text(db: Database, text: str, source: str = "schedule") -> ImportReport:
    """Validate every row, report the bad ones, upsert the good ones."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ScheduleError(
            f"{source} is empty; expected a header: {','.join(COLUMNS)}") from None
    except csv.Error as e:
        raise ScheduleError(f"{source}: header is not valid CSV ({e})") from None
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ScheduleError(f"{source}: header lacks {', '.join(missing)}; "
                            f"expected {','.join(COLUMNS)}")
    report = ImportReport()
    seen: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            report.rejected.append((line, f"not valid CSV ({e})"))
            continue
        if not any(value.strip() for value in fields):
            continue  # blank lines are not appointments
        if len(fields) != len(header):
            report.rejected.append((line, f"expected {len(header)} fields, found {len(fields)}"))
            continue
        try:
            values = parse_row(dict(zip(header, fields)))
        except ValueError as e:
            report.rejected.append((line, str(e)))
            continue
        if values["external_id"] in seen:
            report.rejected.append(
                (line, f"external_id repeats line {seen[values['external_id']]}"))
            continue
        seen[values["external_id"]] = line
        result = upsert_appointment(db, **values)
        setattr(report, result, getattr(report, result) + 1)
    return report


def import_csv(db: Database, path: str | Path) -> ImportReport:
    """Import a CSV file; ScheduleError when the file as a whole is unusable."""
    return import_csv_text(db, read_text(path), source=str(path))
