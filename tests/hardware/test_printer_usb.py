"""Raw USB printers (usb://VID:PID) through pyusb: pyusb's own code runs on a test backend
(tests/helpers/usb_printer.py) whose bulk endpoints reach a simulated printer, so the five
names print and the independent decoder reads them back, DLE EOT is answered over bulk
IN, and a printer without bulk IN prints without status. The faults name the URL."""

from __future__ import annotations

import errno

import pytest
import usb.backend.libusb0
import usb.backend.libusb1
import usb.backend.openusb
from helpers.usb_printer import VENDOR_CLASS, UsbInterface, UsbPrinter, UsbPrinterBackend
from support import wait_for

from hardware.decode import decode
from hardware.escpos import Line, encode
from hardware.printer import PrinterConfigError, PrinterError, SerialPrinter
from hardware.simulator import SimulatedPrinter
from hardware.usbraw import UsbPort
from hardware.usburl import UsbTarget, parse_usb_url

NAMES = ["Łukasz Wałęsa", "Erdős Győző", "Иванов", "Παπαδόπουλος", "王小明"]
URL = "usb://0416:5011"


def open_usb(url, backend, **options):
    options.setdefault("status_timeout", 0.3)
    options.setdefault("write_timeout", 2.0)
    return SerialPrinter(url, usb_backend=backend, **options)


@pytest.fixture
def sim():
    with SimulatedPrinter() as printer:
        yield printer


def bus(*devices):
    return UsbPrinterBackend(*devices)


def print_names(printer, sim, profile="epson"):
    data = encode([Line(name) for name in NAMES], profile=profile)
    printer.print_bytes(data)
    wait_for(lambda: sim.received.endswith(data), timeout=10, what="the slip")
    return decode(sim.received)


# -- the URL ------------------------------------------------------------------------------


def test_the_url_names_vendor_product_serial_and_interface():
    assert parse_usb_url("usb://04b8:0E15") == UsbTarget(0x04B8, 0x0E15, None, 0)
    assert parse_usb_url("USB://0416:5011?serial=A1-b.2&interface=1") == UsbTarget(
        0x0416, 0x5011, "A1-b.2", 1
    )
    assert parse_usb_url("usb://0416:5011?interface=2").interface == 2


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("usb://4b8:e15", "usb://VENDOR:PRODUCT in hex"),
        ("usb://04b8-0e15", "usb://VENDOR:PRODUCT in hex"),
        ("usb://04b8:0e15/1", "usb://VENDOR:PRODUCT in hex"),
        ("usb://04b8:0e15?port=2", "unknown URL option 'port'"),
        ("usb://04b8:0e15?interface=x", "interface must be a number"),
        ("usb://04b8:0e15?interface=256", "interface must be a number"),
        ("usb://04b8:0e15?serial=a b", "serial must be"),
        ("usb://04b8:0e15?serial=", "serial must be"),
        ("usb://04b8:0e15?serial=a&serial=b", "each be given once"),
        ("usb://04b8:0e15?serial", "serial=...&interface=N"),
    ],
)
def test_a_bad_url_is_a_config_error_naming_it(url, reason):
    with pytest.raises(ValueError, match=reason):
        parse_usb_url(url)
    with pytest.raises(PrinterConfigError) as raised:
        open_usb(url, bus())
    assert url in str(raised.value) and reason in str(raised.value)


# -- printing and status ----------------------------------------------------------------


@pytest.mark.parametrize("profile", ["epson", "generic58"])
def test_the_five_names_print_through_raw_usb(sim, profile):
    device = UsbPrinter(sim.port, kernel_driver=True)  # usblp had it: detached first
    backend = bus(device)
    printer = open_usb(URL, backend, status_mode="auto")
    try:
        assert device.detached == [0] and 0 in device.claimed_by
        assert printer.status().state == "ok"  # DLE EOT asked over bulk OUT, answered on IN
        decoded = print_names(printer, sim, profile)
    finally:
        printer.close()
        backend.close()
    assert device.claimed_by == {}  # released on close
    lines = decoded.text.split("\n")
    assert decoded.cuts == 1
    for name, line in zip(NAMES, lines, strict=False):
        if profile == "generic58" and name == "Παπαδόπουλος":
            assert line == name.replace("ο", "o")  # drawn: Greek and Latin o look alike
        else:
            assert line == name


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "paper_near_end"])
def test_the_printer_state_comes_back_over_bulk_in(sim, state):
    backend = bus(UsbPrinter(sim.port))
    printer = open_usb(URL, backend, status_mode="dle_eot")
    try:
        assert printer.status().state == "ok"
        sim.set_state(state)
        assert printer.status().state == state
        sim.set_state("offline")  # answers nothing
        assert printer.status().state == "offline"
    finally:
        printer.close()
        backend.close()


