"""The server's clock at the edges, and one text form for timestamps.

Rule functions take `now`; only the HTTP edge, the watchdog loop and the CLI call
`utcnow()`. Timestamps are stored as UTC ISO 8601 with microseconds always present,
so they compare correctly as text in SQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


def local_today() -> date:
    """Today's date in the clinic (the server's local time zone)."""
    return datetime.now().date()


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
