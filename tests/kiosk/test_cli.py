"""`kiosk doctor` and `kiosk run` as real processes: one line per check, non-zero on FAIL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import free_port

pytestmark = pytest.mark.e2e


def kiosk(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SEEN_KIOSK")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
        env=environ,
    )


def config(tmp_path, url, token, printer="none"):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nserver_url = "{url}"\ntoken = "{token}"\nprinter = "{printer}"\n')
    return path


def test_doctor_passes_with_a_real_server_and_printer(tmp_path, live_server):
    from hardware.simulator import SimulatedPrinter

    token = live_server.add_kiosk("lobby")
    with SimulatedPrinter() as printer:
        proc = kiosk(
            "doctor", "--config", str(config(tmp_path, live_server.url, token, printer.port))
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert [line.split(" ")[1] for line in lines] == [
        "config:",
        "server:",
        "readyz:",
        "tls:",
        "token:",
        "clock:",
        "printer:",
        "display:",
        "touch:",
        "disk:",
        "outbox:",
        "speech:",
        "audio:",
        "headphones:",
    ]
    # Plain http warns; no screen, touch panel or sound card on a CI machine: those may warn.
    assert lines[3].startswith("WARN tls: server_url is http")
    assert {line.split(" ", 1)[0] for line in lines[:3] + lines[4:7] + lines[9:12]} == {"PASS"}
    assert lines[11].startswith("PASS speech: espeak-ng speaks en (en-us)")


def test_doctor_fails_on_a_bad_token(tmp_path, live_server):
    proc = kiosk("doctor", "--config", str(config(tmp_path, live_server.url, "wrong")))
    assert proc.returncode == 1
    assert "FAIL token: the server refuses this kiosk's token" in proc.stdout
    assert "PASS server" in proc.stdout


def test_doctor_fails_when_the_server_is_down(tmp_path):
    proc = kiosk(
        "doctor", "--config", str(config(tmp_path, f"http://127.0.0.1:{free_port()}", "t"))
    )
    assert proc.returncode == 1 and "FAIL server: healthz: cannot connect" in proc.stdout


def test_doctor_fails_on_a_bad_config(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[kiosk]\ncountdown_s = -1\n")
    proc = kiosk("doctor", "--config", str(path))
    assert proc.returncode == 1
    assert proc.stdout.strip() == f"FAIL config: {path}: countdown_s = -1: must be greater than 0"


def test_run_refuses_a_missing_token_clearly(tmp_path):
    proc = kiosk("run", "--config", str(config(tmp_path, "http://127.0.0.1:1", "")))
    assert proc.returncode == 2 and "token is empty" in proc.stderr


def test_doctor_reports_events_the_server_refused(tmp_path, live_server):
    from kiosk.outbox import Outbox

    token = live_server.add_kiosk("lobby")
    path = config(tmp_path, live_server.url, token)
    box = Outbox(tmp_path / "kiosk-outbox.db")
    box.put({"id": "e1", "session": "s", "type": "session.started", "at": "x", "data": {}})
    box.hold("e1", "at: must be an ISO 8601 date and time")
    box.close()
    proc = kiosk("doctor", "--config", str(path))
    assert proc.returncode == 1
    assert "FAIL outbox:" in proc.stdout and "1 event(s) refused" in proc.stdout


def test_doctor_shows_a_hostile_servers_text_escaped(tmp_path, fake_console):
    # A server (or something posing as one) answers with control codes and a forged line.
    hostile = "\x1b[2Jnope\nPASS printer: ok\u202e\x9b31m"
    fake_console.answers["heartbeat"] = (401, {"detail": hostile})
    proc = kiosk("doctor", "--config", str(config(tmp_path, fake_console.url, "t" * 43)))
    assert proc.returncode == 1
    for raw in ("\x1b", "\x9b", "\u202e"):
        assert raw not in proc.stdout + proc.stderr
    token = [line for line in proc.stdout.splitlines() if " token: " in line]
    shown = "\\x1b[2Jnope\\nPASS printer: ok\\u202e\\x9b31m"
    assert token == [f"FAIL token: the server refuses this kiosk's token: {shown}"]
    assert not any(line.startswith("PASS printer: ok") for line in proc.stdout.splitlines())
