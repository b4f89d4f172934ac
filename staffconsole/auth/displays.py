"""Lobby displays and their tokens: a token proves a screen that may show ticket numbers.

Like a kiosk's, only the token's sha256 is stored, so it is shown once, when issued. A
display's token reaches the server in a request body (then as a cookie), never in a URL,
so it stays out of access logs.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.auth.holders import TokenHolders, clean_name
from staffconsole.clock import iso
from staffconsole.store.engine import Database
from staffconsole.store.schema import write

DEFAULT_SITE = "default"
DISPLAYS = TokenHolders("displays", "display")


def add_display(db: Database, name: str, now: datetime, site: str = DEFAULT_SITE) -> str:
    """Register a display (or re-issue a revoked one); returns its token, shown once."""
    return DISPLAYS.add(
        db,
        name,
        now,
        fields={"site": clean_name(site, "site")},
        reset_on_reissue={"last_seen_at": None},  # dark until the new token streams
    )


def revoke_display(db: Database, name: str, now: datetime) -> dict:
    """Stop a display's token working (its page goes blank at its next request)."""
    return DISPLAYS.revoke(db, name, now)


def display_for_token(db: Database, token: str) -> dict | None:
    """The active display holding this token, or None (unknown or revoked)."""
    found = DISPLAYS.by_token(db, token)
    return found if found and not found["revoked_at"] else None


def list_displays(db: Database) -> list[dict]:
    return DISPLAYS.all(db)


def mark_seen(db: Database, display_id: int, now: datetime) -> None:
    """The display is streaming: what the display_dark rule watches."""
    with write(db):
        db.execute("UPDATE displays SET last_seen_at = ? WHERE id = ?", [iso(now), display_id])
