"""What a schedule reader makes of a file: bookings, rejections with reasons, warnings.

The readers (csv_reader, fhir_reader) produce these; the importer writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from staffconsole.clock import ClinicZone

Where = int | str  # a CSV line number, or a FHIR place such as "entry 3 (Appointment/x)"


class ScheduleError(Exception):
    """The schedule file as a whole cannot be read (missing, not UTF-8, wrong header)."""


@dataclass(frozen=True)
class Booking:
    """One appointment as the schedule gives it; `dob` "" when the schedule has none."""

    external_id: str
    first_name: str
    last_name: str
    dob: str
    start: str  # clinic-local ISO date-time without offset
    provider: str
    status: str = "booked"
    code: str | None = None


@dataclass(frozen=True)
class Parsed:
    """What a reader made of one row or entry."""

    where: Where
    booking: Booking | None = None
    reason: str | None = None  # rejected: why
    warning: str | None = None  # kept or skipped, but someone should know
    external_id: str | None = None  # known even when the row is rejected


def place(where: Where) -> str:
    return f"line {where}" if isinstance(where, int) else where


@dataclass(frozen=True)
class Options:
    """How to read a file: column map and date formats (CSV), clinic time zone (FHIR)."""

    column_map: dict[str, str] = field(default_factory=dict)
    date_format: str = "%Y-%m-%d"
    datetime_format: str = "%Y-%m-%dT%H:%M"
    zone: ClinicZone = field(default_factory=ClinicZone)  # the clock's; default: the server's
