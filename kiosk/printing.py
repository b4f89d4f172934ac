"""Receipts printed from a background queue: a slow or broken printer never holds up
the screen or a check-in. Faults are logged (never the slip's text) and show in the
heartbeat's printer status, which is how the front desk hears about them.

Each job ends in a PrintResult handed to `on_result` (from the printing thread), so
the app can tell the patient when no receipt came out and nudge the heartbeat.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from hardware.escpos import encode
from hardware.printer import PrinterError, open_printer
from kiosk import i18n
from kiosk.receipt import build_receipt
from seen.vocabulary import printable

log = logging.getLogger(__name__)


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class PrintResult:
    """How one receipt went: printed or not, and the printer state that explains it."""

    ticket: object
    printed: bool
    state: str
    detail: str


def printer_options(config) -> dict:
    """SerialPrinter options from the kiosk config (write_timeout is always set)."""
    return {
        "baudrate": config.printer_baudrate,
        "flow_control": config.printer_flow_control,
        "write_timeout": float(config.printer_write_timeout_s),
        "status_mode": config.printer_status,
    }


def open_configured_printer(config):
    """The printer named in the config, opened with its serial options."""
    return open_printer(config.printer, **printer_options(config))


def _status(printer) -> tuple[str, str] | None:
    """(state, detail), or None when this printer cannot say (then we just try)."""
    try:
        status = printer.status()
    except Exception:  # noqa: BLE001 - an unknown state must not stop a print attempt
        return None
    return status.state, status.detail or ""


class ReceiptPrinter:
    """Prints each submitted arrival's slip, one at a time, in a daemon thread."""

    def __init__(
        self,
        printer,
        clinic_name: str,
        long_wait_min: float,
        *,
        profile: str,
        width: int,
        now: Callable[[], datetime] = local_now,
        on_result: Callable[[dict, PrintResult], None] | None = None,
    ) -> None:
        self.printer = printer
        self.clinic_name = clinic_name
        self.long_wait_min = long_wait_min
        self.profile = profile
        self.width = width or None  # 0: the profile's own width
        self.now = now
        self.on_result = on_result
        self.printed = 0
        self.failed = 0
        self.last_result: PrintResult | None = None
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="receipts", daemon=True)
        self._thread.start()

    def submit(
        self, arrival: dict, on_failed: Callable[[], None] | None = None, language: str = "en"
    ) -> None:
        """Print the arrival's slip soon, in the patient's language; on_failed is called
        (from this thread) if it cannot."""
        self._queue.put((arrival, on_failed, language))

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            arrival, on_failed, language = item
            result = self._print(arrival, language)
            self.last_result = result
            if result.printed:
                self.printed += 1
            else:
                self.failed += 1
                log.error(
                    "receipt for ticket %s not printed: %s (%s)",
                    result.ticket,
                    result.state,
                    result.detail,
                )
            listeners = []
            if self.on_result is not None:
                listeners.append(lambda a=arrival, r=result: self.on_result(a, r))
            if on_failed is not None and not result.printed:
                listeners.append(on_failed)  # the patient's screen says no slip came out
            for listener in listeners:
                try:
                    listener()
                except Exception:  # a listener's bug must not end the queue
                    log.exception("receipt result listener failed")

    def _print(self, arrival: dict, language: str = "en") -> PrintResult:
        ticket = arrival.get("ticket")
        before = _status(self.printer)
        # A slip sent in any other state is not sent: a printer that stores the job would
        # print it later, for whoever stands there then.
        if before is not None and not printable(before[0]):
            return PrintResult(ticket, False, *before)
        try:
            words = i18n.load(language).gettext  # its own catalogue: not the screen's
            lines = build_receipt(arrival, self.clinic_name, self.now(), self.long_wait_min, words)
            self.printer.print_bytes(encode(lines, profile=self.profile, width=self.width))
        except PrinterError as e:  # names the device, never the slip
            return PrintResult(ticket, False, "error", str(e))
        except Exception as e:  # noqa: BLE001 - a printer fault must not end the kiosk
            # Only the type: an encoding error's message could quote the patient's name.
            return PrintResult(ticket, False, "error", type(e).__name__)
        # Paper can run out or the cover open in the middle of a slip.
        after = _status(self.printer)
        if after is not None and not printable(after[0]):
            return PrintResult(ticket, False, after[0], "slip may be incomplete: " + after[1])
        state, detail = after or before or ("ok", "sent")
        return PrintResult(ticket, True, state, detail)
