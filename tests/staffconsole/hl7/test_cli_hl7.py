"""`staffconsole hl7 listen`, `send` and `status` as real processes, and the desk's walk-in
check-in queueing its arrival like the kiosk's."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

import pytest
from support import DATA, console_script, free_port, run_cli, wait_for

from staffconsole.cli import main
from staffconsole.clock import ClinicZone
from staffconsole.rules.alerting import alert_fields
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.arrivals import check_in_walk_in
from staffconsole.store.hl7_outbound import queue_status
from staffconsole.store.schema import ensure_schema, open_db

FILES = DATA / "hl7"


@pytest.mark.e2e
def test_listen_alone_then_send_two_files_and_read_the_acks(tmp_path):
    db, port = tmp_path / "seen.db", free_port()
    with open(tmp_path / "listen.log", "wb") as log:
        process = subprocess.Popen(
            [console_script("staffconsole"), "hl7", "listen", "--db", str(db), "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(
            lambda: b"HL7 MLLP listener on" in (tmp_path / "listen.log").read_bytes(),
            timeout=20,
            what="the listener",
        )
        good = run_cli("hl7", "send", str(FILES / "siu_s12_book.hl7"), "--to", f"127.0.0.1:{port}")
        assert "MSA|AA|MSG00001" in good.stdout
        bad = run_cli(
            "hl7",
            "send",
            str(FILES / "bad_unknown_type.hl7"),
            "--to",
            f"127.0.0.1:{port}",
            check=False,
        )
        assert bad.returncode == 1 and "MSA|AR|BAD00001|message type ORU" in bad.stdout
    finally:
        process.terminate()
        process.wait(10)
    with open_db(db) as conn:
        row = conn.execute("SELECT provider FROM appointments WHERE external_id = '20000'")
        assert row.fetchone()[0] == "Dr. Ann Lee"


def test_send_refuses_a_file_without_messages_and_no_destination(tmp_path, capsys):
    empty = tmp_path / "empty.hl7"
    empty.write_text("PID|1\n", encoding="utf-8")
    assert main(["hl7", "send", str(empty), "--to", "127.0.0.1:9"]) == 1
    assert "holds no message" in capsys.readouterr().err
    assert main(["hl7", "send", str(empty), "--db", str(tmp_path / "x.db")]) == 1
    assert "no destination" in capsys.readouterr().err


def test_status_of_an_empty_queue(tmp_path, capsys):
    assert main(["hl7", "status", "--db", str(tmp_path / "seen.db")]) == 0
    out = capsys.readouterr().out
    assert "queued: 0" in out and "(none: arrivals are not sent)" in out


def test_a_desk_walk_in_queues_its_arrival(tmp_path):
    db = open_db(tmp_path / "seen.db")
    ensure_schema(db)
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    alert, _ = open_or_update_alert(
        db, alert_fields("walk_in", "session:w1", "Walk-in at the kiosk", {}, at=now)
    )
    check_in_walk_in(
        db,
        alert["id"],
        first_name="Aroha",
        last_name="Te Rangi",
        dob="2001-12-24",
        by="staff:desk",
        now=now,
        zone=ClinicZone("UTC"),
    )
    assert queue_status(db)["length"] == 1
    db.close()
