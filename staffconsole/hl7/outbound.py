"""Arrival messages to the practice system (SIU^S14 "Arrived" or ADT^A10), and their ACKs. Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import hl7

ARRIVAL_MESSAGES = ("SIU^S14", "ADT^A10")


def _e(value) -> str:
    """Text in a field: the separators escaped, everything else as it is (UTF-8)."""
    text = str(value or "").replace("\\", "\\E\\")
    for char, code in (("|", "F"), ("^", "S"), ("~", "R"), ("&", "T")):
        text = text.replace(char, f"\\{code}\\")
    return text


def _ts(iso_text: str) -> str:
    """Stored ISO text ("2026-11-22T10:30" or with offset) as an HL7 TS."""
    moment = datetime.fromisoformat(iso_text)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S+0000")
    return moment.strftime("%Y%m%d%H%M")


def arrival_message(
    arrival: Mapping, control_id: str, kind: str, facility: str, now: datetime
) -> str:
    """The message for one arrival (store.hl7_outbound.arrival_for_message), CR-separated."""
    if kind not in ARRIVAL_MESSAGES:
        raise ValueError(f"arrival message must be one of {ARRIVAL_MESSAGES}")
    message_type = "SIU^S14^SIU_S12" if kind == "SIU^S14" else "ADT^A10^ADT_A09"
    msh = (
        f"MSH|^~\\&|SEEN|{_e(facility)}|||{now.astimezone(UTC):%Y%m%d%H%M%S+0000}||"
        f"{message_type}|{_e(control_id)}|P|2.5||||||UNICODE UTF-8"
    )
    dob = (arrival["dob"] or "").replace("-", "")
    pid = (
        f"PID|1||{_e(arrival['mrn'])}||{_e(arrival['last_name'])}^{_e(arrival['first_name'])}"
        f"||{dob}"
    )
    arrived = _ts(arrival["arrived_at"])
    if kind == "ADT^A10":
        evn = f"EVN|A10|{arrived}"
        pv1 = f"PV1|1|O|{_e(arrival['provider'])}||||||||||||||||{_e(arrival['external_id'])}"
        return f"{msh}\r{evn}\r{pid}\r{pv1}\r"
    sch = (
        f"SCH||{_e(arrival['external_id'])}|||||||||^^^{_ts(arrival['start'])}"
        + "|" * 14
        + "Arrived"
    )
    aip = f"AIP|1||^{_e(arrival['provider'])}"
    return f"{msh}\r{sch}\r{pid}\rRGS|1\r{aip}\r"


@dataclass(frozen=True)
class AckAnswer:
    code: str  # MSA-1: AA, AE, AR (CA/CE/CR in enhanced mode)
    control_id: str  # MSA-2: the message it answers
    text: str  # MSA-3


def read_ack(raw: bytes) -> AckAnswer:
    """MSA of an ACK; ValueError when it is not one."""
    text = raw.decode("utf-8", errors="replace").replace("\r\n", "\r").replace("\n", "\r")
    try:
        message = hl7.parse(text.strip("\r"))
        msa = message.segment("MSA")
    except (hl7.ParseException, KeyError, IndexError, ValueError):
        raise ValueError("the answer is not an HL7 ACK with an MSA segment") from None

    def part(n: int) -> str:
        try:
            return str(msa[n]).strip()
        except IndexError:
            return ""

    return AckAnswer(part(1), part(2), message.unescape(part(3)))
