"""The real kiosk app, as systemd runs it, with the printer out of paper: the patient
checks in by taps and reaches the done screen, no slip is sent, the server holds the
arrival and hears "paper_out" in the heartbeat, and the app tells systemd it is ready
and pings the watchdog from its UI loop."""

from __future__ import annotations

import socket
import sqlite3
import threading
from contextlib import closing
from datetime import date

import pytest
from helpers.kiosk_harness import run_scenario, write_config
from support import wait_for

from hardware.simulator import SimulatedPrinter

pytestmark = [pytest.mark.ui, pytest.mark.e2e]


def server_row(db, sql):
    with closing(sqlite3.connect(db)) as con:
        return con.execute(sql).fetchone()


def test_checkin_by_taps_while_the_printer_is_out_of_paper(
    xvfb_display, live_server, tmp_path, monkeypatch
):
    csv = tmp_path / "schedule.csv"
    csv.write_text(
        "external_id,first_name,last_name,dob,start,provider\n"
        f"pu-1,Zoë,Okafor,1980-04-02,{date.today()}T10:30,Dr. Lee\n",
        encoding="utf-8",
    )
    live_server.cli("import-schedule", str(csv))
    token = live_server.add_kiosk("Lobby kiosk 1")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(0.2)
    messages: list[str] = []
    done = threading.Event()

    def listen():  # like systemd: read every message as it comes
        while not done.is_set():
            try:
                messages.append(notify.recv(100).decode())
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # a ping every 0.5 s
    steps = [
        {"wait_screen": "welcome"},
        {"tap": "start"},
        {"type": "Okafor"},
        {"tap": "next"},
        {"keypad": "04021980"},
        {"tap": "next"},
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": "You're checked in, Zoë."},
        {"sleep": 2.0},  # heartbeats (every 1 s, and one nudged by the failed slip)
    ]
    with closing(notify), SimulatedPrinter("paper_out") as printer:
        config = write_config(
            tmp_path / "kiosk.toml", live_server.url, token, printer=printer.port, heartbeat_s=1
        )
        run_scenario(xvfb_display, config, steps, tmp_path)
        assert printer.text() == "" and printer.cuts == 0
        wait_for(lambda: "STOPPING=1" in messages, timeout=5, what="STOPPING=1")
        done.set()
        listener.join(5)

    assert server_row(live_server.db, "SELECT count(*) FROM arrivals") == (1,)
    state = wait_for(
        lambda: server_row(live_server.db, "SELECT printer_state FROM kiosks"),
        timeout=5,
        what="a heartbeat",
    )
    assert state == ("paper_out",)
    assert messages[0] == "READY=1" and messages[-1] == "STOPPING=1"
    assert messages.count("WATCHDOG=1") >= 3
