"""The lobby board's order, for the console and anyone reading the snapshot.

Waiting patients first, the longest wait on top (wait start, then arrival, then id);
then those called in or seen, the most recent move first. The console page sorts the
same way in board.js, since it keeps arrivals by id and patches them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from staffconsole.clock import ClinicZone, parse
from staffconsole.rules.alerting import wait_starts


def moved_at(arrival: Mapping) -> datetime:
    """When the arrival last moved on: seen, else called in, else arrived."""
    return parse(arrival.get("seen_at") or arrival.get("called_in_at") or arrival["arrived_at"])


def board_order(arrivals: Iterable[Mapping], zone: ClinicZone) -> list:
    """The arrivals in board order (a new list; the rows themselves are not copied)."""
    rows = list(arrivals)
    waiting = sorted(
        (a for a in rows if a["status"] == "waiting"),
        key=lambda a: (wait_starts(a, zone), parse(a["arrived_at"]), a["id"]),
    )
    moved = sorted(
        (a for a in rows if a["status"] != "waiting"),
        key=lambda a: (moved_at(a), a["id"]),
        reverse=True,
    )
    return waiting + moved
