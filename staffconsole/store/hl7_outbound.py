"""The durable queue of HL7 messages to the practice system: one row per arrival change.

A row is added in the same transaction as the arrival it reports (so none is lost),
keeps its MSH-10 control id and, once built, its message text across every retry (so
the receiver can tell a repeat), and leaves the queue only when the receiver answers AA.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from staffconsole.clock import iso
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row, write

ARRIVED = "arrived"  # the one arrival change sent today
MAX_ERROR = 300


def new_control_id() -> str:
    """An MSH-10 control id: 20 characters at most (HL7 v2.5 ST), unique enough forever."""
    return "SEEN" + secrets.token_hex(8).upper()


def enqueue(db: Database, arrival_id: int, now: datetime, event: str = ARRIVED) -> None:
    """Queue the message for this arrival change, once (a repeat changes nothing)."""
    with write(db):
        db.execute(
            "INSERT INTO hl7_outbound (arrival_id, event, control_id, created_at, next_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (arrival_id, event) DO NOTHING",
            [arrival_id, event, new_control_id(), iso(now), iso(now)],
        )


def next_due(db: Database, now: datetime) -> dict | None:
    """The oldest queued message whose retry time has come, or None."""
    return first_row(
        db,
        "SELECT * FROM hl7_outbound WHERE next_at <= ? ORDER BY id LIMIT 1",
        [iso(now)],
    )


def keep_message(db: Database, row_id: int, message: str) -> None:
    """Fix the text sent for this row, so every retry sends the same bytes."""
    with write(db):
        db.execute(
            "UPDATE hl7_outbound SET message = ? WHERE id = ? AND message IS NULL",
            [message, row_id],
        )


def delivered(db: Database, row_id: int) -> None:
    """The receiver answered AA: the row is done."""
    with write(db):
        db.execute("DELETE FROM hl7_outbound WHERE id = ?", [row_id])


def failed(db: Database, row_id: int, error: str, now: datetime, retry_in_s: float) -> None:
    """A try that got no AA: note why (no patient data) and when to try again."""
    with write(db):
        db.execute(
            "UPDATE hl7_outbound SET attempts = attempts + 1, last_attempt_at = ?, "
            "last_error = ?, next_at = ? WHERE id = ?",
            [iso(now), error[:MAX_ERROR], iso(now + timedelta(seconds=retry_in_s)), row_id],
        )


def queue_status(db: Database) -> dict:
    """Length, the oldest row's time, and the newest error of what is queued."""
    length, oldest = db.execute("SELECT count(*), min(created_at) FROM hl7_outbound").fetchone()
    last = first_row(
        db,
        "SELECT last_error, last_attempt_at, attempts FROM hl7_outbound "
        "WHERE last_error IS NOT NULL ORDER BY last_attempt_at DESC, id DESC LIMIT 1",
    )
    return {
        "length": length,
        "oldest": oldest,
        "last_error": last["last_error"] if last else None,
        "last_error_at": last["last_attempt_at"] if last else None,
    }


ARRIVAL_FOR_MESSAGE = """
SELECT r.id AS arrival_id, r.arrived_at, r.ticket, a.external_id, a.start, a.provider,
       p.id AS patient_id, p.first_name, p.last_name, p.dob,
       (SELECT h.mrn FROM hl7_patients h WHERE h.patient_id = p.id ORDER BY h.mrn LIMIT 1) AS mrn
FROM arrivals r JOIN appointments a ON a.id = r.appointment_id
JOIN patients p ON p.id = a.patient_id WHERE r.id = ?
"""


def arrival_for_message(db: Database, arrival_id: int) -> dict | None:
    """What an arrival message says about the arrival, its appointment and patient."""
    return first_row(db, ARRIVAL_FOR_MESSAGE, [arrival_id])
