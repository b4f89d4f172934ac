"""Staff sign-in: argon2 passwords, session cookies, idle logoff, lockout and CSRF.

Only the sha256 of a session token is stored, so a copy of the database does
not let anyone act as a receptionist. Functions take `now` (an aware UTC
datetime) instead of reading the clock, so idle logoff and lockout are tested
without waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from staffconsole.auth import passwords
from staffconsole.auth.users import user_by_name
from staffconsole.clock import iso, parse
from staffconsole.store.audit import audited, staff_actor
from staffconsole.store.schema import write

COOKIE = "seen_session"
LOCKOUT_FAILURES = 10
LOCKOUT_WINDOW = timedelta(hours=1)
MAX_USERNAME = 200

# Shown for a wrong password, an unknown user and a disabled user alike, so the
# form never reveals which usernames exist.
BAD_CREDENTIALS = "That username and password do not match. Check them and try again."


class AuthError(Exception):
    """A sign-in or session check failed; str(error) is safe to show staff."""


class BadCredentials(AuthError):
    """Wrong username or password (or a disabled account)."""


class LockedOut(AuthError):
    """Too many failed sign-ins for this username within the lockout window."""


class NotSignedIn(AuthError):
    """No valid session cookie on the request."""


class SessionIdle(NotSignedIn):
    """The session existed but was idle longer than the logoff limit."""


class CsrfRejected(AuthError):
    """A state-changing request lacked the session's X-CSRF-Token."""


@dataclass(frozen=True)
class StaffSession:
    id: str  # sha256 of the cookie token
    user_id: int
    username: str
    role: str
    csrf_token: str
    last_active_at: str


# -- pure helpers -----------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def attempt_key(username: str) -> str:
    """Failed tries are counted per username as typed, ignoring case and edge spaces."""
    return username.strip().casefold()[:MAX_USERNAME]


def is_idle(last_active_at: str, now: datetime, idle_min: float) -> bool:
    return now - parse(last_active_at) > timedelta(minutes=idle_min)


def lockout_until(attempts: list[tuple[str, bool]], now: datetime) -> datetime | None:
    """When the lockout ends, or None if not locked.

    attempts: (at, ok) pairs for one username, any order. Failures count only
    within the window and after the last successful sign-in.
    """
    since = now - LOCKOUT_WINDOW
    ordered = sorted((parse(at), ok) for at, ok in attempts)
    failures: list[datetime] = []
    for at, ok in ordered:
        if ok:
            failures = []
        elif at > since:
            failures.append(at)
    if len(failures) < LOCKOUT_FAILURES:
        return None
    # The lockout lifts when the oldest counted failure leaves the window.
    return failures[-LOCKOUT_FAILURES] + LOCKOUT_WINDOW


def check_csrf(session: StaffSession, header_value: str | None) -> None:
    if not header_value:
        raise CsrfRejected("Missing X-CSRF-Token header; reload the console page and try again.")
    if not hmac.compare_digest(header_value.encode(), session.csrf_token.encode()):
        raise CsrfRejected("X-CSRF-Token does not match this session; reload the console page.")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return passwords.hash_password(secrets.token_urlsafe(16))


# -- database ----------------------------------------------------------------


def _attempts(db, key: str, now: datetime) -> list[tuple[str, bool]]:
    since = iso(now - LOCKOUT_WINDOW)
    rows = db.execute(
        "select at, ok from login_attempts where username = ? and at > ? order by at", [key, since]
    ).fetchall()
    # The last success before the window also resets the count.
    last_ok = db.execute(
        "select max(at) from login_attempts where username = ? and ok = 1 and at <= ?",
        [key, since],
    ).fetchone()[0]
    pairs = [(at, bool(ok)) for at, ok in rows]
    if last_ok:
        pairs.append((last_ok, True))
    return pairs


def sign_in(db, username: str, password: str, now: datetime) -> tuple[str, StaffSession]:
    """Check the password and open a session; returns (cookie token, session)."""
    key = attempt_key(username)
    stamp = iso(now)
    until = lockout_until(_attempts(db, key, now), now)
    if until is not None:
        with audited(db, staff_actor(key), "login.locked", key, None, now):
            pass  # nothing changes but the log
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        raise LockedOut(
            f"Sign-in is paused for this username after {LOCKOUT_FAILURES} failed tries. "
            f"Try again in {minutes} minutes, or ask a manager to help."
        )
    user = user_by_name(db, username.strip()) if key else None
    usable = user is not None and not user["disabled"]
    # Verify against a dummy hash for unknown users so timing does not reveal them.
    ok = passwords.verify(user["password_hash"] if usable else _dummy_hash(), password)
    ok = ok and usable
    with audited(db, staff_actor(key), "login.failed", key, None, now) as entry:
        db.execute(
            "insert into login_attempts (username, at, ok) values (?, ?, ?)",
            [key, stamp, int(ok)],
        )
        if ok:
            entry.drop()  # the session below is audited as login.ok
    if not ok:
        raise BadCredentials(BAD_CREDENTIALS)
    token = new_token()
    session = StaffSession(
        id=token_hash(token),
        user_id=user["id"],
        username=user["username"],
        role=user["role"],
        csrf_token=new_token(),
        last_active_at=stamp,
    )
    actor = staff_actor(session.username)
    with audited(db, actor, "login.ok", session.username, None, now):
        db.execute(
            "insert into staff_sessions (id, user_id, created_at, last_active_at, csrf_token)"
            " values (?, ?, ?, ?, ?)",
            [session.id, session.user_id, stamp, stamp, session.csrf_token],
        )
    return token, session


def session_from_token(
    db, token: str | None, now: datetime, idle_min: float, touch: bool = True
) -> StaffSession:
    """The live session for a cookie token; touch=True counts the request as activity."""
    if not token:
        raise NotSignedIn("Not signed in.")
    row = db.execute(
        "select s.id, s.user_id, u.username, u.role, s.csrf_token, s.last_active_at, u.disabled"
        " from staff_sessions s join staff_users u on u.id = s.user_id where s.id = ?",
        [token_hash(token)],
    ).fetchone()
    if row is None:
        raise NotSignedIn("Not signed in.")
    sid, user_id, username, role, csrf, last_active, disabled = row
    if disabled:
        with write(db):
            db.execute("delete from staff_sessions where id = ?", [sid])
        raise NotSignedIn("Not signed in.")
    if is_idle(last_active, now, idle_min):
        detail = {"idle_min": idle_min}
        with audited(db, staff_actor(username), "logout.idle", username, detail, now):
            db.execute("delete from staff_sessions where id = ?", [sid])
        raise SessionIdle(f"Signed out after {idle_min:g} minutes without activity.")
    if touch:
        last_active = iso(now)
        with write(db):
            db.execute(
                "update staff_sessions set last_active_at = ? where id = ?", [last_active, sid]
            )
    return StaffSession(sid, user_id, username, role, csrf, last_active)


def sign_out(db, session: StaffSession, now: datetime) -> None:
    with audited(db, staff_actor(session.username), "logout", session.username, None, now):
        db.execute("delete from staff_sessions where id = ?", [session.id])
