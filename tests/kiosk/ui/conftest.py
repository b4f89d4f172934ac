"""Fixtures for the kiosk UI tests: a seeded server, a simulated printer, a kiosk config."""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers.kiosk_harness import ARTIFACTS, write_config

from hardware.simulator import SimulatedPrinter

# Synthetic patients only. (external_id, first, last, dob, time, provider, code)
PATIENTS = [
    ("ui-1", "María", "Okafor", "1980-04-02", "10:30", "Dr. Lee", "QX7-42"),
    ("ui-2", "Seán", "O'Brien-Ruiz", "1975-12-31", "11:15", "Dr. Ng", ""),  # code: ui-2
    ("ui-3", "Ana", "Núñez", "1990-06-15", "09:00", "Dr. Lee", ""),  # two appointments
    ("ui-4", "Ana", "Núñez", "1990-06-15", "15:30", "Nurse Kim", ""),
]


@pytest.fixture
def seeded_server(live_server, tmp_path):
    """The real server with today's appointments for PATIENTS."""
    today = date.today().isoformat()
    rows = ["external_id,first_name,last_name,dob,start,provider,code"]
    rows += [
        f"{ext},{first},{last},{dob},{today}T{time},{provider},{code}"
        for ext, first, last, dob, time, provider, code in PATIENTS
    ]
    csv = tmp_path / "schedule.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    live_server.cli("import-schedule", str(csv))
    return live_server


@pytest.fixture
def printer():
    with SimulatedPrinter() as simulated:
        yield simulated


@pytest.fixture
def kiosk_config(seeded_server, printer, tmp_path):
    token = seeded_server.add_kiosk("lobby")
    return write_config(
        tmp_path / "kiosk.toml", seeded_server.url, token, printer=printer.port, heartbeat_s=1
    )


@pytest.fixture
def shots():
    """Where screenshots go: test-artifacts/kiosk/<name>.png at the repo root."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return lambda name: {"screenshot": str(ARTIFACTS / f"{name}.png")}


STAND_IN_MATCH = {
    "appointment": 7,
    "display_name": "María O.",
    "time": "10:30",
    "provider": "Dr. Lee",
}
# The one patient the stand-in does check in (last name "Lin").
STAND_IN_LIN = {"appointment": 9, "display_name": "Lin N.", "time": "11:00", "provider": "Dr. Ng"}


class BrokenCheckinServer:
    """A stand-in for the kiosk API whose checkin fails with a 500 (the arrival's fate
    unknown); look-ups find María; events are kept. Only for what the real server won't do."""

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.delay_s = 0.0  # before answering a look-up or a check-in (a slow server)
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                status, answer = stand_in.answer(self.path.rsplit("/", 1)[-1], body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, call: str, body: dict) -> tuple[int, dict]:
        if call in ("lookup", "checkin"):
            time.sleep(self.delay_s)
        if call == "lookup":
            lin = body.get("last_name", "").lower() == "lin"
            return 200, {"matches": [STAND_IN_LIN if lin else STAND_IN_MATCH]}
        if call == "checkin" and body.get("appointment") == STAND_IN_LIN["appointment"]:
            arrival = {**STAND_IN_LIN, "id": 1, "ticket": 5}
            return 200, {"arrival": {**arrival, "arrived_at": "2026-11-22T10:00:00+00:00"}}
        if call == "checkin":
            return 500, {"detail": "database is locked"}
        if call == "events":
            self.events += body["events"]
            return 200, {"accepted": [e["id"] for e in body["events"]], "duplicate": []}
        return 200, {"server_time": "2026-11-22T10:00:00+00:00", "console_live": True}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def broken_checkin_server():
    server = BrokenCheckinServer()
    yield server
    server.close()
