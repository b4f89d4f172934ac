"""Appointments, patient look-up and arrivals (the check-in itself).

Appointment starts are clinic-local naive ISO text ("2026-11-22T10:30"), so "today"
is a text range on `start`. The kiosk only ever gets a display name, a time and a
provider back.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlite_utils import Database

from staffconsole.clock import iso
from staffconsole.errors import Conflict, NotFound
from staffconsole.names import display_name, normalise
from staffconsole.schema import first_row, write
from staffconsole.store_sessions import touch_session

STATUSES = ("booked", "cancelled")


def _day_range(today: date) -> tuple[str, str]:
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


def upsert_appointment(db: Database, *, external_id: str, first_name: str, last_name: str,
                       dob: str, start: str, provider: str, status: str = "booked",
                       code: str | None = None) -> str:
    """Add or update one appointment by external_id: "added", "changed" or "unchanged"."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    with write(db):
        patient = first_row(db, "SELECT id FROM patients WHERE first_name = ? AND last_name = ? "
                                "AND dob = ?", [first_name, last_name, dob])
        if patient is None:
            patient_id = db.execute(
                "INSERT INTO patients (first_name, last_name, dob, norm_last) VALUES (?, ?, ?, ?)",
                [first_name, last_name, dob, normalise(last_name)]).lastrowid
        else:
            patient_id = patient["id"]
        wanted = {"patient_id": patient_id, "start": start, "provider": provider,
                  "status": status, "code": code}
        existing = first_row(db, "SELECT * FROM appointments WHERE external_id = ?",
                             [external_id])
        if existing is None:
            db.execute("INSERT INTO appointments (external_id, patient_id, start, provider, "
                       "status, code) VALUES (?, ?, ?, ?, ?, ?)",
                       [external_id, patient_id, start, provider, status, code])
            return "added"
        if all(existing[key] == value for key, value in wanted.items()):
            return "unchanged"
        db.execute("UPDATE appointments SET patient_id = ?, start = ?, provider = ?, status = ?, "
                   "code = ? WHERE id = ?",
                   [patient_id, start, provider, status, code, existing["id"]])
        return "changed"


_APPOINTMENT = """
SELECT a.id, a.external_id, a.start, a.provider, a.status,
       p.first_name, p.last_name, p.dob
FROM appointments a JOIN patients p ON p.id = a.patient_id
"""


def get_appointment(db: Database, appointment_id: int) -> dict | None:
    return first_row(db, _APPOINTMENT + " WHERE a.id = ?", [appointment_id])


def _match(appointment: dict) -> dict:
    return {"appointment": appointment["id"],
            "display_name": display_name(appointment["first_name"], appointment["last_name"]),
            "time": appointment["start"][11:16],
            "provider": appointment["provider"]}


def lookup(db: Database, last_name: str, dob: date | str, today: date) -> list[dict]:
    """Today's booked appointments for this last name and date of birth.

    Arrived patients still match: checking in again just returns their arrival.
    """
    key = normalise(last_name)
    if not key:
        return []
    first, after = _day_range(today)
    rows = db.query(_APPOINTMENT + " WHERE p.norm_last = ? AND p.dob = ? AND a.status = 'booked'"
                    " AND a.start >= ? AND a.start < ? ORDER BY a.start, a.id",
                    [key, str(dob), first, after])
    return [_match(appointment) for appointment in rows]


def normalise_code(code: str) -> str:
    """The matching key of an appointment code: no spaces, upper case ("ab 12" -> "AB12")."""
    return "".join(code.split()).upper()


def lookup_code(db: Database, code: str, today: date) -> list[dict]:
    """Today's booked appointment with this code (or, lacking a code, this external_id)."""
    key = normalise_code(code)
    if not key:
        return []
    first, after = _day_range(today)
    rows = db.query(_APPOINTMENT + " WHERE upper(replace(coalesce(a.code, a.external_id), ' ', ''))"
                    " = ? AND a.status = 'booked' AND a.start >= ? AND a.start < ?"
                    " ORDER BY a.start, a.id", [key, first, after])
    return [_match(appointment) for appointment in rows]


_ARRIVALS = """
SELECT r.id, r.appointment_id, r.session_id, r.arrived_at, r.ticket, r.status,
       a.start, a.provider, p.first_name, p.last_name, k.name AS kiosk
FROM arrivals r JOIN appointments a ON a.id = r.appointment_id
JOIN patients p ON p.id = a.patient_id LEFT JOIN kiosks k ON k.id = r.kiosk_id
"""


def _arrival(db: Database, where: str, params) -> dict | None:
    found = first_row(db, _ARRIVALS + " WHERE " + where, params)
    return _arrival_dict(found) if found else None


def _arrival_dict(found: dict) -> dict:
    return {"id": found["id"], "appointment": found["appointment_id"],
            "display_name": display_name(found["first_name"], found["last_name"]),
            "time": found["start"][11:16], "start": found["start"],
            "provider": found["provider"], "arrived_at": found["arrived_at"],
            "ticket": found["ticket"], "status": found["status"],
            "kiosk": found["kiosk"], "session": found["session_id"]}


def _public(arrival: dict) -> dict:
    keys = ("id", "appointment", "display_name", "time", "provider", "arrived_at", "ticket")
    return {key: arrival[key] for key in keys}


def checkin(db: Database, kiosk: dict, session: str, appointment_id: int, now: datetime,
            today: date) -> dict:
    """Record the patient's arrival and commit it before returning; repeats return it again.

    NotFound for an unknown appointment or one that is not today's; Conflict when cancelled.
    """
    first, after = _day_range(today)
    with write(db):
        appointment = get_appointment(db, appointment_id)
        if appointment is None or not first <= appointment["start"] < after:
            raise NotFound(f"appointment {appointment_id} is not one of today's appointments")
        touch_session(db, kiosk, session, now)
        arrival = _arrival(db, "r.appointment_id = ?", [appointment_id])
        if arrival is None:
            if appointment["status"] == "cancelled":
                raise Conflict(f"appointment {appointment_id} was cancelled")
            ticket = db.execute("""
                SELECT coalesce(max(r.ticket), 0) + 1 FROM arrivals r
                JOIN appointments a ON a.id = r.appointment_id
                WHERE a.start >= ? AND a.start < ?""", [first, after]).fetchone()[0]
            db.execute("INSERT INTO arrivals (appointment_id, session_id, kiosk_id, arrived_at, "
                       "ticket) VALUES (?, ?, ?, ?, ?)",
                       [appointment_id, session, kiosk["id"], iso(now), ticket])
            arrival = _arrival(db, "r.appointment_id = ?", [appointment_id])
        db.execute("UPDATE sessions SET outcome = 'checked_in', outcome_at = ?, step = "
                   "coalesce(step, 'checking_in') WHERE id = ? AND outcome IS NOT 'checked_in'",
                   [iso(now), session])
    return _public(arrival)


def list_arrivals(db: Database, today: date) -> list[dict]:
    """Today's arrivals, first arrived first, with display name, time, provider and ticket."""
    first, after = _day_range(today)
    rows = db.query(_ARRIVALS + " WHERE a.start >= ? AND a.start < ? ORDER BY r.arrived_at, r.id",
                    [first, after])
    return [_arrival_dict(found) for found in rows]
