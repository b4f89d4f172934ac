"""The store's tables, their versions, and its transactions (on either engine).

Each MIGRATIONS list is written in SQLite's SQL; store/migrate.py runs it as an
Alembic revision on SQLite as it is and on PostgreSQL through a few rewrites (ids,
triggers). WAL lets the console read while a kiosk writes; `synchronous=FULL` makes a
committed arrival or alert survive power loss, which is the promise (store/engine.py).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from staffconsole.store import migrate
from staffconsole.store.engine import (  # noqa: F401 (open_db, DatabaseError: used from here)
    BUSY_TIMEOUT_MS,
    Database,
    DatabaseError,
    open_db,
)

SCHEMA_VERSION = 7
_WRITERS = threading.RLock()  # one write transaction at a time per process


TABLES_V1 = [
    """CREATE TABLE IF NOT EXISTS patients (
        id INTEGER PRIMARY KEY,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        dob TEXT NOT NULL,
        norm_last TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS patients_lookup ON patients (norm_last, dob)",
    """CREATE TABLE IF NOT EXISTS appointments (
        id INTEGER PRIMARY KEY,
        external_id TEXT NOT NULL UNIQUE,
        patient_id INTEGER NOT NULL REFERENCES patients(id),
        start TEXT NOT NULL,
        provider TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')))""",
    "CREATE INDEX IF NOT EXISTS appointments_patient ON appointments (patient_id, start)",
    """CREATE TABLE IF NOT EXISTS kiosks (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT,
        app_version TEXT,
        printer_state TEXT,
        printer_detail TEXT)""",
    """CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
        started_at TEXT NOT NULL,
        last_event_at TEXT NOT NULL,
        step TEXT,
        outcome TEXT CHECK (outcome IN ('checked_in', 'handed_off')),
        outcome_at TEXT,
        entered TEXT NOT NULL DEFAULT '{}')""",
    "CREATE INDEX IF NOT EXISTS sessions_open ON sessions (outcome, last_event_at)",
    """CREATE TABLE IF NOT EXISTS events (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL,
        kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
        type TEXT NOT NULL,
        at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}')""",
    "CREATE INDEX IF NOT EXISTS events_session ON events (session_id)",
    """CREATE TABLE IF NOT EXISTS arrivals (
        id INTEGER PRIMARY KEY,
        appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments(id),
        session_id TEXT,
        kiosk_id INTEGER REFERENCES kiosks(id),
        arrived_at TEXT NOT NULL,
        ticket INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'waiting'
            CHECK (status IN ('waiting', 'called_in', 'seen')))""",
    """CREATE TABLE IF NOT EXISTS alerts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        cause TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open'
            CHECK (status IN ('open', 'acknowledged', 'resolved')),
        severity INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        kiosk_id INTEGER REFERENCES kiosks(id),
        session_id TEXT,
        summary TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{}',
        acknowledged_by TEXT,
        acknowledged_at TEXT,
        resolved_by TEXT,
        resolved_at TEXT,
        outcome TEXT,
        note TEXT)""",
    "CREATE INDEX IF NOT EXISTS alerts_cause ON alerts (cause, status)",
    "CREATE INDEX IF NOT EXISTS alerts_status ON alerts (status, created_at)",
    """CREATE TABLE IF NOT EXISTS staff_users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('receptionist', 'admin')),
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0)""",
    """CREATE TABLE IF NOT EXISTS staff_sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES staff_users(id),
        created_at TEXT NOT NULL,
        last_active_at TEXT NOT NULL,
        csrf_token TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS login_attempts (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL,
        at TEXT NOT NULL,
        ok INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS login_attempts_user ON login_attempts (username, at)",
    """CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT NOT NULL DEFAULT '{}')""",
]

# Version 2: who called a patient in and when they were seen; the escalation ladder's
# marks on an alert (last sound, escalated, back from acknowledged).
TABLES_V2 = [
    "ALTER TABLE arrivals ADD COLUMN called_in_at TEXT",
    "ALTER TABLE arrivals ADD COLUMN called_in_by TEXT",
    "ALTER TABLE arrivals ADD COLUMN seen_at TEXT",
    "ALTER TABLE arrivals ADD COLUMN seen_by TEXT",
    "ALTER TABLE alerts ADD COLUMN sounded_at TEXT",
    "ALTER TABLE alerts ADD COLUMN escalated_at TEXT",
    "ALTER TABLE alerts ADD COLUMN returned_at TEXT",
]

# Version 2, schedule in and out (issue 6): appointment codes and where each appointment
# came from (a file import may cancel only what a file import made), normalised first
# names, push API tokens, and a feed of arrival changes that the push API's
# `GET /arrivals` pages through. The feed is filled by triggers so that every writer
# of arrivals (kiosk check-in, console buttons, push API) is seen without knowing it.
SCHEDULE_V2 = [
    "ALTER TABLE appointments ADD COLUMN code TEXT",
    "CREATE INDEX IF NOT EXISTS appointments_code ON appointments (code)",
    "ALTER TABLE appointments ADD COLUMN source TEXT",
    "CREATE INDEX IF NOT EXISTS appointments_start ON appointments (start)",
    "ALTER TABLE patients ADD COLUMN norm_first TEXT NOT NULL DEFAULT ''",
    "CREATE INDEX IF NOT EXISTS patients_exact ON patients (last_name, dob)",
    """CREATE TABLE IF NOT EXISTS api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('push')),
        created_at TEXT NOT NULL,
        revoked_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS arrival_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        arrival_id INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS arrival_changes_arrival ON arrival_changes (arrival_id)",
    """CREATE TRIGGER IF NOT EXISTS arrivals_feed_insert AFTER INSERT ON arrivals
        BEGIN INSERT INTO arrival_changes (arrival_id) VALUES (new.id); END""",
    """CREATE TRIGGER IF NOT EXISTS arrivals_feed_update AFTER UPDATE ON arrivals
        BEGIN INSERT INTO arrival_changes (arrival_id) VALUES (new.id); END""",
    "INSERT INTO arrival_changes (arrival_id) SELECT id FROM arrivals ORDER BY id",
]

