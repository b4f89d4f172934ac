"""Durable event queue (SQLite); kiosk/sender.py delivers it to the server.

`put` returns True once the event is committed with synchronous=FULL, so a power
cut after the patient saw a screen cannot lose it. When the disk is full (or any
SQLite error) `put` never raises: the event is kept in memory, delivered from
there and written when the disk frees, and `put` returns False (not durable) so
the screen can send the patient to the desk. Delivery is at-least-once; the
server drops repeats by event id, and repeats are marked sent like accepted ones.

An event the server refuses (4xx), or answers 5xx to `max_server_errors` times
while accepting others, is set aside with the reason (`held`) so the events
behind it still flow; the heartbeat reports how many are held, and the desk is
told. Logs name events by id and type, never their data (what a patient typed).

Delivered events (and held ones, already reported) are deleted after the
retention period. The files are 0600: they hold what patients typed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

BATCH = 100  # the server takes up to 500; smaller batches keep a slow link's answers quick
RETENTION_S = 24 * 3600.0  # kiosk/config.py outbox_retention_h

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    held TEXT
)
"""
# Added later; ALTER TABLE keeps an older kiosk's unsent events.
COLUMNS = {
    "sent_at": "REAL",  # wall-clock seconds, for retention
    "held_at": "REAL",
    "server_errors": "INTEGER NOT NULL DEFAULT 0",
    "retry_at": "REAL",  # set aside, but tried again from then (a server bug fixed later)
}
FILE_MODE = 0o600


class OutboxError(Exception):
    """The outbox file cannot be opened or written."""


@dataclass
class _Kept:
    """An event the disk would not take, kept in memory until it does."""

    event: dict
    server_errors: int = 0
    held: str | None = None
    held_at: float | None = None
    retry_at: float | None = None