def test_a_printer_that_answers_empty_packets_is_still_read(sim):
    backend = bus(UsbPrinter(sim.port, zero_length=True))
    printer = open_usb(URL, backend, status_mode="dle_eot")
    try:
        assert printer.status().state == "ok"  # the answer after the empty packets
        sim.set_state("offline")
        assert printer.status().state == "offline"  # empty packets until the timeout
    finally:
        printer.close()
        backend.close()


def test_a_printer_without_bulk_in_prints_without_status(sim):
    device = UsbPrinter(sim.port, interfaces=[UsbInterface(bulk_in=None)])
    backend = bus(device)
    printer = open_usb(URL, backend, status_mode="auto")
    try:
        assert printer._port.one_way
        state = printer.status()
        assert state.state == "no_status" and URL in state.detail
        decoded = print_names(printer, sim)
        assert decoded.text.split("\n")[: len(NAMES)] == NAMES
    finally:
        printer.close()
    none = open_usb(URL, backend, status_mode="none")
    try:
        assert none.status().state == "no_status"  # not asked; the device is there
        device.unplug()
        assert none.status().state == "disconnected"  # GET_STATUS fails once it is gone
    finally:
        none.close()
        backend.close()


def test_a_vendor_class_printer_on_another_interface(sim):
    # Interface 0 is not the printer (no bulk OUT); the printer is interface 1, class 0xff.
    device = UsbPrinter(
        sim.port,
        interfaces=[
            UsbInterface(0, bulk_out=None, bulk_in=0x81),
            UsbInterface(1, cls=VENDOR_CLASS, bulk_out=0x02, bulk_in=0x83),
        ],
    )
    backend = bus(device)
    try:
        wrong = open_usb(URL, backend).status()
        assert wrong.state == "disconnected"
        assert "no bulk OUT endpoint on interface 0" in wrong.detail and URL in wrong.detail
        printer = open_usb(URL + "?interface=1", backend)
        try:
            assert printer.status().state == "ok" and 1 in device.claimed_by
            assert print_names(printer, sim).text.split("\n")[: len(NAMES)] == NAMES
        finally:
            printer.close()
        missing = open_usb(URL + "?interface=3", backend).status()
        assert "has no interface 3" in missing.detail
    finally:
        backend.close()


def test_an_unconfigured_device_is_configured_first(sim):
    device = UsbPrinter(sim.port, configuration=0)
    backend = bus(device)
    printer = open_usb(URL, backend)
    try:
        assert printer.status().state == "ok" and device.configuration == 1
    finally:
        printer.close()
        backend.close()


# -- finding the device -------------------------------------------------------------------


def test_the_serial_number_picks_one_of_two_identical_printers():
    with SimulatedPrinter() as first, SimulatedPrinter(state="paper_out") as second:
        backend = bus(
            UsbPrinter(first.port, serial="AAA111", address=5),
            UsbPrinter(second.port, serial="BBB222", address=6),
        )
        try:
            both = open_usb(URL, backend).status()
            assert both.state == "disconnected" and URL in both.detail
            assert "2 USB devices 0416:5011 are connected: add ?serial=" in both.detail
            printer = open_usb(URL + "?serial=BBB222", backend)
            try:
                assert printer.status().state == "paper_out"  # the second one answered
                # The first was opened to read its serial, and closed again.
                assert [d.open_handles for d in backend.devices] == [0, 1]
            finally:
                printer.close()
            assert [d.open_handles for d in backend.devices] == [0, 0]
            absent = open_usb(URL + "?serial=CCC333", backend).status()
            assert "no USB device 0416:5011 with serial CCC333 is connected" in absent.detail
        finally:
            backend.close()


def test_an_absent_printer_is_disconnected_and_named(sim):
    backend = bus(UsbPrinter(sim.port, vendor=0x04B8, product=0x0202))  # another printer
    printer = open_usb(URL, backend)
    try:
        state = printer.status()
        assert state.state == "disconnected"
        assert state.detail == (
            f"cannot open printer {URL}: no USB device 0416:5011 is connected (lsusb lists what is)"
        )
        with pytest.raises(PrinterError, match=f"cannot open printer {URL}: no USB device"):
            printer.print_bytes(b"x")
    finally:
        printer.close()
        backend.close()


