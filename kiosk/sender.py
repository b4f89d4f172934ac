"""The thread that delivers the outbox's events to the server, in batches, with backoff.

A batch the server refuses (4xx) is sent one by one and only the events refused alone
are set aside. A batch answered 5xx is probed the same way: an event failed alone while
others are accepted counts a server error and waits its own backoff, and after
`max_server_errors` it is set aside, so one event the server chokes on never holds
back the hand-offs behind it (docs/kiosk.md, "The outbox when things go wrong").
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from kiosk.client import ClientError, NotAuthorised, Offline, Rejected, ServerError, Unconfirmed
from kiosk.outbox import BATCH, RETENTION_S, Outbox

log = logging.getLogger(__name__)

BACKOFF_START_S = 0.5
BACKOFF_CAP_S = 30.0
MAX_SERVER_ERRORS = 5  # kiosk/config.py outbox_max_server_errors
PRUNE_EVERY_S = 600.0
PROBES = 5  # events tried one by one after a 5xx, looking for the one the server chokes on
# A gateway's "server not there" answers say nothing about the event: never counted.
UNAVAILABLE = (502, 503, 504)
# When every event gets a 5xx, the first counts only if the server accepted events this
# recently: a lone event it chokes on is still set aside, a server that is down is not.
HEALTHY_WINDOW_S = 60.0
# An event set aside for 5xx answers is tried again this long after (and at a restart):
# a server bug fixed later still gets it. One more 5xx sets it aside again at once.
RETRY_HELD_S = 3600.0


def backoff(
    failures: int,
    rand: Callable[[], float] = random.random,
    start: float = BACKOFF_START_S,
    cap: float = BACKOFF_CAP_S,
) -> float:
    """Seconds to wait after `failures` failures in a row: doubling, capped, with full jitter
    in its upper half so many kiosks coming back after an outage do not all call at once."""
    ceiling = min(cap, start * (2 ** max(0, failures - 1)))
    return ceiling / 2 + rand() * ceiling / 2


class Sender:
    """A thread that posts the outbox's events in batches until stopped; it also writes
    events kept in memory once the disk takes them, and prunes delivered events."""

    def __init__(
        self,
        outbox: Outbox,
        client,
        batch: int = BATCH,
        rand: Callable[[], float] = random.random,
        cap: float = BACKOFF_CAP_S,
        max_server_errors: int = MAX_SERVER_ERRORS,
        retention_s: float = RETENTION_S,
        prune_every_s: float = PRUNE_EVERY_S,
        retry_held_s: float = RETRY_HELD_S,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.batch = batch
        self.rand = rand
        self.cap = cap
        self.max_server_errors = max_server_errors
        self.retention_s = retention_s
        self.prune_every_s = prune_every_s
        self.retry_held_s = retry_held_s
        self.failures = 0
        self.last_error = ""
        self._pruned_at: float | None = None
        self._accepted_at: float | None = None  # monotonic time of the last accepted batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)
        outbox.notify(self._wake)

    def start(self) -> Sender:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.housekeeping()
                more = self.deliver_once()
            except Exception:
                log.exception("outbox sender: unexpected error")
                more, self.failures = False, self.failures + 1
            if self.failures:
                self._stop.wait(backoff(self.failures, self.rand, cap=self.cap))
            elif not more:
                # Also a periodic look: a wake-up missed, an event's own backoff over,
                # memory to write now that the disk may have room.
                self._wake.wait(1.0 if self.outbox.memory_count() else 5.0)

    def housekeeping(self, now: float | None = None) -> None:
        """Write memory to disk if it now has room; prune, and offer set-aside events
        again, at start and every prune_every_s."""
        if self.outbox.memory_count():
            self.outbox.flush()
        now = time.monotonic() if now is None else now
        first = self._pruned_at is None
        if first or now - self._pruned_at >= self.prune_every_s:
            self._pruned_at = now
            self.outbox.prune(self.retention_s)
            # At start every event set aside for server errors; later those now due.
            self.outbox.release_held(every=first)

    def deliver_once(self) -> bool:
        """Post one batch; True when more may be waiting. Sets self.failures for backoff."""
        events = self.outbox.pending(self.batch)
        if not events:
            return False
        try:
            answer = self.client.post_events(events)
        except NotAuthorised as e:
            # Every event would be refused the same way: keep them all and wait for a
            # new token rather than set them aside.
            self._failed(f"token refused ({e.detail})")
            return False
        except Rejected as e:
            self._isolate(events, e)
            return True
        except ServerError as e:
            if e.status in UNAVAILABLE:
                self._failed(str(e))
                return False
            return self._probe(events, e)
        except (Offline, Unconfirmed, ClientError) as e:
            self._failed(str(e))
            return False
        self._accepted(answer)
        return len(events) == self.batch

    def _accepted(self, answer: dict) -> None:
        self.outbox.mark_sent([*answer["accepted"], *answer["duplicate"]])
        self.failures, self.last_error = 0, ""
        self._accepted_at = time.monotonic()

    def _healthy(self) -> bool:
        return self._accepted_at is not None and (
            time.monotonic() - self._accepted_at < HEALTHY_WINDOW_S
        )

    def _failed(self, reason: str) -> None:
        self.failures += 1
        if reason != self.last_error:
            log.warning("outbox: delivery failed, will retry: %s", reason)
        self.last_error = reason

    def _hold(self, event: dict, reason: str, retry_after_s: float | None = None) -> None:
        self.outbox.hold(event["id"], reason, retry_after_s)
        log.error("outbox: event %s (%s) set aside: %s", event["id"], event.get("type"), reason)

    def _isolate(self, events: list[dict], error: Rejected) -> None:
        """A refused batch: send one by one, set aside only the events refused alone."""
        if len(events) == 1:
            self._hold(events[0], f"refused by the server: {error.detail}")
            return
        for event in events:
            try:
                answer = self.client.post_events([event])
            except NotAuthorised as e:
                self._failed(f"token refused ({e.detail})")
                return
            except Rejected as e:
                self._isolate([event], e)
                continue
            except ClientError as e:
                self._failed(str(e))
                return
            self.outbox.mark_sent([*answer["accepted"], *answer["duplicate"]])

    def _probe(self, events: list[dict], error: ServerError) -> bool:
        """A 5xx to a batch: try its first events alone to find the one the server chokes
        on. Those answered 5xx before one is accepted count a server error each (the
        server works, just not for them). If none is accepted, only the first counts, and
        only if the server accepted events in the last HEALTHY_WINDOW_S: a server failing
        everything for long sets nothing aside."""
        if len(events) == 1:  # already tried alone
            if self._healthy():
                self._server_error(events[0], error)
            self._failed(str(error))
            return False
        struck: list[dict] = []
        for event in events[:PROBES]:
            try:
                answer = self.client.post_events([event])
            except ServerError as e:
                if e.status in UNAVAILABLE:
                    self._failed(str(e))
                    return False
                struck.append(event)
                continue
            except NotAuthorised as e:
                self._failed(f"token refused ({e.detail})")
                return False
            except Rejected as e:
                self._isolate([event], e)
                continue
            except ClientError as e:
                self._failed(str(e))
                return False
            self._accepted(answer)
            for bad in struck:
                self._server_error(bad, error)
            return True
        if struck and self._healthy():
            self._server_error(struck[0], error)
        self._failed(str(error))
        return False

    def _server_error(self, event: dict, error: ServerError) -> None:
        count = self.outbox.server_error(event["id"], lambda n: backoff(n, self.rand, cap=self.cap))
        if count >= self.max_server_errors:
            self._hold(event, f"server answered {error.status} {count} times", self.retry_held_s)
