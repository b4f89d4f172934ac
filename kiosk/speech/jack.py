"""Watch for headphones on threads of their own and tell the kiosk (`on_change(True)`
plugged in, `on_change(False)` pulled out); the app posts that to the UI thread.

The cards file is read every `poll_s`; the input device is waited on with select, so a
real device, a FIFO and a plain file that grows (a test's stand-in) all work. A missing
or vanished source is tried again later: a kiosk keeps running without one.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import select
import threading
from collections.abc import Callable
from pathlib import Path

from kiosk.speech import headphones as h

log = logging.getLogger(__name__)
INPUT_DEVICES = "proc/bus/input/devices"


def switch_path(setting: str, root: str | Path = "/") -> str:
    """The input device to read: the setting's path, or with "auto" the first device the
    kernel lists with a headphone switch ("" for none)."""
    if setting != "auto":
        return setting
    try:
        text = (Path(root) / INPUT_DEVICES).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    found = h.switch_devices(text)
    return found[0] if found else ""


def initial_switch(fd: int) -> bool | None:
    """The headphone switch's state now (EVIOCGSW), None where the device cannot say."""
    try:
        answer = fcntl.ioctl(fd, h.EVIOCGSW, bytes(h.SWITCH_BYTES))
    except OSError:
        return None  # a FIFO, a plain file, a device without switches
    return h.switch_state(answer)


def read_text(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


class JackWatch:
    """The two watchers; start() once, stop() at shutdown."""

    def __init__(
        self, cards: str, switch: str, on_change: Callable[[bool], None], poll_s: float = 0.5
    ) -> None:
        self.cards, self.switch = cards, switch
        self.on_change, self.poll_s = on_change, poll_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for path, loop in ((self.cards, self._watch_cards), (self.switch, self._watch_switch)):
            if path:
                thread = threading.Thread(target=loop, name="headphones", daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def _tell(self, plugged: bool) -> None:
        try:
            self.on_change(plugged)
        except Exception:  # a fault in the kiosk's handler must not end the watching
            log.exception("headphones handler failed")

    def _watch_cards(self) -> None:
        watch = h.CardWatch(read_text(self.cards) or "")
        while not self._stop.wait(self.poll_s):
            text = read_text(self.cards)
            if text is None:
                continue
            change = watch.look(text)
            if change is not None:
                self._tell(change)

    def _watch_switch(self) -> None:
        said = None  # the last failure logged: once, not every retry
        while not self._stop.is_set():
            try:
                fd = os.open(self.switch, os.O_RDONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.strerror != said:
                    said = exc.strerror
                    log.warning("headphone switch %s: %s", self.switch, exc.strerror)
                self._stop.wait(max(self.poll_s, 5.0))
                continue
            said = None
            try:
                self._read_switch(fd)
            finally:
                os.close(fd)
            self._stop.wait(self.poll_s)  # then opened again: it may come back

    def _read_switch(self, fd: int) -> None:
        state = initial_switch(fd)
        rest = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], self.poll_s)
            if not ready:
                continue
            try:
                data = os.read(fd, h.EVENT.size * 16)
            except BlockingIOError:
                continue
            except OSError as exc:  # ENODEV: the device went (a USB jack pulled)
                if exc.errno != errno.ENODEV:
                    log.warning("headphone switch %s: %s", self.switch, exc.strerror)
                return
            if not data:  # end of a plain file or a FIFO with no writer: wait for more
                self._stop.wait(self.poll_s)
                continue
            changes, rest = h.decode_events(rest + data)
            for plugged in changes:
                if plugged != state:
                    state = plugged
                    self._tell(plugged)
