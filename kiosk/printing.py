"""Receipts printed from a background queue: a slow or broken printer never holds up
the screen or a check-in. Faults are logged (never the slip's text) and show in the
heartbeat's printer status, which is how the front desk hears about them."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime

from hardware.escpos import encode
from hardware.printer import PrinterError
from kiosk import i18n
from kiosk.receipt import build_receipt

log = logging.getLogger(__name__)
PRINTABLE = ("ok", "paper_near_end")  # printer states in which a slip comes out


def local_now() -> datetime:
    return datetime.now().astimezone()


class ReceiptPrinter:
    """Prints each submitted arrival's slip, one at a time, in a daemon thread."""

    def __init__(self, printer, clinic_name: str, long_wait_min: int, profile: str = "epson",
                 width: int = 42, now: Callable[[], datetime] = local_now) -> None:
        self.printer = printer
        self.clinic_name = clinic_name
        self.long_wait_min = long_wait_min
        self.profile = profile
        self.width = width
        self.now = now
        self.printed = 0
        self.failed = 0
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="receipts", daemon=True)
        self._thread.start()

    def submit(self, arrival: dict, on_failed: Callable[[], None] | None = None,
               language: str = "en") -> None:
        """Print the arrival's slip soon, in the patient's language; on_failed is called
        (from this thread) if it cannot."""
        self._queue.put((arrival, on_failed, language))

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            arrival, on_failed, language = item
            if self._print(arrival, language):
                self.printed += 1
                continue
            self.failed += 1
            if on_failed is not None:
                on_failed()

    def _print(self, arrival: dict, language: str = "en") -> bool:
        try:
            # A serial printer out of paper still takes bytes: ask first, so the screen
            # can say the slip did not print instead of pretending it did.
            state = self.printer.status().state
            if state not in PRINTABLE:
                log.error("receipt for ticket %s not printed: printer is %s",
                          arrival.get("ticket"), state)
                return False
            words = i18n.load(language).gettext  # its own catalogue: not the screen's
            lines = build_receipt(arrival, self.clinic_name, self.now(), self.long_wait_min,
                                  words)
            self.printer.print_bytes(encode(lines, profile=self.profile, width=self.width))
            return True
        except PrinterError as e:  # names the device, never the slip
            log.error("receipt for ticket %s not printed: %s", arrival.get("ticket"), e)
        except Exception as e:  # noqa: BLE001 - a printer fault must not end the kiosk
            # Only the type: an encoding error's message could quote the patient's name.
            log.error("receipt for ticket %s not printed: %s", arrival.get("ticket"),
                      type(e).__name__)
        return False
