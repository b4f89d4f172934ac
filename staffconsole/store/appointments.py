"""Appointments, patient look-up and arrivals (the check-in itself).

Appointment starts are clinic-local naive ISO text ("2026-11-22T10:30"), so "today"
is a text range on `start`. The kiosk only ever gets a display name, a time and a
provider back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from seen.vocabulary import CONFIRM
from staffconsole.clock import iso
from staffconsole.errors import Conflict, NotFound
from staffconsole.rules.names import display_name, last_name_match, normalise
from staffconsole.store.alerts import close_unconfirmed
from staffconsole.store.engine import Database
from staffconsole.store.hl7_outbound import enqueue as enqueue_hl7
from staffconsole.store.schema import first_row, write
from staffconsole.store.sessions import touch_session

STATUSES = ("booked", "cancelled")


def _day_range(today: date) -> tuple[str, str]:
    return today.isoformat(), (today + timedelta(days=1)).isoformat()


SOURCES = ("file", "push")  # who manages an appointment; NULL: made here (walk-in, tests)


def upsert_appointment(
    db: Database,
    *,
    external_id: str,
    first_name: str,
    last_name: str,
    dob: str,
    start: str,
    provider: str,
    status: str = "booked",
    code: str | None = None,
    source: str | None = None,
) -> str:
    """Add or update one appointment by external_id: "added", "changed" or "unchanged".

    `dob` may be "" when the schedule did not give one (a FHIR Patient that was only
    referenced): such a patient can check in by code but never by name and date of birth.
    Names are normalised here, once, so look-ups compare stored keys.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    if source is not None and source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}")
    with write(db):
        patient = first_row(
            db,
            "SELECT id FROM patients WHERE first_name = ? AND last_name = ? AND dob = ?",
            [first_name, last_name, dob],
        )
        if patient is None:
            patient_id = db.execute(
                "INSERT INTO patients (first_name, last_name, dob, norm_last, norm_first) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [first_name, last_name, dob, normalise(last_name), normalise(first_name)],
            ).fetchone()[0]
        else:
            patient_id = patient["id"]
        wanted = {
            "patient_id": patient_id,
            "start": start,
            "provider": provider,
            "status": status,
            "code": code,
        }
        if source is not None:
            wanted["source"] = source
        existing = first_row(db, "SELECT * FROM appointments WHERE external_id = ?", [external_id])
        if existing is None:
            db.execute(
                "INSERT INTO appointments (external_id, patient_id, start, provider, "
                "status, code, source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [external_id, patient_id, start, provider, status, code, source],
            )
            return "added"
        if all(existing[key] == value for key, value in wanted.items()):
            return "unchanged"
        columns = ", ".join(f"{key} = ?" for key in wanted)
        db.execute(
            f"UPDATE appointments SET {columns} WHERE id = ?", [*wanted.values(), existing["id"]]
        )
        return "changed"


def appointment_by_external_id(db: Database, external_id: str) -> dict | None:
    """One appointment with its patient, by the schedule's own id."""
    return first_row(db, _APPOINTMENT + " WHERE a.external_id = ?", [external_id])


def cancel_appointment(db: Database, external_id: str) -> str:
    """Mark an appointment cancelled (never deleted): "changed" or "unchanged"; NotFound."""
    with write(db):
        found = first_row(
            db, "SELECT id, status FROM appointments WHERE external_id = ?", [external_id]
        )
        if found is None:
            raise NotFound(f"no appointment with external_id {external_id!r}")
        if found["status"] == "cancelled":
            return "unchanged"
        db.execute("UPDATE appointments SET status = 'cancelled' WHERE id = ?", [found["id"]])
        return "changed"


def appointments_on(db: Database, today: date, source: str | None = None) -> list[str]:
    """External ids of the day's booked appointments (from one source, if given)."""
    first, after = _day_range(today)
    rows = db.execute(
        "SELECT external_id FROM appointments WHERE status = 'booked' AND "
        "start >= ? AND start < ? AND (? IS NULL OR source = ?) ORDER BY start, id",
        [first, after, source, source],
    ).fetchall()
    return [external_id for (external_id,) in rows]


def cancel_missing(db: Database, today: date, keep: set[str], source: str = "file") -> list[str]:
    """Cancel the day's booked appointments from `source` whose external_id is not in `keep`.

    Used after a file import of one day: what a newer export no longer lists was
    cancelled in the practice system. Rows stay, so arrivals and alerts keep their history.
    """
    first, after = _day_range(today)
    with write(db):
        rows = db.execute(
            "SELECT id, external_id FROM appointments WHERE source = ? AND "
            "status = 'booked' AND start >= ? AND start < ? ORDER BY start, id",
            [source, first, after],
        ).fetchall()
        gone = [(row_id, external_id) for row_id, external_id in rows if external_id not in keep]
        for row_id, _ in gone:
            db.execute("UPDATE appointments SET status = 'cancelled' WHERE id = ?", [row_id])
    return [external_id for _, external_id in gone]


_APPOINTMENT = """
SELECT a.id, a.external_id, a.start, a.provider, a.status, a.code, a.source,
       p.first_name, p.last_name, p.dob, p.norm_last
FROM appointments a JOIN patients p ON p.id = a.patient_id
"""


def get_appointment(db: Database, appointment_id: int) -> dict | None:
    return first_row(db, _APPOINTMENT + " WHERE a.id = ?", [appointment_id])


def _match(appointment: dict) -> dict:
    return {
        "appointment": appointment["id"],
        "display_name": display_name(appointment["first_name"], appointment["last_name"]),
        "time": appointment["start"][11:16],
        "provider": appointment["provider"],
    }