def _private(path: str) -> None:
    """Create path 0600 if missing (SQLite gives -wal and -shm the db file's mode)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(fd)
    for name in (path, path + "-wal", path + "-shm"):
        if os.path.exists(name):
            os.chmod(name, FILE_MODE)


class Outbox:
    """Events waiting for the server, in the order they were put.

    must_open=False (the kiosk app): a file that cannot be opened is not fatal; events
    are kept in memory and the file is tried again at every put.
    """

    def __init__(
        self,
        path: str | Path,
        must_open: bool = True,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = str(path)
        self.clock = clock  # wall clock: retention
        self.monotonic = monotonic  # an event's own backoff, safe from clock jumps
        # Events waiting out their own backoff after a 5xx: id -> monotonic time. Not kept
        # on disk: after a restart they are simply tried again.
        self._not_before: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wakeups: list[threading.Event] = []
        self._memory: dict[str, _Kept] = {}  # insertion order is put order
        self._db: sqlite3.Connection | None = None
        self._open_error = ""
        try:
            self._open()
        except OutboxError as e:
            if must_open:
                raise
            self._open_error = str(e)
            log.error("outbox: %s; keeping events in memory", e)

    def _open(self) -> None:
        db = None
        try:
            _private(self.path)
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute(SCHEMA)
            have = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
            for name, kind in COLUMNS.items():
                if name not in have:
                    db.execute(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")
            _private(self.path)  # the -wal and -shm now exist
        except (sqlite3.Error, OSError) as e:
            if db is not None:
                db.close()
            raise OutboxError(f"outbox {self.path}: {e}") from None
        self._db = db

    def close(self) -> None:
        with self._lock:
            self._flush_memory()
            if self._memory:  # said by id: the events themselves may hold what was typed
                log.error(
                    "outbox: closing with %d event(s) the disk would not take, lost: %s",
                    len(self._memory),
                    ", ".join(list(self._memory)[:20]),
                )
            if self._db is not None:
                self._db.close()

    def notify(self, event: threading.Event) -> None:
        """Set event whenever something is put (the sender's wake-up call)."""
        self._wakeups.append(event)

    # -- writing -----------------------------------------------------------------------

    def put(self, event: dict) -> bool:
        """Keep one event (with "id"); never raises. True: committed to disk before this
        returned. False: the disk refused it (full, failing); it is kept in memory, still
        delivered, and written when the disk takes it, but a power cut now would lose it.
        A repeated id is kept once."""
        try:
            json.dumps(event)
        except (TypeError, ValueError):
            # A bug, not the disk: such an event could never be sent either.
            log.exception("outbox: event %s (%s) is not JSON", event.get("id"), event.get("type"))
            return False
        with self._lock:
            self._flush_memory()
            durable = not self._memory and self._insert(_Kept(event))
            if not durable and event["id"] not in self._memory:
                self._memory[event["id"]] = _Kept(event)
        for wakeup in self._wakeups:
            wakeup.set()
        return durable

    def _insert(self, kept: _Kept) -> bool:
        """Write one event; False (logged, without its data) when SQLite refuses."""
        if self._db is None:
            try:
                self._open()
            except OutboxError as e:
                if str(e) != self._open_error:  # said once, not every second
                    log.warning("outbox: still cannot open the file: %s", e)
                self._open_error = str(e)
                return False
            log.info("outbox: the file opened; writing the events kept in memory")
        try:
            self._db.execute(
                "INSERT OR IGNORE INTO outbox (id, body, server_errors, held, held_at, retry_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    kept.event["id"],
                    json.dumps(kept.event),
                    kept.server_errors,
                    kept.held,
                    kept.held_at,
                    kept.retry_at,
                ],
            )
        except sqlite3.Error as e:
            log.warning(
                "outbox: cannot write event %s (%s): %s; kept in memory",
                kept.event["id"],
                kept.event.get("type"),
                e,
            )
            return False
        return True

    def _flush_memory(self) -> None:
        """Write what memory holds, oldest first, stopping at the first refusal (order)."""
        for event_id in list(self._memory):
            if not self._insert(self._memory[event_id]):
                return
            del self._memory[event_id]

    def flush(self) -> int:
        """Try to write the events kept in memory; how many are still only in memory."""
        with self._lock:
            self._flush_memory()
            return len(self._memory)

    # -- reading and marking -----------------------------------------------------------

    def pending(self, limit: int = BATCH) -> list[dict]:
        """The oldest unsent, not held events not waiting out their own backoff (disk
        first: memory only holds events put after the disk refused one)."""
        now = self.monotonic()
        with self._lock:
            for event_id, due in list(self._not_before.items()):
                if due <= now:
                    del self._not_before[event_id]
            waiting = list(self._not_before)
            rows = []
            if self._db is not None:
                rows = self._db.execute(
                    "SELECT body FROM outbox WHERE sent = 0 AND held IS NULL "
                    f"AND id NOT IN ({', '.join('?' * len(waiting))}) ORDER BY seq LIMIT ?",
                    [*waiting, limit],
                ).fetchall()
            events = [json.loads(body) for (body,) in rows]
            for event_id, kept in self._memory.items():
                if len(events) >= limit:
                    break
                if kept.held is None and event_id not in self._not_before:
                    events.append(kept.event)
        return events

    def _update(self, sql: str, args: list, event_id: str) -> None:
        """An UPDATE that a full disk may refuse: logged; the worst is a repeat (harmless)."""
        if self._db is None:
            return
        try:
            self._db.execute(sql, [*args, event_id])
        except sqlite3.Error as e:
            log.warning("outbox: cannot update event %s: %s", event_id, e)

    def mark_sent(self, ids: Iterable[str]) -> None:
        now = self.clock()
        with self._lock:
            for event_id in ids:
                if self._memory.pop(event_id, None) is None:
                    self._update(
                        "UPDATE outbox SET sent = 1, sent_at = ? WHERE id = ?", [now], event_id
                    )

    def hold(self, event_id: str, reason: str, retry_after_s: float | None = None) -> None:
        """Set an event aside (refused, or a server error too often), with the reason;
        with retry_after_s it is offered again then (release_held). held_at stays the
        first time it was set aside: retention counts from there, retries or not."""
        now = self.clock()
        retry_at = None if retry_after_s is None else now + retry_after_s
        with self._lock:
            kept = self._memory.get(event_id)
            if kept is not None:
                kept.held, kept.retry_at = reason, retry_at
                kept.held_at = kept.held_at if kept.held_at is not None else now
            else:
                self._update(
                    "UPDATE outbox SET held = ?, held_at = COALESCE(held_at, ?), retry_at = ? "
                    "WHERE id = ?",
                    [reason, now, retry_at],
                    event_id,
                )

    def release_held(self, every: bool = False) -> int:
        """Offer again the set-aside events whose retry time has come (every=True: all
        that may be retried, as at a restart); how many. Refused ones are never retried."""
        now = float("inf") if every else self.clock()
        with self._lock:
            released = 0
            for kept in self._memory.values():
                if kept.held is not None and kept.retry_at is not None and kept.retry_at <= now:
                    kept.held = kept.retry_at = None
                    released += 1
            if self._db is not None:
                try:
                    released += self._db.execute(
                        "UPDATE outbox SET held = NULL, retry_at = NULL "
                        "WHERE held IS NOT NULL AND sent = 0 AND retry_at <= ?",
                        [now],
                    ).rowcount
                except sqlite3.Error as e:
                    log.warning("outbox: cannot release set-aside events: %s", e)
        if released:
            log.info("outbox: trying %d set-aside event(s) again", released)
        return released

    def server_error(self, event_id: str, delay: Callable[[int], float]) -> int:
        """Count a 5xx answer to this event alone; it is not offered again for
        delay(count) seconds. Returns the count so far."""
        with self._lock:
            kept = self._memory.get(event_id)
            if kept is not None:
                kept.server_errors += 1
                count = kept.server_errors
            elif self._db is not None:
                row = self._db.execute(
                    "SELECT server_errors FROM outbox WHERE id = ?", [event_id]
                ).fetchone()
                count = (row[0] if row else 0) + 1
                self._update("UPDATE outbox SET server_errors = ? WHERE id = ?", [count], event_id)
            else:
                return 0
            self._not_before[event_id] = self.monotonic() + delay(count)
            return count

    def delivered(self, event_id: str) -> bool:
        """True only once the server has accepted the event.

        The hand-off screen asks before it says "someone is coming": an event still in
        memory (full disk), waiting out a backoff, or set aside is not delivered. A row
        gone from disk was delivered and pruned after the retention period.
        """
        with self._lock:
            if event_id in self._memory:
                return False
            if self._db is None:
                return False
            row = self._db.execute("SELECT sent FROM outbox WHERE id = ?", [event_id]).fetchone()
        return row is None or bool(row[0])

    def held(self) -> list[tuple[str, str]]:
        """(event id, reason) of the events set aside."""
        with self._lock:
            rows = (
                self._db.execute(
                    "SELECT id, held FROM outbox WHERE held IS NOT NULL ORDER BY seq"
                ).fetchall()
                if self._db is not None
                else []
            )
            rows += [(i, k.held) for i, k in self._memory.items() if k.held is not None]
        return rows

    def held_status(self) -> dict:
        """For the heartbeat: how many events are set aside, the newest one's id (so the
        server tells a new one from one already reported) and how many are only in memory."""
        with self._lock:
            row = (
                self._db.execute(
                    "SELECT count(*), (SELECT id FROM outbox WHERE held IS NOT NULL "
                    "ORDER BY held_at DESC, seq DESC LIMIT 1) FROM outbox WHERE held IS NOT NULL"
                ).fetchone()
                if self._db is not None
                else (0, None)
            )
            count, newest = row[0], row[1]
            for event_id, kept in self._memory.items():
                if kept.held is not None:
                    count, newest = count + 1, event_id
            return {"held": count, "newest_held": newest, "unsaved": len(self._memory)}

    def unsent_count(self) -> int:
        with self._lock:
            on_disk = (
                self._db.execute("SELECT count(*) FROM outbox WHERE sent = 0").fetchone()[0]
                if self._db is not None
                else 0
            )
            return on_disk + len(self._memory)

    def memory_count(self) -> int:
        """Events kept only in memory (the disk refused them)."""
        with self._lock:
            return len(self._memory)

    def prune(self, retention_s: float = RETENTION_S) -> int:
        """Delete events delivered (or set aside) more than retention_s ago; how many.
        Rows delivered before sent_at existed have no time and go at once."""
        cutoff = self.clock() - retention_s
        with self._lock:
            if self._db is None:
                return 0
            try:
                gone = self._db.execute(
                    "DELETE FROM outbox WHERE (sent = 1 AND (sent_at IS NULL OR sent_at < ?)) "
                    # first set aside that long ago: gone, even if offered again since
                    "OR (sent = 0 AND held_at IS NOT NULL AND held_at < ?)",
                    [cutoff, cutoff],
                ).rowcount
            except sqlite3.Error as e:
                log.warning("outbox: cannot prune: %s", e)
                return 0
        if gone:
            log.info("outbox: deleted %d event(s) older than the retention period", gone)
        return gone
