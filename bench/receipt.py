"""Receipts: bytes per slip and time to print at 9600 baud through the simulated printer
(paced like a serial line); and "yes, that's me" -> done screen with a normal printer, a
slow one (1200 baud: seconds per slip) and one out of paper. Printing runs on its own
thread, so the patient's check-in must not wait for the printer."""

from __future__ import annotations

import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.common import (
    Row,
    Server,
    Xvfb,
    checkin_patient,
    ms,
    percentile,
    run_probe,
    wait_until,
    write_kiosk_config,
)
from hardware.escpos import encode
from hardware.printer import open_printer
from hardware.simulator import SimulatedPrinter
from kiosk.config import KioskConfig
from kiosk.printing import ReceiptPrinter
from kiosk.receipt import build_receipt

DEFAULTS = KioskConfig()  # the declared settings' defaults

BAUD = 9600
SLOW_BAUD = 1200
FULL = {"prints": 5, "rounds": 8}
TINY = {"prints": 1, "rounds": 1}
CLINIC = "Clinique Saint-Éloi"
ARRIVAL = {
    "id": 41,
    "appointment": 7,
    "display_name": "María José O.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "ticket": 41,
}


def _arrival() -> dict:
    return {**ARRIVAL, "arrived_at": datetime.now().astimezone().isoformat()}


def print_times(count: int) -> tuple[int, list[float]]:
    """Bytes of one slip, and submit -> last byte at the printer, at BAUD."""
    size = len(
        encode(
            build_receipt(_arrival(), CLINIC, datetime.now().astimezone(), DEFAULTS.long_wait_min)
        )
    )
    times = []
    with SimulatedPrinter(baud=BAUD) as sim:
        printer = open_printer(sim.port, baudrate=BAUD)
        receipts = ReceiptPrinter(
            printer,
            CLINIC,
            DEFAULTS.long_wait_min,
            profile=DEFAULTS.printer_profile,
            width=DEFAULTS.printer_width,
        )
        try:
            for n in range(1, count + 1):
                t0 = time.perf_counter()
                receipts.submit(_arrival())
                wait_until(lambda n=n: sim.cuts >= n, 60, "the slip at the printer", 0.005)
                times.append(time.perf_counter() - t0)
        finally:
            receipts.stop()
            printer.close()
    return size, times


def _yes_to_done(
    display: str, server: Server, workdir: Path, label: str, rounds: int, **printer
) -> list[float]:
    """Run the real kiosk with this printer; the "yes -> done" times."""
    state, baud = printer.get("state", "ok"), printer.get("baud")
    with SimulatedPrinter(state, baud=baud) as sim:
        config = write_kiosk_config(
            workdir / f"kiosk-{label}.toml",
            server.url,
            server.add_kiosk(f"Bench kiosk {label}"),
            printer=sim.port,
            **({"printer_baudrate": baud} if baud else {}),
        )
        taps = run_probe(display, workdir, "taps", config, rounds).result["taps"]
    return [seconds for path, seconds in taps if path.startswith("yes")]


def run(tiny: bool = False) -> list[Row]:
    size = TINY if tiny else FULL
    slip_bytes, times = print_times(size["prints"])
    wire = slip_bytes * 10 / BAUD
    rows = [
        Row("receipt", f"bytes per receipt (epson, 42 columns, {CLINIC!r})", f"{slip_bytes} B"),
        Row(
            "receipt",
            f"time to print at {BAUD} baud, submit -> cut received, p50 "
            f"(n={len(times)}; baseline: bytes on the wire at {BAUD} baud)",
            ms(percentile(times, 50)),
            ms(wire),
            f"{percentile(times, 50) / wire:.2f}x",
        ),
    ]
    with (
        tempfile.TemporaryDirectory(prefix="bench-receipt-") as tmp,
        Xvfb() as x,
        Server(Path(tmp)) as server,
    ):
        workdir = Path(tmp)
        checkin_patient(server, workdir)
        normal = _yes_to_done(x.display, server, workdir, "normal", size["rounds"])
        slow = _yes_to_done(x.display, server, workdir, "slow", size["rounds"], baud=SLOW_BAUD)
        empty = _yes_to_done(
            x.display, server, workdir, "paper-out", size["rounds"], state="paper_out"
        )
    base = percentile(normal, 50)
    rows.append(
        Row(
            "receipt",
            f'"yes, that\'s me" -> done drawn p50, normal printer (n={len(normal)})',
            ms(base),
        )
    )
    for label, values in (
        (f"slow printer ({SLOW_BAUD} baud)", slow),
        ("printer out of paper", empty),
    ):
        p50 = percentile(values, 50)
        rows.append(
            Row(
                "receipt",
                f'"yes, that\'s me" -> done drawn p50, {label} '
                f"(n={len(values)}; baseline: normal printer)",
                ms(p50),
                ms(base),
                f"{p50 / base:.2f}x",
                "no growth (<= 1.25x + 20 ms)",
                p50 <= base * 1.25 + 0.020,
            )
        )
    return rows
