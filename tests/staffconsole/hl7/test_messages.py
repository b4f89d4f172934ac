"""HL7 v2 messages onto the schedule model (pure): the test files, field by field."""

from datetime import datetime

import hl7
import pytest
from support import DATA

from staffconsole.clock import ClinicZone
from staffconsole.hl7.messages import Lookup, Refused, ack, parse
from staffconsole.hl7.outbound import arrival_message, read_ack

FILES = DATA / "hl7"
LOOKUP = Lookup(locations={"ROOM7": "Nurse Kim"}, zone=ClinicZone("UTC"))


def read(name: str):
    return parse((FILES / name).read_bytes(), LOOKUP)


def test_siu_s12_from_chapter_10_books_patient_time_and_provider():
    got = read("siu_s12_book.hl7")
    assert got.action == "book"
    assert got.header.control_id == "MSG00001"
    assert got.mrn == "MRN1001"  # the first PID-3 repetition
    b = got.booking
    assert (b.external_id, b.first_name, b.last_name, b.dob) == (
        "20000",
        "Zoë",
        "O'Brien-Núñez",
        "1957-11-30",
    )
    assert (b.start, b.provider, b.status) == ("2026-11-22T10:30", "Dr. Ann Lee", "booked")


def test_hex_escapes_are_utf8_and_every_separator_escape_is_undone_lf_endings():
    b = read("siu_s12_escapes_lf.hl7").booking
    assert (b.first_name, b.last_name) == ("Ольга", "Иванова")
    assert b.provider == "Nurse Priya Rao|Iyer ^ & ~ \\"


def test_non_default_encoding_characters_and_crlf_and_location_mapping():
    got = read("siu_s12_custom_encoding_crlf.hl7")
    b = got.booking
    assert (b.last_name, b.first_name) == ("王", "小明%明")  # $T$: the subcomponent mark
    assert (b.external_id, b.start, b.provider) == ("20002", "2026-11-22T11:30", "Nurse Kim")
    assert got.mrn == "MRN1003"


def test_provider_map_wins_over_the_name_in_aip():
    lookup = Lookup(providers={"D123": "Dr. Lee (room 2)"}, zone=ClinicZone("UTC"))
    got = parse((FILES / "siu_s12_book.hl7").read_bytes(), lookup)
    assert got.booking.provider == "Dr. Lee (room 2)"


def test_a_start_with_an_offset_lands_in_the_clinic_zone():
    text = (
        (FILES / "siu_s12_book.hl7").read_bytes().replace(b"^202611221030^", b"^202611221030+0100^")
    )
    got = parse(text, Lookup(zone=ClinicZone("UTC")))
    assert got.booking.start == "2026-11-22T09:30"


@pytest.mark.parametrize(
    "name, status, code, words",
    [
        ("bad_unknown_type.hl7", "AR", "200", "message type ORU"),
        ("bad_unknown_event.hl7", "AR", "201", "SIU event S26"),
        ("bad_missing_name.hl7", "AE", "101", "PID-5.1 (family name) is empty"),
        ("bad_missing_start.hl7", "AE", "101", "no start time"),
        ("bad_encoding_characters.hl7", "AR", "102", "MSH-2 encoding characters"),
    ],
)
def test_what_cannot_be_taken_is_refused_with_code_and_reason(name, status, code, words):
    with pytest.raises(Refused) as e:
        read(name)
    assert (e.value.status, e.value.error[0]) == (status, code)
    assert words in e.value.reason


def test_non_utf8_bytes_are_refused_unless_msh18_says_latin1():
    raw = (FILES / "siu_s12_book.hl7").read_bytes().replace("Zoë".encode(), b"Zo\xeb")
    with pytest.raises(Refused, match="not valid utf-8"):
        parse(raw, LOOKUP)
    latin = raw.replace(b"UNICODE UTF-8", b"8859/1").replace("Núñez".encode(), b"N\xfa\xf1ez")
    assert parse(latin, LOOKUP).booking.first_name == "Zoë"


def test_an_ack_carries_msa_and_err_in_the_senders_encoding():
    header = read("siu_s12_custom_encoding_crlf.hl7").header
    raw = ack(
        header,
        "AE",
        "PID-5 a^b",
        ("101", "Required field missing"),
        "PID^1^5",
        datetime(2026, 11, 22),
    )
    text = raw.decode()
    assert text.startswith("MSH#@*$%#SEEN#LOBBY#APPT#CLINIC#20261122000000##ACK@S12#")
    message = hl7.parse(text.strip("\r"))
    assert str(message.segment("MSA")[1]) == "AE"
    assert str(message.segment("MSA")[2]) == "MSG00003"
    assert str(message.segment("MSA")[3]) == "PID-5 a^b"  # ^ is no separator here
    assert str(message.segment("ERR")[3]) == "101@Required field missing@HL70357"


def test_arrival_message_escapes_names_and_reads_back():
    arrival = {
        "external_id": "20000",
        "start": "2026-11-22T10:30",
        "provider": "Dr. Ann Lee",
        "arrived_at": "2026-11-22T10:21:00.000000+00:00",
        "first_name": "Zoë",
        "last_name": "O'Brien|Núñez",
        "dob": "1957-11-30",
        "mrn": "MRN1001",
    }
    text = arrival_message(
        arrival, "SEEN0001", "SIU^S14", "Clinique Saint-Éloi", datetime(2026, 11, 22)
    )
    got = parse(text.encode(), LOOKUP)
    assert got.header.event == "S14"
    assert got.booking.last_name == "O'Brien|Núñez"
    assert hl7.parse(text.strip("\r")).segment("SCH")[25][0] == "Arrived"
    adt = arrival_message(arrival, "SEEN0002", "ADT^A10", "x", datetime(2026, 11, 22))
    assert adt.split("\r")[1].startswith("EVN|A10|")


def test_read_ack_wants_an_msa():
    assert read_ack(b"MSH|^~\\&|A\rMSA|AA|X1|fine\r").code == "AA"
    with pytest.raises(ValueError, match="MSA"):
        read_ack(b"hello")
