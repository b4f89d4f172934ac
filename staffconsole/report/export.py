"""Exporting a period's hand-offs: who may see names, and the audit entry for every export.

The console checks the signed-in staff member's role; the command line has no login,
so `staffconsole report --with-names --as USERNAME` signs in as that admin with their
password, through staff_auth (same lockout, same audit), exactly as the console would.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.auth import staff_sessions
from staffconsole.report import csv_export, figures, queries
from staffconsole.store.audit import audited, staff_actor
from staffconsole.store.engine import Database


class NamesRefused(Exception):
    """Names were asked for by someone who is not a signed-in admin."""


def check_admin_password(db: Database, username: str, password: str, now: datetime) -> str:
    """Sign in as `username` and out again; returns the username if it is an admin."""
    try:
        _, session = staff_sessions.sign_in(db, username, password, now)
    except staff_sessions.AuthError as e:
        key = staff_sessions.attempt_key(username)
        detail = {"why": "sign-in failed"}
        with audited(db, staff_actor(key), "report.names_refused", key, detail, now):
            pass  # nothing changes but the log
        raise NamesRefused(f"--with-names: {e}") from None
    staff_sessions.sign_out(db, session, now)
    if session.role != "admin":
        actor, detail = staff_actor(session.username), {"why": "not an admin"}
        with audited(db, actor, "report.names_refused", session.username, detail, now):
            pass  # nothing changes but the log
        raise NamesRefused(
            f"--with-names: {session.username} is not an admin; only an admin may export names"
        )
    return session.username


def export(
    db: Database, period: figures.Period, *, actor: str, with_names: bool, via: str, now: datetime
) -> str:
    """The hand-offs CSV for the period; writes who exported what to the audit log.

    The caller has already checked that `actor` may have names when with_names is set.
    """
    handed = figures.handoffs(queries.load(db, period.start, period.end))
    text = csv_export.handoffs_csv(handed, period, with_names=with_names)
    action = "report.export_names" if with_names else "report.export"
    target = f"{period.first.isoformat()}..{period.last.isoformat()}"
    detail = {"rows": len(handed), "with_names": with_names, "via": via}
    # A read changes nothing: the row is the whole write, and the CSV is handed over after it.
    with audited(db, actor, action, target, detail, now):
        pass
    return text
