"""The receipt queue against the simulated printer on a real pty: a slip is sent only
to a printer that can print it whole, and every job ends in a PrintResult."""

from __future__ import annotations

import queue

import pytest
from helpers.usb_printer import UsbInterface, UsbPrinter, UsbPrinterBackend
from support import wait_for

from hardware.printer import NullPrinter, SerialPrinter
from hardware.simulator import SimulatedPrinter
from kiosk.config import KioskConfig, load_config
from kiosk.printing import ReceiptPrinter, open_configured_printer, printer_options
from seen.settings import ConfigError

DEFAULTS = KioskConfig()  # the declared settings' defaults

ARRIVAL = {
    "id": 3,
    "appointment": 7,
    "display_name": "Zoë O.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "arrived_at": "2026-11-22T15:20:00+00:00",
    "ticket": 12,
}


@pytest.fixture
def sim():
    with SimulatedPrinter() as printer:
        yield printer


@pytest.fixture
def run_receipts(sim):
    """Submit one arrival, wait for its result; returns (result, received text)."""
    opened = []

    def run(printer=None):
        printer = printer or SerialPrinter(sim.port, status_timeout=0.2)
        opened.append(printer)
        results: queue.Queue = queue.Queue()
        receipts = ReceiptPrinter(
            printer,
            "Seen Clinic",
            15,
            profile=DEFAULTS.printer_profile,
            width=DEFAULTS.printer_width,
            on_result=lambda arrival, result: results.put((arrival, result)),
        )
        receipts.submit(ARRIVAL)
        arrival, result = results.get(timeout=10)
        receipts.stop()
        assert arrival is ARRIVAL
        return result, receipts

    yield run
    for printer in opened:
        printer.close()


def test_a_ready_printer_prints_the_slip(sim, run_receipts):
    result, receipts = run_receipts()
    assert result.printed and result.state == "ok" and result.ticket == 12
    wait_for(lambda: sim.cuts == 1, timeout=5, what="the cut")
    assert "Zoë O." in sim.text() and receipts.printed == 1 and receipts.last_result == result


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline", "error"])
def test_a_printer_that_cannot_print_gets_nothing(sim, run_receipts, state):
    sim.set_state(state)
    result, receipts = run_receipts()
    assert not result.printed and result.state == state and receipts.failed == 1
    # Nothing queued in the printer to come out later for the next person.
    assert sim.text() == "" and sim.cuts == 0


def test_paper_near_end_still_prints(sim, run_receipts):
    sim.set_state("paper_near_end")
    result, _ = run_receipts()
    assert result.printed and result.state == "paper_near_end"
    wait_for(lambda: sim.cuts == 1, timeout=5, what="the cut")


def test_an_unplugged_printer_is_reported_and_not_raised(sim, run_receipts):
    sim.unplug()
    result, _ = run_receipts()
    assert not result.printed and result.state == "disconnected" and sim.port in result.detail


def test_no_printer_configured_is_a_result_too(run_receipts):
    result, _ = run_receipts(NullPrinter())
    assert not result.printed and result.state == "none"


def test_a_broken_listener_does_not_stop_the_queue(sim):
    printer = SerialPrinter(sim.port, status_timeout=0.2)

    def listener(arrival, result):
        raise RuntimeError("screen bug")

    receipts = ReceiptPrinter(
        printer,
        "Seen Clinic",
        15,
        profile=DEFAULTS.printer_profile,
        width=DEFAULTS.printer_width,
        on_result=listener,
    )
    receipts.submit(ARRIVAL)
    receipts.submit({**ARRIVAL, "ticket": 13})
    wait_for(lambda: receipts.printed == 2, timeout=10, what="two slips")
    receipts.stop()
    printer.close()
    assert sim.cuts == 2


