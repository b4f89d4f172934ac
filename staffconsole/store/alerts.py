"""Alerts in the database: raised by rules, ended only by a person.

At most one unresolved alert per cause: a new fact about the same session updates
that alert (kind, summary, severity, data). An alert leaves the open list only
through `resolve_alert`, with an outcome and the name of who resolved it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from seen.vocabulary import CHECKED_IN_AFTER_ALL, CLEARED, SELF_CLEARING, STAFF_OUTCOMES
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.rules.alerting import checked_in_note, cleared_note, session_cause
from staffconsole.store.engine import Database
from staffconsole.store.schema import dumps, first_row, loads, write

MAX_NOTE = 2000

_SELECT = "SELECT a.*, k.name AS kiosk FROM alerts a LEFT JOIN kiosks k ON k.id = a.kiosk_id"
# Unacknowledged first, then acknowledged, then resolved; most urgent, then oldest, within
# each. Escalation and return are badges and sound, never a jump over a newer, more
# urgent alert (with 200 escalated alerts open, a new "check-in not confirmed" is first).
_ORDER = (
    " ORDER BY CASE a.status WHEN 'open' THEN 0 WHEN 'acknowledged' THEN 1 ELSE 2 END,"
    " a.severity DESC, a.created_at, a.id"
)


def _alert(found: dict) -> dict:
    found["data"] = loads(found["data"])
    return found


def open_or_update_alert(db: Database, fields: Mapping) -> tuple[dict, bool]:
    """Raise the alert described by `fields` (from alerts.py): (alert, created?).

    An unresolved alert with the same cause is updated in place, keeping its status,
    so an acknowledged card stays acknowledged but shows the newest facts.
    """
    with write(db):
        existing = first_row(
            db,
            "SELECT id FROM alerts WHERE cause = ? AND status != 'resolved' ORDER BY id DESC",
            [fields["cause"]],
        )
        if existing:
            db.execute(
                "UPDATE alerts SET kind = ?, severity = ?, summary = ?, data = ?, "
                "updated_at = ?, kiosk_id = coalesce(?, kiosk_id), "
                "session_id = coalesce(?, session_id) WHERE id = ?",
                [
                    fields["kind"],
                    fields["severity"],
                    fields["summary"],
                    dumps(fields["data"]),
                    fields["at"],
                    fields.get("kiosk_id"),
                    fields.get("session_id"),
                    existing["id"],
                ],
            )
            return get_alert(db, existing["id"]), False
        alert_id = db.execute(
            "INSERT INTO alerts (kind, cause, status, severity, created_at, updated_at, "
            "kiosk_id, session_id, summary, data) VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            [
                fields["kind"],
                fields["cause"],
                fields["severity"],
                fields["at"],
                fields["at"],
                fields.get("kiosk_id"),
                fields.get("session_id"),
                fields["summary"],
                dumps(fields["data"]),
            ],
        ).fetchone()[0]
        return get_alert(db, alert_id), True


def get_alert(db: Database, alert_id: int) -> dict:
    """One alert with its kiosk's name; NotFound if there is none with this id."""
    found = first_row(db, _SELECT + " WHERE a.id = ?", [alert_id])
    if found is None:
        raise NotFound(f"no alert with id {alert_id}")
    return _alert(found)


def list_alerts(db: Database, include_resolved: bool = False) -> list[dict]:
    """Unresolved alerts (open, then acknowledged), or every alert with include_resolved."""
    where = "" if include_resolved else " WHERE a.status != 'resolved'"
    return [_alert(found) for found in db.query(_SELECT + where + _ORDER)]


def acknowledge_alert(db: Database, alert_id: int, by: str, now: datetime) -> dict:
    """Someone has seen it and is on it. Repeating is harmless; a resolved alert is a Conflict."""
    with write(db):
        alert = get_alert(db, alert_id)
        if alert["status"] == "resolved":
            raise Conflict(f"alert {alert_id} is already resolved")
        if alert["status"] == "open":
            db.execute(
                "UPDATE alerts SET status = 'acknowledged', acknowledged_by = ?, "
                "acknowledged_at = ?, updated_at = ? WHERE id = ?",
                [by, iso(now), iso(now), alert_id],
            )
        return get_alert(db, alert_id)


def resolve_alert(
    db: Database, alert_id: int, by: str, outcome: str, note: str | None, now: datetime
) -> dict:
    """End an alert with an outcome (and an optional note); only a person does this."""
    if outcome not in STAFF_OUTCOMES:
        raise Invalid(f"outcome must be one of {', '.join(STAFF_OUTCOMES)}, not {outcome!r}")
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise Invalid(f"the note is longer than {MAX_NOTE} characters")
    return close_alert(db, alert_id, by, outcome, note, now)