# Version 3: the console locks instead of signing out (issue 13): when and why a session
# locked, wrong tries on its lock screen, when its password was last typed; a user's PIN.
LOCK_V3 = [
    "ALTER TABLE staff_sessions ADD COLUMN locked_at TEXT",
    "ALTER TABLE staff_sessions ADD COLUMN lock_reason TEXT",
    "ALTER TABLE staff_sessions ADD COLUMN unlock_failures INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE staff_sessions ADD COLUMN authenticated_at TEXT",
    "ALTER TABLE staff_users ADD COLUMN pin_hash TEXT",
]

# Version 4, a hostile network (issue 16): a row the readiness probe rewrites (a real
# committed write, so a full disk or a held lock shows in /readyz); which appointments a
# kiosk session was offered by a look-up (a check-in must name one of them); the client
# address of each sign-in try and of each audited action.
HOSTILE_V4 = [
    """CREATE TABLE IF NOT EXISTS readiness (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        probed_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS kiosk_offers (
        kiosk_id INTEGER NOT NULL REFERENCES kiosks(id),
        session_id TEXT NOT NULL,
        appointment_id INTEGER NOT NULL REFERENCES appointments(id),
        offered_at TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, session_id, appointment_id))""",
    "CREATE INDEX IF NOT EXISTS kiosk_offers_at ON kiosk_offers (offered_at)",
    "ALTER TABLE login_attempts ADD COLUMN address TEXT",
    "CREATE INDEX IF NOT EXISTS login_attempts_address ON login_attempts (address, at)",
    "ALTER TABLE audit ADD COLUMN source TEXT",
]

# API tokens gain the `metrics` scope (a scraper's credential that cannot push). SQLite
# cannot change a CHECK in place: the table is rebuilt, rows and ids kept.
METRICS_SCOPE_V5 = [
    """CREATE TABLE api_tokens_v5 (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('push', 'metrics')),
        created_at TEXT NOT NULL,
        revoked_at TEXT)""",
    (
        "INSERT INTO api_tokens_v5 (id, name, token_hash, scope, created_at, revoked_at) "
        "SELECT id, name, token_hash, scope, created_at, revoked_at FROM api_tokens"
    ),
    "DROP TABLE api_tokens",
    "ALTER TABLE api_tokens_v5 RENAME TO api_tokens",
]

