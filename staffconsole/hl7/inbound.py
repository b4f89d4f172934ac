"""One inbound HL7 message onto the schedule, and the ACK that answers it.

`handle` never raises: every message gets AA, AE or AR, and one log line that says
what happened by message type, control id and field, never by patient data.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime

from staffconsole.errors import NotFound
from staffconsole.hl7.messages import INTERNAL, UNKNOWN_KEY, Lookup, Refused, ack, parse
from staffconsole.store.appointments import cancel_appointment, upsert_appointment
from staffconsole.store.engine import Database
from staffconsole.store.hl7_patients import link, update_patient

log = logging.getLogger("staffconsole.hl7")


def handle(db: Database, raw: bytes, lookup: Lookup, now: datetime) -> tuple[bytes, str]:
    """(ACK bytes, the ACK code) for one message; the schedule changed when AA."""
    header = None
    try:
        inbound = parse(raw, lookup)
        header = inbound.header
        note = _apply(db, inbound)
    except Refused as refused:
        header = refused.header or header
        kind = f"{header.message_type}^{header.event}" if header else "?"
        control = header.control_id if header else ""
        log.warning(
            "HL7 %s %s refused %s: %s", kind, _safe(control), refused.status, refused.reason
        )
        answer = ack(header, refused.status, refused.reason, refused.error, refused.location, now)
        return answer, refused.status
    except sqlite3.Error as e:
        log.error("HL7 message not stored: database error %s", type(e).__name__)
        reason = "the schedule could not be written; send again later"
        return ack(header, "AE", reason, INTERNAL, "", now), "AE"
    except Exception as e:  # noqa: BLE001 -- an answer even for a bug: never a silent drop
        log.error("HL7 message not applied: %s", type(e).__name__)
        return ack(header, "AE", "internal error; see the server log", INTERNAL, "", now), "AE"
    log.info(
        "HL7 %s^%s %s accepted: %s",
        header.message_type,
        header.event,
        _safe(header.control_id),
        note,
    )
    return ack(header, "AA", note, now=now), "AA"


def _apply(db: Database, inbound) -> str:
    if inbound.action == "book":
        booking = inbound.booking
        result = upsert_appointment(db, **booking.__dict__, source="push")
        if inbound.mrn:
            link(db, inbound.mrn, booking.external_id)
        return f"appointment {_safe(booking.external_id)} {result}"
    if inbound.action == "cancel":
        try:
            result = cancel_appointment(db, inbound.external_id)
        except NotFound:
            raise Refused(
                "AE",
                "no appointment here with this SCH-2 (or SCH-1) id",
                UNKNOWN_KEY,
                "SCH^1^2",
            ) from None
        return f"appointment {_safe(inbound.external_id)} cancelled ({result})"
    if not inbound.mrn:
        raise Refused("AE", "PID-3 (patient id) is empty", UNKNOWN_KEY, "PID^1^3")
    if update_patient(db, inbound.mrn, inbound.first_name, inbound.last_name, inbound.dob):
        return "patient demographics updated"
    return "patient not booked here; nothing to update"


def _safe(value: str) -> str:
    """An id as a log shows it: printable ASCII only, at most 40 characters."""
    return "".join(c for c in value if c.isascii() and c.isprintable())[:40]
