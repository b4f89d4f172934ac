"""Kiosks and their bearer tokens: a token proves a kiosk, never a right to an appointment.

Only a token's sha256 is stored, so a token is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row as row
from staffconsole.store.schema import write

MAX_NAME = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


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
            raise Conflict(
                f"a kiosk named {name!r} already exists; revoke it first to give it a new token"
            )
        if existing:
            # A revoked kiosk comes back under its name, with its history and a new token.
            db.execute(
                "UPDATE kiosks SET token_hash = ?, revoked_at = NULL WHERE id = ?",
                [token_hash(token), existing["id"]],
            )
        else:
            db.execute(
                "INSERT INTO kiosks (name, token_hash, created_at) VALUES (?, ?, ?)",
                [name, token_hash(token), iso(now)],
            )
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


def rename_kiosk(db: Database, name: str, new_name: str) -> dict:
    """A kiosk's new name (moved to another room); its token and history stay."""
    new_name = " ".join(new_name.split())
    if not new_name or len(new_name) > MAX_NAME:
        raise Invalid(f"a kiosk name must be 1 to {MAX_NAME} characters")
    with write(db):
        kiosk = row(db, "SELECT * FROM kiosks WHERE name = ?", [" ".join(name.split())])
        if kiosk is None:
            raise NotFound(f"no kiosk named {name!r}")
        if row(db, "SELECT id FROM kiosks WHERE name = ?", [new_name]):
            raise Conflict(f"a kiosk named {new_name!r} already exists")
        db.execute("UPDATE kiosks SET name = ? WHERE id = ?", [new_name, kiosk["id"]])
    return get_kiosk(db, kiosk["id"])
