"""Kiosks and their bearer tokens: a token proves a kiosk, never a right to an appointment.

Only a token's sha256 is stored, so a token is shown once, when it is issued.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.auth.holders import TokenHolders, clean_name, token_hash
from staffconsole.errors import Conflict
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row as row
from staffconsole.store.schema import write

__all__ = ["token_hash"]  # others' tokens are hashed the same way
KIOSKS = TokenHolders("kiosks", "kiosk")


def add_kiosk(db: Database, name: str, now: datetime) -> str:
    """Register a kiosk (or re-issue a revoked one, with its history); returns its token."""
    return KIOSKS.add(db, name, now)


def revoke_kiosk(db: Database, name: str, now: datetime) -> dict:
    """Stop a kiosk's token working; the kiosk's history stays."""
    return KIOSKS.revoke(db, name, now)


def get_kiosk(db: Database, kiosk_id: int) -> dict:
    return KIOSKS.by_id(db, kiosk_id)


def kiosk_for_token(db: Database, token: str) -> dict | None:
    """The kiosk holding this token (revoked ones too: the caller says why it failed)."""
    return KIOSKS.by_token(db, token)


def list_kiosks(db: Database) -> list[dict]:
    return KIOSKS.all(db)


def rename_kiosk(db: Database, name: str, new_name: str) -> dict:
    """A kiosk's new name (moved to another room); its token and history stay."""
    new_name = clean_name(new_name, "kiosk name")
    with write(db):
        kiosk = KIOSKS.named(db, name)
        if row(db, "SELECT id FROM kiosks WHERE name = ?", [new_name]):
            raise Conflict(f"a kiosk named {new_name!r} already exists")
        db.execute("UPDATE kiosks SET name = ? WHERE id = ?", [new_name, kiosk["id"]])
    return get_kiosk(db, kiosk["id"])
