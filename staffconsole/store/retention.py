"""Retention: what patients typed, kiosk events and the audit rows of reads are deleted
once older than their settings; the watchdog runs `purge` (watch/watchdog.py).

- Typed text (`typed_text_retention_days`): a session's `entered` and its events' `data`
  are emptied once the session's last event is older. The session row stays (the report
  counts sessions and their outcomes), and so does every arrival and alert.
- Kiosk events (`event_retention_days`): deleted once they arrived longer ago, except the
  `session.abandoned` marks the report counts, kept with empty data.
- Audit rows of reads (`audit_read_retention_days`): the `read.*` rows (`audit.READ`: the
  console's snapshot and stream views, the push API's reads) and the `READ_ACTIONS` (report
  exports, user listings). Rows of changes, sign-ins and check-ins stay for good, as
  arrivals and alerts do.
Nothing younger than its limit is touched. Times compare as the ISO text they are stored
as (`clock.iso`: UTC, fixed width), so the cut-offs are plain string comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from seen.vocabulary import SESSION_ABANDONED
from staffconsole.clock import iso
from staffconsole.store.audit import READ
from staffconsole.store.schema import write

# Audit actions, besides the `read.*` ones, that record someone reading patient data.
READ_ACTIONS = ("report.export", "report.export_names", "user.list")


@dataclass(frozen=True)
class Limits:
    """Days each kind of row is kept; build with `from_settings`."""

    typed_text_days: int
    event_days: int
    audit_read_days: int

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            settings.typed_text_retention_days,
            settings.event_retention_days,
            settings.audit_read_retention_days,
        )


@dataclass(frozen=True)
class Purged:
    """How many rows one purge changed or deleted, by kind."""

    sessions_blanked: int = 0
    events_blanked: int = 0
    events_deleted: int = 0
    audit_reads_deleted: int = 0

    @property
    def total(self) -> int:
        return (
            self.sessions_blanked
            + self.events_blanked
            + self.events_deleted
            + self.audit_reads_deleted
        )


def _before(now: datetime, days: int) -> str:
    return iso(now - timedelta(days=days))


def purge(db: Database, now: datetime, limits: Limits) -> Purged:
    """Apply the limits at `now`, in one write transaction; what it did."""
    typed = _before(now, limits.typed_text_days)
    events = _before(now, limits.event_days)
    reads = _before(now, limits.audit_read_days)
    with write(db):
        old_sessions = "SELECT id FROM sessions WHERE last_event_at < ?"
        sessions_blanked = db.execute(
            "UPDATE sessions SET entered = '{}' WHERE last_event_at < ? AND entered != '{}'",
            [typed],
        ).rowcount
        # An event's data may quote what was typed (data.entered, attempts, a walk-in's
        # phone): emptied with its session's text, or when it arrived that long ago.
        events_blanked = db.execute(
            f"UPDATE events SET data = '{{}}' WHERE data != '{{}}' AND "
            f"(received_at < ? OR session_id IN ({old_sessions}))",
            [typed, typed],
        ).rowcount
        events_deleted = db.execute(
            "DELETE FROM events WHERE received_at < ? AND type != ?", [events, SESSION_ABANDONED]
        ).rowcount
        marks = ", ".join("?" for _ in READ_ACTIONS)
        audit_reads_deleted = db.execute(
            f"DELETE FROM audit WHERE at < ? AND (action LIKE ? OR action IN ({marks}))",
            [reads, READ + "%", *READ_ACTIONS],
        ).rowcount
    return Purged(sessions_blanked, events_blanked, events_deleted, audit_reads_deleted)
