"""Clinic IT after a dead SD card: back up while the server is busy, restore, lose nothing.

Real processes: `staffconsole serve` taking appointments from the push API in a
thread while `staffconsole backup` runs; `staffconsole restore` refused while the
server runs, then done with it stopped, and the server started again on the result.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date

import pytest
import requests
from support import run_cli, start_server

pytestmark = pytest.mark.e2e


def _appointment(n: int) -> dict:
    return {
        "first_name": "Łukasz",
        "last_name": f"Wałęsa-{n}",
        "dob": "1950-01-02",
        "start": f"{date.today().isoformat()}T{8 + n % 9:02d}:{n % 60:02d}",
        "provider": "Dr. Lee",
    }


def _ids(db_path) -> set[str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT external_id FROM appointments")}
    finally:
        conn.close()


def test_backup_under_load_then_restore_loses_nothing(tmp_path):
    server = start_server(tmp_path)
    try:
        token = server.cli("apitoken", "add", "Acme PMS").stdout.strip().splitlines()[-1]
        push = {"Authorization": f"Bearer {token}"}
        stored: list[tuple[float, str]] = []  # (when the 201 came back, id)
        stop = threading.Event()

        def practice_system() -> None:
            n = 0
            with requests.Session() as http:
                while not stop.is_set():
                    external_id = f"PMS-{n}"
                    r = http.put(
                        f"{server.url}/api/v1/appointments/{external_id}",
                        json=_appointment(n),
                        headers=push,
                        timeout=5,
                    )
                    assert r.status_code == 201, r.text
                    stored.append((time.monotonic(), external_id))
                    n += 1

        writer = threading.Thread(target=practice_system, daemon=True)
        writer.start()
        while len(stored) < 50:
            time.sleep(0.02)
        backups = tmp_path / "backups"
        backups.mkdir()
        started = time.monotonic()
        out = run_cli("backup", str(backups), "--db", str(server.db)).stdout
        finished = time.monotonic()
        while len(stored) < len([s for s in stored if s[0] <= finished]) + 20:
            time.sleep(0.02)  # the server goes on taking writes after the backup
        stop.set()
        writer.join(10)

        (copy,) = backups.glob("seen-*.db")
        assert f"backed up to {copy}" in out
        in_backup = _ids(copy)
        before = {i for at, i in stored if at <= started}
        assert before <= in_backup  # everything committed before it began is in it
        assert in_backup <= {i for _, i in stored}  # and nothing half-written
        assert len(stored) > len(in_backup)  # writes went on during and after it

        refused = run_cli("restore", str(copy), "--db", str(server.db), check=False)
        assert refused.returncode == 1
        assert "the server is running" in refused.stderr
        assert "Traceback" not in refused.stderr
    finally:
        server.stop()

    done = run_cli("restore", str(copy), "--db", str(server.db)).stdout
    assert "restored" in done and "before-restore" in done
    assert _ids(server.db) == in_backup

    again = start_server(tmp_path, db=server.db)
    try:
        for external_id in sorted(in_backup)[:: max(1, len(in_backup) // 10)]:
            r = requests.get(
                f"{again.url}/api/v1/appointments/{external_id}", headers=push, timeout=5
            )
            assert r.status_code == 200, (external_id, r.text)
        audit = again.cli("audit", "--json").stdout
        assert '"database.restore"' in audit
    finally:
        again.stop()
