"""API tokens for other systems: created by `staffconsole apitoken add`.

Scope `push`: a practice system's (the push API). Scope `metrics`: a scraper's, which
reads `/metrics` and nothing else; a push token does not read the metrics.

Kept apart from kiosk tokens, in their own table, so neither kind opens the other's
API. Only the token's sha256 is stored; the token is shown once.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.auth.holders import TokenHolders
from staffconsole.clock import iso
from staffconsole.errors import Invalid
from staffconsole.store.engine import Database

SCOPES = ("push", "metrics")
TOKENS = TokenHolders("api_tokens", "API token")


def add_token(db: Database, name: str, scope: str, now: datetime) -> str:
    """Create a named token with one scope; returns the token (shown only this once)."""
    if scope not in SCOPES:
        raise Invalid(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    # A re-issued token is new: its age (created_at) starts again.
    return TOKENS.add(
        db, name, now, fields={"scope": scope}, reset_on_reissue={"created_at": iso(now)}
    )


def revoke_token(db: Database, name: str, now: datetime) -> dict:
    """Stop a token working; its name stays in the audit log."""
    return TOKENS.revoke(db, name, now)


def token_for(db: Database, token: str) -> dict | None:
    """The api_tokens row holding this token (revoked ones too: the caller says why)."""
    return TOKENS.by_token(db, token)
