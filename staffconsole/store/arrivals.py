"""The lobby board: today's arrivals, calling them in and marking them seen; desk walk-ins.

`set_status` is the one way an arrival moves on (the console's buttons and the
push API both call it); it also ends that arrival's long_wait alert, since the
patient has now been dealt with by a person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from staffconsole.clock import ClinicZone, iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.rules import alerting
from staffconsole.rules.board import board_order
from staffconsole.rules.names import display_name
from staffconsole.store.alerts import close_alert, get_alert, unresolved_for_cause
from staffconsole.store.appointments import upsert_appointment
from staffconsole.store.audit import audited
from staffconsole.store.engine import Database
from staffconsole.store.hl7_outbound import enqueue as enqueue_hl7
from staffconsole.store.schema import first_row

STATUSES = ("waiting", "called_in", "seen")
# Moves a receptionist can make; "seen" may skip "called_in" (the clinician fetched them).
MOVES = {"waiting": ("called_in", "seen"), "called_in": ("seen",), "seen": ()}
WALK_IN_PROVIDER = "Walk-in"
MAX_NAME = 100
SERVER_ZONE = ClinicZone()  # an empty clinic_timezone: the server's own

_BOARD = """
SELECT r.id, r.appointment_id, r.kiosk_id, r.arrived_at, r.ticket, r.status,
       r.called_in_at, r.called_in_by, r.seen_at, r.seen_by,
       a.start, a.provider, p.first_name, p.last_name, k.name AS kiosk
FROM arrivals r JOIN appointments a ON a.id = r.appointment_id
JOIN patients p ON p.id = a.patient_id LEFT JOIN kiosks k ON k.id = r.kiosk_id
"""


def _day_range(today: date) -> tuple[str, str]:
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


def _board_row(found: dict) -> dict:
    return {
        "id": found["id"],
        "appointment": found["appointment_id"],
        "display_name": display_name(found["first_name"], found["last_name"]),
        "time": found["start"][11:16],
        "start": found["start"],
        "provider": found["provider"],
        "arrived_at": found["arrived_at"],
        "ticket": found["ticket"],
        "status": found["status"],
        "kiosk": found["kiosk"],
        "kiosk_id": found["kiosk_id"],
        "called_in_at": found["called_in_at"],
        "called_in_by": found["called_in_by"],
        "seen_at": found["seen_at"],
        "seen_by": found["seen_by"],
    }


def get_arrival(db: Database, arrival_id: int) -> dict:
    found = first_row(db, _BOARD + " WHERE r.id = ?", [arrival_id])
    if found is None:
        raise NotFound(f"no arrival with id {arrival_id}")
    return _board_row(found)


def list_board(db: Database, today: date, zone: ClinicZone = SERVER_ZONE) -> list[dict]:
    """Today's arrivals with their status and who moved them, in board order.

    Waiting first, longest wait on top; then called in or seen, most recent first
    (`rules.board`). A wait starts at the booked time, a clinic wall time: pass the
    clinic's `zone` (the default is the server's own).
    """
    first, after = _day_range(today)
    rows = db.query(_BOARD + " WHERE a.start >= ? AND a.start < ?", [first, after])
    return board_order((_board_row(found) for found in rows), zone)


def set_status(db: Database, arrival_id: int, status: str, by: str, now: datetime) -> dict:
    """Move an arrival to `called_in` or `seen`; audited; ends its long_wait alert.

    Repeating the current status is harmless (returns the arrival unchanged);
    going backwards is a Conflict, an unknown status Invalid.
    """
    if status not in ("called_in", "seen"):
        raise Invalid(f"status must be called_in or seen, not {status!r}")
    stamp = iso(now)
    with audited(db, by, f"arrival.{status}", f"arrival:{arrival_id}", None, now) as entry:
        arrival = get_arrival(db, arrival_id)
        if arrival["status"] == status:
            entry.drop()
            return arrival
        if status not in MOVES[arrival["status"]]:
            raise Conflict(f"arrival {arrival_id} is already {arrival['status'].replace('_', ' ')}")
        if status == "called_in":
            db.execute(
                "UPDATE arrivals SET status = 'called_in', called_in_at = ?, "
                "called_in_by = ? WHERE id = ?",
                [stamp, by, arrival_id],
            )
        else:
            db.execute(
                "UPDATE arrivals SET status = 'seen', seen_at = ?, seen_by = ?, "
                "called_in_at = coalesce(called_in_at, ?), "
                "called_in_by = coalesce(called_in_by, ?) WHERE id = ?",
                [stamp, by, stamp, by, arrival_id],
            )
        waiting = unresolved_for_cause(db, alerting.arrival_cause(arrival_id))
        if waiting is not None:
            close_alert(db, waiting["id"], by, status, None, now)
            entry.detail["alert"] = waiting["id"]
        return get_arrival(db, arrival_id)


def _clean_name(value: str, what: str) -> str:
    value = " ".join((value or "").split())
    if not value or len(value) > MAX_NAME:
        raise Invalid(f"the {what} must be 1 to {MAX_NAME} characters")
    return value


def check_in_walk_in(
    db: Database,
    alert_id: int,
    *,
    first_name: str,
    last_name: str,
    dob: str | None,
    by: str,
    now: datetime,
    zone: ClinicZone,
) -> dict:
    """Turn a walk_in alert into an arrival at the desk and resolve the alert; audited.

    The walk-in gets an appointment on the clinic's today at the clinic's time they
    were checked in, with the provider "Walk-in"; the alert is resolved as
    checked_in_at_desk.
    """
    first_name = _clean_name(first_name, "first name")
    last_name = _clean_name(last_name, "last name")
    dob = (dob or "").strip()
    if dob:
        try:
            date.fromisoformat(dob)
        except ValueError:
            raise Invalid("the date of birth must be a real date (YYYY-MM-DD)") from None
    local = zone.local(now)
    start = local.strftime("%Y-%m-%dT%H:%M")
    first, after = _day_range(local.date())
    target = f"alert:{alert_id}"
    with audited(db, by, "alert.walk_in_checked_in", target, None, now) as entry:
        alert = get_alert(db, alert_id)
        if alert["kind"] != "walk_in":
            raise Conflict(f"alert {alert_id} is not a walk-in")
        if alert["status"] == "resolved":
            raise Conflict(f"alert {alert_id} is already resolved")
        upsert_appointment(
            db,
            external_id=f"walk-in-{alert_id}",
            first_name=first_name,
            last_name=last_name,
            dob=dob,
            start=start,
            provider=WALK_IN_PROVIDER,
        )
        appointment_id = db.execute(
            "SELECT id FROM appointments WHERE external_id = ?", [f"walk-in-{alert_id}"]
        ).fetchone()[0]
        ticket = db.execute(
            """
            SELECT coalesce(max(r.ticket), 0) + 1 FROM arrivals r
            JOIN appointments a ON a.id = r.appointment_id
            WHERE a.start >= ? AND a.start < ?""",
            [first, after],
        ).fetchone()[0]
        arrival_id = db.execute(
            "INSERT INTO arrivals (appointment_id, session_id, kiosk_id, arrived_at, ticket) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            [appointment_id, alert.get("session_id"), alert.get("kiosk_id"), iso(now), ticket],
        ).fetchone()[0]
        enqueue_hl7(db, arrival_id, now)  # to the practice system (staffconsole/hl7)
        close_alert(db, alert_id, by, "checked_in_at_desk", "Walk-in checked in at the desk", now)
        entry.detail["arrival"] = arrival_id
        return get_arrival(db, arrival_id)
