"""A USB printer-class device (/dev/usb/lp*) as a port: plain os calls, not termios.

pyserial's serial_for_url fails on such a device ("Inappropriate ioctl for device"):
it is a character device, not a tty. This gives SerialPrinter the few port calls it
uses (write, read, reset_input_buffer, in_waiting, close). Reads work where the
printer answers over the bulk-in endpoint; a one-way device (a FIFO, in tests) is
opened write-only and simply never answers.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import stat
import time

import serial


def is_device_file(path: str) -> bool:
    """True for an existing path that is a character device or FIFO but not a tty."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if not (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return stat.S_ISCHR(mode) and path.startswith("/dev/usb/lp")
    try:
        return not os.isatty(fd)
    finally:
        os.close(fd)


class LpPort:
    """An open printer-class device with pyserial-like write/read timeouts."""

    def __init__(self, path: str, write_timeout: float, timeout: float) -> None:
        self.path = path
        self.write_timeout = write_timeout
        self.timeout = timeout
        self.one_way = stat.S_ISFIFO(os.stat(path).st_mode)
        flags = (os.O_WRONLY if self.one_way else os.O_RDWR) | os.O_NONBLOCK | os.O_NOCTTY
        self.fd = os.open(path, flags)
        self._inode = os.fstat(self.fd).st_ino
        try:
            # Two programs on one printer would take each other's replies.
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise serial.SerialException(
                errno.EBUSY, f"could not exclusively lock port {path}"
            ) from None

    def write(self, data: bytes) -> int:
        deadline = time.monotonic() + self.write_timeout
        view, sent = memoryview(data), 0
        while sent < len(data):
            left = deadline - time.monotonic()
            if left <= 0:
                raise serial.SerialTimeoutException("write timeout")
            _, ready, _ = select.select([], [self.fd], [], left)
            if ready:
                try:
                    sent += os.write(self.fd, view[sent:])
                except BlockingIOError:
                    continue
        return sent

    def read(self, size: int = 1) -> bytes:
        if self.one_way:
            time.sleep(self.timeout)  # nothing can come back: a timeout, as pyserial gives
            return b""
        ready, _, _ = select.select([self.fd], [], [], self.timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, size)
        except BlockingIOError:
            return b""

    def reset_input_buffer(self) -> None:
        if self.one_way:
            return
        while select.select([self.fd], [], [], 0)[0]:
            try:
                if not os.read(self.fd, 4096):
                    return
            except BlockingIOError:
                return

    @property
    def in_waiting(self) -> int:
        """0; raises OSError when the device node has gone (printer unplugged)."""
        if os.stat(self.path).st_ino != self._inode:
            raise OSError(errno.ENODEV, f"{self.path} is a different device now")
        return 0

    def close(self) -> None:
        os.close(self.fd)
