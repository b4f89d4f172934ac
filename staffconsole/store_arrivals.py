"""Arrivals after check-in: called in, then seen. (Minimal version from the schedule helper.)

Merge note: the console helper owns this module and writes the full version with this
same `set_status(db, arrival_id, status, by, now)` signature and the same behaviour
(forward moves only, repeats harmless, audited as `by`, long_wait alert closed); the
push API calls it. Take the console helper's file.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.schema import first_row, write
from staffconsole.store import add_audit

# Moves allowed; "seen" may skip "called_in" (the clinician fetched the patient).
MOVES = {"waiting": ("called_in", "seen"), "called_in": ("seen",), "seen": ()}


def arrival_cause(arrival_id: int) -> str:
    return f"arrival:{arrival_id}"


def _arrival(db: Database, arrival_id: int) -> dict:
    found = first_row(db, "SELECT * FROM arrivals WHERE id = ?", [arrival_id])
    if found is None:
        raise NotFound(f"no arrival with id {arrival_id}")
    return found


def set_status(db: Database, arrival_id: int, status: str, by: str, now: datetime) -> dict:
    """Move an arrival to `called_in` or `seen`; audited; ends its long_wait alert.

    Repeating the current status returns the arrival unchanged; going backwards is
    a Conflict, an unknown status Invalid.
    """
    if status not in ("called_in", "seen"):
        raise Invalid(f"status must be called_in or seen, not {status!r}")
    stamp = iso(now)
    with write(db):
        arrival = _arrival(db, arrival_id)
        if arrival["status"] == status:
            return arrival
        if status not in MOVES[arrival["status"]]:
            raise Conflict(f"arrival {arrival_id} is already {arrival['status'].replace('_', ' ')}")
        db.execute(f"UPDATE arrivals SET status = ?, {status}_at = ?, "
                   "called_in_at = coalesce(called_in_at, ?) WHERE id = ?",
                   [status, stamp, stamp, arrival_id])
        db.execute("UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
                   "updated_at = ?, outcome = ? WHERE kind = 'long_wait' AND cause = ? "
                   "AND status != 'resolved'",
                   [by, stamp, stamp, status, arrival_cause(arrival_id)])
        add_audit(db, by, f"arrival.{status}", arrival_cause(arrival_id), {}, now)
        return _arrival(db, arrival_id)
