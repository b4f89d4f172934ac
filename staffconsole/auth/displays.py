"""Lobby displays and their tokens: a token proves a screen that may show ticket numbers.

Like a kiosk's, only the token's sha256 is stored, so it is shown once, when issued. A
display's token reaches the server in a request body (then as a cookie), never in a URL,
so it stays out of access logs.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from staffconsole.auth.kiosks import token_hash
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row as row
from staffconsole.store.schema import write

MAX_NAME = 100
DEFAULT_SITE = "default"


def _clean(name: str, what: str = "display name") -> str:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"a {what} must be 1 to {MAX_NAME} characters")
    return name


def add_display(db: Database, name: str, now: datetime, site: str = DEFAULT_SITE) -> str:
    """Register a display (or re-issue a revoked one); returns its token, shown once."""
    name, site = _clean(name), _clean(site, "site")
    token = secrets.token_urlsafe(32)
    with write(db):
        existing = row(db, "SELECT id, revoked_at FROM displays WHERE name = ?", [name])
        if existing and not existing["revoked_at"]:
            raise Conflict(
                f"a display named {name!r} already exists; revoke it first to give it a new token"
            )
        if existing:
            db.execute(
                "UPDATE displays SET token_hash = ?, site = ?, revoked_at = NULL, "
                "last_seen_at = NULL WHERE id = ?",
                [token_hash(token), site, existing["id"]],
            )
        else:
            db.execute(
                "INSERT INTO displays (name, site, token_hash, created_at) VALUES (?, ?, ?, ?)",
                [name, site, token_hash(token), iso(now)],
            )
    return token


def revoke_display(db: Database, name: str, now: datetime) -> dict:
    """Stop a display's token working (its page goes blank at its next request)."""
    with write(db):
        display = row(db, "SELECT * FROM displays WHERE name = ?", [" ".join(name.split())])
        if display is None:
            raise NotFound(f"no display named {name!r}")
        if display["revoked_at"]:
            raise Conflict(
                f"display {display['name']!r} was already revoked at {display['revoked_at']}"
            )
        db.execute("UPDATE displays SET revoked_at = ? WHERE id = ?", [iso(now), display["id"]])
    return row(db, "SELECT * FROM displays WHERE id = ?", [display["id"]])


def display_for_token(db: Database, token: str) -> dict | None:
    """The active display holding this token, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    found = row(db, "SELECT * FROM displays WHERE token_hash = ?", [token_hash(token)])
    return found if found and not found["revoked_at"] else None


def list_displays(db: Database) -> list[dict]:
    return list(db.query("SELECT * FROM displays ORDER BY name"))


def mark_seen(db: Database, display_id: int, now: datetime) -> None:
    """The display is streaming: what the display_dark rule watches."""
    with write(db):
        db.execute("UPDATE displays SET last_seen_at = ? WHERE id = ?", [iso(now), display_id])
