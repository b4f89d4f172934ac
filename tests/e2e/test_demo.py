"""`make demo` brings up the server, the console login, the kiosk window and the printer."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing

import pytest
import requests
from support import REPO, free_port, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.ui]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def test_demo_starts_everything_and_stops_cleanly(tmp_path, xvfb_display):
    port = free_port()
    env = dict(
        os.environ,
        SEEN_DEMO_DIR=str(tmp_path / "demo"),
        SEEN_DEMO_PORT=str(port),
        DISPLAY=xvfb_display,
        KIVY_HOME=str(tmp_path / "kivy"),
        KIVY_NO_ARGS="1",
        SDL_AUDIODRIVER="dummy",
    )
    demo = subprocess.Popen(
        [sys.executable, str(REPO / "deploy" / "demo.py")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        for line in demo.stdout:
            lines.append(line)
            if "Ctrl-C stops everything" in line:
                break
        output = "".join(lines)
        assert f"http://127.0.0.1:{port}/console" in output, output
        assert "demo / lobby kiosk trial" in output, output

        wait_for(lambda: port_open(port), timeout=20, what="demo server port")
        s = requests.Session()
        login = s.post(
            f"http://127.0.0.1:{port}/login",
            data={"username": "demo", "password": "lobby kiosk trial"},
            allow_redirects=False,
            timeout=5,
        )
        assert login.status_code == 303, login.text
        page = s.get(f"http://127.0.0.1:{port}/console", timeout=5)
        assert page.status_code == 200 and "Seen" in page.text

        # The kiosk window is up and talking to the server: its heartbeat, with the
        # simulated printer's state, reaches the demo database.
        db = tmp_path / "demo" / "seen.db"

        def kiosk_heartbeat():
            with closing(sqlite3.connect(db)) as conn:
                row = conn.execute(
                    "select printer_state from kiosks where last_seen_at is not null"
                ).fetchone()
            return row

        row = wait_for(kiosk_heartbeat, timeout=40, interval=0.5, what="kiosk heartbeat")
        assert row[0] == "ok"
        # The banner's way to flip a printer fault reaches the console with a heartbeat.
        control = tmp_path / "demo" / "printer-control"
        assert f"echo paper_out > {control}" in output
        with open(control, "w") as fifo:
            fifo.write("paper_out\n")
        wait_for(
            lambda: kiosk_heartbeat() == ("paper_out",),
            timeout=40,
            interval=0.5,
            what="paper_out in a heartbeat",
        )
        with closing(sqlite3.connect(db)) as conn:
            booked = conn.execute("select count(*) from appointments").fetchone()[0]
        assert booked >= 5
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            # A hang detector, not a speed check: on a loaded 2-core CI box the three
            # children (up to 5 s each, then killed) have taken over 30 s to stop.
            code = demo.wait(90)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait(10)
            raise
        finally:
            lines.append(demo.stdout.read())
            demo.stdout.close()
    assert code == 0, "".join(lines)
    wait_for(lambda: not port_open(port), timeout=10, what="demo server to stop")
