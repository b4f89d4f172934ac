"""Serial receipt printer: open by URL, write bytes, read real-time status (DLE EOT).

Built on pyserial alone (no python-escpos: its 3.1 release reports "plenty of
paper" when the printer does not answer). Ports are opened with
serial.serial_for_url, so "/dev/ttyUSB0", a pty path, "socket://host:9100" and
"loop://" all work; a USB printer-class device (/dev/usb/lp*) goes through
hardware.usblp and raw USB (usb://VID:PID) through hardware.usbraw.

Status is asked with Epson's real-time command DLE EOT n (10 04 n); the printer
answers one byte per request even while offline. Every reply byte has fixed bits:
bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0 (mask 0x93 must give 0x12); a byte
that breaks them is not an answer to our question (e.g. an unasked
Automatic Status Back byte) and is skipped.

  n=1 printer status      bit 3: offline
  n=2 offline cause       bit 2: cover open; bit 3: paper being fed by the FEED
                          button; bit 5: printing stopped, paper end; bit 6: error
  n=3 error cause         bit 3: autocutter error; bit 5: unrecoverable error;
                          bit 6: auto-recoverable error (asked only when n=2 says error)
  n=4 roll paper sensor   bits 2+3: paper near end; bits 5+6: paper end

A printer that is switched off simply stops answering: no byte within the
timeout means "offline". A device that vanishes (USB unplugged) raises
OSError/SerialException on the open port; we report "disconnected", close it
and try to reopen on the next call.
"""

from __future__ import annotations

import termios
import threading
from typing import NamedTuple

import serial

from hardware.usblp import LpPort, is_device_file
from hardware.usbraw import UsbPort
from hardware.usburl import is_usb_url

FLOW_CONTROLS = ("xonxoff", "rtscts", "none")
# How status is learnt: "dle_eot" asks and trusts silence as offline; "none" never asks
# (write-only links, clones without status); "auto" asks, and a printer that has never
# answered since it was opened is taken as one without status (writes still must succeed).
STATUS_MODES = ("auto", "dle_eot", "none")

DLE_EOT = b"\x10\x04"
STATUS_MASK, STATUS_FIXED = 0x93, 0x12

# Bits of the replies, named after Epson's real-time status tables.
PRINTER_OFFLINE = 0x08  # n=1 bit 3
CAUSE_COVER_OPEN = 0x04  # n=2 bit 2
CAUSE_PAPER_END = 0x20  # n=2 bit 5
CAUSE_ERROR = 0x40  # n=2 bit 6
ERROR_AUTOCUTTER = 0x08  # n=3 bit 3
ERROR_UNRECOVERABLE = 0x20  # n=3 bit 5
ERROR_AUTO_RECOVERABLE = 0x40  # n=3 bit 6
PAPER_NEAR_END = 0x0C  # n=4 bits 2 and 3 (either sensor reading counts)
PAPER_END = 0x60  # n=4 bits 5 and 6

# Stray bytes we are willing to skip while looking for the answer to one request.
MAX_STRAY_BYTES = 8

# Errors pyserial and termios raise when the device behind an open port is gone.
_DEVICE_ERRORS = (serial.SerialException, OSError, termios.error)


class PrinterError(Exception):
    """The printer could not be opened or written to; the message names the device."""


class PrinterConfigError(PrinterError):
    """A printer option has a value we cannot use."""


class PrinterStatus(NamedTuple):
    """A state of seen.vocabulary.PRINTER_STATES and a short detail (never patient data)."""

    state: str
    detail: str


def valid_status_byte(value: int) -> bool:
    """True when the fixed bits of a DLE EOT reply are as Epson documents them."""
    return value & STATUS_MASK == STATUS_FIXED


