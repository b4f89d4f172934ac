"""The MLLP listener on a real socket: the test messages change the schedule, each gets an ACK.

Logs are checked for the synthetic names: none may appear in any line.
"""

import logging
import socket
import threading

import hl7
import pytest
from support import DATA

from staffconsole.clock import ClinicZone
from staffconsole.hl7.listener import ListenerThread, ListenOptions
from staffconsole.hl7.messages import Lookup
from staffconsole.hl7.mllp import Deframer, frame
from staffconsole.store.appointments import appointment_by_external_id
from staffconsole.store.schema import ensure_schema, open_db

FILES = DATA / "hl7"
NAMES = ("Zoë", "Núñez", "Ольга", "Иванова", "王", "小明", "Νίκος", "Łukasz", "Aroha", "Siobhán")


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "seen.db"
    db = open_db(path)
    ensure_schema(db)
    yield path, db
    db.close()


@pytest.fixture
def listener(store):
    options = ListenOptions(
        db_path=str(store[0]),
        host="127.0.0.1",
        port=0,
        lookup=Lookup(locations={"ROOM7": "Nurse Kim"}, zone=ClinicZone("UTC")),
        max_bytes=64 * 1024,
        read_timeout_s=2.0,
    )
    running = ListenerThread(options)
    port = running.start()
    yield port
    running.stop()


def exchange(port: int, *wires: bytes) -> list[bytes]:
    """Send raw bytes on one connection; every framed answer until the server closes or all came."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        for wire in wires:
            conn.sendall(wire)
        conn.shutdown(socket.SHUT_WR)
        deframer, answers = Deframer(1 << 20), []
        while data := conn.recv(65536):
            answers += deframer.feed(data)
        return answers


def send(port: int, name: str) -> hl7.Message:
    (answer,) = exchange(port, frame((FILES / name).read_bytes()))
    text = answer.decode()
    return hl7.parse(text.strip("\r"))


def msa(message: hl7.Message) -> tuple[str, str, str]:
    seg = message.segment("MSA")
    return str(seg[1]), str(seg[2]), message.unescape(str(seg[3]) if len(seg) > 3 else "")


def test_a_booking_day_over_mllp(listener, store, caplog):
    caplog.set_level(logging.INFO, logger="staffconsole.hl7")
    _, db = store
    assert msa(send(listener, "siu_s12_book.hl7"))[:2] == ("AA", "MSG00001")
    assert msa(send(listener, "siu_s12_escapes_lf.hl7"))[:2] == ("AA", "MSG00002")
    answer = send(listener, "siu_s12_custom_encoding_crlf.hl7")
    assert msa(answer)[:2] == ("AA", "MSG00003")
    assert str(answer.segment("MSH")[1]) == "#"  # answered in the sender's encoding
    zoe = appointment_by_external_id(db, "20000")
    assert (zoe["first_name"], zoe["last_name"], zoe["dob"]) == (
        "Zoë",
        "O'Brien-Núñez",
        "1957-11-30",
    )
    assert (zoe["start"], zoe["provider"], zoe["status"]) == (
        "2026-11-22T10:30",
        "Dr. Ann Lee",
        "booked",
    )
    olga = appointment_by_external_id(db, "20001")
    assert (olga["last_name"], olga["provider"]) == ("Иванова", "Nurse Priya Rao|Iyer ^ & ~ \\")
    assert appointment_by_external_id(db, "20002")["provider"] == "Nurse Kim"

    assert msa(send(listener, "siu_s13_reschedule.hl7"))[0] == "AA"
    zoe = appointment_by_external_id(db, "20000")
    assert (zoe["start"], zoe["provider"]) == ("2026-11-22T12:15", "Dr. Raj Patel")
    assert msa(send(listener, "siu_s15_cancel.hl7"))[0] == "AA"
    assert msa(send(listener, "siu_s17_delete.hl7"))[0] == "AA"
    assert appointment_by_external_id(db, "20001")["status"] == "cancelled"
    assert appointment_by_external_id(db, "20002")["status"] == "cancelled"

    assert msa(send(listener, "adt_a08_update.hl7"))[0] == "AA"
    zoe = appointment_by_external_id(db, "20000")
    assert (zoe["first_name"], zoe["last_name"]) == ("Zoë Ann", "Núñez-O'Brien")
    code, _, text = msa(send(listener, "adt_a31_unknown_patient.hl7"))
    assert code == "AA" and "nothing to update" in text
    logged = caplog.text
    assert "MSG00007" in logged and "accepted" in logged
    assert not [name for name in NAMES if name in logged]


@pytest.mark.parametrize(
    "name, code, words, err",
    [
        ("bad_unknown_type.hl7", "AR", "message type ORU", "200"),
        ("bad_unknown_event.hl7", "AR", "SIU event S26", "201"),
        ("bad_missing_name.hl7", "AE", "PID-5.1 (family name) is empty", "101"),
        ("bad_missing_start.hl7", "AE", "no start time", "101"),
        ("bad_encoding_characters.hl7", "AR", "MSH-2 encoding characters", "102"),
        ("siu_s15_cancel.hl7", "AE", "no appointment here", "204"),
    ],
)
def test_refusals_say_why_in_msa3_and_err_and_log_no_names(
    listener, store, caplog, name, code, words, err
):
    caplog.set_level(logging.INFO, logger="staffconsole.hl7")
    answer = send(listener, name)
    got, _, text = msa(answer)
    assert got == code and words in text
    assert str(answer.segment("ERR")[3][0][0]) == err
    assert words in caplog.text
    assert not [n for n in NAMES if n in caplog.text]
    assert store[1].execute("SELECT count(*) FROM appointments").fetchone()[0] == 0


def test_unframed_bytes_get_an_ar_and_the_connection_closes(listener, caplog):
    raw = (FILES / "siu_s12_book.hl7").read_bytes()
    (answer,) = exchange(listener, raw)
    code, _, text = msa(hl7.parse(answer.decode().strip("\r")))
    assert code == "AR" and "not MLLP-framed" in text
    assert "framing error" in caplog.text and "Zoë" not in caplog.text


def test_a_message_over_the_size_limit_is_refused(listener):
    (answer,) = exchange(listener, b"\x0bMSH|" + b"x" * (70 * 1024))
    code, _, text = msa(hl7.parse(answer.decode().strip("\r")))
    assert code == "AR" and "larger than 65536 bytes" in text


def test_half_a_message_then_silence_is_closed_at_the_read_deadline(listener, caplog):
    with socket.create_connection(("127.0.0.1", listener), timeout=30) as conn:
        conn.sendall(b"\x0bMSH|^~\\&|A")
        assert conn.recv(100) == b""  # the server hung up on its own
    assert "half a message, then silence" in caplog.text


def test_several_messages_on_one_connection_and_many_connections_at_once(listener, store):
    book = (FILES / "siu_s12_book.hl7").read_bytes()
    results = {}

    def client(n: int) -> None:
        wires = [
            frame(
                book.replace(b"20000^FILLER", f"C{n}-{i}^FILLER".encode()).replace(
                    b"MSG00001", f"M{n}-{i}".encode()
                )
            )
            for i in range(3)
        ]
        results[n] = [
            msa(hl7.parse(a.decode().strip("\r")))[:2] for a in exchange(listener, *wires)
        ]

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == {n: [("AA", f"M{n}-{i}") for i in range(3)] for n in range(8)}
    assert store[1].execute("SELECT count(*) FROM appointments").fetchone()[0] == 24
