"""Retention: what patients typed, kiosk events and the audit rows of reads are deleted
once older than their settings; the watchdog runs `purge` (watch/watchdog.py).

- Typed text (`typed_text_retention_days`): a session's `entered` and its events' `data`
  are emptied once the session's last event is older. The session row stays (the report
  counts sessions and their outcomes), and so does every arrival and alert.
- Resolved alerts about a patient, once resolved longer ago than the typed text's limit:
  their summary becomes the kind's title, "details removed", and their data and note
  lose what was typed (the reason, step and appointment time the report counts stay).
  An alert still open keeps everything: someone must still find that patient.
- Kiosk events (`event_retention_days`): deleted once they arrived longer ago, except the
  `session.abandoned` marks the report counts, kept with empty data.
- Audit rows of reads (`audit_read_retention_days`): the `read.*` rows (`audit.READ`: the
  console's snapshot and stream views, the push API's reads) and the `READ_ACTIONS` (report
  exports, user listings). Rows of changes, sign-ins and check-ins stay for good, as
  arrivals and alerts do (alerts without the patients' words, above).
Nothing younger than its limit is touched. Times compare as the ISO text they are stored
as (`clock.iso`: UTC, fixed width), so the cut-offs are plain string comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from seen.vocabulary import ALERT_KINDS, SESSION_ABANDONED
from staffconsole.clock import iso
from staffconsole.store.audit import READ
from staffconsole.store.engine import Database, json_field
from staffconsole.store.schema import dumps, loads, write

# Audit actions, besides the `read.*` ones, that record someone reading patient data.
READ_ACTIONS = ("report.export", "report.export_names", "user.list")


# Alert kinds whose card quotes a patient (what they typed, or their display name), and
# the keys of their data that do not (the report counts by them).
PATIENT_ALERT_KINDS = (
    *(name for name, kind in ALERT_KINDS.items() if kind.handoff),
    "unresponsive_session",
    "long_wait",
)
KEPT_ALERT_DATA = ("reason", "step", "shown", "arrival", "long_wait_min", "wait_from")


@dataclass(frozen=True)
class Limits:
    """Days each kind of row is kept; build with `from_settings`."""

    typed_text_days: int
    event_days: int
    audit_read_days: int
    # HL7 arrival messages nobody is set to receive (no hl7_destination): kept a day, so a
    # destination set later gets today's arrivals, not months of backlog. None: kept
    # until delivered, however long the destination is down.
    hl7_unsent_days: int | None = None

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            settings.typed_text_retention_days,
            settings.event_retention_days,
            settings.audit_read_retention_days,
            None if settings.hl7_destination else 1,
        )


@dataclass(frozen=True)
class Purged:
    """How many rows one purge changed or deleted, by kind."""

    sessions_blanked: int = 0
    events_blanked: int = 0
    events_deleted: int = 0
    audit_reads_deleted: int = 0
    alerts_blanked: int = 0
    hl7_unsent_deleted: int = 0

    @property
    def total(self) -> int:
        return (
            self.sessions_blanked
            + self.events_blanked
            + self.events_deleted
            + self.audit_reads_deleted
            + self.alerts_blanked
            + self.hl7_unsent_deleted
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
        alerts_blanked = _blank_alerts(db, typed, limits.typed_text_days)
        hl7_unsent_deleted = 0
        if limits.hl7_unsent_days is not None:
            hl7_unsent_deleted = db.execute(
                "DELETE FROM hl7_outbound WHERE created_at < ?",
                [_before(now, limits.hl7_unsent_days)],
            ).rowcount
    return Purged(
        sessions_blanked,
        events_blanked,
        events_deleted,
        audit_reads_deleted,
        alerts_blanked,
        hl7_unsent_deleted,
    )


def _blank_alerts(db: Database, before: str, days: int) -> int:
    kinds = ", ".join("?" for _ in PATIENT_ALERT_KINDS)
    found = db.execute(
        f"SELECT id, kind, data FROM alerts WHERE status = 'resolved' AND resolved_at < ? "
        f"AND kind IN ({kinds}) AND {json_field(db, 'data', 'blanked')} IS NULL",
        [before, *PATIENT_ALERT_KINDS],
    ).fetchall()
    for alert_id, kind, data in found:
        kept = {key: value for key, value in loads(data).items() if key in KEPT_ALERT_DATA}
        db.execute(
            "UPDATE alerts SET summary = ?, data = ?, note = NULL WHERE id = ?",
            [
                f"{ALERT_KINDS[kind].label} (details removed after {days} days)",
                dumps({**kept, "blanked": True}),
                alert_id,
            ],
        )
    return len(found)