def decode_status(printer: int, cause: int, paper: int, error: int | None = None) -> PrinterStatus:
    """Pure: turn the DLE EOT 1, 2, 4 (and 3) reply bytes into a PrinterStatus.

    The most actionable condition wins: cover open, paper out, error, offline,
    paper near end, ok.
    """
    if cause & CAUSE_COVER_OPEN:
        return PrinterStatus("cover_open", "printer cover is open")
    if cause & CAUSE_PAPER_END or paper & PAPER_END:
        return PrinterStatus("paper_out", "paper roll is empty")
    if cause & CAUSE_ERROR:
        return PrinterStatus("error", describe_error(error))
    if printer & PRINTER_OFFLINE:
        return PrinterStatus("offline", "printer reports offline")
    if paper & PAPER_NEAR_END:
        return PrinterStatus("paper_near_end", "paper roll is nearly empty")
    return PrinterStatus("ok", "ready")


def describe_error(error: int | None) -> str:
    """Words for the DLE EOT 3 error-cause byte."""
    if error is None:
        return "printer reports an error"
    causes = [
        words
        for bit, words in (
            (ERROR_AUTOCUTTER, "autocutter error"),
            (ERROR_UNRECOVERABLE, "unrecoverable error"),
            (ERROR_AUTO_RECOVERABLE, "auto-recoverable error (e.g. head too hot)"),
        )
        if error & bit
    ]
    return "printer reports " + (", ".join(causes) if causes else "an error")


class NullPrinter:
    """No printer configured: status "none"; printing is refused, not faked."""

    def status(self) -> PrinterStatus:
        return PrinterStatus("none", "no printer configured")

    def print_bytes(self, data: bytes) -> None:
        raise PrinterError("no printer configured")

    def close(self) -> None:
        pass


