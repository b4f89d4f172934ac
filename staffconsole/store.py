"""Storage: plain functions over a sqlite-utils Database that take `now`; no HTTP.

Split by concept: kiosks, staff users and audit here; appointments, look-ups and
arrivals in store_schedule; kiosk sessions, events and heartbeats in
store_sessions; alerts in store_alerts. Everything is importable from here.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlite_utils import Database

from staffconsole import passwords
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound, StoreError
from staffconsole.schema import dumps, loads, write
from staffconsole.schema import first_row as row

ROLES = ("receptionist", "admin")
MAX_NAME = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- kiosks -----------------------------------------------------------------

def add_kiosk(db: Database, name: str, now: datetime) -> str:
    """Register a kiosk (or re-issue a revoked one); returns its bearer token.

    Only the token's sha256 is kept, so the token is shown once.
    """
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"a kiosk name must be 1 to {MAX_NAME} characters")
    token = secrets.token_urlsafe(32)
    with write(db):
        existing = row(db, "SELECT id, revoked_at FROM kiosks WHERE name = ?", [name])
        if existing and not existing["revoked_at"]:
            raise Conflict(f"a kiosk named {name!r} already exists; revoke it first "
                           "to give it a new token")
        if existing:
            # A revoked kiosk comes back under its name, with its history and a new token.
            db.execute("UPDATE kiosks SET token_hash = ?, revoked_at = NULL WHERE id = ?",
                       [token_hash(token), existing["id"]])
        else:
            db.execute("INSERT INTO kiosks (name, token_hash, created_at) VALUES (?, ?, ?)",
                       [name, token_hash(token), iso(now)])
    return token


def revoke_kiosk(db: Database, name: str, now: datetime) -> dict:
    """Stop a kiosk's token working; the kiosk's history stays."""
    with write(db):
        kiosk = row(db, "SELECT * FROM kiosks WHERE name = ?", [" ".join(name.split())])
        if kiosk is None:
            raise NotFound(f"no kiosk named {name!r}")
        if kiosk["revoked_at"]:
            raise Conflict(f"kiosk {kiosk['name']!r} was already revoked at {kiosk['revoked_at']}")
        db.execute("UPDATE kiosks SET revoked_at = ? WHERE id = ?", [iso(now), kiosk["id"]])
    return get_kiosk(db, kiosk["id"])


def get_kiosk(db: Database, kiosk_id: int) -> dict:
    kiosk = row(db, "SELECT * FROM kiosks WHERE id = ?", [kiosk_id])
    if kiosk is None:
        raise NotFound(f"no kiosk with id {kiosk_id}")
    return kiosk


def kiosk_for_token(db: Database, token: str) -> dict | None:
    """The kiosk holding this token (revoked ones too: the caller says why it failed)."""
    return row(db, "SELECT * FROM kiosks WHERE token_hash = ?", [token_hash(token)])


def list_kiosks(db: Database) -> list[dict]:
    return list(db.query("SELECT * FROM kiosks ORDER BY name"))


# --- staff users ------------------------------------------------------------

def add_user(db: Database, username: str, password: str, role: str, now: datetime) -> dict:
    """Create a staff login; the password is kept only as an argon2id hash."""
    username = username.strip()
    if not username or len(username) > 200 or any(c.isspace() for c in username):
        raise Invalid("a username must be 1 to 200 characters without spaces")
    if not password:
        raise Invalid("the password must not be empty")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    password_hash = passwords.hash_password(password)  # slow on purpose: outside the lock
    with write(db):
        if user_by_name(db, username):
            raise Conflict(f"a user named {username!r} already exists")
        db.execute("INSERT INTO staff_users (username, password_hash, role, created_at) "
                   "VALUES (?, ?, ?, ?)", [username, password_hash, role, iso(now)])
    return user_by_name(db, username)


def user_by_name(db: Database, username: str) -> dict | None:
    return row(db, "SELECT * FROM staff_users WHERE username = ?", [username])


# --- audit ------------------------------------------------------------------

def add_audit(db: Database, actor: str, action: str, target: str | None, detail: dict | None,
              now: datetime) -> int:
    """Record who did what; joins the caller's transaction if one is open."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            [iso(now), actor, action, target, dumps(detail or {})])
    return cursor.lastrowid


def list_audit(db: Database, limit: int = 500) -> list[dict]:
    """Newest first."""
    entries = list(db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))
    for entry in entries:
        entry["detail"] = loads(entry["detail"])
    return entries


# Re-exported so callers need only `from staffconsole import store`.
from staffconsole.store_alerts import (
    acknowledge_alert,
    get_alert,
    list_alerts,
    open_or_update_alert,
    resolve_alert,
)
from staffconsole.store_schedule import (
    checkin,
    get_appointment,
    list_arrivals,
    lookup,
    lookup_code,
    upsert_appointment,
)
from staffconsole.store_sessions import (
    get_session,
    heartbeat,
    record_events,
    sessions_awaiting_outcome,
    touch_session,
)

__all__ = [
    "ROLES",
    "Conflict",
    "Invalid",
    "NotFound",
    "StoreError",
    "acknowledge_alert",
    "add_audit",
    "add_kiosk",
    "add_user",
    "checkin",
    "get_alert",
    "get_appointment",
    "get_kiosk",
    "get_session",
    "heartbeat",
    "kiosk_for_token",
    "list_alerts",
    "list_arrivals",
    "list_audit",
    "list_kiosks",
    "lookup",
    "lookup_code",
    "open_or_update_alert",
    "record_events",
    "resolve_alert",
    "revoke_kiosk",
    "sessions_awaiting_outcome",
    "touch_session",
    "upsert_appointment",
    "user_by_name",
]
