"""The audit log: who did what, when. Every staff action and every read of patient lists.

One way in: `with audited(db, actor, action, target, detail, now) as entry:` makes the
change, and the entry is written in the same transaction, so a change never lands
without its row, nor a row without its change.

Who the actor is, written the same everywhere (docs/security.md, "Audit"):
- a staff member, at the console or named with `--as` on the command line: their username
  (a sign-in attempt: the username as typed, folded to lower case);
- the command line otherwise: `cli:<operating-system user>` (`cli` when there is none);
- a practice system on the push API: `api:<token name>`;
- a kiosk (its check-ins): `kiosk:<kiosk name>`, the kiosk's id in the detail.
The detail's `via` says where an export came from (`console`, `cli`, `push api`).
`source` is the client address of a request (None for the command line and the
server's own work): with a stolen token or a guessed password, it says from where.
The web layer sets it once per request (`request_source`), so no call site passes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

from staffconsole.clock import iso
from staffconsole.store.engine import Database
from staffconsole.store.schema import dumps, loads, write

CLI = "cli"
API = "api"
KIOSK = "kiosk"

# The client address of the request being served, if any (api/client_source.py sets it).
request_source: ContextVar[str | None] = ContextVar("request_source", default=None)


def staff_actor(username: str) -> str:
    """A staff member acts under their username."""
    return username


def cli_actor(os_user: str | None) -> str:
    """A command run on the server, by this operating-system account (None: unknown)."""
    return f"{CLI}:{os_user}" if os_user else CLI


def api_actor(token_name: str) -> str:
    """A practice system, by the name of its API token."""
    return f"{API}:{token_name}"


def kiosk_actor(kiosk_name: str) -> str:
    """A kiosk, by its name (its check-ins; the detail carries its id)."""
    return f"{KIOSK}:{kiosk_name}"


@dataclass
class Entry:
    """An audit row about to be written; the block may fill in its action and detail."""

    actor: str
    action: str
    target: str | None
    detail: dict = field(default_factory=dict)
    wanted: bool = True
    source: str | None = None

    def drop(self) -> None:
        """Nothing changed after all (a repeat): write no row."""
        self.wanted = False


@contextmanager
def audited(
    db: Database,
    actor: str,
    action: str,
    target: str | None,
    detail: dict | None,
    now: datetime,
    source: str | None = None,
) -> Iterator[Entry]:
    """One write transaction holding a change and its audit row (joins an open one).

    An exception in the block, or in writing the row, rolls back both.
    """
    source = source if source is not None else request_source.get()
    entry = Entry(actor, action, target, dict(detail or {}), source=source)
    with write(db):
        yield entry
        if entry.wanted:
            db.execute(
                "INSERT INTO audit (at, actor, action, target, detail, source)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [
                    iso(now),
                    entry.actor,
                    entry.action,
                    entry.target,
                    dumps(entry.detail),
                    entry.source,
                ],
            )


# Reads of patient data are audited as "read.<what>", so they can be told apart (and
# kept for a shorter time) from the changes. Their detail holds counts, never names.
READ = "read."


def audit_read(
    db: Database, actor: str, what: str, target: str | None, detail: dict, now: datetime
) -> None:
    """Record that `actor` was shown patient data (`what`: e.g. "console.snapshot")."""
    with audited(db, actor, READ + what, target, detail, now):
        pass  # nothing changes but the log


def list_audit(db: Database, limit: int = 500, reads: bool = True) -> list[dict]:
    """Newest first; reads=False leaves out the reads of patient data."""
    where = "" if reads else f"WHERE action NOT LIKE '{READ}%'"
    entries = list(db.query(f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT ?", [limit]))
    for entry in entries:
        entry["detail"] = loads(entry["detail"])
    return entries
