"""Backups and restores of a real SQLite file (store/backup.py), without a server."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from helpers.seed import book

from staffconsole.store import backup
from staffconsole.store.schema import SCHEMA_VERSION, ensure_schema, open_db

NOW = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)


@pytest.fixture
def live(tmp_path):
    """A WAL database with rows still in its -wal (a connection keeps it from checkpointing)."""
    path = tmp_path / "seen.db"
    db = open_db(path)
    ensure_schema(db)
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    for n in range(30):
        book(
            db,
            f"B-{n}",
            "Zofia",
            "Wójcik",
            "1950-01-02",
            f"2026-11-22T{8 + n % 9:02d}:00",
            "Dr. Lee",
        )
    yield path, db
    db.close()


def test_a_backup_of_a_running_database_holds_what_is_only_in_the_wal(live, tmp_path):
    path, _ = live
    assert os.path.getsize(f"{path}-wal") > 0  # the rows are not in the main file yet
    folder = tmp_path / "backups"
    folder.mkdir()
    copy = backup.backup(path, folder, NOW)
    assert copy.path == folder / "seen-20261122-233000.db"
    assert copy.counts["appointments"] == 30
    assert copy.schema_version == SCHEMA_VERSION
    assert stat.S_IMODE(copy.path.stat().st_mode) == 0o600  # patients' names are in it
    assert not list(folder.glob(".*partial"))
    assert not (folder / "seen-20261122-233000.db-wal").exists()  # one self-contained file


def test_keep_prunes_the_oldest_backups_only(live, tmp_path):
    path, _ = live
    folder = tmp_path / "backups"
    folder.mkdir()
    for day in range(4):
        backup.backup(path, folder, NOW + timedelta(days=day), keep=2)
    assert sorted(p.name for p in folder.glob("*.db")) == [
        "seen-20261124-233000.db",
        "seen-20261125-233000.db",
    ]


def test_a_backup_never_overwrites(live, tmp_path):
    path, _ = live
    target = tmp_path / "b.db"
    target.write_bytes(b"keep me")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.backup(path, target, NOW)
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize(
    "content, reason",
    [(b"", "not a Seen database"), (b"hello" * 500, "not a Seen database")],
)
def test_check_refuses_what_is_not_a_seen_database(tmp_path, content, reason):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    with pytest.raises(backup.BackupError, match=reason):
        backup.check(bad)


def test_check_refuses_a_damaged_file(live, tmp_path):
    path, _ = live
    copy = backup.backup(path, tmp_path / "b.db", NOW)
    data = bytearray(copy.path.read_bytes())
    page = 4096
    for offset in range(2 * page + 16, min(len(data), 6 * page), 7):
        data[offset] ^= 0x5A  # scribble over the pages holding rows
    copy.path.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="damaged|not a Seen database"):
        backup.check(copy.path)


def test_check_refuses_a_newer_schema(live, tmp_path):
    path, _ = live
    copy = backup.backup(path, tmp_path / "b.db", NOW)
    newer = open_db(copy.path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    newer.close()
    with pytest.raises(backup.BackupError, match="newer than this Seen"):
        backup.check(copy.path)


def test_restore_keeps_the_old_file_with_its_wal_and_brings_the_backup(live, tmp_path):
    path, db = live
    copy = backup.backup(path, tmp_path / "b.db", NOW)
    book(db, "AFTER", "Late", "Booking", "1960-03-04", "2026-11-22T16:00", "Dr. Lee")
    db.close()
    restored, kept = backup.restore(copy.path, path, NOW + timedelta(hours=1))
    assert restored.counts["appointments"] == 30
    assert kept == path.with_name("seen.db.before-restore-20261123-003000")
    assert not os.path.exists(f"{path}-wal")  # the old WAL went with the old file
    old = open_db(kept)  # old file and its WAL still make the newest state
    assert old.execute("SELECT count(*) FROM appointments").fetchone()[0] == 31
    old.close()
    back = open_db(path)
    ensure_schema(back)
    assert back.execute("SELECT count(*) FROM appointments").fetchone()[0] == 30
    back.close()


def test_restore_refuses_while_a_server_holds_the_database(live, tmp_path):
    path, _ = live
    copy = backup.backup(path, tmp_path / "b.db", NOW)
    with backup.serving(path), pytest.raises(backup.ServerRunning, match="stop it first"):
        backup.restore(copy.path, path, NOW)
    assert path.exists() and not list(tmp_path.glob("*before-restore*"))
    backup.restore(copy.path, path, NOW)  # once it is stopped


def test_restore_of_an_older_schema_is_migrated_when_opened(tmp_path):
    old = tmp_path / "old.db"
    db = open_db(old)
    from staffconsole.store.schema import MIGRATIONS

    with db.conn:
        for statement in MIGRATIONS[1]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
    db.close()
    target = tmp_path / "seen.db"
    restored, kept = backup.restore(old, target, NOW)
    assert (restored.schema_version, kept) == (1, None)
    db = open_db(target)
    ensure_schema(db)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


@pytest.mark.parametrize(
    "args, message",
    [
        (["backup", "{tmp}/no/such/folder/b.db"], "no such folder"),
        (["restore", "{tmp}/missing.db"], "missing.db: no such file"),
        (["backup", "{tmp}/backups", "--keep", "0"], "--keep must be 1 or more"),
    ],
)
def test_the_commands_refuse_in_one_line(live, tmp_path, capsys, args, message):
    from staffconsole.cli import main

    path, _ = live
    (tmp_path / "backups").mkdir()
    argv = [a.format(tmp=tmp_path) for a in args] + ["--db", str(path)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list((tmp_path / "backups").iterdir())  # a refusal writes nothing
