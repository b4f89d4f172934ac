"""Backups of the clinic's database, taken while serving, and restoring one.

Why SQLite's online backup API and not a copy: in WAL mode the newest commits live in
the `-wal` file until a checkpoint, so a plain `cp seen.db` of a running server can give
a file with no tables at all. The backup API copies a consistent snapshot, pages and
WAL together, while the server goes on writing.

A restore replaces the database file, so it must never happen under a running server
(it would keep writing to the file it has open, and the old `-wal` beside the new
file would be replayed into it). The server holds an exclusive lock on `<db>.serving`
while it runs (`serving`); `restore` refuses when it cannot take that lock.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from staffconsole.errors import StoreError
from staffconsole.store.engine import sqlite_path
from staffconsole.store.schema import SCHEMA_VERSION

# The tables whose row counts a backup reports, so a person can see it holds the day.
COUNTED = ("appointments", "arrivals", "alerts", "sessions", "audit")
BACKUP_GLOB = "seen-*.db"


class BackupError(StoreError):
    """A backup or restore refused, with the reason (str is safe to show)."""


class ServerRunning(BackupError):
    """The server is running on this database; stop it first."""


@dataclass(frozen=True)
class Copy:
    """A checked database file: where it is, its schema version and its row counts."""

    path: Path
    schema_version: int
    counts: dict[str, int]


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.serving")


@contextmanager
def serving(db_path: str | Path) -> Iterator[None]:
    """Held by the server while it runs: tells `restore` to keep away.

    Shared, so two servers on one file may both hold it; only `restore` asks for it
    exclusively.
    """
    if str(db_path) == ":memory:" or sqlite_path(db_path) is None:  # PostgreSQL: no file
        yield
        return
    db_path = sqlite_path(db_path)
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _file_of(db_path: str | Path) -> Path:
    path = sqlite_path(db_path)
    if path is None:
        raise BackupError(
            "backup and restore copy an SQLite file; back up PostgreSQL with pg_dump "
            "(docs/scale.md)"
        )
    return path


def check(path: str | Path) -> Copy:
    """Open a database file read-only and check it whole: integrity, schema, counts."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise BackupError(f"{path}: cannot open: {e}") from None
    try:
        verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"{path}: damaged ({verdict})")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in COUNTED
            if table in tables
        }
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path}: not a Seen database ({e})") from None
    finally:
        conn.close()
    if version < 1 or "appointments" not in tables:
        raise BackupError(f"{path}: not a Seen database (no schema)")
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"{path}: schema version {version} is newer than this Seen ({SCHEMA_VERSION}); "
            "upgrade Seen before restoring it"
        )
    return Copy(path=path, schema_version=version, counts=counts)


def backup_name(now: datetime) -> str:
    """The file name a backup into a folder gets: sortable, one per second."""
    return f"seen-{now.strftime('%Y%m%d-%H%M%S')}.db"


def _copy(source: str | Path, target: Path) -> None:
    """Copy a live database into target (a new file, 0600) with the backup API."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(str(partial))
    try:
        # Whole database in one step: holds a read snapshot for the copy, so what is
        # copied is one consistent moment; writers go on (WAL readers do not block them).
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        dst.commit()
    except sqlite3.Error as e:
        dst.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed: {e}") from None
    finally:
        src.close()
    dst.close()
    with open(partial, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(partial, target)


def backup(db_path: str | Path, dest: str | Path, now: datetime, keep: int | None = None) -> Copy:
    """Back up db_path to dest (a file, or a folder to put `seen-<time>.db` in); checked.

    keep: in a folder, how many backups to keep (the oldest beyond it are deleted).
    """
    if keep is not None and keep < 1:
        raise BackupError("--keep must be 1 or more")
    db_path = _file_of(db_path)
    if not Path(db_path).is_file():
        raise BackupError(f"{db_path}: no such database")
    dest = Path(dest)
    target = dest / backup_name(now) if dest.is_dir() else dest
    if target.exists():
        raise BackupError(f"{target}: exists already; nothing was written")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent}: no such folder")
    _copy(db_path, target)
    copy = check(target)
    if keep is not None and dest.is_dir():
        prune(dest, keep)
    return copy


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups in folder; the deleted paths."""
    if keep < 1:
        raise BackupError("--keep must be 1 or more")
    found = sorted(folder.glob(BACKUP_GLOB))
    old = found[:-keep]
    for path in old:
        path.unlink()
    return old


def restore(source: str | Path, db_path: str | Path, now: datetime) -> tuple[Copy, Path | None]:
    """Put a checked backup in place of db_path; (what was restored, where the old file went).

    The database being replaced is kept beside it as `<db>.before-restore-<time>`, its
    `-wal` and `-shm` moved away with it (left beside the new file they would be
    replayed into it).
    """
    copy = check(source)
    db_path = _file_of(db_path)
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ServerRunning(
                f"the server is running on {db_path}; stop it first "
                "(systemctl stop seen-console), then restore"
            ) from None
        kept = None
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            for suffix in ("-wal", "-shm"):
                side = Path(f"{db_path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{kept}{suffix}"))
            os.replace(db_path, kept)
        _copy(copy.path, db_path)
        return check(db_path), kept
    finally:
        os.close(fd)
