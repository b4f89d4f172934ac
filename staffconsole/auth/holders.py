"""Token holders: kiosks, lobby displays and other systems, each proved by a bearer token.

One shape for all three tables: a unique name, the token's sha256 (never the token, so
it is shown once, when issued), created_at and revoked_at. A revoked holder comes back
under its name, with its history and a new token. Table and column names come from
this code, never from a request, so they are written into the SQL.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row, write

MAX_NAME = 100
# Longer than any token we issue (43 characters): a longer one is not worth hashing.
MAX_TOKEN = 200


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clean_name(name: str, what: str) -> str:
    """A name with its spaces collapsed, or Invalid naming what it is for."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"{_a(what)} must be 1 to {MAX_NAME} characters")
    return name


def _a(words: str) -> str:
    return ("an " if words[0].lower() in "aeiou" else "a ") + words


@dataclass(frozen=True)
class TokenHolders:
    """The rows of one table whose members each hold one bearer token."""

    table: str
    noun: str  # as a message says it: "kiosk", "display", "API token"

    def add(
        self,
        db: Database,
        name: str,
        now: datetime,
        fields: dict | None = None,
        reset_on_reissue: dict | None = None,
    ) -> str:
        """Register a holder (or re-issue a revoked one); returns its token, shown once.

        `fields` are written either way; `reset_on_reissue` only when a revoked one
        comes back (what its old token left behind, such as a last-seen time).
        """
        name = clean_name(name, f"{self.noun} name")
        fields = fields or {}
        token = secrets.token_urlsafe(32)
        with write(db):
            existing = first_row(
                db, f"SELECT id, revoked_at FROM {self.table} WHERE name = ?", [name]
            )
            if existing and not existing["revoked_at"]:
                raise Conflict(
                    f"{_a(self.noun)} named {name!r} already exists; "
                    "revoke it first to give it a new token"
                )
            if existing:
                changes = {
                    "token_hash": token_hash(token),
                    "revoked_at": None,
                    **fields,
                    **(reset_on_reissue or {}),
                }
                assignments = ", ".join(f"{column} = ?" for column in changes)
                db.execute(
                    f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                    [*changes.values(), existing["id"]],
                )
            else:
                values = {"name": name, "token_hash": token_hash(token), **fields}
                values.setdefault("created_at", iso(now))
                db.execute(
                    f"INSERT INTO {self.table} ({', '.join(values)}) "
                    f"VALUES ({', '.join('?' for _ in values)})",
                    list(values.values()),
                )
        return token

    def revoke(self, db: Database, name: str, now: datetime) -> dict:
        """Stop a holder's token working; its row and history stay."""
        with write(db):
            found = self.named(db, name)
            if found["revoked_at"]:
                raise Conflict(
                    f"{self.noun} {found['name']!r} was already revoked at {found['revoked_at']}"
                )
            db.execute(
                f"UPDATE {self.table} SET revoked_at = ? WHERE id = ?", [iso(now), found["id"]]
            )
        return self.by_id(db, found["id"])

    def named(self, db: Database, name: str) -> dict:
        found = first_row(
            db, f"SELECT * FROM {self.table} WHERE name = ?", [" ".join(name.split())]
        )
        if found is None:
            raise NotFound(f"no {self.noun} named {name!r}")
        return found

    def by_id(self, db: Database, holder_id: int) -> dict:
        found = first_row(db, f"SELECT * FROM {self.table} WHERE id = ?", [holder_id])
        if found is None:
            raise NotFound(f"no {self.noun} with id {holder_id}")
        return found

    def by_token(self, db: Database, token: str) -> dict | None:
        """The row holding this token, revoked ones too (the caller says why it failed)."""
        if not token or len(token) > MAX_TOKEN:
            return None
        return first_row(
            db, f"SELECT * FROM {self.table} WHERE token_hash = ?", [token_hash(token)]
        )

    def all(self, db: Database) -> list[dict]:
        return list(db.query(f"SELECT * FROM {self.table} ORDER BY name"))
