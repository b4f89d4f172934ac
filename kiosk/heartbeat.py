"""Tells the server every few seconds that this kiosk is alive, how its printer is and
whether its outbox has set events aside (the server raises those to the desk)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kiosk import __version__
from kiosk.client import ClientError
from kiosk.controller import utcnow_iso

log = logging.getLogger(__name__)


def printer_status(printer) -> tuple[str, str]:
    """(state, detail) of the printer; a status read that fails is reported, not raised."""
    try:
        status = printer.status()
        return status.state, status.detail or ""
    except Exception as e:  # noqa: BLE001
        return "error", f"status unavailable: {type(e).__name__}"


def outbox_status(outbox) -> dict | None:
    """The outbox's held_status and its depth (events not yet delivered: the server's
    /metrics shows it), or None (not sent) when there is none or it fails."""
    if outbox is None:
        return None
    try:
        return {**outbox.held_status(), "unsent": outbox.unsent_count()}
    except Exception as e:  # noqa: BLE001
        log.warning("heartbeat: outbox status unavailable: %s", type(e).__name__)
        return None


class Heartbeat:
    """A thread posting a heartbeat every interval_s until stopped."""

    def __init__(
        self,
        client,
        printer,
        interval_s: float,
        now_iso: Callable[[], str] = utcnow_iso,
        on_console: Callable[[bool], None] = lambda _live: None,
        outbox=None,
        on_status: Callable[[bool, bool], None] | None = None,
        on_printer: Callable[[str], None] = lambda _state: None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.on_console = on_console  # told after each beat whether staff are watching
        # Told after each beat (reachable, console_live): a failed or hung beat is unreachable.
        self.on_status = on_status
        self.printer = printer
        self.on_printer = on_printer  # told each beat's printer state, sent or not
        self.interval_s = interval_s
        self.now_iso = now_iso
        self.last_answer: dict | None = None
        self.last_error = ""
        self._stop = threading.Event()
        self._wake = threading.Event()  # set to beat now (printer fault) or to stop
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def nudge(self) -> None:
        """Beat now rather than at the next interval (e.g. a receipt just failed)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def beat(self) -> dict:
        """Send one heartbeat now; raises the client's errors."""
        state, detail = printer_status(self.printer)
        try:
            self.on_printer(state)
        except Exception:  # a listener's bug must not stop the heartbeats
            log.exception("heartbeat: printer listener failed")
        return self.client.heartbeat(
            self.now_iso(), __version__, state, detail, outbox=outbox_status(self.outbox)
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last_answer = self.beat()
                self.last_error = ""
                # No answer from the server means nobody sees the kiosk's alerts either.
                live = self.last_answer.get("console_live") is True
                self.on_console(live)
                if self.on_status is not None:
                    self.on_status(True, live)
            except ClientError as e:
                if str(e) != self.last_error:
                    log.warning("heartbeat failed: %s", e)
                self.last_error = str(e)
                self.on_console(False)
                if self.on_status is not None:
                    self.on_status(False, False)
            self._wake.wait(self.interval_s)
            self._wake.clear()
