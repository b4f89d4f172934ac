"""FHIR R4 import: the specification's own examples, and a bundle with broken entries."""

import copy
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import DATA

from staffconsole.clock import ClinicZone
from staffconsole.schedule import fhir_reader
from staffconsole.schedule.importer import apply, import_file, import_text
from staffconsole.schedule.model import Options, ScheduleError
from staffconsole.store.appointments import lookup
from staffconsole.store.schema import ensure_schema, open_db

SPEC = DATA / "fhir" / "spec-examples-bundle.json"
MELBOURNE = Options(zone=ClinicZone("Australia/Melbourne"))  # the examples' patient is in Vic


def spec_bundle() -> dict:
    return json.loads(SPEC.read_text(encoding="utf-8"))


def appointments(db):
    return list(
        db.query(
            "SELECT a.external_id, a.start, a.provider, a.status, a.code, "
            "p.first_name, p.last_name, p.dob FROM appointments a "
            "JOIN patients p ON p.id = a.patient_id ORDER BY a.start"
        )
    )


def test_spec_examples_map_patient_provider_time_and_status(fresh_db):
    report = import_file(fresh_db, SPEC, date(2013, 12, 10), MELBOURNE)
    assert (report.kind, report.added, report.other_days, report.ok) == ("fhir", 1, 1, True)
    assert report.warnings == []
    # 09:00Z is 20:00 in Melbourne in December (AEDT, +11).
    assert appointments(fresh_db) == [
        {
            "external_id": "example",
            "start": "2013-12-10T20:00",
            "provider": "Dr Adam Careful",
            "status": "booked",
            "code": None,
            "first_name": "Peter James",
            "last_name": "Chalmers",
            "dob": "1974-12-25",
        }
    ]
    found = lookup(fresh_db, "CHALMERS", "1974-12-25", date(2013, 12, 10))
    assert [(m["display_name"], m["time"], m["provider"]) for m in found] == [
        ("Peter James C.", "20:00", "Dr Adam Careful")
    ]


def test_spec_examples_every_day_and_two_practitioners(fresh_db):
    report = import_file(fresh_db, SPEC, None, Options(zone=ClinicZone("UTC")))
    assert (report.added, report.rejected) == (2, [])
    two_docs = appointments(fresh_db)[0]
    assert (two_docs["external_id"], two_docs["start"]) == ("2docs", "2013-12-09T09:00")
    # "Phone Call" is an actor without a reference: not a practitioner.
    assert two_docs["provider"] == "Dr Adam Careful, Luigi Maas"
    again = import_file(fresh_db, SPEC, None, Options(zone=ClinicZone("UTC")))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2)


def test_identifier_becomes_the_code_and_contained_patient_is_used(fresh_db):
    bundle = spec_bundle()
    appointment = bundle["entry"][0]["resource"]
    appointment["identifier"] = [
        {"use": "secondary", "value": "X-1"},
        {"use": "official", "system": "urn:clinic", "value": "AB-123"},
    ]
    appointment["contained"] = [
        {
            "resourceType": "Patient",
            "id": "p1",
            "birthDate": "1990-03-07",
            "name": [{"use": "official", "family": "Ní Bhriain", "given": ["Siobhán"]}],
        }
    ]
    appointment["participant"][0]["actor"] = {"reference": "#p1"}
    report = import_text(fresh_db, json.dumps(bundle), date(2013, 12, 10), MELBOURNE)
    assert report.added == 1 and report.ok
    row = appointments(fresh_db)[0]
    assert (row["code"], row["last_name"], row["dob"]) == ("AB-123", "Ní Bhriain", "1990-03-07")
    assert lookup(fresh_db, "ni bhriain", "1990-03-07", date(2013, 12, 10))


def test_patient_by_fullurl_and_status_mapping(fresh_db):
    bundle = spec_bundle()
    patient = bundle["entry"][2]
    patient["fullUrl"] = "urn:uuid:0f6d2c3a-8d7e-4c1e-9a37-5b0e3b1e2f10"
    second = copy.deepcopy(bundle["entry"][0])
    second["resource"].update(id="later", status="noshow", start="2013-12-10T03:00:00+00:00")
    second["resource"]["participant"][0]["actor"]["reference"] = patient["fullUrl"]
    bundle["entry"].append(second)
    report = import_text(fresh_db, json.dumps(bundle), date(2013, 12, 10), MELBOURNE)
    assert report.added == 2 and report.ok
    statuses = {r["external_id"]: (r["status"], r["dob"]) for r in appointments(fresh_db)}
    assert statuses == {"example": ("booked", "1974-12-25"), "later": ("cancelled", "1974-12-25")}


