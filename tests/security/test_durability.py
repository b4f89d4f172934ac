"""SQLite durability where an arrival is at stake: WAL and synchronous=FULL on every connection.

The server opens every connection through schema.open_db (per request, the watchdog,
the CLI, the stream); the kiosk keeps its unsent events in the outbox file.
"""

from __future__ import annotations

import ast
from pathlib import Path
from types import SimpleNamespace

from fastapi.testclient import TestClient
from helpers.seed import offer
from security.helpers import bearer

import staffconsole
from kiosk.outbox import Outbox
from staffconsole.api.deps import get_db
from staffconsole.store.schema import open_db

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def pragmas(conn) -> tuple[str, int]:
    return (
        conn.execute("PRAGMA journal_mode").fetchone()[0],
        conn.execute("PRAGMA synchronous").fetchone()[0],
    )


def test_open_db_sets_wal_and_full_sync(tmp_path):
    db = open_db(tmp_path / "seen.db")
    try:
        assert pragmas(db.conn) == ("wal", FULL)
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        db.close()


def test_each_request_gets_such_a_connection(settings):
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(settings=settings)))
    dependency = get_db(request)
    db = awaited(anext(dependency))
    try:
        assert pragmas(db.conn) == ("wal", FULL)
    finally:
        awaited(dependency.aclose())


def awaited(coroutine):
    """The value of a coroutine that never suspends (get_db awaits nothing), without an
    event loop: this worker may already run one (Playwright's, from a browser test)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the dependency suspended: it now awaits something")


def test_the_database_a_running_server_writes_is_in_wal_mode(app, creds, booked, settings):
    client = TestClient(app)
    offer(client, bearer(creds["kiosk"]), "s1", "Okafor")
    r = client.post(
        "/api/v1/kiosk/checkin",
        headers=bearer(creds["kiosk"]),
        json={"session": "s1", "appointment": booked["Okafor"]},
    )
    assert r.status_code == 200
    assert Path(settings.db_path + "-wal").exists()  # the commit went through the WAL
    # journal_mode=WAL is stored in the file: a plain connection sees it too.
    import sqlite3

    conn = sqlite3.connect(settings.db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


# Modules that open SQLite themselves, and why: the pragmas' home; the readiness probe
# (never creates a missing file, a short busy wait, sets synchronous=FULL itself); the
# backup, which opens the copy it writes and the file it checks or restores.
OWN_CONNECTIONS = {"store/engine.py", "store/readiness.py", "store/backup.py"}


def test_no_server_module_opens_sqlite_any_other_way():
    """Every connection must come from open_db, or it would miss the pragmas."""
    package = Path(staffconsole.__file__).parent
    offenders = []
    for source in sorted(package.rglob("*.py")):
        name = source.relative_to(package).as_posix()
        if name in OWN_CONNECTIONS:
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "connect":
                offenders.append(f"{name}:{node.lineno}")
            if isinstance(node.func, ast.Name) and node.func.id == "Database":
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_the_readiness_probe_commits_as_durably_as_an_arrival():
    text = (Path(staffconsole.__file__).parent / "store" / "readiness.py").read_text()
    assert "synchronous = FULL" in text or "synchronous=FULL" in text


def test_the_kiosk_outbox_is_wal_with_full_sync(tmp_path):
    box = Outbox(tmp_path / "outbox.db")
    try:
        assert pragmas(box._db) == ("wal", FULL)
        box.put(
            {
                "id": "e1",
                "session": "s1",
                "type": "session.started",
                "at": "2026-11-22T10:00:00+00:00",
                "data": {},
            }
        )
    finally:
        box.close()
    reopened = Outbox(tmp_path / "outbox.db")
    try:
        assert pragmas(reopened._db) == ("wal", FULL)
        assert [e["id"] for e in reopened.pending(10)] == ["e1"]
    finally:
        reopened.close()
