"""Printer status over a real pty: DLE EOT 1, 2, 4 answered by the simulated printer."""

from __future__ import annotations

import os
import threading
import time

import pytest

from hardware.printer import PrinterStatus, SerialPrinter, decode_status, valid_status_byte


@pytest.mark.parametrize(
    "state, detail",
    [
        ("ok", "ready"),
        ("paper_near_end", "paper roll is nearly empty"),
        ("paper_out", "paper roll is empty"),
        ("cover_open", "printer cover is open"),
        ("error", "printer reports autocutter error"),
    ],
)
def test_each_printer_state_is_read_back(sim, printer, state, detail):
    sim.set_state(state)
    assert printer.status() == PrinterStatus(state, detail)


def test_status_asks_dle_eot_1_2_4_in_order(sim, printer):
    printer.status()
    assert sim.received == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"


def test_error_also_asks_the_error_cause(sim, printer):
    sim.set_state("error")
    printer.status()
    assert sim.received == b"\x10\x04\x01\x10\x04\x02\x10\x04\x04\x10\x04\x03"


def test_no_answer_is_offline_within_the_timeout(sim, printer):
    sim.set_state("offline")
    started = time.monotonic()
    status = printer.status()
    elapsed = time.monotonic() - started
    assert status.state == "offline"
    assert sim.port in status.detail and "did not answer DLE EOT 1" in status.detail
    assert elapsed < 0.2 * 3  # one unanswered request, not a hang
    sim.set_state("ok")
    assert printer.status().state == "ok"


def test_state_changes_are_seen_on_the_next_call(sim, printer):
    seen = []
    for state in ("ok", "paper_near_end", "paper_out", "ok"):
        sim.set_state(state)
        seen.append(printer.status().state)
    assert seen == ["ok", "paper_near_end", "paper_out", "ok"]


def test_unasked_bytes_waiting_are_cleared_before_asking():
    # A raw pty, so the test plays the printer itself: first a stale
    # "offline" byte nobody asked for, then honest "ok" answers.
    master, slave = os.openpty()
    try:
        printer = SerialPrinter(os.ttyname(slave), status_timeout=0.3)
        os.write(master, b"\x1a")  # stale "offline" byte: read as the answer it would mislead
        time.sleep(0.1)
        answers = iter([b"\x12", b"\x12", b"\x12"])

        def play_printer():
            for _ in range(3):
                got = b""
                while len(got) < 3:
                    got += os.read(master, 3 - len(got))
                os.write(master, next(answers))

        player = threading.Thread(target=play_printer, daemon=True)
        player.start()
        assert printer.status() == PrinterStatus("ok", "ready")
        player.join(2)
        printer.close()
    finally:
        os.close(master)
        os.close(slave)


def test_bytes_breaking_the_fixed_bits_are_skipped():
    master, slave = os.openpty()
    try:
        printer = SerialPrinter(os.ttyname(slave), status_timeout=0.3)

        def play_printer():
            for reply in (b"\x00\xff\x12", b"\x12", b"\x1e"):  # junk before the first answer
                got = b""
                while len(got) < 3:
                    got += os.read(master, 3 - len(got))
                os.write(master, reply)

        player = threading.Thread(target=play_printer, daemon=True)
        player.start()
        assert printer.status().state == "paper_near_end"
        player.join(2)
        printer.close()
    finally:
        os.close(master)
        os.close(slave)


def test_loop_url_echo_is_not_mistaken_for_an_answer():
    # loop:// reads back our own DLE EOT bytes; none has the fixed status bits.
    printer = SerialPrinter("loop://", status_timeout=0.1)
    assert printer.status().state == "offline"
    printer.close()


@pytest.mark.parametrize(
    "value, valid",
    [
        (0x12, True),
        (0x1A, True),
        (0x72, True),
        (0x13, False),
        (0x02, False),
        (0x10, False),
        (0x92, False),
        (0x04, False),
    ],
)
def test_fixed_bits_validation(value, valid):
    assert valid_status_byte(value) is valid


def test_decode_precedence_cover_then_paper_then_error():
    assert decode_status(0x1A, 0x16 | 0x20, 0x7E).state == "cover_open"
    assert decode_status(0x1A, 0x32 | 0x40, 0x12).state == "paper_out"
    assert decode_status(0x12, 0x12, 0x6E).state == "paper_out"  # paper sensor alone
    assert decode_status(0x1A, 0x52, 0x1E, 0x32).detail == "printer reports unrecoverable error"
    assert decode_status(0x1A, 0x12, 0x12) == PrinterStatus("offline", "printer reports offline")
    assert decode_status(0x12, 0x12, 0x16).state == "paper_near_end"  # one sensor bit is enough
