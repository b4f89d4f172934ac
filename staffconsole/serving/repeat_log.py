"""A logging filter that lets a repeated out-of-resource error through once per interval.

When the process runs out of file descriptors, asyncio logs "socket.accept() out of
system resource" (a traceback of "Too many open files") on every retry, once a second
for as long as it lasts; in the field that grew the log by 155 MB and buried everything
else. The filter passes the first such record, drops the same error for the interval,
then passes the next one with how many were dropped. uvicorn's per-request warnings
that a flood repeats ("Exceeded concurrency limit.", "Invalid HTTP request received.")
are kept to the same pace. Other records are untouched.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable

RESOURCE_ERRNOS = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM})
ACCEPT_FAILED = "socket.accept() out of system resource"  # asyncio's words
# uvicorn logs these once per refused request (h11_impl.py).
REPEATED_WARNINGS = ("Exceeded concurrency limit.", "Invalid HTTP request received.")
LOGGERS = ("asyncio", "uvicorn.error")


def resource_error(record: logging.LogRecord) -> int | None:
    """The errno of an out-of-resource error the record reports, or None."""
    exc = record.exc_info[1] if record.exc_info else None
    if isinstance(exc, OSError) and exc.errno in RESOURCE_ERRNOS:
        return exc.errno
    if isinstance(record.msg, str) and record.msg.startswith(ACCEPT_FAILED):
        return 0  # the accept failure without its exception
    return None


def repeat_kind(record: logging.LogRecord) -> str | None:
    """What the record repeats (an errno, or one of uvicorn's warnings), or None."""
    number = resource_error(record)
    if number is not None:
        return f"errno {number}"
    if record.msg in REPEATED_WARNINGS:
        return record.msg
    return None


class RepeatedResourceErrorFilter(logging.Filter):
    """Passes one record per logger and kind (`repeat_kind`) per `interval_s`."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.interval_s = interval_s
        self._clock = clock
        self._lock = threading.Lock()  # records come from the event loop and worker threads
        self._passed: dict[tuple[str, str], float] = {}
        self._dropped: dict[tuple[str, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        kind = repeat_kind(record)
        if kind is None:
            return True
        key = (record.name, kind)
        with self._lock:
            now = self._clock()
            last = self._passed.get(key)
            if last is not None and now - last < self.interval_s:
                self._dropped[key] = self._dropped.get(key, 0) + 1
                return False
            dropped = self._dropped.pop(key, 0)
            self._passed[key] = now
        if isinstance(record.msg, str) and "\n" in record.msg:
            head, rest = record.msg.split("\n", 1)
        else:
            head, rest = str(record.msg), ""
        # No "%" in what is added: the record's own arguments still format as before.
        if last is None:
            note = f" (repeats are logged once per {self.interval_s:g} s)"
        else:
            note = f" ({dropped} more like it suppressed in the last {now - last:.0f} s)"
        record.msg = head + note + ("\n" + rest if rest else "")
        return True


def install(interval_s: float) -> RepeatedResourceErrorFilter:
    """Put one filter on the loggers that report accept failures (replacing an earlier one)."""
    shared = RepeatedResourceErrorFilter(interval_s)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, RepeatedResourceErrorFilter)]:
            logger.removeFilter(old)
        logger.addFilter(shared)
    return shared
