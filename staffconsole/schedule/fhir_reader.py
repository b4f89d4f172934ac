"""Read a FHIR R4 Bundle (JSON) of Appointment resources into bookings.

Mapping (docs/schedule.md has the table):
- external_id: the Appointment's resource `id` (stable in the system that exported it);
  when it has none, its first identifier's value.
- code (typed or scanned at the kiosk): the value of the Appointment's identifier with
  use "official", else "usual", else its first identifier; none when it has none.
- the patient: the participant whose actor is a Patient, found contained in the
  Appointment (`#id`), in the bundle (by fullUrl or `Patient/id`), or only referenced.
  Name: the Patient's official name (given names, family), else its usual or first;
  date of birth: `birthDate`. A Patient that is referenced but not in the bundle is
  reported and the appointment kept for code check-in, with no date of birth.
- provider: the display (or name) of Practitioner / PractitionerRole participants.
- start: the instant moved into the clinic's time zone, kept without offset.
- status: booked, pending, arrived, checked-in, fulfilled -> booked; cancelled, noshow,
  entered-in-error -> cancelled; proposed, waitlist -> skipped (not booked yet).
Anything else in the bundle that Seen does not use is reported, never fatal.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from staffconsole.clock import ClinicZone
from staffconsole.rules.names import split_display
from staffconsole.schedule.model import Booking, Parsed, ScheduleError

BOOKED = ("booked", "pending", "arrived", "checked-in", "fulfilled")
CANCELLED = ("cancelled", "noshow", "entered-in-error")
NOT_YET = ("proposed", "waitlist")
# Resources an Appointment points at: used to resolve references, otherwise quietly kept out.
SUPPORTING = (
    "Patient",
    "Practitioner",
    "PractitionerRole",
    "Location",
    "HealthcareService",
    "Organization",
    "Slot",
    "Schedule",
    "Device",
    "RelatedPerson",
    "Encounter",
)
PROVIDERS = ("Practitioner", "PractitionerRole")
MAX_TEXT = 100
MAX_ID = 64


class Malformed(ValueError):
    """An Appointment's content does not have the shape FHIR R4 gives it."""


def _index(entries: list) -> dict[str, dict]:
    """Bundle resources by fullUrl and by `Type/id`, for resolving references."""
    found: dict[str, dict] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            continue
        if isinstance(entry.get("fullUrl"), str):
            found[entry["fullUrl"]] = resource
        if isinstance(resource.get("id"), str):
            found[f"{resource['resourceType']}/{resource['id']}"] = resource
    return found


def read_bundle(document, source: str, zone: ClinicZone) -> tuple[int, Iterator[Parsed]]:
    """Check the document is a Bundle (or one Appointment), then yield one Parsed per entry."""
    if not isinstance(document, dict):
        raise ScheduleError(f"{source}: JSON is not a FHIR resource (expected an object)")
    kind = document.get("resourceType")
    if kind == "Appointment":
        entries = [{"resource": document}]
    elif kind == "Bundle":
        entries = document.get("entry", [])
        if not isinstance(entries, list):
            raise ScheduleError(f"{source}: the Bundle's entry is not a list")
    else:
        raise ScheduleError(
            f"{source}: a FHIR {kind or 'resource without resourceType'} is not "
            "a schedule; expected a Bundle of Appointment resources"
        )
    return len(entries), _entries(entries, _index(entries), zone)


def _entries(entries: list, index: dict, zone: ClinicZone) -> Iterator[Parsed]:
    for number, entry in enumerate(entries, 1):
        where = f"entry {number}"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            yield Parsed(where, reason="has no resource object")
            continue
        kind = resource.get("resourceType")
        if not isinstance(kind, str) or not kind:
            yield Parsed(where, reason="resource has no resourceType")
            continue
        if isinstance(resource.get("id"), str):
            where = f"{where} ({kind}/{resource['id'][:MAX_ID]})"
        if kind in SUPPORTING:
            yield Parsed(where)
        elif kind != "Appointment":
            yield Parsed(where, warning=f"{kind} is not used by Seen; ignored")
        else:
            yield _appointment(where, resource, index, zone)


def _appointment(where: str, resource: dict, index: dict, zone: ClinicZone) -> Parsed:
    external_id, code = _ids(resource)
    if external_id is None:
        return Parsed(where, reason="Appointment has neither an id nor an identifier")
    status = resource.get("status")
    if status in NOT_YET:
        return Parsed(
            where, warning=f"status {status}: not booked yet, skipped", external_id=external_id
        )
    if status not in BOOKED + CANCELLED:
        return Parsed(
            where,
            reason=f"status {status!r} is not a FHIR R4 Appointment status",
            external_id=external_id,
        )
    try:
        start = _start(resource.get("start"), zone)
        patient, warning = _patient(resource, index)
        provider = _provider(resource, index)
    except Malformed as e:
        return Parsed(where, reason=str(e), external_id=external_id)
    first, last, dob, dob_warning = patient
    booking = Booking(
        external_id=external_id,
        first_name=first,
        last_name=last,
        dob=dob,
        start=start,
        provider=provider,
        status="booked" if status in BOOKED else "cancelled",
        code=code,
    )
    return Parsed(where, booking=booking, warning=warning or dob_warning)


