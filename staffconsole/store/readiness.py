"""The readiness probe: one tiny committed write, explained as a plain reason when it fails."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from staffconsole.store.engine import DRIVER_ERRORS, DatabaseError, open_db, sqlite_path

# Short on purpose: a probe that waits out the full busy timeout hides a held lock.
PROBE_BUSY_MS = 250

# By SQLite's primary result code (the low byte), not by message text.
REASONS = {
    sqlite3.SQLITE_FULL: "database disk is full",
    sqlite3.SQLITE_BUSY: "database is locked",
    sqlite3.SQLITE_LOCKED: "database is locked",
    sqlite3.SQLITE_READONLY: "database is read-only",
    sqlite3.SQLITE_CANTOPEN: "database cannot be opened",
    sqlite3.SQLITE_CORRUPT: "database is corrupt",
    sqlite3.SQLITE_NOTADB: "database is corrupt",
    sqlite3.SQLITE_IOERR: "database disk cannot be written",
}


def explain(error: sqlite3.Error) -> str:
    """A plain reason for an SQLite error, for /readyz, the doctor and systemd STATUS."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in REASONS:
        return REASONS[code & 0xFF]
    return "database cannot be written"


def _read_only_mount(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def probe(path: str | Path, now: datetime | None = None) -> str | None:
    """None when a committed write to the readiness row succeeds, else the reason."""
    stamp = (now or datetime.now(UTC)).isoformat()
    if sqlite_path(path) is None:
        return _probe_server(path, stamp)
    path = sqlite_path(path)
    # mode=rw: a probe must never create an empty database where the real one went missing.
    uri = Path(path).resolve().as_uri() + "?mode=rw"
    conn = None
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=PROBE_BUSY_MS / 1000, isolation_level=None)
        # Not open_db: it would create a missing file and wait the long busy timeout. The
        # commit still syncs like an arrival's, so a card that cannot fsync shows here.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO readiness (id, probed_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
            (stamp,),
        )
        conn.execute("COMMIT")
    except sqlite3.Error as e:
        reason = explain(e)
        # A WAL database on a read-only mount (a failing SD card remounted ro by the
        # kernel) cannot even open: its -shm file cannot be made. Say what it is.
        if reason == REASONS[sqlite3.SQLITE_CANTOPEN] and _read_only_mount(Path(path)):
            return REASONS[sqlite3.SQLITE_READONLY]
        return reason
    finally:
        if conn is not None:
            conn.close()
    return None


def _probe_server(url: str, stamp: str) -> str | None:
    """The same committed write on a database server (PostgreSQL)."""
    try:
        db = open_db(url)
    except DatabaseError:
        return "database cannot be opened"
    try:
        db.begin(write=True)
        db.execute(
            "INSERT INTO readiness (id, probed_at) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET probed_at = excluded.probed_at",
            (stamp,),
        )
        db.commit()
    except DRIVER_ERRORS:
        return "database cannot be written"
    finally:
        db.close()
    return None


class CachedProbe:
    """probe(), at most once per `every` seconds however often /readyz is asked.

    /readyz needs no sign-in: without this, anyone on the network could make the server
    take its write lock as fast as they can send requests, in front of the kiosks.
    """

    def __init__(self, path: str | Path, every: float = 1.0, monotonic=time.monotonic):
        self.path, self.every, self.monotonic = path, every, monotonic
        self.lock = threading.Lock()
        self.at: float | None = None
        self.reason: str | None = None

    def __call__(self) -> str | None:
        with self.lock:  # one probe at a time; the others take its answer
            now = self.monotonic()
            if self.at is None or now - self.at >= self.every:
                self.reason = probe(self.path)
                self.at = self.monotonic()
            return self.reason
