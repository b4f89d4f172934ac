"""HL7 v2 messages in: SIU^S12-S17 and ADT^A08/A31 onto the schedule model, and their ACKs.

Pure: bytes in, an `Inbound` (what to do) or a `Refused` (why not) out; `ack` builds
the answer. python-hl7 splits and unescapes; this module decides what the fields mean
(docs/schedule.md, "HL7 v2"). Reasons name fields, never their values.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import hl7

from staffconsole.clock import ClinicZone
from staffconsole.schedule.model import Booking

DEFAULT_ENCODING = "^~\\&"
BOOK_EVENTS = {"S12": "book", "S13": "book", "S14": "book", "S15": "cancel", "S17": "cancel"}
ADT_EVENTS = {"A08": "demographics", "A31": "demographics"}
# HL7 table 0357 (message error condition codes) used in ERR-3.
REQUIRED_MISSING = ("101", "Required field missing")
DATA_TYPE_ERROR = ("102", "Data type error")
SEGMENT_SEQUENCE = ("100", "Segment sequence error")
UNSUPPORTED_TYPE = ("200", "Unsupported message type")
UNSUPPORTED_EVENT = ("201", "Unsupported event code")
UNSUPPORTED_VERSION = ("203", "Unsupported version id")
UNKNOWN_KEY = ("204", "Unknown key identifier")
INTERNAL = ("207", "Application internal error")


class Refused(Exception):
    """A message answered with AE or AR: why, the HL7 error code and where."""

    def __init__(self, status: str, reason: str, error=INTERNAL, location: str = "") -> None:
        super().__init__(reason)
        self.status = status  # AE: content error; AR: rejected (framing, header, type)
        self.reason = reason
        self.error = error
        self.location = location  # ERR-2, e.g. "PID^1^5"
        self.header: Header | None = None  # what the ACK answers, once MSH is read

    def with_header(self, header: Header) -> Refused:
        self.header = header
        return self


@dataclass(frozen=True)
class Header:
    """What an ACK needs from MSH, known even when the rest cannot be read."""

    separators: str = "|" + DEFAULT_ENCODING  # MSH-1 then MSH-2
    control_id: str = ""
    message_type: str = ""
    event: str = ""
    version: str = "2.5"
    sender: tuple[str, str] = ("", "")  # MSH-3, MSH-4
    receiver: tuple[str, str] = ("", "")  # MSH-5, MSH-6


@dataclass(frozen=True)
class Lookup:
    """How identifiers map onto the schedule: provider ids and locations to names."""

    providers: Mapping[str, str] = field(default_factory=dict)
    locations: Mapping[str, str] = field(default_factory=dict)
    zone: ClinicZone = field(default_factory=ClinicZone)


@dataclass(frozen=True)
class Inbound:
    """What one message asks: book (add or change), cancel, or new demographics."""

    header: Header
    action: str  # "book", "cancel", "demographics"
    external_id: str = ""
    booking: Booking | None = None
    mrn: str = ""
    first_name: str = ""
    last_name: str = ""
    dob: str = ""


def decode(raw: bytes) -> str:
    """The message as text with CR between segments (CR LF and LF accepted)."""
    head = raw[:2048].decode("latin-1")
    charset = ""
    if head.startswith("MSH") and len(head) > 3:
        fields = head.split("\r")[0].split("\n")[0].split(head[3])
        charset = fields[17].strip().upper() if len(fields) > 17 else ""
    codec = "latin-1" if charset.startswith("8859/1") else "utf-8"
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as e:
        raise Refused(
            "AR",
            f"message is not valid {codec} text (byte {e.start}); set MSH-18 or send UTF-8",
            DATA_TYPE_ERROR,
            "MSH^1^18",
        ) from None
    text = text.replace("\r\n", "\r").replace("\n", "\r").strip("\r")
    return re.sub(r"\r+", "\r", text)


def read_header(text: str) -> Header:
    """MSH as far as it can be read; Refused (AR) for bad encoding characters or fields."""
    if not text.startswith("MSH") or len(text) < 8:
        raise Refused("AR", "message does not start with an MSH segment", SEGMENT_SEQUENCE, "MSH")
    sep = text[3]
    msh = text.split("\r", 1)[0].split(sep)
    encoding = msh[1] if len(msh) > 1 else ""
    control = msh[9] if len(msh) > 9 else ""
    bad = _encoding_problem(sep, encoding)
    if bad:
        refused = Refused("AR", f"MSH-2 encoding characters {bad}", DATA_TYPE_ERROR, "MSH^1^2")
        raise refused.with_header(Header(control_id=_plain(control)))
    components = encoding[0]
    message_type = (msh[8] if len(msh) > 8 else "").split(components)
    header = Header(
        separators=sep + encoding,
        control_id=control,
        message_type=message_type[0],
        event=message_type[1] if len(message_type) > 1 else "",
        version=(msh[11] if len(msh) > 11 else "").split(components)[0],
        sender=tuple((msh[i] if len(msh) > i else "").split(components)[0] for i in (2, 3)),
        receiver=tuple((msh[i] if len(msh) > i else "").split(components)[0] for i in (4, 5)),
    )
    if not header.control_id:
        raise Refused("AR", "MSH-10 (message control id) is empty", REQUIRED_MISSING, "MSH^1^10")
    if not header.message_type:
        raise Refused("AR", "MSH-9 (message type) is empty", REQUIRED_MISSING, "MSH^1^9")
    if not header.version.startswith("2."):
        raise Refused(
            "AR", "MSH-12 version must be 2.x", UNSUPPORTED_VERSION, "MSH^1^12"
        ).with_header(header)
    return header


def _plain(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "", value)[:20]


def _encoding_problem(sep: str, encoding: str) -> str:
    if sep.isalnum() or sep in " \r\n":
        return "cannot follow a letter, digit or space as field separator (MSH-1)"
    if len(encoding) not in (4, 5):
        return "must be 4 characters (component, repetition, escape, subcomponent)"
    chars = sep + encoding
    if len(set(chars)) != len(chars):
        return "must be distinct from each other and from MSH-1"
    if any(c.isalnum() or c in " \r\n" for c in encoding):
        return "must not be letters, digits or spaces"
    return ""


def parse(raw: bytes, mapping: Lookup) -> Inbound:
    """What the message asks; Refused (its header attached when known) otherwise."""
    header = None
    try:
        text = decode(raw)
        header = read_header(text)
        return _interpret(header, text, mapping)
    except Refused as refused:
        if refused.header is None and header is not None:
            refused.header = header
        raise


def _interpret(header: Header, text: str, mapping: Lookup) -> Inbound:
    kind = header.message_type
    if kind == "SIU":
        if header.event not in BOOK_EVENTS:
            raise Refused(
                "AR",
                f"SIU event {_plain(header.event) or '(none)'} is not one this server takes "
                "(S12, S13, S14, S15, S17)",
                UNSUPPORTED_EVENT,
                "MSH^1^9^2",
            )
    elif kind == "ADT":
        if header.event not in ADT_EVENTS:
            raise Refused(
                "AR",
                f"ADT event {_plain(header.event) or '(none)'} is not one this server takes "
                "(A08, A31)",
                UNSUPPORTED_EVENT,
                "MSH^1^9^2",
            )
    else:
        raise Refused(
            "AR",
            f"message type {_plain(kind)} is not one this server takes (SIU, ADT)",
            UNSUPPORTED_TYPE,
            "MSH^1^9",
        )
    try:
        message = hl7.parse(text)
    except (hl7.ParseException, ValueError, IndexError) as e:
        raise Refused("AR", f"message cannot be parsed ({type(e).__name__})") from None
    reader = _Reader(message, header)
    if kind == "ADT":
        pid = reader.segment("PID")
        first, last, dob = reader.patient(pid)
        return Inbound(
            header, "demographics", mrn=reader.mrn(pid), first_name=first, last_name=last, dob=dob
        )
    sch = reader.segment("SCH")
    external_id = reader.value(sch, 2, 1) or reader.value(sch, 1, 1)
    if not external_id:
        raise Refused(
            "AE",
            "SCH-2 (filler appointment id) and SCH-1 are both empty",
            REQUIRED_MISSING,
            "SCH^1^2",
        )
    action = BOOK_EVENTS[header.event]
    if action == "cancel":
        return Inbound(header, "cancel", external_id=external_id)
    pid = reader.segment("PID")
    first, last, dob = reader.patient(pid)
    start = reader.start(sch, mapping.zone)
    provider = reader.provider(mapping)
    status = (
        "cancelled" if reader.value(sch, 25, 1).lower() in ("cancelled", "deleted") else "booked"
    )
    booking = Booking(
        external_id=external_id,
        first_name=first,
        last_name=last,
        dob=dob,
        start=start,
        provider=provider,
        status=status,
    )
    return Inbound(header, "book", external_id=external_id, booking=booking, mrn=reader.mrn(pid))


def _escape_separators(text: str, separators: str) -> str:
    """Separators in `text` as escape sequences (python-hl7's escape also rewrites non-ASCII)."""
    field_sep, component, repetition, escape, sub = (separators + "&")[:5]
    text = text.replace(escape, f"{escape}E{escape}")
    for char, code in ((field_sep, "F"), (component, "S"), (repetition, "R"), (sub, "T")):
        text = text.replace(char, f"{escape}{code}{escape}")
    return text


class _Reader:
    """Field access by HL7 position (1-based), unescaped; Refused names what is missing."""

    def __init__(self, message: hl7.Message, header: Header) -> None:
        self.message = message
        self.header = header
        self.escape = header.separators[3]

    def segment(self, name: str):
        try:
            return self.message.segment(name)
        except KeyError:
            raise Refused("AE", f"{name} segment missing", SEGMENT_SEQUENCE, name) from None

    def segments(self, name: str) -> list:
        return [s for s in self.message if str(s[0]) == name]

    def value(self, segment, field_no: int, component: int = 1, rep: int = 0) -> str:
        """One component of one repetition, unescaped; "" when absent."""
        try:
            raw = segment[field_no]
        except IndexError:
            return ""
        if isinstance(raw, hl7.Field) and raw and isinstance(raw[0], hl7.Repetition):
            if rep >= len(raw):
                return ""
            raw = raw[rep]
        elif rep:
            return ""
        if isinstance(raw, hl7.Field | hl7.Repetition):
            if component > len(raw):
                return ""
            raw = raw[component - 1] if len(raw) > 1 or component > 1 else raw[0]
        elif component > 1:
            return ""
        if isinstance(raw, hl7.Component):
            raw = raw[0] if raw else ""  # first subcomponent
        return self._unescape(str(raw)).strip()

    def _unescape(self, text: str) -> str:
        if self.escape not in text:
            return text

        # \X..\ is bytes in the message's character set: UTF-8 here (decode() chose it).
        def hex_bytes(match: re.Match) -> str:
            try:
                decoded = bytes.fromhex(match.group(1)).decode("utf-8")
            except ValueError:
                raise Refused(
                    "AE", "a \\X..\\ escape is not whole UTF-8 hex", DATA_TYPE_ERROR
                ) from None
            return _escape_separators(decoded, self.header.separators)

        e = re.escape(self.escape)
        text = re.sub(rf"{e}X([0-9A-Fa-f]*){e}", hex_bytes, text)
        return self.message.unescape(text)

    def mrn(self, pid) -> str:
        return self.value(pid, 3, 1)

    def patient(self, pid) -> tuple[str, str, str]:
        last = self.value(pid, 5, 1)
        first = self.value(pid, 5, 2)
        if not last:
            raise Refused("AE", "PID-5.1 (family name) is empty", REQUIRED_MISSING, "PID^1^5^1")
        if not first:
            raise Refused("AE", "PID-5.2 (given name) is empty", REQUIRED_MISSING, "PID^1^5^2")
        dob = self.value(pid, 7, 1)
        if dob:
            try:
                dob = datetime.strptime(dob[:8], "%Y%m%d").date().isoformat()
            except ValueError:
                raise Refused(
                    "AE", "PID-7 (date of birth) is not a date YYYYMMDD", DATA_TYPE_ERROR, "PID^1^7"
                ) from None
        return first, last, dob

    def start(self, sch, zone: ClinicZone) -> str:
        candidates = [(self.value(sch, 11, 4), "SCH^1^11^4")]
        for name, field_no in (("AIS", 4), ("AIG", 8), ("AIL", 6), ("AIP", 6)):
            for index, seg in enumerate(self.segments(name), 1):
                candidates.append((self.value(seg, field_no, 1), f"{name}^{index}^{field_no}"))
        for value, where in candidates:
            if value:
                return _local_start(value, zone, where)
        raise Refused(
            "AE", "no start time (SCH-11.4, AIS-4, AIL-6 or AIP-6)", REQUIRED_MISSING, "SCH^1^11"
        )

    def provider(self, mapping: Lookup) -> str:
        for aip in self.segments("AIP"):
            ident = self.value(aip, 3, 1)
            if ident and ident in mapping.providers:
                return mapping.providers[ident]
            family, given, prefix = (self.value(aip, 3, n) for n in (2, 3, 6))
            name = " ".join(part for part in (prefix, given, family) if part)
            if name or ident:
                return name or ident
        for ail in self.segments("AIL"):
            place = self.value(ail, 3, 1)
            if place and place in mapping.locations:
                return mapping.locations[place]
            if place:
                return place
        raise Refused(
            "AE", "no provider (AIP-3) or location (AIL-3) to show", REQUIRED_MISSING, "AIP^1^3"
        )


_TS = re.compile(r"^(\d{12})(\d{2})?(?:\.\d+)?([+-]\d{4})?$")


def _local_start(value: str, zone: ClinicZone, where: str) -> str:
    """An HL7 TS (YYYYMMDDHHMM[SS][+ZZZZ]) as clinic-local "YYYY-MM-DDTHH:MM"."""
    match = _TS.match(value)
    if not match:
        raise Refused(
            "AE",
            f"{where.replace('^1^', '-')} is not a time YYYYMMDDHHMM[SS][+ZZZZ]",
            DATA_TYPE_ERROR,
            where,
        )
    try:
        wall = datetime.strptime(match.group(1), "%Y%m%d%H%M")
    except ValueError:
        raise Refused(
            "AE", f"{where} is not a real date and time", DATA_TYPE_ERROR, where
        ) from None
    offset = match.group(3)
    if offset is None:
        return wall.strftime("%Y-%m-%dT%H:%M")
    sign = 1 if offset[0] == "+" else -1
    delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
    return zone.local_start(wall.replace(tzinfo=timezone(delta)))


def ack(
    header: Header | None,
    status: str,
    reason: str = "",
    error=None,
    location: str = "",
    now: datetime | None = None,
    control_id: str = "",
) -> bytes:
    """The ACK for a message: MSH, MSA (MSA-3 the reason), ERR when not AA; UTF-8 bytes."""
    header = header or Header()
    sep, comp = header.separators[0], header.separators[1]
    escape = _Escaper(header.separators)
    stamp = (now or datetime.now()).strftime("%Y%m%d%H%M%S")
    msh = [
        "MSH",
        header.separators[1:],
        escape(header.receiver[0] or "SEEN"),
        escape(header.receiver[1]),
        escape(header.sender[0]),
        escape(header.sender[1]),
        stamp,
        "",
        comp.join(["ACK", escape(header.event)]) if header.event else "ACK",
        escape(control_id or "ACK" + secrets.token_hex(6).upper()),
        "P",
        escape(header.version or "2.5"),
        "",
        "",
        "",
        "",
        "",
        "UNICODE UTF-8",
    ]
    lines = [sep.join(msh), sep.join(["MSA", status, escape(header.control_id), escape(reason)])]
    if status != "AA":
        code, words = error or INTERNAL
        where = location.replace("^", comp)
        lines.append(sep.join(["ERR", "", where, comp.join([code, words, "HL70357"]), "E"]))
    return "\r".join(lines).encode("utf-8") + b"\r"


class _Escaper:
    def __init__(self, separators: str) -> None:
        self.separators = separators

    def __call__(self, text: str) -> str:
        return _escape_separators(text or "", self.separators)
