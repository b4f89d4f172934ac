"""The clinic's wall clock: its time zone, its "today", and instants turned into local starts."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo


def clinic_zone(name: str = "") -> tzinfo | None:
    """The named IANA zone, or None for the server's own local zone."""
    return ZoneInfo(name) if name else None


def clinic_today(name: str = "", now: datetime | None = None) -> date:
    """Today's date in the clinic (`now` aware, for tests; else the clock)."""
    zone = clinic_zone(name)
    if now is None:
        return datetime.now(zone).date()
    return now.astimezone(zone).date()


def local_start(moment: datetime, name: str = "") -> str:
    """An appointment start as clinic-local naive ISO text (`2026-11-22T10:30`).

    An aware moment (FHIR instants carry an offset) is moved into the clinic's zone
    first; a naive one is taken as already local.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(clinic_zone(name)).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds" if moment.second else "minutes")
