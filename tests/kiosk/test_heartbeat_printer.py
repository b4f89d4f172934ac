"""The heartbeat carries the printer's state, and a nudge sends it at once."""

from __future__ import annotations

from support import wait_for

from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter
from kiosk.client import KioskClient
from kiosk.heartbeat import Heartbeat


def printer_states(console):
    return [body["printer"]["state"] for call, body, _ in console.requests if call == "heartbeat"]


def test_a_nudge_reports_a_new_printer_fault_before_the_interval(fake_console):
    with SimulatedPrinter() as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.2)
        beat = Heartbeat(KioskClient(fake_console.url, "t"), printer, interval_s=3600).start()
        try:
            wait_for(
                lambda: printer_states(fake_console) == ["ok"],
                timeout=10,
                what="the first heartbeat",
            )
            sim.set_state("cover_open")
            beat.nudge()
            wait_for(
                lambda: printer_states(fake_console) == ["ok", "cover_open"],
                timeout=10,
                what="the nudged heartbeat",
            )
        finally:
            beat.stop()
            printer.close()
    detail = [body["printer"]["detail"] for call, body, _ in fake_console.requests][-1]
    assert detail == "printer cover is open"