def test_config_gives_flow_control_and_a_write_timeout(sim, tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[kiosk]\nprinter = "{sim.port}"\nprinter_flow_control = "rtscts"\n'
        "printer_write_timeout_s = 3\n"
    )
    config = load_config(path, environ={})
    assert printer_options(config) == {
        "baudrate": 19200,
        "flow_control": "rtscts",
        "write_timeout": 3.0,
        "status_mode": "auto",
    }
    printer = open_configured_printer(config)
    try:
        assert printer._port.rtscts and not printer._port.xonxoff
        assert printer._port.write_timeout == 3.0
        assert printer.status().state == "ok"
    finally:
        printer.close()


def test_dsr_dtr_flow_control_is_refused_with_the_reason(tmp_path):
    from seen.settings import ConfigError

    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nprinter_flow_control = "dsrdtr"\n')
    with pytest.raises(ConfigError, match=r"printer_flow_control = 'dsrdtr': must be one of"):
        load_config(path, environ={})


# --- printers without status ---------------------------------------------------------
# The simulator's "offline" state records every byte and answers nothing: a write-only
# link or a 58 mm clone that has no DLE EOT.


@pytest.mark.parametrize("mode", ["auto", "none"])
def test_a_printer_without_status_prints_and_says_no_status(sim, run_receipts, mode):
    sim.set_state("offline")
    result, receipts = run_receipts(SerialPrinter(sim.port, status_timeout=0.2, status_mode=mode))
    assert result.printed and result.state == "no_status" and receipts.printed == 1
    wait_for(lambda: sim.cuts == 1, timeout=5, what="the cut")
    assert "Zoë O." in sim.text()


def test_dle_eot_mode_still_takes_silence_as_offline(sim, run_receipts):
    sim.set_state("offline")
    result, _ = run_receipts(SerialPrinter(sim.port, status_timeout=0.2, status_mode="dle_eot"))
    assert not result.printed and result.state == "offline" and sim.text() == ""


def test_auto_mode_trusts_silence_only_from_a_printer_that_never_answered(sim, run_receipts):
    printer = SerialPrinter(sim.port, status_timeout=0.2, status_mode="auto")
    assert printer.status().state == "ok"  # it answers: a printer with status
    sim.set_state("offline")
    result, _ = run_receipts(printer)
    assert not result.printed and result.state == "offline" and sim.text() == ""


def test_printer_status_setting_reaches_the_printer(sim, tmp_path):
    sim.set_state("offline")
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nprinter = "{sim.port}"\nprinter_status = "none"\n')
    printer = open_configured_printer(load_config(path, environ={}))
    try:
        assert printer.status().state == "no_status"
    finally:
        printer.close()
    path.write_text(f'[kiosk]\nprinter = "{sim.port}"\nprinter_status = "always"\n')
    with pytest.raises(ConfigError) as e:
        load_config(path, environ={})
    assert "printer_status" in str(e.value) and "always" in str(e.value)


# --- raw USB (usb://), on pyusb with the test backend of tests/helpers/usb_printer.py ---


def test_a_raw_usb_printer_without_bulk_in_prints_on_trust(sim, run_receipts):
    backend = UsbPrinterBackend(UsbPrinter(sim.port, interfaces=[UsbInterface(bulk_in=None)]))
    try:
        printer = SerialPrinter(
            "usb://0416:5011",
            status_timeout=0.2,
            status_mode=DEFAULTS.printer_status,  # auto: it never answers, so no status
            usb_backend=backend,
        )
        result, receipts = run_receipts(printer)
        assert result.printed and result.state == "no_status" and receipts.printed == 1
        wait_for(lambda: sim.cuts == 1, timeout=5, what="the cut")
        assert "Zoë O." in sim.text()
    finally:
        backend.close()


def test_a_raw_usb_printer_out_of_paper_gets_nothing(sim, run_receipts):
    sim.set_state("paper_out")
    backend = UsbPrinterBackend(UsbPrinter(sim.port))
    try:
        printer = SerialPrinter("usb://0416:5011", status_timeout=0.2, usb_backend=backend)
        result, receipts = run_receipts(printer)
        assert not result.printed and result.state == "paper_out" and receipts.failed == 1
        assert sim.text() == ""
    finally:
        backend.close()
