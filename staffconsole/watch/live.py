"""Change notifications for the live console: a sequence number and waiters.

Writers (kiosk API, watchdog, staff actions) call `hub.notify(*sections)` after their
commit, naming what may have changed (all sections when they do not say); each console
stream waits for the sequence to move, then sends what changed, so a slow or
reconnecting page never misses a change and a kiosk step rebuilds only the alerts.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import datetime

from staffconsole.clock import ClinicClock
from staffconsole.rules.alerting import console_watched

# What a console page shows, as parts a change can touch.
SECTIONS = ("alerts", "arrivals", "kiosks", "history")


class Hub:
    """Sequence counter that async console streams can wait on; notify() is thread-safe."""

    def __init__(self, clock: ClinicClock) -> None:
        self._clock = clock  # the app's: presence times compare with the watchdog's now
        self._seq = 0
        self._changed_at = dict.fromkeys(SECTIONS, 0)  # section -> seq of its last change
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._listeners = 0
        self._last_listener_at: float | None = None
        self._started_at: datetime | None = None  # when bound to the server's loop
        self._left_at: datetime | None = None  # when the last console page closed

    @property
    def seq(self) -> int:
        return self._seq

    def is_bound(self) -> bool:
        return self._changed is not None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Attach to the server's event loop (called once at startup)."""
        self._loop = loop
        self._changed = asyncio.Event()
        if self._started_at is None:
            self._started_at = self._clock.now()

    def changed_at(self, section: str) -> int:
        """The seq of the last change that named this section."""
        return self._changed_at[section]

    def notify(self, *sections: str) -> int:
        """Record a committed change and wake every stream; safe from any thread."""
        with self._lock:
            self._seq += 1
            seq = self._seq
            for section in sections or SECTIONS:
                self._changed_at[section] = seq
        loop, changed = self._loop, self._changed
        if loop is not None and changed is not None and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                changed.set()
            else:
                loop.call_soon_threadsafe(changed.set)
        return seq

    async def wait(self, after: int, timeout: float) -> int:
        """Wait until seq > after or timeout; return the current seq."""
        if self._seq > after or self._changed is None:
            return self._seq
        changed = self._changed
        try:
            await asyncio.wait_for(self._wait_changed(changed, after), timeout)
        except TimeoutError:
            pass
        return self._seq

    async def _wait_changed(self, changed: asyncio.Event, after: int) -> None:
        while self._seq <= after:
            changed.clear()
            if self._seq > after:
                return
            await changed.wait()

    # Console presence, used by the kiosk heartbeat answer and the no_console rule.
    def listener_joined(self) -> None:
        with self._lock:
            self._listeners += 1
            self._last_listener_at = time.monotonic()

    def listener_left(self, now: datetime | None = None) -> None:
        with self._lock:
            self._listeners -= 1
            self._last_listener_at = time.monotonic()
            if self._listeners == 0:
                self._left_at = now or self._clock.now()

    def console_live(self) -> bool:
        return self._listeners > 0

    def presence(self) -> tuple[int, datetime | None]:
        """(pages streaming now, since when none is: the last close, else the start)."""
        with self._lock:
            return self._listeners, self._left_at or self._started_at

    def console_watched(self, now: datetime, grace_s: float) -> bool:
        """What kiosks are told: a page is open, or one closed less than grace_s ago
        (a page reconnecting should not send every patient to the desk)."""
        with self._lock:
            listeners, left_at = self._listeners, self._left_at
        return console_watched(listeners, left_at, now, grace_s)