def broken_bundle() -> dict:
    bundle = spec_bundle()
    good = bundle["entry"][0]
    lone = copy.deepcopy(good)  # Patient only referenced: kept for code check-in
    lone["resource"].update(id="lone", identifier=[{"value": "LONE-7"}])
    lone["resource"]["participant"][0]["actor"] = {
        "reference": "Patient/elsewhere",
        "display": "Maria Okafor",
    }

    def variant(appointment_id, **changes):
        entry = copy.deepcopy(good)
        entry["resource"].update(id=appointment_id, **changes)
        return entry

    no_patient = variant("no-patient")
    no_patient["resource"]["participant"] = no_patient["resource"]["participant"][1:]
    bundle["entry"] += [
        lone,
        variant("bad-start", start="next tuesday"),
        variant("no-start", start=None),
        variant("odd-status", status="maybe"),
        variant("proposed", status="proposed"),
        no_patient,
        variant("bad-participants", participant="Peter"),
        "not an entry",
        {"fullUrl": "x"},
        {"resource": {"id": "nameless"}},
        {"resource": {"resourceType": "Observation", "id": "obs"}},
        {"resource": {"resourceType": "Appointment", "status": "booked"}},
    ]
    return bundle


def test_broken_entries_are_reported_and_the_rest_kept(fresh_db):
    report = import_text(
        fresh_db, json.dumps(broken_bundle()), date(2013, 12, 10), MELBOURNE, source="broken.json"
    )
    assert report.added == 2  # "example" and "lone"
    rejected = dict(report.rejected)
    assert rejected == {
        "entry 5 (Appointment/bad-start)": "start is not a FHIR instant like 2013-12-10T09:00:00Z",
        "entry 6 (Appointment/no-start)": "Appointment has no start",
        "entry 7 (Appointment/odd-status)": "status 'maybe' is not a FHIR R4 Appointment status",
        "entry 9 (Appointment/no-patient)": "Appointment has no Patient participant",
        "entry 10 (Appointment/bad-participants)": "participant is not a list",
        "entry 11": "has no resource object",
        "entry 12": "has no resource object",
        "entry 13": "resource has no resourceType",
        "entry 15": "Appointment has neither an id nor an identifier",
    }
    warnings = dict(report.warnings)
    assert warnings["entry 8 (Appointment/proposed)"] == "status proposed: not booked yet, skipped"
    assert warnings["entry 14 (Observation/obs)"] == "Observation is not used by Seen; ignored"
    assert "Patient/elsewhere is not in the bundle" in warnings["entry 4 (Appointment/lone)"]
    assert [p.split(":")[0] for p in report.problems()][:3] == [
        "entry 4 (Appointment/lone)",
        "entry 5 (Appointment/bad-start)",
        "entry 6 (Appointment/no-start)",
    ]
    assert not any("Chalmers" in line or "1974" in line for line in report.problems())

    lone = next(r for r in appointments(fresh_db) if r["external_id"] == "lone")
    assert (lone["dob"], lone["code"], lone["first_name"], lone["last_name"]) == (
        "",
        "LONE-7",
        "Maria",
        "Okafor",
    )
    # No date of birth to match on: name + DOB look-up cannot find it, by design.
    assert lookup(fresh_db, "Okafor", "", date(2013, 12, 10)) == []


@pytest.mark.parametrize(
    "text, words",
    [
        ("[1, 2]", "not a FHIR resource"),
        ('{"resourceType": "Patient"}', "FHIR Patient is not a schedule"),
        ('{"resourceType": "Bundle", "entry": {}}', "entry is not a list"),
        ('{"resourceType": "Bundle",', "not valid JSON"),
    ],
)
def test_unusable_documents_raise(fresh_db, text, words):
    with pytest.raises(ScheduleError, match=words):
        import_text(fresh_db, text, date(2013, 12, 10))


def test_a_single_appointment_resource_is_accepted(fresh_db):
    appointment = spec_bundle()["entry"][0]["resource"]
    report = import_text(
        fresh_db, json.dumps(appointment), date(2013, 12, 10), Options(zone=ClinicZone("UTC"))
    )
    assert report.added == 1
    assert "Patient/example is not in the bundle" in report.problems()[0]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = ["id", "status", "start", "identifier", "participant", "contained", "resourceType"]
ACTOR_FIELDS = ["reference", "display", "type"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=3),
    st.dictionaries(st.sampled_from(ACTOR_FIELDS), JSON, max_size=2),
)
def test_any_shape_of_appointment_is_read_or_reported_never_a_crash(changes, actor_changes):
    bundle = spec_bundle()
    appointment = bundle["entry"][0]["resource"]
    appointment.update(changes)
    participants = appointment.get("participant")
    if isinstance(participants, list) and participants and isinstance(participants[0], dict):
        actor = participants[0].get("actor")
        if isinstance(actor, dict):
            actor.update(actor_changes)
    try:
        total, items = fhir_reader.read_bundle(bundle, "fuzz.json", ClinicZone("UTC"))
    except ScheduleError:
        return
    parsed = list(items)
    assert len(parsed) == total == 3
    first = parsed[0]
    if appointment.get("resourceType") == "Appointment":
        # Exactly one outcome: imported, rejected with a reason, or skipped with a warning.
        assert [
            first.booking is not None,
            first.reason is not None,
            first.booking is None and first.reason is None and bool(first.warning),
        ].count(True) == 1
    if first.booking:
        assert first.booking.external_id and len(first.booking.start) >= 16
        db = open_db(":memory:")
        try:
            ensure_schema(db)
            report = apply(db, parsed, None)
            assert report.added + len(report.rejected) == 2  # this one and the other example
        finally:
            db.close()
