"""Fixtures for the kiosk UI tests: a seeded server, a simulated printer, a kiosk config."""

from __future__ import annotations

from datetime import date

import pytest
from kiosk_ui.harness import ARTIFACTS, write_config

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
    rows += [f"{ext},{first},{last},{dob},{today}T{time},{provider},{code}"
             for ext, first, last, dob, time, provider, code in PATIENTS]
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
    return write_config(tmp_path / "kiosk.toml", seeded_server.url, token, printer=printer.port,
                        heartbeat_s=1)


@pytest.fixture
def shots():
    """Where screenshots go: test-artifacts/kiosk/<name>.png at the repo root."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return lambda name: {"screenshot": str(ARTIFACTS / f"{name}.png")}

