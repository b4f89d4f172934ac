"""Arrivals after check-in: called in, then seen. (Minimal version from the schedule helper.)

Merge note: the console helper owns this module and writes the full version with this
same `set_status(db, arrival_id, status, by, now)` signature; the push API calls it.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from staffconsole.clock import iso
from staffconsole.errors import Invalid, NotFound
from staffconsole.schema import first_row, write

STATUSES = ("called_in", "seen")


def arrival_cause(arrival_id: int) -> str:
    return f"arrival:{arrival_id}"


def set_status(db: Database, arrival_id: int, status: str, by: str, now: datetime) -> dict:
    """Mark an arrival called in or seen (first time kept) and close its long_wait alert."""
    if status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    column = f"{status}_at"
    with write(db):
        found = first_row(db, "SELECT id FROM arrivals WHERE id = ?", [arrival_id])
        if found is None:
            raise NotFound(f"no arrival with id {arrival_id}")
        # Only a real change is written, so the arrival feed does not repeat itself.
        db.execute(f"UPDATE arrivals SET status = ?, {column} = coalesce({column}, ?) "
                   f"WHERE id = ? AND (status != ? OR {column} IS NULL)",
                   [status, iso(now), arrival_id, status])
        db.execute("UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
                   "outcome = 'other', note = ? WHERE kind = 'long_wait' AND cause = ? "
                   "AND status != 'resolved'",
                   [by, iso(now), status.replace("_", " "), arrival_cause(arrival_id)])
        return first_row(db, "SELECT * FROM arrivals WHERE id = ?", [arrival_id])
