"""API tokens for other systems: created by `staffconsole apitoken add`.

Scope `push`: a practice system's (the push API). Scope `metrics`: a scraper's, which
reads `/metrics` and nothing else; a push token does not read the metrics.

Kept apart from kiosk tokens, in their own table, so neither kind opens the other's
API. Only the token's sha256 is stored; the token is shown once.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from staffconsole.auth.kiosks import token_hash
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store.engine import Database
from staffconsole.store.schema import first_row, write

SCOPES = ("push", "metrics")
MAX_NAME = 100


def add_token(db: Database, name: str, scope: str, now: datetime) -> str:
    """Create a named token with one scope; returns the token (shown only this once)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"an API token name must be 1 to {MAX_NAME} characters")
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    token = secrets.token_urlsafe(32)
    with write(db):
        existing = first_row(db, "SELECT id, revoked_at FROM api_tokens WHERE name = ?", [name])
        if existing and not existing["revoked_at"]:
            raise Conflict(f"an API token named {name!r} already exists; revoke it first")
        if existing:
            db.execute(
                "UPDATE api_tokens SET token_hash = ?, scope = ?, revoked_at = NULL, "
                "created_at = ? WHERE id = ?",
                [token_hash(token), scope, iso(now), existing["id"]],
            )
        else:
            db.execute(
                "INSERT INTO api_tokens (name, token_hash, scope, created_at) VALUES (?, ?, ?, ?)",
                [name, token_hash(token), scope, iso(now)],
            )
    return token


def revoke_token(db: Database, name: str, now: datetime) -> dict:
    """Stop a token working; its name stays in the audit log."""
    with write(db):
        found = first_row(db, "SELECT * FROM api_tokens WHERE name = ?", [" ".join(name.split())])
        if found is None:
            raise NotFound(f"no API token named {name!r}")
        if found["revoked_at"]:
            raise Conflict(f"API token {found['name']!r} was already revoked")
        db.execute("UPDATE api_tokens SET revoked_at = ? WHERE id = ?", [iso(now), found["id"]])
    return first_row(db, "SELECT * FROM api_tokens WHERE id = ?", [found["id"]])


def token_for(db: Database, token: str) -> dict | None:
    """The api_tokens row holding this token (revoked ones too: the caller says why)."""
    return first_row(db, "SELECT * FROM api_tokens WHERE token_hash = ?", [token_hash(token)])
