"""Every transport of the simulated printer: serial (pty), USB printer class (a one-way
FIFO that is not a tty, opened with os calls) and network (socket:// on TCP). The five
names print and the independent decoder reads them back from what was received."""

from __future__ import annotations

import os

import pytest
from support import wait_for

from hardware.decode import decode
from hardware.escpos import Line, encode
from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter
from hardware.usblp import LpPort, is_device_file

NAMES = ["Łukasz Wałęsa", "Erdős Győző", "Иванов", "Παπαδόπουλος", "王小明"]


@pytest.mark.parametrize("transport", ["serial", "usb", "network"])
@pytest.mark.parametrize("profile", ["epson", "generic58"])
def test_the_five_names_print_through_each_transport(transport, profile):
    with SimulatedPrinter(transport=transport) as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.2, status_mode="auto")
        try:
            # The FIFO cannot answer, so auto mode takes it as a printer without status.
            expected = "no_status" if transport == "usb" else "ok"
            assert printer.status().state == expected
            data = encode([Line(name) for name in NAMES], profile=profile)
            printer.print_bytes(data)
            wait_for(lambda: sim.received.endswith(data), timeout=10, what="the slip")
        finally:
            printer.close()
        decoded = decode(sim.received)
        lines = decoded.text.split("\n")
        assert decoded.cuts == 1
        for name, line in zip(NAMES, lines, strict=False):
            if profile == "generic58" and name == "Παπαδόπουλος":
                # Drawn (no Greek page): Greek and Latin o look alike to the reader.
                assert line == name.replace("ο", "o")
            else:
                assert line == name


def test_the_usb_class_device_is_not_a_tty_and_pyserial_is_not_used():
    with SimulatedPrinter(transport="usb") as sim:
        assert is_device_file(sim.port)
        printer = SerialPrinter(sim.port, status_timeout=0.2)
        try:
            assert isinstance(printer._port, LpPort) and not os.isatty(printer._port.fd)
        finally:
            printer.close()
    with SimulatedPrinter() as serial_sim:  # a pty is a tty: pyserial's
        assert not is_device_file(serial_sim.port)


def test_a_second_program_cannot_take_the_usb_printer():
    with SimulatedPrinter(transport="usb") as sim:
        first = SerialPrinter(sim.port, status_timeout=0.2, status_mode="none")
        second = SerialPrinter(sim.port, status_timeout=0.2, status_mode="none")
        try:
            assert first.status().state == "no_status"
            state = second.status()
            assert state.state == "disconnected" and "exclusively lock" in state.detail
        finally:
            first.close()
            second.close()


def test_an_unplugged_usb_printer_is_disconnected():
    with SimulatedPrinter(transport="usb") as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.2, status_mode="none")
        try:
            assert printer.status().state == "no_status"
            sim.unplug()
            assert printer.status().state == "disconnected"
        finally:
            printer.close()


def test_the_network_printer_answers_status_over_tcp():
    with SimulatedPrinter(state="paper_out", transport="network") as sim:
        assert sim.port.startswith("socket://127.0.0.1:")
        printer = SerialPrinter(sim.port, status_timeout=0.5)
        try:
            assert printer.status().state == "paper_out"
        finally:
            printer.close()