def _text(value, what: str, limit: int = MAX_TEXT) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Malformed(f"{what} is not a string")
    text = " ".join(value.split())
    if len(text) > limit:
        raise Malformed(f"{what} is longer than {limit} characters")
    return text


def _list(value, what: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(f"{what} is not a list")
    return value


def _ids(resource: dict) -> tuple[str | None, str | None]:
    """(external_id, code) from the resource id and its identifiers; bad ones are ignored."""
    given = resource.get("identifier")
    identifiers = [
        i
        for i in (given if isinstance(given, list) else [])
        if isinstance(i, dict)
        and isinstance(i.get("value"), str)
        and 0 < len(i["value"].strip()) <= MAX_ID
    ]
    ranked = sorted(identifiers, key=lambda i: {"official": 0, "usual": 1}.get(i.get("use"), 2))
    code = ranked[0]["value"].strip() if ranked else None
    own = resource.get("id")
    if isinstance(own, str) and 0 < len(own.strip()) <= MAX_ID:
        return own.strip(), code
    return code, code


def _start(value, zone: ClinicZone) -> str:
    if value is None:
        raise Malformed("Appointment has no start")
    if not isinstance(value, str):
        raise Malformed("start is not a string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Malformed("start is not a FHIR instant like 2013-12-10T09:00:00Z") from None
    if len(value) <= 10:
        raise Malformed("start is a date without a time")
    return zone.local_start(moment)


def _actors(resource: dict) -> list[dict]:
    actors = []
    for participant in _list(resource.get("participant"), "participant"):
        if not isinstance(participant, dict):
            raise Malformed("a participant is not an object")
        actor = participant.get("actor")
        if actor is None:
            continue
        if not isinstance(actor, dict):
            raise Malformed("a participant's actor is not a Reference object")
        actors.append(actor)
    return actors


def _resolve(actor: dict, resource: dict, index: dict) -> tuple[str | None, dict | None]:
    """(resource type, the resource if present) for a Reference."""
    reference = actor.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise Malformed("a participant's reference is not a string")
    reference = reference or ""
    if reference.startswith("#"):
        for contained in _list(resource.get("contained"), "contained"):
            if isinstance(contained, dict) and contained.get("id") == reference[1:]:
                return contained.get("resourceType"), contained
        raise Malformed(f"reference {reference[:MAX_ID]} names no contained resource")
    found = index.get(reference)
    if found is None and "/" in reference:
        parts = reference.rstrip("/").split("/")
        found = index.get(f"{parts[-2]}/{parts[-1]}") if len(parts) >= 2 else None
        kind = parts[-2] if len(parts) >= 2 else None
    else:
        kind = found.get("resourceType") if found else None
    declared = actor.get("type") if isinstance(actor.get("type"), str) else None
    return (found.get("resourceType") if found else declared or kind), found


def _name(patient: dict) -> tuple[str, str]:
    names = [n for n in _list(patient.get("name"), "Patient.name") if isinstance(n, dict)]
    names.sort(key=lambda n: {"official": 0, "usual": 1}.get(n.get("use"), 2))
    for name in names:
        given = " ".join(_text(g, "a given name") for g in _list(name.get("given"), "given"))
        family = _text(name.get("family"), "family name")
        if family:
            return _text(given, "given names"), family
        if name.get("text"):
            return split_display(_text(name.get("text"), "name text"))
    return "", ""


def _birth_date(patient: dict) -> str:
    value = patient.get("birthDate")
    if not isinstance(value, str) or len(value) != 10:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return ""


def _patient(resource: dict, index: dict):
    """((first, last, dob, dob warning), missing-patient warning) for the Patient participant."""
    for actor in _actors(resource):
        kind, found = _resolve(actor, resource, index)
        if kind != "Patient":
            continue
        display = _text(actor.get("display"), "participant display")
        if found is None:
            first, last = split_display(display)
            reference = str(actor.get("reference") or "a Patient")[:MAX_ID]
            return (first, last, "", None), (
                f"{reference} is not in the bundle: kept for code check-in only "
                "(no date of birth to match on)"
            )
        first, last = _name(found)
        if not (first or last):
            first, last = split_display(display)
        dob = _birth_date(found)
        warning = None if dob else "the Patient has no full birthDate: code check-in only"
        return (first, last, dob, warning), None
    raise Malformed("Appointment has no Patient participant")


def _provider(resource: dict, index: dict) -> str:
    shown = []
    for actor in _actors(resource):
        kind, found = _resolve(actor, resource, index)
        if kind not in PROVIDERS:
            continue
        text = _text(actor.get("display"), "participant display")
        if not text and found:
            first, last = _name(found)
            text = " ".join(part for part in (first, last) if part)
        if text and text not in shown:
            shown.append(text)
    return ", ".join(shown)[:MAX_TEXT]