# HL7 v2: the durable queue of arrival messages to the practice system (store/hl7_outbound)
# and which practice-system patient id (PID-3) is which patient here (store/hl7_patients).
HL7_V6 = [
    """CREATE TABLE IF NOT EXISTS hl7_outbound (
        id INTEGER PRIMARY KEY,
        arrival_id INTEGER NOT NULL REFERENCES arrivals(id),
        event TEXT NOT NULL,
        control_id TEXT NOT NULL UNIQUE,
        message TEXT,
        created_at TEXT NOT NULL,
        next_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at TEXT,
        last_error TEXT,
        UNIQUE (arrival_id, event))""",
    "CREATE INDEX IF NOT EXISTS hl7_outbound_due ON hl7_outbound (next_at, id)",
    """CREATE TABLE IF NOT EXISTS hl7_patients (
        mrn TEXT PRIMARY KEY,
        patient_id INTEGER NOT NULL REFERENCES patients(id))""",
]

# The lobby display (issue 21): display screens with their own tokens, and the calls
# receptionists sent to them (ticket and room only: a display never learns a name).
LOBBY_V7 = [
    """CREATE TABLE IF NOT EXISTS displays (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        site TEXT NOT NULL DEFAULT 'default',
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT,
        last_seen_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS lobby_calls (
        id INTEGER PRIMARY KEY,
        arrival_id INTEGER NOT NULL REFERENCES arrivals(id),
        ticket INTEGER NOT NULL,
        room TEXT NOT NULL DEFAULT '',
        called_at TEXT NOT NULL,
        called_by TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS lobby_calls_at ON lobby_calls (called_at)",
]

# MIGRATIONS[n] takes a database at version n-1 to version n.
MIGRATIONS: dict[int, list[str]] = {
    1: TABLES_V1,
    2: TABLES_V2 + SCHEDULE_V2,
    3: LOCK_V3,
    4: HOSTILE_V4,
    5: METRICS_SCOPE_V5,
    6: HL7_V6,
    7: LOBBY_V7,
}


@contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taken up front (BEGIN IMMEDIATE on SQLite) and committed on exit.

    Taking the write lock first means two kiosks checking in the same appointment
    queue up instead of both reading "no arrival yet". Nested uses join the outer one.
    """
    if db.in_transaction:
        yield db
        return
    # Writers in this process queue on a lock first: SQLite's own busy wait sleeps in
    # growing steps (up to 100 ms) and made p99 latency jump under load (docs/performance.md).
    with _WRITERS:
        db.begin(write=True)
        try:
            yield db
        except BaseException:
            db.rollback()
            raise
        db.commit()


@contextmanager
def snapshot(db: Database) -> Iterator[Database]:
    """A read transaction: several queries see one state of the database."""
    db.begin(write=False)
    try:
        yield db
    finally:
        db.rollback()


def schema_version(db: Database) -> int:
    return migrate.current_version(db)


def ensure_schema(db: Database) -> None:
    """Create or migrate the tables to SCHEMA_VERSION; refuse a newer database."""
    with write(db):
        version = schema_version(db)
        if version > SCHEMA_VERSION:
            raise DatabaseError(
                f"database schema version {version} is newer than this Seen "
                f"({SCHEMA_VERSION}); upgrade Seen"
            )
        migrate.upgrade(db, version, MIGRATIONS)


def first_row(db: Database, sql: str, params=()) -> dict | None:
    """The first row of a query as a dict, or None."""
    return next(iter(db.query(sql, params)), None)


def loads(text: str | None) -> dict:
    """A JSON column back to a dict ('{}' or NULL give {})."""
    return json.loads(text) if text else {}


def dumps(value) -> str:
    """A dict to the text kept in a JSON column (keeps accents readable)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
