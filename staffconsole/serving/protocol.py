"""uvicorn's h11 protocol with a request-head deadline, a per-client cap and a file gate.

uvicorn has no deadline for a request head: a client that sends its headers a byte at a
time holds a socket (a file descriptor) for ever, and ~1,100 of them used up a service's
1,024 files, after which accept() failed for every kiosk. Each connection here
- must finish its request head within `head_timeout_s` (from connecting, or from the
  first byte of its next request when kept alive), else it gets 408 and is closed;
- counts against its client address while it sends its head: past `per_client` such
  connections, that address's oldest ones are closed (`guard.ConnectionTable`);
- must finish a request body within `body_timeout_s` of its head (a slow body holds a
  socket and a request slot as a slow head does), else 408 and closed;
- checks the open-file limit: Linux gives a new socket the lowest free descriptor, so
  its number says how many are in use at least. Past the soft RLIMIT_NOFILE less
  `files_reserve` (or the connection limit less one), waiting connections of the
  busiest address are closed, so accept() keeps working for everybody else.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from dataclasses import dataclass, field

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from staffconsole.serving.guard import ConnectionTable

logger = logging.getLogger("staffconsole.serving")

# Closed beyond what is needed when a line is crossed, so a burst does not trip it on
# every accept (the database and the app open files of their own).
SHED_BATCH = 8
TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 42\r\n\r\n"
    b"the request head did not arrive in time.\r\n"
)
BODY_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: 42\r\n\r\n"
    b"the request body did not arrive in time.\r\n"
)


@dataclass(frozen=True)
class Limits:
    """The guard's settings (0 turns each off; see staffconsole/config.py)."""

    head_timeout_s: float
    per_client: int
    files_reserve: int
    max_connections: int
    log_interval_s: float = 60.0
    body_timeout_s: float = 0.0


@dataclass
class ClosedLog:
    """Connections closed by the guard, told to the log at most once per interval."""

    interval_s: float
    counts: Counter = field(default_factory=Counter)
    logged_at: float | None = None

    def closed(self, why: str, now: float) -> str | None:
        """Count one; the line to log when the interval has passed, else None."""
        self.counts[why] += 1
        if self.logged_at is not None and now - self.logged_at < self.interval_s:
            return None
        since = "" if self.logged_at is None else f" in the last {now - self.logged_at:.0f} s"
        self.logged_at = now
        parts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.counts.items()))
        self.counts.clear()
        return f"Closed connections to keep the server answering{since}: {parts}"


def open_files_line(reserve: int) -> int | None:
    """The highest descriptor number a new connection may get before shedding starts."""
    if not reserve:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return None
    return max(soft - reserve, 1)


def guarded_protocol(limits: Limits) -> type[H11Protocol]:
    """A protocol class for `uvicorn.run(http=...)` with its own table of connections."""
    table = ConnectionTable(limits.per_client)
    files_line = open_files_line(limits.files_reserve)
    closing = {"pending": 0}  # shed, their descriptors not closed yet by the loop
    closed_log = ClosedLog(limits.log_interval_s)

    def note(why: str) -> None:
        line = closed_log.closed(why, time.monotonic())
        if line:
            logger.warning(line)

    class GuardedH11Protocol(H11Protocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.host = self.client[0] if self.client else None
            self._head_timer: asyncio.TimerHandle | None = None
            self._body_timer: asyncio.TimerHandle | None = None
            self._shed_here = False
            self._sending_head = True
            table.add(self)
            for victim in table.over_cap(self.host):
                victim.shed("over the per-client cap")
            for victim in table.shed(self._overflow(transport)):
                victim.shed("near the open-file or connection limit")
            if not self._shed_here:
                self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            self._cancel_body_timer()
            if self._shed_here:
                closing["pending"] -= 1
            table.remove(self)
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is h11.SEND_BODY:
                if self._body_timer is None and limits.body_timeout_s:
                    self._body_timer = self.loop.call_later(limits.body_timeout_s, self._body_late)
            else:
                self._cancel_body_timer()
            if self.conn.their_state is not h11.IDLE:
                self._sending_head = False
                self._cancel_head_timer()
            elif not self._sending_head and not self.transport.is_closing():
                # A kept-alive connection began its next head: the clock starts now.
                self._sending_head = True
                self._arm_head_timer()
                for victim in table.over_cap(self.host):
                    victim.shed("over the per-client cap")

        def on_response_complete(self) -> None:
            super().on_response_complete()
            # Idle now (uvicorn's keep-alive clock), unless part of a pipelined head is in.
            pipelined = self.conn.their_state is h11.IDLE and bool(self.conn.trailing_data[0])
            self._sending_head = pipelined
            if pipelined and self._head_timer is None and not self.transport.is_closing():
                self._arm_head_timer()

        def waiting(self) -> bool:
            """No request of this connection is being answered (see guard.py)."""
            return self.conn.their_state is h11.IDLE and not self._shed_here

        def sending_head(self) -> bool:
            """Connected (or a kept-alive request begun), the head not complete yet."""
            return self._sending_head and self.waiting()

        def shed(self, why: str) -> None:
            """Close at once (abort: nothing to flush to a client that sends nothing)."""
            if self._shed_here:
                return
            note(why)
            self._shed_here = True
            closing["pending"] += 1
            self._cancel_head_timer()
            table.remove(self)
            self.transport.abort()

        def _overflow(self, transport: asyncio.Transport) -> int:
            """How many connections to close for the server-wide lines."""
            needed = 0
            if limits.max_connections and table.total >= limits.max_connections:
                # uvicorn answers 503 to a request that finds the limit reached.
                needed = table.total - limits.max_connections + 1 + SHED_BATCH
            sock = transport.get_extra_info("socket")
            if files_line is not None and sock is not None:
                in_use = sock.fileno() + 1 - closing["pending"]
                if in_use > files_line:
                    needed = max(needed, in_use - files_line + SHED_BATCH)
            return needed

        def _arm_head_timer(self) -> None:
            if limits.head_timeout_s:
                self._head_timer = self.loop.call_later(limits.head_timeout_s, self._head_late)

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _cancel_body_timer(self) -> None:
            if self._body_timer is not None:
                self._body_timer.cancel()
                self._body_timer = None

        def _body_late(self) -> None:
            self._body_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.SEND_BODY:
                return
            note("request body too slow")
            # The app may be waiting for the rest: closing tells it the client left.
            if self.conn.our_state is h11.SEND_RESPONSE:
                self.transport.write(BODY_TIMED_OUT)
            self.transport.close()

        def _head_late(self) -> None:
            self._head_timer = None
            if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
                return
            note("request head too slow")
            self.transport.write(TIMED_OUT)
            self.transport.close()

    GuardedH11Protocol.table = table  # type: ignore[attr-defined]  # for the tests
    return GuardedH11Protocol
