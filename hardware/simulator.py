"""A simulated ESC/POS serial printer on a pseudo-terminal, for tests and the demo.

The printer end is the pty master; the kiosk opens `.port`, a symlink in a
temporary directory pointing at the pty slave (so "unplugging" can remove the
path and hang the pty up, as a USB serial adapter does). A reader thread
records every byte and answers DLE EOT n with the status byte of the current
state; "offline" answers nothing, like a printer that is switched off.

`python -m hardware.simulator` runs one: the first stdout line is the port
path; commands (ok, paper_near_end, paper_out, cover_open, offline, error,
unplug, replug, quit) come one per line on stdin or on a --control FIFO; each
receipt received is logged as text to stderr. Demo use only, synthetic data only.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import socket
import sys
import tempfile
import threading
import time
import tty
from pathlib import Path
from typing import Self

from hardware.decode import decode

# Reply bytes to DLE EOT 1, 2, 3, 4 per state (fixed bits 1 and 4 = 0x12 in each).
# 0x1A: n=1 offline bit 3. n=2: 0x16 cover open (bit 2), 0x32 paper end (bit 5),
# 0x52 error (bit 6). n=3 0x1A autocutter error (bit 3). n=4: 0x1E near end
# (bits 2+3), 0x7E paper end (bits 5+6, near-end sensor also empty).
STATUS_BYTES = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "paper_near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    "error": {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
    "offline": {},
}
SIM_STATES = tuple(STATUS_BYTES)


class SimulatorError(Exception):
    """The simulated printer was asked for something it cannot do."""


class _Pty:
    """One pty pair in raw mode: what a plugged-in printer cable is to us."""

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        # Raw both ways: no echo, no CR/LF translation, no XON/XOFF eaten by the tty.
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.slave_path = os.ttyname(self.slave)

    def close(self) -> None:
        # Closing the master hangs up the slave: the kiosk's reads and writes
        # then fail with EIO, as when a USB serial adapter is pulled out.
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


class _Fifo:
    """A named pipe at the port path: a USB printer-class device that is not a tty and
    cannot answer (one way), as /dev/usb/lp* is for a printer without status."""

    def __init__(self, path: str) -> None:
        os.mkfifo(path)
        self.path = path
        self.master = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        # Our own writer keeps the pipe from reading end-of-file between kiosk opens.
        self._keep = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        self.answers = False

    def close(self) -> None:
        for fd in (self.master, self._keep):
            try:
                os.close(fd)
            except OSError:
                pass


class _Tcp:
    """A listening TCP socket on 127.0.0.1: a network printer on its raw port."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"socket://127.0.0.1:{self.server.getsockname()[1]}"
        self.conn: socket.socket | None = None
        self.answers = True

    @property
    def master(self) -> int:
        return (self.conn or self.server).fileno()

    def close(self) -> None:
        for sock in (self.conn, self.server):
            if sock is not None:
                sock.close()


TRANSPORTS = ("serial", "usb", "network")


