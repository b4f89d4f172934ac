"""What a look-up offered a kiosk session, and the check-in that must name one of those.

Why: a kiosk token proves a kiosk, not a right to any appointment. Without this, a
stolen token could check in every id of the day and read each display name back.
So each look-up records the appointments it showed (kiosk, session, appointment), and
a check-in is accepted only for an appointment offered to the same kiosk's same
session within the last `checkin_offer_minutes`. Offers older than that are pruned
whenever new ones are written. Every check-in, and every one refused for want of an
offer, writes an audit row (appointment, kiosk and session ids; no patient name).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from staffconsole.clock import iso
from staffconsole.errors import Refused
from staffconsole.store import appointments as store_appointments
from staffconsole.store.audit import audited, kiosk_actor
from staffconsole.store.engine import Database, json_field
from staffconsole.store.schema import first_row, write

CHECKED_IN = "arrival.checked_in"
CHECKIN_REFUSED = "arrival.checkin_refused"


class NotOffered(Refused):
    """A check-in named an appointment its kiosk session was not offered (recently)."""


def cutoff(now: datetime, minutes: float) -> str:
    """The oldest offered_at still good at `now` (ISO text, comparable to stored ones)."""
    return iso(now - timedelta(minutes=minutes))


def refusal(appointment_id: int, minutes: float) -> str:
    """The 403's reason: says what to do, names no patient (the id is the caller's own)."""
    return (
        f"appointment {appointment_id} was not offered to this kiosk session in the last "
        f"{minutes:g} min: look the patient up again, or send them to the front desk"
    )


def record_offers(
    db: Database,
    kiosk_id: int,
    session_id: str,
    appointment_ids: Iterable[int],
    now: datetime,
    keep_minutes: float,
) -> None:
    """Remember what a look-up showed this session (a repeat renews it); prune old offers."""
    with write(db):
        db.execute("DELETE FROM kiosk_offers WHERE offered_at < ?", [cutoff(now, keep_minutes)])
        for appointment_id in appointment_ids:
            db.execute(
                "INSERT INTO kiosk_offers (kiosk_id, session_id, appointment_id, offered_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (kiosk_id, session_id, appointment_id) "
                "DO UPDATE SET offered_at = excluded.offered_at",
                [kiosk_id, session_id, appointment_id, iso(now)],
            )


def was_offered(
    db: Database,
    kiosk_id: int,
    session_id: str,
    appointment_id: int,
    now: datetime,
    minutes: float,
) -> bool:
    """Did a look-up offer this appointment to this kiosk's session within `minutes`?"""
    found = first_row(
        db,
        "SELECT 1 AS offered FROM kiosk_offers WHERE kiosk_id = ? AND session_id = ? "
        "AND appointment_id = ? AND offered_at >= ?",
        [kiosk_id, session_id, appointment_id, cutoff(now, minutes)],
    )
    return found is not None


def recent_refusals(db: Database, kiosk: Mapping, now: datetime, window_s: float) -> int:
    """How many check-ins this kiosk had refused (audited) within the last window_s."""
    since = iso(now - timedelta(seconds=window_s))
    found = first_row(
        db,
        "SELECT count(*) AS n FROM audit WHERE action = ? AND at >= ? "
        f"AND {json_field(db, 'detail', 'kiosk')} = ?",  # by id: a rename does not reset it
        [CHECKIN_REFUSED, since, str(kiosk["id"])],
    )
    return found["n"] if found else 0


def audit_refusal(
    db: Database, kiosk: Mapping, session_id: str, appointment_id: int, reason: str, now
) -> None:
    """A refused check-in's own audit row (reason: not_offered, or rate over the limit)."""
    detail = {"kiosk": kiosk["id"], "session": session_id, "reason": reason}
    target = f"appointment:{appointment_id}"
    with audited(db, kiosk_actor(kiosk["name"]), CHECKIN_REFUSED, target, detail, now):
        pass


def checkin_offered(
    db: Database,
    kiosk: Mapping,
    session_id: str,
    appointment_id: int,
    now: datetime,
    today: date,
    *,
    minutes: float,
) -> dict:
    """The kiosk's check-in: only for an appointment offered to this session; audited.

    NotOffered (written to the audit as a refusal) when it was not; otherwise as
    appointments.checkin (NotFound, Conflict, or the arrival, the same on a repeat).
    The rows' source is the request's client address (store.audit.request_source).
    """
    actor = kiosk_actor(kiosk["name"])
    target = f"appointment:{appointment_id}"
    detail = {"kiosk": kiosk["id"], "session": session_id}
    try:
        with audited(db, actor, CHECKED_IN, target, detail, now) as entry:
            if not was_offered(db, kiosk["id"], session_id, appointment_id, now, minutes):
                raise NotOffered(refusal(appointment_id, minutes))
            before = first_row(
                db, "SELECT id FROM arrivals WHERE appointment_id = ?", [appointment_id]
            )
            arrival = store_appointments.checkin(
                db, dict(kiosk), session_id, appointment_id, now, today
            )
            entry.detail.update(arrival=arrival["id"], repeat=before is not None)
            return arrival
    except NotOffered:
        # The block rolled back; the refusal gets its own row (a swept token shows here).
        audit_refusal(db, kiosk, session_id, appointment_id, "not_offered", now)
        raise