class SerialPrinter:
    """An ESC/POS printer on a serial port, opened by pyserial URL."""

    def __init__(
        self,
        url: str,
        baudrate: int = 19200,
        flow_control: str = "xonxoff",
        write_timeout: float = 2.0,
        status_timeout: float = 0.5,
        status_mode: str = "dle_eot",
        usb_backend=None,
    ) -> None:
        if status_mode not in STATUS_MODES:
            raise PrinterConfigError(
                f"printer {url}: status_mode must be one of {', '.join(STATUS_MODES)}, "
                f"not {status_mode!r}"
            )
        if flow_control not in FLOW_CONTROLS:
            # pyserial has no DSR/DTR flow control on Linux (dsrdtr only works on
            # Windows), so printers must be set to XON/XOFF or RTS/CTS.
            raise PrinterConfigError(
                f"printer {url}: flow_control must be one of {', '.join(FLOW_CONTROLS)}, "
                f"not {flow_control!r} (DSR/DTR is not supported by pyserial on Linux)"
            )
        if write_timeout is None or write_timeout <= 0:
            raise PrinterConfigError(
                f"printer {url}: write_timeout must be a positive number of seconds"
            )
        if status_timeout is None or status_timeout <= 0:
            raise PrinterConfigError(
                f"printer {url}: status_timeout must be a positive number of seconds"
            )
        self.url = url
        self.baudrate = baudrate
        self.flow_control = flow_control
        self.write_timeout = write_timeout
        self.status_timeout = status_timeout
        self.status_mode = status_mode
        self.usb_backend = usb_backend  # pyusb's backend for usb:// (None: libusb-1.0)
        self._answered = False  # DLE EOT has been answered at least once (auto mode)
        self._port: serial.SerialBase | None = None
        self._lock = threading.Lock()  # status() and print_bytes() come from different threads
        self._last_error = ""
        with self._lock:
            self._try_open()

    # -- port handling ------------------------------------------------------

    def _open(self):
        if is_usb_url(self.url):  # usb://VID:PID: raw USB through pyusb, no kernel driver
            return UsbPort(self.url, self.write_timeout, self.status_timeout, self.usb_backend)
        if is_device_file(self.url):  # /dev/usb/lp*: a printer-class device, not a tty
            return LpPort(self.url, self.write_timeout, self.status_timeout)
        return serial.serial_for_url(
            self.url,
            baudrate=self.baudrate,
            xonxoff=self.flow_control == "xonxoff",
            rtscts=self.flow_control == "rtscts",
            # Never block forever: a printer stopped by flow control would hang us.
            write_timeout=self.write_timeout,
            timeout=self.status_timeout,
            # Two programs on one port (kiosk and doctor) would take each other's status
            # replies: the second open fails instead (flock; ignored by loop://).
            exclusive=True,
        )

    def _try_open(self) -> bool:
        if self._port is not None:
            return True
        try:
            self._port = self._open()
        except _DEVICE_ERRORS as exc:
            self._last_error = f"cannot open printer {self.url}: {exc}"
            return False
        except ValueError as exc:  # bad baud rate and similar, from pyserial
            raise PrinterConfigError(f"printer {self.url}: {exc}") from None
        return True

    def _drop(self, exc: BaseException) -> None:
        self._last_error = f"printer {self.url} disconnected: {exc}"
        if self._port is not None:
            try:
                self._port.close()
            except _DEVICE_ERRORS:
                pass
        self._port = None

    # -- public -------------------------------------------------------------

    def print_bytes(self, data: bytes) -> None:
        """Send data; raise PrinterError naming the device if it cannot all be written."""
        with self._lock:
            if not self._try_open():
                raise PrinterError(self._last_error)
            try:
                written = self._port.write(data)
            except serial.SerialTimeoutException:
                raise PrinterError(
                    f"writing to printer {self.url} timed out after {self.write_timeout} s "
                    "(printer busy, offline or held by flow control)"
                ) from None
            except _DEVICE_ERRORS as exc:
                self._drop(exc)
                raise PrinterError(self._last_error) from None
            # We deliberately do not call flush(): it is tcdrain() without a timeout.
            if written is not None and written != len(data):
                raise PrinterError(f"printer {self.url} accepted {written} of {len(data)} bytes")

    def status(self) -> PrinterStatus:
        """Ask the printer with DLE EOT 1, 2, 4 (and 3 on error) and decode the answers."""
        with self._lock:
            if not self._try_open():
                return PrinterStatus("disconnected", self._last_error)
            try:
                if self.status_mode == "none":
                    # Not asked, but a port that has gone (unplugged) still fails here.
                    _ = self._port.in_waiting
                    return PrinterStatus("no_status", f"printer {self.url}: status not asked")
                return self._ask_status()
            except _DEVICE_ERRORS as exc:
                self._drop(exc)
                return PrinterStatus("disconnected", self._last_error)

    def close(self) -> None:
        with self._lock:
            if self._port is not None:
                try:
                    self._port.close()
                except _DEVICE_ERRORS:
                    pass
                self._port = None

    # -- status protocol -----------------------------------------------------

    def _ask_status(self) -> PrinterStatus:
        # Unasked bytes (Automatic Status Back, late replies to an earlier
        # request that timed out) may be waiting; drop them so that the next
        # byte we read answers the question we ask.
        self._port.reset_input_buffer()
        replies = {}
        for n in (1, 2, 4):
            reply = self._ask(n)
            if reply is None:
                if self.status_mode == "auto" and not self._answered:
                    return PrinterStatus(
                        "no_status", f"printer {self.url} has never answered DLE EOT"
                    )
                return PrinterStatus("offline", f"printer {self.url} did not answer DLE EOT {n}")
            self._answered = True
            replies[n] = reply
        error = self._ask(3) if replies[2] & CAUSE_ERROR else None
        return decode_status(replies[1], replies[2], replies[4], error)

    def _ask(self, n: int) -> int | None:
        """Send DLE EOT n and return the first valid reply byte, or None on timeout."""
        self._port.write(DLE_EOT + bytes([n]))
        for _ in range(MAX_STRAY_BYTES):
            got = self._port.read(1)
            if not got:
                return None
            if valid_status_byte(got[0]):
                return got[0]
        return None


def open_printer(url: str | None, **options) -> NullPrinter | SerialPrinter:
    """A SerialPrinter for url, or a NullPrinter when url is None, "" or "none".

    options are SerialPrinter's: baudrate, flow_control, write_timeout, status_timeout,
    status_mode, usb_backend.
    A missing device does not raise here: status() reports "disconnected" until it appears.
    """
    if url is None or str(url).strip().lower() in ("", "none"):
        return NullPrinter()
    return SerialPrinter(str(url), **options)
