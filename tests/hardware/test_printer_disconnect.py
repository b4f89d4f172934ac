"""A printer that vanishes (cable pulled) reads as disconnected, then ok once it is back."""

from __future__ import annotations

import pytest

from hardware.printer import PrinterError, SerialPrinter


def test_unplug_then_replug(sim, printer):
    assert printer.status().state == "ok"
    sim.unplug()
    status = printer.status()
    assert status.state == "disconnected"
    assert sim.port in status.detail
    # The path is gone now: still disconnected, and reopening is tried each call.
    assert printer.status().state == "disconnected"
    sim.replug()
    assert printer.status().state == "ok"


def test_print_while_unplugged_raises_naming_the_device(sim, printer):
    sim.unplug()
    with pytest.raises(PrinterError) as raised:
        printer.print_bytes(b"hello\n")
    assert sim.port in str(raised.value)
    sim.replug()
    printer.print_bytes(b"hello\n")


def test_printer_missing_at_start_is_disconnected_not_a_crash(tmp_path):
    path = str(tmp_path / "ttyUSB9")
    printer = SerialPrinter(path)
    status = printer.status()
    assert status.state == "disconnected"
    assert path in status.detail
    with pytest.raises(PrinterError, match="ttyUSB9"):
        printer.print_bytes(b"x")