@pytest.mark.e2e  # pyusb finds libusb through ctypes, which runs ldconfig
def test_an_absent_printer_on_the_real_libusb_backend():
    # pyusb's own choice of backend (libusb-1.0, from the Makefile's system packages).
    printer = SerialPrinter("usb://ffff:fffe", status_timeout=0.2)
    state = printer.status()
    assert state.state == "disconnected"
    assert "usb://ffff:fffe: no USB device ffff:fffe is connected" in state.detail


def test_without_libusb_the_package_to_install_is_named(monkeypatch):
    for backend in (usb.backend.libusb1, usb.backend.openusb, usb.backend.libusb0):
        monkeypatch.setattr(backend, "get_backend", lambda *a, **k: None)
    state = SerialPrinter(URL, status_timeout=0.2).status()
    assert state.state == "disconnected"
    assert URL in state.detail and "install the libusb-1.0-0 package" in state.detail


def test_permission_denied_names_the_url_and_the_udev_rule(sim):
    device = UsbPrinter(sim.port, permitted=False)
    backend = bus(device)
    try:
        for url in (URL, URL + "?serial=SEEN0001"):  # the serial is read by opening it
            state = open_usb(url, backend).status()
            assert state.state == "disconnected" and url in state.detail
            assert "permission denied" in state.detail and "udev rule" in state.detail
            assert "--printer-usb 0416:5011" in state.detail
        device.permitted = True  # the rule installed: the next call opens it
        printer = open_usb(URL, backend)
        try:
            assert printer.status().state == "ok"
        finally:
            printer.close()
    finally:
        backend.close()


# -- faults while open -------------------------------------------------------------------


def test_a_second_program_cannot_take_the_printer(sim):
    backend = bus(UsbPrinter(sim.port))
    first = open_usb(URL, backend)
    try:
        assert first.status().state == "ok"
        second = open_usb(URL, backend).status()
        assert second.state == "disconnected" and "in use by another program" in second.detail
        assert first.status().state == "ok"
    finally:
        first.close()
        backend.close()


def test_a_stalled_printer_times_out_naming_the_url(sim):
    device = UsbPrinter(sim.port, stalled=True)
    backend = bus(device)
    printer = open_usb(URL, backend, status_mode="none", write_timeout=0.2)
    try:
        with pytest.raises(PrinterError, match=f"writing to printer {URL} timed out after 0.2 s"):
            printer.print_bytes(b"hello")
        device.stalled = False
        printer.print_bytes(b"after\n")  # the port stays open: the next write goes
        wait_for(lambda: sim.received.endswith(b"after\n"), timeout=10, what="the write")
    finally:
        printer.close()
        backend.close()


def test_an_unplugged_printer_is_disconnected_and_comes_back(sim):
    device = UsbPrinter(sim.port)
    backend = bus(device)
    printer = open_usb(URL, backend)
    try:
        assert printer.status().state == "ok"
        device.unplug()
        gone = printer.status()
        assert gone.state == "disconnected" and URL in gone.detail
        with pytest.raises(PrinterError, match=URL):
            printer.print_bytes(b"x")
        replugged = UsbPrinter(sim.port, address=7)  # a new address, as after a replug
        backend.devices.append(replugged)
        replugged.connect()
        assert printer.status().state == "ok"
        print_names(printer, sim)
    finally:
        printer.close()
        backend.close()


def test_the_port_reads_whole_packets_and_hands_out_bytes(sim):
    backend = bus(UsbPrinter(sim.port, interfaces=[UsbInterface(max_packet=8)]))
    port = UsbPort(URL, write_timeout=1.0, timeout=1.0, backend=backend)
    try:
        port.write(b"\x10\x04\x01\x10\x04\x02\x10\x04\x04")  # three questions at once
        wait_for(lambda: len(sim.received) == 9, timeout=10, what="the questions")
        got = b"".join(port.read(1) for _ in range(3))
        assert got == b"\x12\x12\x12"
        port.write(b"\x10\x04\x01")
        wait_for(lambda: sim.received.endswith(b"\x10\x04\x01"), timeout=10, what="more")
        port.reset_input_buffer()  # the unread reply is dropped
        assert port.read(1) == b""
        assert port.in_waiting == 0
    finally:
        port.close()
        backend.close()


def test_usb_errors_are_os_errors_so_the_printer_code_sees_a_device_fault(sim):
    backend = bus(UsbPrinter(sim.port))
    port = UsbPort(URL, write_timeout=1.0, timeout=0.2, backend=backend)
    try:
        backend.devices[0].unplug()
        with pytest.raises(OSError) as raised:
            port.write(b"x")
        assert raised.value.errno == errno.ENODEV
    finally:
        port.close()  # closing an unplugged device does not raise
        backend.close()