class SimulatedPrinter:
    """A printer on a pty: `.port` to open, `.received` bytes, `.set_state()` for faults.

    transport "usb" puts a one-way FIFO at `.port` (a printer-class device, not a tty);
    "network" listens on TCP and `.port` is its socket:// URL."""

    def __init__(
        self,
        state: str = "ok",
        on_receipt=None,
        baud: int | None = None,
        transport: str = "serial",
    ) -> None:
        if transport not in TRANSPORTS:
            raise SimulatorError(f"transport must be one of {', '.join(TRANSPORTS)}")
        self._transport = transport
        self._check_state(state)
        # Pacing: take bytes no faster than a serial line at this rate (8N1: 10 bits a byte).
        self._baud = baud
        self._state = state
        self._on_receipt = on_receipt  # called with each slip's text when a cut arrives
        self._lock = threading.Lock()
        self._received = bytearray()
        self._dir = tempfile.TemporaryDirectory(prefix="seen-printer-")
        self.port = str(Path(self._dir.name) / "printer")
        self._pty: _Pty | None = None
        self._thread: threading.Thread | None = None
        self._stop_r, self._stop_w = os.pipe()
        self._plug()

    # -- life cycle ----------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._unplug()
        for fd in (self._stop_r, self._stop_w):
            try:
                os.close(fd)
            except OSError:
                pass
        self._dir.cleanup()

    def unplug(self) -> None:
        """The cable is pulled: the port path disappears and the open port fails."""
        self._unplug()

    def replug(self) -> None:
        """The cable is back: a fresh pty behind the same port path."""
        if self._pty is None:
            self._plug()

    def _plug(self) -> None:
        if self._transport == "usb":
            self._pty = _Fifo(self.port)
        elif self._transport == "network":
            self._pty = _Tcp()
            self.port = self._pty.url
        else:
            self._pty = _Pty()
            os.symlink(self._pty.slave_path, self.port)
        self._thread = threading.Thread(
            target=self._read_loop, args=(self._pty,), name="simulated-printer", daemon=True
        )
        self._thread.start()

    def _unplug(self) -> None:
        if self._pty is None:
            return
        os.write(self._stop_w, b"x")
        self._thread.join(5)
        os.read(self._stop_r, 1)
        if self._transport != "network":
            try:
                os.unlink(self.port)
            except FileNotFoundError:
                pass
        self._pty.close()
        self._pty = None
        self._thread = None

    # -- state -----------------------------------------------------------------

    @staticmethod
    def _check_state(state: str) -> None:
        if state not in STATUS_BYTES:
            raise SimulatorError(
                f"unknown printer state {state!r}; choose one of {', '.join(SIM_STATES)}"
            )

    def set_state(self, state: str) -> None:
        self._check_state(state)
        with self._lock:
            self._state = state

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    # -- what arrived ------------------------------------------------------------

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def clear(self) -> None:
        """Forget what was received so far (between test steps)."""
        with self._lock:
            self._received.clear()

    def text(self) -> str:
        """Everything received, as plain text with the ESC/POS commands removed."""
        return decode(self.received).text

    @property
    def cuts(self) -> int:
        return decode(self.received).cuts

    @property
    def qr_codes(self) -> list[str]:
        return decode(self.received).qr_codes

    # -- the printer's side of the wire ---------------------------------------------

    def _read_loop(self, pty) -> None:
        # DLE EOT n may arrive split across reads; remember the tail of the stream.
        tail = b""
        while True:
            ready, _, _ = select.select([pty.master, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            if isinstance(pty, _Tcp) and pty.conn is None:
                pty.conn, _ = pty.server.accept()  # one client at a time, like a printer
                continue
            try:
                chunk = os.read(pty.master, max(1, self._baud // 100) if self._baud else 4096)
            except OSError:
                return
            if not chunk:
                if isinstance(pty, _Tcp):  # the client went: wait for the next one
                    pty.conn.close()
                    pty.conn = None
                    continue
                return
            if self._baud:
                time.sleep(len(chunk) * 10 / self._baud)  # the bytes' time on the wire
            with self._lock:
                before = decode(bytes(self._received)).cuts if self._on_receipt else 0
                self._received += chunk
                state = self._state
            self._answer(pty, tail + chunk, len(tail), state)
            tail = (tail + chunk)[-2:]
            if self._on_receipt:
                decoded = decode(self.received)
                for slip in decoded.receipts[before:]:
                    self._on_receipt(slip)

    def _answer(self, pty: _Pty, data: bytes, skip: int, state: str) -> None:
        """Reply to every DLE EOT n that ends inside the new bytes (not inside the old tail)."""
        replies = bytearray()
        i = 0
        while True:
            i = data.find(b"\x10\x04", i)
            if i < 0 or i + 2 >= len(data):
                break
            if i + 2 >= skip:
                byte = STATUS_BYTES[state].get(data[i + 2])
                if byte is not None:
                    replies.append(byte)
            i += 3
        if replies and getattr(pty, "answers", True):
            os.write(pty.master, bytes(replies))


# --- python -m hardware.simulator -------------------------------------------------


def _command_loop(printer: SimulatedPrinter, stream, done: threading.Event) -> None:
    for raw in stream:
        command = raw.strip()
        if not command:
            continue
        if command == "quit":
            done.set()
            return
        try:
            if command == "unplug":
                printer.unplug()
            elif command == "replug":
                printer.replug()
            else:
                printer.set_state(command)
        except SimulatorError as exc:
            print(f"simulator: {exc}", file=sys.stderr, flush=True)
            continue
        print(f"simulator: {command}", file=sys.stderr, flush=True)


def _log_receipt(text: str) -> None:
    print("simulator: receipt received:\n" + text.rstrip("\n"), file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hardware.simulator",
        description="Run a simulated ESC/POS printer on a pty; prints its port path first.",
    )
    parser.add_argument("--state", default="ok", choices=SIM_STATES, help="initial state")
    parser.add_argument(
        "--control", metavar="FIFO", help="also read commands from this named pipe (created)"
    )
    args = parser.parse_args(argv)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    with SimulatedPrinter(args.state, on_receipt=_log_receipt) as printer:
        print(printer.port, flush=True)
        print(
            f"simulator: listening on {printer.port}, state {args.state}",
            file=sys.stderr,
            flush=True,
        )
        threading.Thread(target=_command_loop, args=(printer, sys.stdin, done), daemon=True).start()
        if args.control:
            if not os.path.exists(args.control):
                os.mkfifo(args.control)
            # O_RDWR keeps the FIFO open for reading when writers come and go. Never
            # closed: closing it under the reader thread's blocked read would hang exit.
            fifo = open(os.open(args.control, os.O_RDWR), encoding="utf-8")  # noqa: SIM115
            threading.Thread(target=_command_loop, args=(printer, fifo, done), daemon=True).start()
        while not done.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
