"""print_bytes: bytes arrive exactly; writes never hang; options and the null printer."""

from __future__ import annotations

import os

import pytest
from support import wait_for

from hardware.escpos import Line, encode
from hardware.printer import (
    NullPrinter,
    PrinterConfigError,
    PrinterError,
    PrinterStatus,
    SerialPrinter,
    open_printer,
)


def test_receipt_arrives_byte_exact_on_the_simulator(sim, printer):
    data = encode([Line("Ticket 12", bold=True), Line("Zoë Ł.", double=True)], qr="T12")
    printer.print_bytes(data)
    wait_for(lambda: len(sim.received) >= len(data), timeout=5, what="receipt bytes")
    assert sim.received == data
    assert sim.text() == "Ticket 12\nZoë Ł.\n\n"
    assert sim.cuts == 1
    assert sim.qr_codes == ["T12"]


def test_every_byte_value_passes_unchanged(sim, printer):
    # Raw mode on both ends: no CR/LF translation, XON/XOFF bytes pass as data.
    data = bytes(range(256)) * 4
    printer.print_bytes(data)
    wait_for(lambda: len(sim.received) >= len(data), timeout=5, what="all bytes")
    assert sim.received == data


def test_loop_url_reads_back_what_was_written():
    printer = open_printer("loop://", status_timeout=0.1)
    printer.print_bytes(b"\x1b@hello")
    assert printer._port.read(7) == b"\x1b@hello"
    printer.close()


def test_write_that_cannot_finish_times_out_with_the_device_named():
    # Nobody reads the pty master: the kernel buffer fills and the write stalls,
    # like a printer holding XOFF.
    master, slave = os.openpty()
    path = os.ttyname(slave)
    try:
        printer = SerialPrinter(path, write_timeout=0.3)
        with pytest.raises(PrinterError, match=f"{path}.*timed out after 0.3 s"):
            printer.print_bytes(b"x" * 1_000_000)
        printer.close()
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("url", [None, "", "none", "NONE"])
def test_no_url_gives_the_null_printer(url):
    printer = open_printer(url)
    assert isinstance(printer, NullPrinter)
    assert printer.status() == PrinterStatus("none", "no printer configured")
    with pytest.raises(PrinterError, match="no printer configured"):
        printer.print_bytes(b"x")
    printer.close()


def test_dsrdtr_flow_control_is_refused_with_the_reason(sim):
    with pytest.raises(PrinterConfigError, match="DSR/DTR is not supported") as raised:
        open_printer(sim.port, flow_control="dsrdtr")
    assert sim.port in str(raised.value)


@pytest.mark.parametrize("flow", ["xonxoff", "rtscts", "none"])
def test_each_supported_flow_control_prints(sim, flow):
    printer = open_printer(sim.port, flow_control=flow, status_timeout=0.2)
    printer.print_bytes(b"abc")
    wait_for(lambda: sim.received == b"abc", timeout=5, what="bytes with " + flow)
    assert printer.status().state == "ok"
    printer.close()


def test_bad_baud_rate_names_the_device(sim):
    with pytest.raises(PrinterConfigError, match=sim.port):
        open_printer(sim.port, baudrate=-5)


def test_write_timeout_must_be_positive(sim):
    with pytest.raises(PrinterConfigError, match="write_timeout"):
        open_printer(sim.port, write_timeout=0)


def test_unknown_url_scheme_names_the_url():
    with pytest.raises(PrinterConfigError, match="nosuch://x.*not known"):
        open_printer("nosuch://x")
