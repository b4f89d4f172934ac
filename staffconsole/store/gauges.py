"""What `/metrics` reads from the tables: unresolved alerts by kind and status, and how
long acknowledged alerts waited for a person. Counts and durations only, never a name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from staffconsole.store.engine import Database, seconds_between


def unresolved_by_kind(db: Database) -> dict[tuple[str, str], int]:
    """{(kind, status): count} of alerts not resolved (status open or acknowledged)."""
    rows = db.execute(
        "SELECT kind, status, count(*) FROM alerts WHERE status != 'resolved' GROUP BY kind, status"
    ).fetchall()
    return {(kind, status): count for kind, status, count in rows}


@dataclass(frozen=True)
class Waits:
    """A histogram's figures: cumulative counts at each bound, the count and the sum."""

    buckets: tuple[int, ...]
    count: int
    total_s: float


def time_to_acknowledge(db: Database, bounds: Sequence[float]) -> Waits:
    """From raised to (last) acknowledged, over every alert a person acknowledged.

    An alert resolved without being acknowledged first is not counted; an acknowledged
    alert that returned and was acknowledged again counts its latest acknowledgement.
    """
    waited = seconds_between(db, "acknowledged_at", "created_at")
    at_most = ", ".join(
        f"coalesce(sum(CASE WHEN {waited} <= ? THEN 1 ELSE 0 END), 0)" for _ in bounds
    )
    row = db.execute(
        f"SELECT count(*), coalesce(sum({waited}), 0.0)"
        + (f", {at_most}" if bounds else "")
        + " FROM alerts WHERE acknowledged_at IS NOT NULL",
        list(bounds),
    ).fetchone()
    return Waits(buckets=tuple(int(n) for n in row[2:]), count=row[0], total_s=float(row[1]))