def lookup(db: Database, last_name: str, dob: date | str, today: date) -> list[dict]:
    """Today's booked appointments for this last name and date of birth.

    The date of birth must be the same; the name is forgiven as names.last_name_match
    says (gaps, one swapped pair). Every appointment that matches in any way is listed,
    so two patients found by a forgiving match both reach the kiosk's "choose" screen.
    Arrived patients still match: checking in again just returns their arrival.
    """
    dob = str(dob)
    if not normalise(last_name) or not dob:
        return []  # "" is "no date of birth known": such appointments check in by code only
    first, after = _day_range(today)
    rows = db.query(
        _APPOINTMENT + " WHERE p.dob = ? AND a.status = 'booked'"
        " AND a.start >= ? AND a.start < ? ORDER BY a.start, a.id",
        [dob, first, after],
    )
    return [
        _match(appointment)
        for appointment in rows
        if last_name_match(last_name, dob, appointment["norm_last"], appointment["dob"])
    ]


def normalise_code(code: str) -> str:
    """The matching key of an appointment code: no spaces, upper case ("ab 12" -> "AB12")."""
    return "".join(code.split()).upper()


def lookup_code(db: Database, code: str, today: date) -> list[dict]:
    """Today's booked appointment with this code (or, lacking a code, this external_id)."""
    key = normalise_code(code)
    if not key:
        return []
    first, after = _day_range(today)
    rows = db.query(
        _APPOINTMENT + " WHERE upper(replace(coalesce(a.code, a.external_id), ' ', ''))"
        " = ? AND a.status = 'booked' AND a.start >= ? AND a.start < ?"
        " ORDER BY a.start, a.id",
        [key, first, after],
    )
    return [_match(appointment) for appointment in rows]


# Hand-offs whose alert names the appointment the patient was shown.
NAMES_SHOWN = ("not_me", "timed_out")
# Hand-offs after a check-in whose alert names the arrival's number (the slip's).
NAMES_TICKET = ("slip_not_printed",)


def shown_appointment(db: Database, session: Mapping, data: Mapping, today: date) -> dict | None:
    """Time and provider of the appointment a hand-off's patient was shown, or None.

    The kiosk may say which (data.appointment); otherwise, on the confirm screen, it was
    the one match of what the session typed last (the look-up it showed). With several
    matches and no word from the kiosk nothing is guessed.
    """
    if data.get("reason") in NAMES_TICKET:
        found = first_row(
            db,
            "SELECT r.ticket, a.start, a.provider FROM arrivals r "
            "JOIN appointments a ON a.id = r.appointment_id WHERE r.session_id = ?",
            [session["id"]],
        )
        if found is None:
            return None
        return {
            "time": found["start"][11:16],
            "provider": found["provider"],
            "ticket": found["ticket"],
        }
    if data.get("reason") not in NAMES_SHOWN:
        return None
    first, after = _day_range(today)
    wanted = data.get("appointment")
    if isinstance(wanted, int) and not isinstance(wanted, bool):
        found = get_appointment(db, wanted)
        if found is None or not first <= found["start"] < after:
            return None
        return {"time": found["start"][11:16], "provider": found["provider"]}
    if data.get("step") != CONFIRM:
        return None
    entered = session.get("entered") or {}
    matches = []
    # A session may have typed a name and a code: only one appointment across both is sure.
    if entered.get("code"):
        matches += lookup_code(db, entered["code"], today)
    if entered.get("last_name") and entered.get("dob"):
        matches += lookup(db, entered["last_name"], entered["dob"], today)
    if len({match["appointment"] for match in matches}) != 1:
        return None
    return {"time": matches[0]["time"], "provider": matches[0]["provider"]}


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
        "session": found["session_id"],
    }


def _public(arrival: dict) -> dict:
    keys = ("id", "appointment", "display_name", "time", "provider", "arrived_at", "ticket")
    return {key: arrival[key] for key in keys}


def checkin(
    db: Database, kiosk: dict, session: str, appointment_id: int, now: datetime, today: date
) -> dict:
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
            ticket = db.execute(
                """
                SELECT coalesce(max(r.ticket), 0) + 1 FROM arrivals r
                JOIN appointments a ON a.id = r.appointment_id
                WHERE a.start >= ? AND a.start < ?""",
                [first, after],
            ).fetchone()[0]
            arrival_id = db.execute(
                "INSERT INTO arrivals (appointment_id, session_id, kiosk_id, arrived_at, "
                "ticket) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [appointment_id, session, kiosk["id"], iso(now), ticket],
            ).fetchone()[0]
            enqueue_hl7(db, arrival_id, now)  # to the practice system (staffconsole/hl7)
            arrival = _arrival(db, "r.appointment_id = ?", [appointment_id])
        db.execute(
            "UPDATE sessions SET outcome = 'checked_in', outcome_at = ?, step = "
            "coalesce(step, 'checking_in') WHERE id = ? AND outcome IS DISTINCT FROM 'checked_in'",
            [iso(now), session],
        )
        # A queued check-in that lands after the kiosk gave up on it: the desk's
        # "not confirmed" card is no longer true.
        close_unconfirmed(db, session, arrival["ticket"], now)
    return _public(arrival)


def list_arrivals(db: Database, today: date) -> list[dict]:
    """Today's arrivals, first arrived first, with display name, time, provider and ticket."""
    first, after = _day_range(today)
    rows = db.query(
        _ARRIVALS + " WHERE a.start >= ? AND a.start < ? ORDER BY r.arrived_at, r.id",
        [first, after],
    )
    return [_arrival_dict(found) for found in rows]
