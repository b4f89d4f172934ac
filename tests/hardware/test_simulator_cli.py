"""`python -m hardware.simulator` as its own process, as the demo runs it."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from support import REPO, wait_for

from hardware.escpos import Line, encode
from hardware.printer import SerialPrinter

pytestmark = pytest.mark.e2e


@pytest.fixture
def simulator_process(tmp_path):
    fifo = tmp_path / "control"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.simulator", "--control", str(fifo)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        yield proc, errors, fifo
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        reader.join(5)
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            pipe.close()


def send(proc, command):
    proc.stdin.write(command + "\n")
    proc.stdin.flush()


def test_port_printed_receipt_logged_and_state_flipped(simulator_process):
    proc, errors, fifo = simulator_process
    port = proc.stdout.readline().strip()
    assert port.endswith("/printer")
    printer = SerialPrinter(port, status_timeout=0.3)
    assert printer.status().state == "ok"

    printer.print_bytes(encode([Line("Ticket 5", bold=True), Line("Zoë Ł.")]))
    wait_for(lambda: any("Zoë Ł." in line for line in errors), timeout=5, what="receipt log")
    assert any("Ticket 5" in line for line in errors)

    send(proc, "paper_out")
    wait_for(lambda: printer.status().state == "paper_out", timeout=5, what="paper_out")

    fifo.write_text("cover_open\n")  # the control FIFO works too
    wait_for(lambda: printer.status().state == "cover_open", timeout=5, what="cover_open")

    send(proc, "no_such_state")
    wait_for(
        lambda: any("unknown printer state 'no_such_state'" in e for e in errors),
        timeout=5,
        what="refusal of a bad command",
    )
    assert proc.poll() is None

    send(proc, "unplug")
    wait_for(lambda: printer.status().state == "disconnected", timeout=5, what="unplug")
    send(proc, "replug")
    send(proc, "ok")
    wait_for(lambda: printer.status().state == "ok", timeout=5, what="replug")

    printer.close()
    send(proc, "quit")
    assert proc.wait(10) == 0


def test_terminate_exits_cleanly(simulator_process):
    proc, _, _ = simulator_process
    port = proc.stdout.readline().strip()
    assert port
    proc.terminate()
    assert proc.wait(10) == 0
