"""The audit log: who did what, when. Every staff action and every read of patient lists."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from staffconsole.clock import iso
from staffconsole.store.schema import dumps, loads, write


def add_audit(
    db: Database, actor: str, action: str, target: str | None, detail: dict | None, now: datetime
) -> int:
    """Record who did what; joins the caller's transaction if one is open."""
    with write(db):
        cursor = db.execute(
            "INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            [iso(now), actor, action, target, dumps(detail or {})],
        )
    return cursor.lastrowid


def list_audit(db: Database, limit: int = 500) -> list[dict]:
    """Newest first."""
    entries = list(db.query("SELECT * FROM audit ORDER BY id DESC LIMIT ?", [limit]))
    for entry in entries:
        entry["detail"] = loads(entry["detail"])
    return entries
