"""Read a schedule CSV into bookings: header (with a column map), rows, dates in a set format.

Canonical columns: external_id, first_name, last_name, dob, start, provider; optional
status (booked or cancelled) and code (what the patient types or scans at the kiosk).
Other columns are ignored. `--map "Surname=last_name,MRN=external_id"` names the
columns of another system's export. Dates of birth are read in the configured format
or ISO; starts are clinic-local, in the configured format or ISO, never with an offset.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from staffconsole.rules.names import format_words, normalise_dob
from staffconsole.schedule.model import Booking, Options, Parsed, ScheduleError
from staffconsole.store.appointments import STATUSES

COLUMNS = ("external_id", "first_name", "last_name", "dob", "start", "provider")
OPTIONAL = ("status", "code")
MAX_TEXT = 100
MAX_ID = 64


def _header_key(name: str) -> str:
    return " ".join(name.split()).lower()


def parse_map(text: str) -> dict[str, str]:
    """`"Surname=last_name, MRN=external_id"` as {"surname": "last_name", "mrn": ...}."""
    mapping: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        other, sep, canonical = part.partition("=")
        other, canonical = _header_key(other), canonical.strip().lower()
        if not sep or not other or not canonical:
            raise ScheduleError(
                f"--map {part.strip()!r}: expected OTHER=CANONICAL, e.g. Surname=last_name"
            )
        if canonical not in COLUMNS + OPTIONAL:
            raise ScheduleError(
                f"--map {part.strip()!r}: {canonical!r} is not a schedule "
                f"column; use one of {', '.join(COLUMNS + OPTIONAL)}"
            )
        if other in mapping:
            raise ScheduleError(f"--map names the column {other!r} twice")
        mapping[other] = canonical
    return mapping


def _text(row: dict, column: str, limit: int = MAX_TEXT) -> str:
    value = " ".join((row.get(column) or "").split())
    if not value:
        raise ValueError(f"{column} is empty")
    if len(value) > limit:
        raise ValueError(f"{column} is longer than {limit} characters")
    return value


def _start(text: str, fmt: str) -> datetime:
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        try:
            start = datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(
                f"start is not a date and time like {format_words(fmt)} (or 2026-11-22T10:30)"
            ) from None
    if start.tzinfo is not None:
        raise ValueError("start must be clinic-local time, without a UTC offset")
    return start


def parse_row(row: dict, options: Options | None = None) -> Booking:
    """One CSV row (canonical column names) as a Booking; ValueError says what is wrong."""
    options = options or Options()
    try:
        dob = normalise_dob(_text(row, "dob"), options.date_format)
    except ValueError as e:
        raise ValueError(f"dob {e}") from None
    start = _start(_text(row, "start"), options.datetime_format)
    if dob > start.date().isoformat():
        raise ValueError("dob is after the appointment")
    status = (row.get("status") or "booked").strip().lower() or "booked"
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    code = "".join((row.get("code") or "").split()) or None  # as the kiosk part reads it
    if code and len(code) > MAX_ID:
        raise ValueError(f"code is longer than {MAX_ID} characters")
    timespec = "seconds" if start.second else "minutes"
    return Booking(
        external_id=_text(row, "external_id", MAX_ID),
        first_name=_text(row, "first_name"),
        last_name=_text(row, "last_name"),
        dob=dob,
        start=start.isoformat(timespec=timespec),
        provider=_text(row, "provider"),
        status=status,
        code=code,
    )


def _header(fields: list[str], source: str, mapping: dict[str, str]) -> list[str]:
    names = [_header_key(name) for name in fields]
    for other, canonical in mapping.items():
        if other not in names:
            raise ScheduleError(
                f"{source}: header has no column {other!r} (mapped to {canonical} by --map)"
            )
    header = [mapping.get(name, name) for name in names]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ScheduleError(
            f"{source}: header lacks {', '.join(missing)}; expected "
            f"{','.join(COLUMNS)} (or name your columns with --map)"
        )
    doubled = sorted(
        {name for name in header if name in COLUMNS + OPTIONAL and header.count(name) > 1}
    )
    if doubled:
        raise ScheduleError(f"{source}: header has more than one {', '.join(doubled)} column")
    return header


def read_csv(text: str, source: str, options: Options) -> tuple[int, Iterator[Parsed]]:
    """Check the header now (ScheduleError), then yield one Parsed per non-blank row."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = _header(next(reader), source, options.column_map)
    except StopIteration:
        raise ScheduleError(f"{source} is empty; expected a header: {','.join(COLUMNS)}") from None
    except csv.Error as e:
        raise ScheduleError(f"{source}: header is not valid CSV ({e})") from None
    total = max(text.count("\n") - 1, 1)
    return total, _rows(reader, header, options)


def _rows(reader, header: list[str], options: Options) -> Iterator[Parsed]:
    id_at = header.index("external_id")
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield Parsed(line, reason=f"not valid CSV ({e})")
            continue
        if not any(value.strip() for value in fields):
            continue  # blank lines are not appointments
        external_id = fields[id_at].strip() if len(fields) > id_at else ""
        external_id = external_id if 0 < len(external_id) <= MAX_ID else None
        if len(fields) != len(header):
            yield Parsed(
                line,
                reason=f"expected {len(header)} fields, found {len(fields)}",
                external_id=external_id,
            )
            continue
        try:
            booking = parse_row(dict(zip(header, fields)), options)
        except ValueError as e:
            yield Parsed(line, reason=str(e), external_id=external_id)
            continue
        yield Parsed(line, booking=booking)
