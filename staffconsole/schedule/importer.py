"""Import one day's appointments from a schedule file: CSV or FHIR R4 JSON, told apart by content.

Readers (csv_reader, fhir_reader) turn a file into `Parsed` items: a booking, a rejection
with its reason, or a warning. `apply` then writes the bookings of the chosen day in
one transaction, upserting by external_id (so importing the same file again changes
nothing), and cancels the day's file-imported appointments that the file no longer
lists. Reasons never quote a patient's name or date of birth.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from staffconsole.schedule import csv_reader, fhir_reader
from staffconsole.schedule.model import Options, Parsed, ScheduleError, Where, place
from staffconsole.store.appointments import (
    appointment_by_external_id,
    appointments_on,
    cancel_missing,
    upsert_appointment,
)
from staffconsole.store.engine import Database
from staffconsole.store.schema import write


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: list[tuple[Where, str]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    other_days: int = 0
    warnings: list[tuple[Where, str]] = field(default_factory=list)
    kind: str = "csv"

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.changed} changed, {self.unchanged} unchanged, "
            f"{len(self.rejected)} rejected, {len(self.cancelled)} cancelled, "
            f"{self.other_days} on other days"
        )

    def problems(self) -> list[str]:
        """One line per rejected row and per warning, in file order."""
        found = [(where, f"{place(where)}: {reason}") for where, reason in self.rejected]
        found += [(where, f"{place(where)}: warning: {text}") for where, text in self.warnings]
        return [text for _, text in sorted(found, key=lambda item: _order(item[0]))]


def _order(where: Where) -> tuple:
    if isinstance(where, int):
        return (where, "")
    number = where.split()[1] if where.startswith("entry ") else ""
    return (int(number) if number.isdigit() else float("inf"), where)


Progress = Callable[[int, int], None]


def _no_progress(done: int, total: int) -> None:
    return None


def apply(
    db: Database,
    items: Iterable[Parsed],
    day: date | None,
    total: int = 0,
    progress: Progress = _no_progress,
    kind: str = "csv",
) -> ImportReport:
    """Write the day's bookings (all days when `day` is None) and report on every item.

    A booking on another day is skipped unless that appointment is already here (it
    moved). With a day, the day's file appointments missing from the file are cancelled,
    except when the file holds nothing for that day at all (an empty or wrong export
    must not cancel a clinic's whole day).
    """
    report = ImportReport(kind=kind)
    mentioned: set[str] = set()
    first_place: dict[str, Where] = {}
    on_day = 0
    with write(db):
        for done, item in enumerate(items, 1):
            progress(done, total)
            if item.external_id:
                mentioned.add(item.external_id)
            if item.warning:
                report.warnings.append((item.where, item.warning))
            if item.reason:
                report.rejected.append((item.where, item.reason))
                continue
            booking = item.booking
            if booking is None:
                continue
            mentioned.add(booking.external_id)
            if booking.external_id in first_place:
                report.rejected.append(
                    (item.where, f"external_id repeats {place(first_place[booking.external_id])}")
                )
                continue
            first_place[booking.external_id] = item.where
            if day is not None and booking.start[:10] != day.isoformat():
                if appointment_by_external_id(db, booking.external_id) is None:
                    report.other_days += 1
                    continue
            else:
                on_day += 1
            result = upsert_appointment(db, **booking.__dict__, source="file")
            setattr(report, result, getattr(report, result) + 1)
        if day is not None and on_day:
            report.cancelled = cancel_missing(db, day, mentioned)
        elif day is not None and (kept := appointments_on(db, day, source="file")):
            message = (
                f"no appointments for {day.isoformat()} in it, so the {len(kept)} "
                "already here were kept, not cancelled"
            )
            report.warnings.append(("file", message))
    return report


def read_text(path: str | Path) -> str:
    """The file's text, UTF-8 with or without a byte-order mark."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise ScheduleError(f"cannot read {path}: {e.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScheduleError(
            f"{path} is not UTF-8 text (bad byte at offset {e.start}); export it as CSV UTF-8"
        ) from None


def detect(text: str) -> str:
    """ "fhir" when the text is JSON (an object or array), else "csv" (content, not the name)."""
    return "fhir" if text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") else "csv"


def import_text(
    db: Database,
    text: str,
    day: date | None = None,
    options: Options | None = None,
    source: str = "schedule",
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import CSV or FHIR JSON text; ScheduleError when it is unusable as a whole."""

    options = options or Options()
    if detect(text) == "fhir":
        try:
            document = json.loads(text.lstrip("\ufeff"))
        except json.JSONDecodeError as e:
            raise ScheduleError(
                f"{source} looks like JSON but is not valid JSON "
                f"(line {e.lineno}, column {e.colno}: {e.msg})"
            ) from None
        total, items = fhir_reader.read_bundle(document, source, options.zone)
        return apply(db, items, day, total, progress, kind="fhir")
    total, items = csv_reader.read_csv(text, source, options)
    return apply(db, items, day, total, progress, kind="csv")


def import_file(
    db: Database,
    path: str | Path,
    day: date | None = None,
    options: Options | None = None,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Import a schedule file (CSV or FHIR R4 Bundle JSON) for one day (None: every day)."""
    return import_text(db, read_text(path), day, options, str(path), progress)


def import_csv_text(
    db: Database,
    text: str,
    source: str = "schedule",
    day: date | None = None,
    options: Options | None = None,
) -> ImportReport:
    """CSV text only (kept for callers of the first version)."""

    total, items = csv_reader.read_csv(text, source, options or Options())
    return apply(db, items, day, total)


def import_csv(db: Database, path: str | Path, day: date | None = None) -> ImportReport:
    """Import a CSV file; ScheduleError when the file as a whole is unusable."""
    return import_csv_text(db, read_text(path), str(path), day)
