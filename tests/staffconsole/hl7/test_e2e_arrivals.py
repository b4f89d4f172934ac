"""Against a real server process: bookings in over MLLP (`staffconsole hl7 send`), check-ins
at the kiosk API, and each arrival at the practice system's receiver exactly once, across a
receiver outage and a server restart (the queue is in the database, not the process)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from helpers.hl7_receiver import Receiver, control_id
from support import DATA, free_port, run_cli, start_server, wait_for

pytestmark = pytest.mark.e2e

# Synthetic patients: (SCH-2 id, PID-5, PID-7 and the kiosk's date, last name typed).
PEOPLE = [
    ("E1", "O'Brien-Núñez^Zoë", "19571130", "1957-11-30", "O'Brien-Núñez"),
    ("E2", "Иванова^Ольга", "19910615", "1991-06-15", "Иванова"),
    ("E3", "王^小明", "20011224", "2001-12-24", "王"),
]


def booking_file(tmp_path, today: str):
    """One file, three SIU^S12 messages (the chapter 10 shape), LF line endings."""
    template = (DATA / "hl7" / "siu_s12_book.hl7").read_text(encoding="utf-8")
    messages = []
    for n, (ident, name, dob, _, _) in enumerate(PEOPLE):
        text = template.replace("20000^FILLER", f"{ident}^FILLER").replace("MSG00001", f"E{n}")
        text = text.replace("202611221030", f"{today}1{n}00").replace("19571130", dob)
        messages.append(text.replace("O'Brien-Núñez^Zoë", name).replace("\r", "\n"))
    path = tmp_path / "day.hl7"
    path.write_text("".join(messages), encoding="utf-8")
    return path


def check_in(url: str, token: str, dob: str, last: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    session = str(uuid.uuid4())
    with httpx.Client(timeout=10) as client:
        found = client.post(
            f"{url}/api/v1/kiosk/lookup",
            headers=headers,
            json={"session": session, "last_name": last, "dob": dob},
        )
        assert found.status_code == 200, found.text
        (match,) = found.json()["matches"]
        done = client.post(
            f"{url}/api/v1/kiosk/checkin",
            headers=headers,
            json={"session": session, "appointment": match["appointment"]},
        )
        assert done.status_code == 200, done.text


def status(db) -> str:
    return run_cli("hl7", "status", "--db", str(db)).stdout


def test_each_arrival_reaches_the_receiver_once_across_outage_and_restart(tmp_path):
    receiver = Receiver().start()
    hl7_port, http_port = free_port(), free_port()
    env = {
        "SEEN_HL7_PORT": str(hl7_port),
        "SEEN_HL7_DESTINATION": receiver.address,
        "SEEN_HL7_RETRY_BASE_S": "0.2",
        "SEEN_HL7_RETRY_MAX_S": "0.5",
        "SEEN_HL7_ACK_TIMEOUT_S": "5.0",
        "SEEN_CLINIC_TIMEZONE": "UTC",
    }
    today = datetime.now(UTC).strftime("%Y%m%d")
    server = start_server(tmp_path, env=env, port=http_port)
    try:
        sent = run_cli(
            "hl7", "send", str(booking_file(tmp_path, today)), "--to", f"127.0.0.1:{hl7_port}"
        )
        assert sent.stdout.count("MSA|AA|") == 3, sent.stdout
        token = server.add_kiosk("Lobby kiosk")
        check_in(server.url, token, PEOPLE[0][3], PEOPLE[0][4])
        wait_for(lambda: len(receiver.accepted()) == 1, timeout=30, what="the first arrival")

        receiver.stop()  # the practice system goes down
        check_in(server.url, token, PEOPLE[1][3], PEOPLE[1][4])
        wait_for(lambda: "cannot reach" in status(server.db), timeout=30, what="a failed try")
        assert "queued: 1" in status(server.db)

        server.stop()  # and the server restarts while it is down
        server = start_server(tmp_path, db=server.db, env=env, port=http_port)
        check_in(server.url, token, PEOPLE[2][3], PEOPLE[2][4])
        assert "queued: 2" in status(server.db)

        back = Receiver(port=receiver.port).start()
        try:
            wait_for(lambda: "queued: 0" in status(server.db), timeout=60, what="an empty queue")
            delivered = receiver.accepted() + back.accepted()
        finally:
            back.stop()
    finally:
        server.stop()
        receiver.stop()
    ids = [control_id(text) for text in delivered]
    assert len(ids) == len(set(ids)) == 3  # each arrival once, as the ACKs show
    appointments = sorted(text.split("\rSCH||")[1].split("|")[0] for text in delivered)
    assert appointments == ["E1", "E2", "E3"]
    assert all("|Arrived" in text for text in delivered)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "HL7 MLLP listener on" in log
    assert not [name for name in ("Zoë", "Ольга", "小明", "Иванова") if name in log]
