"""Arrivals out: a check-in queues one message; the sender delivers it to a real receiver
socket, keeps it (same control id, same bytes) through AE, silence and a receiver that
is down, and removes it only on AA. A stuck queue raises an alert that clears itself."""

from datetime import UTC, datetime, timedelta

import hl7
import pytest
from helpers.hl7_receiver import Receiver, control_id
from helpers.seed import book_and_arrive
from support import free_port

from staffconsole.hl7.sender import Sender, SendOptions, backoff
from staffconsole.store.alerts import list_alerts
from staffconsole.store.hl7_outbound import enqueue, queue_status
from staffconsole.store.hl7_patients import link
from staffconsole.store.schema import ensure_schema, open_db

START = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def setup(tmp_path):
    path = tmp_path / "seen.db"
    db = open_db(path)
    ensure_schema(db)
    clock = Clock()
    receiver = Receiver().start()
    yield path, db, clock, receiver
    receiver.stop()
    db.close()


def sender(path, clock, receiver, **options) -> Sender:
    defaults = {
        "ack_timeout_s": 2.0,
        "retry_base_s": 5.0,
        "retry_max_s": 60.0,
        "stuck_alert_s": 600,
    }
    options = {**defaults, **options}
    return Sender(SendOptions(db_path=str(path), destination=receiver.address, **options), clock)


def arrive(db, clock, n: int = 1) -> int:
    appointment = book_and_arrive(
        db, clock, external_id=f"A{n}", first="Zoë", last="Núñez", start="2026-11-22T10:30"
    )
    link(db, f"MRN{n}", f"A{n}")
    return appointment


def test_one_checkin_one_arrival_message_removed_on_aa(setup):
    path, db, clock, receiver = setup
    arrive(db, clock)
    arrival_id = db.execute("SELECT id FROM arrivals").fetchone()[0]
    enqueue(db, arrival_id, clock())  # a repeat of the same change: still one row
    assert queue_status(db)["length"] == 1
    run = sender(path, clock, receiver)
    assert run.run_once() is True
    assert run.run_once() is False  # nothing left
    (text,) = receiver.accepted()
    message = hl7.parse(text.strip("\r"))
    assert str(message.segment("MSH")[9]) == "SIU^S14^SIU_S12"
    assert str(message.segment("SCH")[25]) == "Arrived"
    assert str(message.segment("SCH")[2]) == "A1"
    assert str(message.segment("PID")[3]) == "MRN1"
    assert message.segment("PID")[5][0][1][0] == "Zoë"
    assert queue_status(db)["length"] == 0


def test_ae_silence_and_a_receiver_down_keep_the_message_with_the_same_control_id(setup):
    path, db, clock, receiver = setup
    arrive(db, clock)
    run = sender(path, clock, receiver, ack_timeout_s=0.5)
    receiver.answer = "AE"
    run.run_once()
    status = queue_status(db)
    assert status["length"] == 1 and "receiver answered AE" in status["last_error"]
    assert run.run_once() is False  # not due before its backoff
    clock.now += timedelta(seconds=5)
    receiver.answer = "silent"
    run.run_once()
    assert "no ACK within" in queue_status(db)["last_error"]
    port = receiver.port
    receiver.stop()
    clock.now += timedelta(seconds=10)
    run.run_once()
    assert "cannot reach" in queue_status(db)["last_error"]
    # Hours later the receiver is back on its port: the same message, taken once.
    clock.now += timedelta(hours=5)
    back = Receiver(port=port).start()
    try:
        run.run_once()
        assert run.run_once() is False
        ids = [control_id(text) for text, _ in receiver.received] + [
            control_id(t) for t in back.accepted()
        ]
        assert len(set(ids)) == 1 and len(ids) == 3
        assert receiver.received[0][0] == back.accepted()[0]  # the same bytes every time
    finally:
        back.stop()
    assert queue_status(db)["length"] == 0


def test_a_stuck_queue_raises_an_alert_that_clears_once_it_moves(setup):
    path, db, clock, receiver = setup
    arrive(db, clock)
    receiver.answer = "AE"
    run = sender(path, clock, receiver, stuck_alert_s=600)
    run.run_once()
    assert not list_alerts(db)
    clock.now += timedelta(minutes=11)
    run.run_once()
    (alert,) = list_alerts(db)
    assert alert["kind"] == "hl7_queue_stuck" and "1 arrival message" in alert["summary"]
    assert "Zoë" not in alert["summary"] + str(alert["data"])
    receiver.answer = "AA"
    clock.now += timedelta(minutes=5)
    run.run_once()
    run.run_once()
    assert not list_alerts(db)


def test_adt_a10_when_set(setup):
    path, db, clock, receiver = setup
    arrive(db, clock)
    sender(path, clock, receiver, kind="ADT^A10").run_once()
    (text,) = receiver.accepted()
    assert text.split("\r")[1].startswith("EVN|A10|")


def test_backoff_doubles_to_a_cap():
    assert [backoff(n, 2.0, 30.0) for n in range(6)] == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_no_destination_port_listening_is_an_error_not_a_crash(setup):
    path, db, clock, _receiver = setup
    arrive(db, clock)
    Sender(SendOptions(db_path=str(path), destination=f"127.0.0.1:{free_port()}"), clock).run_once()
    assert "cannot reach" in queue_status(db)["last_error"]
