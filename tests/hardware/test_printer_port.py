"""The same checks against any port: the simulator always, and a real printer when
SEEN_TEST_PRINTER names its port (e.g. SEEN_TEST_PRINTER=/dev/ttyUSB0, with
SEEN_TEST_PRINTER_BAUD and SEEN_TEST_PRINTER_FLOW if not 19200 / xonxoff). A real
printer prints one short slip; it must have paper and its cover closed."""

from __future__ import annotations

import os

import pytest

from hardware.escpos import Line, encode
from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter
from seen.vocabulary import PRINTER_STATES

PORTS = ["simulator"] + (["real"] if os.environ.get("SEEN_TEST_PRINTER") else [])


@pytest.fixture(params=PORTS)
def opened(request):
    """(printer, simulator or None)."""
    if request.param == "real":
        printer = SerialPrinter(
            os.environ["SEEN_TEST_PRINTER"],
            baudrate=int(os.environ.get("SEEN_TEST_PRINTER_BAUD", "19200")),
            flow_control=os.environ.get("SEEN_TEST_PRINTER_FLOW", "xonxoff"),
        )
        yield printer, None
        printer.close()
        return
    with SimulatedPrinter() as sim:
        printer = SerialPrinter(sim.port, status_timeout=0.3)
        yield printer, sim
        printer.close()


def test_a_ready_printer_reads_ok_and_prints_a_slip(opened):
    printer, sim = opened
    before = printer.status()
    assert before.state in ("ok", "paper_near_end"), before
    slip = encode(
        [Line("Seen port test", bold=True, align="center"), Line("Zoë O'Brien-Núñez")],
        qr="seen-port-test",
    )
    printer.print_bytes(slip)
    after = printer.status()  # asked after the slip: the answer follows the printed bytes
    assert after.state in PRINTER_STATES and after.state in ("ok", "paper_near_end"), after
    if sim is not None:
        assert slip in sim.received  # between the status queries
        assert sim.text() == "Seen port test\nZoë O'Brien-Núñez\n\n" and sim.qr_codes == [
            "seen-port-test"
        ]
