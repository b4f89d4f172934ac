"""The only place that knows "now", "today" and the clinic's local times.

Every "today" and wall time on the server is the clinic's (`clinic_timezone`), whatever
zone the server's own clock is set to; an empty `clinic_timezone` means the server's own
zone (a box set to the clinic's time). The app holds one `ClinicClock`; tests give it a
fake source of instants. Rule functions take `now` (and a `ClinicZone` for local times)
instead of reading the clock.

Timestamps are stored as UTC ISO 8601 with microseconds always present, so they compare
correctly as text in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """The real current time as an aware UTC datetime (the default source of instants)."""
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 text with a fixed width: `2026-11-22T19:30:00.123456+00:00`."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse(text: str) -> datetime:
    """Read back a timestamp written by `iso` (or any aware ISO 8601 text)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without a time zone: {text!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class ClinicZone:
    """The clinic's time zone by IANA name ("" is the server's own): pure conversions.

    A naive datetime is a clinic wall time, as appointment starts are kept.
    """

    name: str = ""
    _tz: tzinfo | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # None makes astimezone() use the server's own zone, with its summer time.
        object.__setattr__(self, "_tz", ZoneInfo(self.name) if self.name else None)

    def local(self, moment: datetime) -> datetime:
        """An aware instant as the clinic's local time (aware, with the clinic's offset)."""
        if moment.tzinfo is None:
            raise ValueError("an instant must be timezone-aware")
        return moment.astimezone(self._tz)

    def day(self, moment: datetime) -> date:
        """The clinic's date at an aware instant."""
        return self.local(moment).date()

    def instant(self, wall: datetime) -> datetime:
        """The aware UTC instant of a clinic wall time (an aware one is only moved to UTC)."""
        if wall.tzinfo is None:
            wall = wall.replace(tzinfo=self._tz) if self._tz else wall.astimezone()
        return wall.astimezone(UTC)

    def midnight(self, day: date) -> datetime:
        """The UTC instant the clinic's `day` starts."""
        return self.instant(datetime.combine(day, time()))

    def local_start(self, moment: datetime) -> str:
        """An appointment start as clinic-local naive ISO text (`2026-11-22T10:30`).

        An aware moment (FHIR instants carry an offset) is moved into the clinic's zone
        first; a naive one is taken as already local.
        """
        if moment.tzinfo is not None:
            moment = self.local(moment).replace(tzinfo=None)
        return moment.isoformat(timespec="seconds" if moment.second else "minutes")


@dataclass(frozen=True)
class ClinicClock:
    """The clinic's clock: a zone and a source of aware instants (real UTC now by default)."""

    zone: ClinicZone = ClinicZone()
    instants: Callable[[], datetime] = utcnow

    def now(self) -> datetime:
        """The current instant, aware, in UTC."""
        moment = self.instants()
        if moment.tzinfo is None:
            raise ValueError("the clock's source must give timezone-aware instants")
        return moment.astimezone(UTC)

    def today(self) -> date:
        """The clinic's date now."""
        return self.zone.day(self.now())

    def local_now(self) -> datetime:
        """The clinic's local time now (aware, with the clinic's offset)."""
        return self.zone.local(self.now())
