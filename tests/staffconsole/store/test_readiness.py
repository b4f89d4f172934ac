"""Readiness probe: a real committed write to a real SQLite file; failures as plain reasons."""

import sqlite3

import pytest
from support import wait_for

from staffconsole import __version__
from staffconsole.store.readiness import PROBE_BUSY_MS, CachedProbe, explain, probe
from staffconsole.store.schema import BUSY_TIMEOUT_MS, ensure_schema, open_db


@pytest.fixture
def engine():
    return "sqlite"  # these hold SQLite's own file lock; PostgreSQL's probe is tested below


@pytest.mark.e2e
@pytest.mark.postgresql
def test_the_probe_writes_its_row_on_postgresql(postgres_cluster):
    url = postgres_cluster.url(postgres_cluster.new_database(empty=True))
    assert probe(url) == "database cannot be written"  # no tables yet
    db = open_db(url)
    try:
        ensure_schema(db)
        assert probe(url) is None
        assert [row[0] for row in db.execute("SELECT id FROM readiness")] == [1]
    finally:
        db.close()
    assert probe(url.replace("/test_", "/missing_")) == "database cannot be opened"


def test_ready_database_passes_and_records_the_probe(fresh_db, tmp_path):
    path = tmp_path / "store.db"
    assert probe(path) is None
    row = sqlite3.connect(path).execute("SELECT id, probed_at FROM readiness").fetchall()
    assert len(row) == 1 and row[0][0] == 1 and row[0][1]


def test_write_lock_held_elsewhere_is_locked(fresh_db, tmp_path):
    path = tmp_path / "store.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert probe(path) == "database is locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert probe(path) is None


def test_missing_database_is_not_created_by_the_probe(tmp_path):
    path = tmp_path / "gone.db"
    assert probe(path) == "database cannot be opened"
    assert not path.exists()


def test_errors_are_explained_by_result_code_not_text():
    full = sqlite3.OperationalError("anything")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    ro = sqlite3.OperationalError("anything")
    ro.sqlite_errorcode = sqlite3.SQLITE_READONLY_DBMOVED  # an extended code
    assert explain(full) == "database disk is full"
    assert explain(ro) == "database is read-only"
    assert explain(sqlite3.OperationalError("no code")) == "database cannot be written"


def test_readyz_route_answers_ready_and_503_with_reason(client, settings):
    assert client.get("/readyz").text == "ready"
    holder = sqlite3.connect(settings.db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Probed at most once a second (CachedProbe): the lock shows within that.
        r = wait_for(lambda: (r := client.get("/readyz")).status_code == 503 and r)
        assert r.text == "database is locked"
        assert client.get("/healthz").json() == {"ok": True, "version": __version__}
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_probe_gives_up_on_a_lock_sooner_than_the_server_waits():
    # A held lock must show in /readyz, not hide behind the server's own busy wait.
    assert PROBE_BUSY_MS < BUSY_TIMEOUT_MS


def test_cached_probe_writes_at_most_once_per_interval(fresh_db, tmp_path):
    path = tmp_path / "store.db"
    now = [100.0]
    ready = CachedProbe(path, every=1.0, monotonic=lambda: now[0])

    def stamp():
        return sqlite3.connect(path).execute("SELECT probed_at FROM readiness").fetchone()

    assert ready() is None
    first = stamp()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        now[0] = 100.5
        assert ready() is None and stamp() == first  # the cached answer, no second write
        now[0] = 101.0
        assert ready() == "database is locked"  # probed again: the lock now shows
    finally:
        holder.execute("ROLLBACK")
        holder.close()
