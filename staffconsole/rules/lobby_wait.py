"""What the lobby display may honestly say about a provider's wait. Pure: takes `now`.

The figure comes only from today's real call-ins: for each patient this provider called
in, how long after the later of their booked time and their arrival (coming early is
not waiting). With fewer than MIN_CALLS of those, or none recent, it says nothing rather
than guess. The median of the last RECENT calls smooths one long consultation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_CALLS = 3  # fewer call-ins today: too little to say anything
RECENT = 5  # the figure follows the last few calls, not the morning's
LATE_MIN = 10  # a median wait from this many minutes on is "running late"
STALE = timedelta(minutes=90)  # a provider not calling for this long: the figure is old


@dataclass(frozen=True)
class CallIn:
    wait_from: datetime  # the later of booked time and arrival
    called_at: datetime


@dataclass(frozen=True)
class WaitEstimate:
    minutes: int | None  # rounded to 5; None: too little data to say
    late: bool  # the provider's calls lag their appointment times by LATE_MIN or more
    text: str  # what the display shows ("" when it says nothing)


SILENT = WaitEstimate(None, False, "")


def _round5(minutes: float) -> int:
    return int(5 * round(minutes / 5))


def _median(values: list[float]) -> float:
    values = sorted(values)
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle - 1] + values[middle]) / 2


def estimate(calls: Iterable[CallIn], now: datetime) -> WaitEstimate:
    """A provider's expected wait from today's call-ins (any order), or SILENT."""
    done = sorted((c for c in calls if c.called_at <= now), key=lambda c: c.called_at)
    if len(done) < MIN_CALLS or now - done[-1].called_at > STALE:
        return SILENT
    waits = [max(0.0, (c.called_at - c.wait_from).total_seconds() / 60) for c in done[-RECENT:]]
    typical = _median(waits)
    if typical >= LATE_MIN:
        minutes = _round5(typical)
        return WaitEstimate(minutes, True, f"Running about {minutes} minutes late")
    if typical < 5:
        return WaitEstimate(0, False, "On time")
    minutes = _round5(typical)
    return WaitEstimate(minutes, False, f"About {minutes} minutes")