def close_alert(
    db: Database, alert_id: int, by: str, outcome: str, note: str | None, now: datetime
) -> dict:
    """Resolve without checking the outcome against the staff list (system outcomes)."""
    with write(db):
        alert = get_alert(db, alert_id)
        if alert["status"] == "resolved":
            raise Conflict(f"alert {alert_id} is already resolved")
        db.execute(
            "UPDATE alerts SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
            "outcome = ?, note = ?, updated_at = ?, "
            "acknowledged_by = coalesce(acknowledged_by, ?), "
            "acknowledged_at = coalesce(acknowledged_at, ?) WHERE id = ?",
            [by, iso(now), outcome, note, iso(now), by, iso(now), alert_id],
        )
        return get_alert(db, alert_id)


SYSTEM = "Seen"  # who resolved an alert that cleared itself


def unresolved_for_cause(db: Database, cause: str) -> dict | None:
    found = first_row(
        db, _SELECT + " WHERE a.cause = ? AND a.status != 'resolved' ORDER BY a.id DESC", [cause]
    )
    return _alert(found) if found else None


def any_for_cause(db: Database, cause: str) -> bool:
    """Has this cause ever had an alert (resolved ones included)?"""
    return first_row(db, "SELECT 1 AS found FROM alerts WHERE cause = ?", [cause]) is not None


def clear_alert(db: Database, cause: str, now: datetime) -> dict | None:
    """End a self-clearing alert because its fault went away; None if there was none."""
    with write(db):
        alert = unresolved_for_cause(db, cause)
        if alert is None:
            return None
        if alert["kind"] not in SELF_CLEARING:
            raise ValueError(f"{alert['kind']} alerts are resolved by a person")
        return close_alert(
            db, alert["id"], SYSTEM, CLEARED, cleared_note(alert["kind"], alert.get("kiosk")), now
        )


def close_unconfirmed(
    db: Database, session_id: str, ticket: int | None, now: datetime
) -> dict | None:
    """End the session's "check-in not confirmed" alert: its check-in was committed.

    Called by whichever comes second, the check-in or the hand-off, so either order
    ends the same. Another kind of alert for the session (help, a reported problem)
    is a person's to end. None when there was nothing to close.
    """
    with write(db):
        alert = unresolved_for_cause(db, session_cause(session_id))
        if alert is None or alert["kind"] != "checkin_unconfirmed":
            return None
        return close_alert(
            db, alert["id"], SYSTEM, CHECKED_IN_AFTER_ALL, checked_in_note(ticket), now
        )


def apply_step(db: Database, alert_id: int, step: str, now: datetime) -> dict:
    """Record an escalation-ladder step (see escalation.py) on an alert."""
    stamp = iso(now)
    with write(db):
        if step == "escalate":
            db.execute(
                "UPDATE alerts SET escalated_at = ?, sounded_at = ? "
                "WHERE id = ? AND status = 'open'",
                [stamp, stamp, alert_id],
            )
        elif step == "return":
            # Back to new: the ladder starts over; who acknowledged it stays on record.
            db.execute(
                "UPDATE alerts SET status = 'open', returned_at = ?, sounded_at = ?, "
                "updated_at = ? WHERE id = ? AND status = 'acknowledged'",
                [stamp, stamp, stamp, alert_id],
            )
        else:
            raise ValueError(f"unknown escalation step {step!r}")
        return get_alert(db, alert_id)


def resolved_since(db: Database, since: datetime, limit: int = 200) -> list[dict]:
    """Alerts resolved at or after `since`, newest first (the console's history)."""
    return [
        _alert(found)
        for found in db.query(
            _SELECT + " WHERE a.status = 'resolved' AND a.resolved_at >= ?"
            " ORDER BY a.resolved_at DESC, a.id DESC LIMIT ?",
            [iso(since), limit],
        )
    ]


def last_for_cause(db: Database, cause: str) -> dict | None:
    """The newest alert for a cause, resolved or not."""
    found = first_row(db, _SELECT + " WHERE a.cause = ? ORDER BY a.id DESC", [cause])
    return _alert(found) if found else None


def mark_fault_gone(db: Database, alert_id: int, now: datetime) -> None:
    """Note on a resolved alert that its fault has since cleared (so a new one may be raised)."""
    with write(db):
        alert = get_alert(db, alert_id)
        data = {**alert["data"], "fault_gone_at": iso(now)}
        db.execute("UPDATE alerts SET data = ? WHERE id = ?", [dumps(data), alert_id])
