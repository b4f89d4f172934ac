"""Durable event queue (SQLite) and the thread that delivers it to the server.

`put` returns only after the event is committed with synchronous=FULL, so a
power cut after the patient saw a screen cannot lose the event. Delivery is
at-least-once; the server drops repeats by event id and says so, and repeats
are marked sent like accepted ones.

An event the server refuses (4xx) is not retried hot and not dropped: it is set
aside with the reason (`held`), so the events behind it still flow. The log
says why without quoting the event's data (it may hold what a patient typed).
"""

from __future__ import annotations

import json
import logging
import random
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from kiosk.client import ClientError, NotAuthorised, Offline, Rejected, Unconfirmed

log = logging.getLogger(__name__)

BATCH = 100  # the server takes up to 500; smaller batches keep a slow link's answers quick
BACKOFF_START_S = 0.5
BACKOFF_CAP_S = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    held TEXT
)
"""


class OutboxError(Exception):
    """The outbox file cannot be opened or written."""


class Outbox:
    """Events waiting for the server, in the order they were put."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._wakeups: list[threading.Event] = []
        try:
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(SCHEMA)
        except sqlite3.Error as e:
            raise OutboxError(f"outbox {self.path}: {e}") from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def notify(self, event: threading.Event) -> None:
        """Set event whenever something is put (the sender's wake-up call)."""
        self._wakeups.append(event)

    def put(self, event: dict) -> None:
        """Store one event (with "id"); committed before this returns. A repeated id is kept once."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO outbox (id, body) VALUES (?, ?)",
                [event["id"], json.dumps(event)],
            )
        for wakeup in self._wakeups:
            wakeup.set()

    def pending(self, limit: int = BATCH) -> list[dict]:
        """The oldest unsent, not held events."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM outbox WHERE sent = 0 AND held IS NULL ORDER BY seq LIMIT ?",
                [limit],
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def mark_sent(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        with self._lock:
            self._db.executemany("UPDATE outbox SET sent = 1 WHERE id = ?", [[i] for i in ids])

    def hold(self, event_id: str, reason: str) -> None:
        """Set an event the server refused aside, with the server's reason."""
        with self._lock:
            self._db.execute("UPDATE outbox SET held = ? WHERE id = ?", [reason, event_id])

    def held(self) -> list[tuple[str, str]]:
        """(event id, reason) of the events set aside."""
        with self._lock:
            return self._db.execute(
                "SELECT id, held FROM outbox WHERE held IS NOT NULL ORDER BY seq"
            ).fetchall()

    def unsent_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT count(*) FROM outbox WHERE sent = 0").fetchone()[0]


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
    """A thread that posts the outbox's events in batches until stopped."""

    def __init__(
        self,
        outbox: Outbox,
        client,
        batch: int = BATCH,
        rand: Callable[[], float] = random.random,
        cap: float = BACKOFF_CAP_S,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.batch = batch
        self.rand = rand
        self.cap = cap
        self.failures = 0
        self.last_error = ""
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
                more = self.deliver_once()
            except Exception:
                log.exception("outbox sender: unexpected error")
                more, self.failures = False, self.failures + 1
            if self.failures:
                self._stop.wait(backoff(self.failures, self.rand, cap=self.cap))
            elif not more:
                self._wake.wait(5.0)  # also a periodic look, in case a wake-up was missed

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
        except (Offline, Unconfirmed, ClientError) as e:
            self._failed(str(e))
            return False
        self.outbox.mark_sent([*answer["accepted"], *answer["duplicate"]])
        self.failures, self.last_error = 0, ""
        return len(events) == self.batch

    def _failed(self, reason: str) -> None:
        self.failures += 1
        if reason != self.last_error:
            log.warning("outbox: delivery failed, will retry: %s", reason)
        self.last_error = reason

    def _isolate(self, events: list[dict], error: Rejected) -> None:
        """A refused batch: send one by one, set aside only the events refused alone."""
        if len(events) == 1:
            self.outbox.hold(events[0]["id"], error.detail)
            log.error(
                "outbox: server refused event %s (%s): %s; kept, set aside",
                events[0]["id"],
                events[0].get("type"),
                error.detail,
            )
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
