"""Staff sign-in: argon2 passwords, session cookies, the idle lock, lockout and CSRF.

Only the sha256 of a session token is stored, so a copy of the database does
not let anyone act as a receptionist. Functions take `now` (an aware UTC
datetime) instead of reading the clock, so the idle lock and lockout are tested
without waiting.

An idle session is *locked*, not deleted (HIPAA's automatic logoff without a blind
desk): the page hides patient details but keeps counting, sounding and watching, and
the same person unlocks it with their password or PIN. A session unlocked with a
password lasts `max_hours` before only the password unlocks it again; one left locked
and untouched that long is signed out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import pairwise

from staffconsole.auth import passwords
from staffconsole.auth.users import user_by_name
from staffconsole.clock import iso, parse
from staffconsole.store.audit import audited, staff_actor
from staffconsole.store.schema import write

COOKIE = "seen_session"


@dataclass(frozen=True)
class Throttle:
    """Failures free within `window`, then a wait after each further one, doubling to `cap`.

    Growing waits rather than a hard lock: a stranger typing wrong passwords slows a
    username down but cannot shut its owner out for an hour (and `user unlock` ends it).
    """

    free: int
    window: timedelta
    first: timedelta
    cap: timedelta


# Per username as typed (known or not, so the answer never says which exist).
USERNAME_THROTTLE = Throttle(5, timedelta(hours=1), timedelta(seconds=30), timedelta(minutes=15))
# Per client address, whatever usernames it tries: a shared desk PC where people mistype
# gets more failures free before each further try waits twice as long as the last.
ADDRESS_THROTTLE = Throttle(20, timedelta(minutes=15), timedelta(seconds=1), timedelta(minutes=15))
MAX_USERNAME = 200

# Shown for a wrong password, an unknown user and a disabled user alike, so the
# form never reveals which usernames exist.
BAD_CREDENTIALS = "That username and password do not match. Check them and try again."


class AuthError(Exception):
    """A sign-in or session check failed; str(error) is safe to show staff."""


class BadCredentials(AuthError):
    """Wrong username or password (or a disabled account)."""


class LockedOut(AuthError):
    """Too many recent failed sign-ins for this username: the next try must wait."""


class Throttled(LockedOut):
    """Too many failed sign-ins from one client address: it must wait a little."""


class NotSignedIn(AuthError):
    """No valid session cookie on the request."""


class SessionLocked(NotSignedIn):
    """The session is locked (idle, or past its lifetime); unlock it on the page to act."""


class UnlockRefused(AuthError):
    """The password or PIN typed on the lock screen does not match."""


class BadPin(AuthError):
    """A PIN that is not 4 to 8 digits, or too easy to guess."""


@dataclass(frozen=True)
class SessionPolicy:
    idle_min: float  # no activity this long locks the page
    max_hours: float  # since the password was last typed: after it, only the password unlocks
    absolute_hours: float = 24.0  # since sign-in, whatever happened: then sign in afresh

    @property
    def absolute(self) -> timedelta:
        return timedelta(hours=self.absolute_hours)

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.idle_min)

    @property
    def lifetime(self) -> timedelta:
        return timedelta(hours=self.max_hours)


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
    locked: bool = False
    lock_reason: str = ""  # "idle" or "lifetime" while locked


LOCK_REASONS = ("idle", "lifetime")
UNLOCK_FAILURES = 5  # wrong tries on one lock screen before the session is signed out


# -- pure helpers -----------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def attempt_key(username: str) -> str:
    """Failed tries are counted per username as typed, ignoring case and edge spaces."""
    return username.strip().casefold()[:MAX_USERNAME]


def lock_reason(
    last_active_at: str, authenticated_at: str, now: datetime, policy: SessionPolicy
) -> str:
    """Why an unlocked session should lock now ("idle", "lifetime"), or "" if it should not."""
    if now - parse(authenticated_at) > policy.lifetime:
        return "lifetime"
    if now - parse(last_active_at) > policy.idle:
        return "idle"
    return ""


def check_pin(pin: str, username: str) -> None:
    """Raise BadPin unless pin is 4-8 digits and not one digit repeated or a run."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise BadPin("A PIN is 4 to 8 digits.")
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in pairwise(digits)}
    if len(set(digits)) == 1 or steps in ({1}, {-1}):
        raise BadPin("That PIN is too easy to guess (one digit repeated, or a run like 1234).")
    if pin in username:
        raise BadPin("The PIN must not be part of your username.")


def counting_failures(
    attempts: list[tuple[str, bool]], now: datetime, window: timedelta
) -> list[datetime]:
    """The failures that count now: within the window and after the last success."""
    since = now - window
    failures: list[datetime] = []
    for at, ok in sorted((parse(at), ok) for at, ok in attempts):
        if ok:
            failures = []
        elif at > since:
            failures.append(at)
    return failures


def throttle_wait(
    attempts: list[tuple[str, bool]], now: datetime, throttle: Throttle
) -> timedelta | None:
    """How long the next try must still wait, or None if it may go ahead.

    attempts: (at, ok) pairs for one username or one address, any order. Past
    `throttle.free` counted failures the wait after the latest one doubles with each:
    first, 2 x first, 4 x first ... up to the cap.
    """
    failures = counting_failures(attempts, now, throttle.window)
    extra = len(failures) - throttle.free
    if extra < 0:
        return None
    wait = min(throttle.first * 2 ** min(extra, 20), throttle.cap)
    left = failures[-1] + wait - now
    return left if left > timedelta(0) else None


def _in_words(wait: timedelta) -> str:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


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
    since = iso(now - USERNAME_THROTTLE.window)
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


def sign_in_pause(db, username: str, now: datetime) -> tuple[int, timedelta | None]:
    """(failed tries counting now, how long the next must still wait or None) for a username."""
    attempts = _attempts(db, attempt_key(username), now)
    failures = counting_failures(attempts, now, USERNAME_THROTTLE.window)
    return len(failures), throttle_wait(attempts, now, USERNAME_THROTTLE)


def last_sign_in(db, username: str) -> str | None:
    """When this username last signed in with its password, if the record still holds it."""
    return db.execute(
        "select max(at) from login_attempts where username = ? and ok = 1"
        " and (address is null or address != 'unlock')",
        [attempt_key(username)],
    ).fetchone()[0]


def unlock_sign_in(db, username: str, now: datetime) -> int:
    """End a sign-in pause for a username now (`staffconsole user unlock`).

    Written as a successful attempt, which is what ends a run of failures; returns how
    many failures were counting.
    """
    key = attempt_key(username)
    with write(db):
        counting = len(counting_failures(_attempts(db, key, now), now, USERNAME_THROTTLE.window))
        db.execute(
            "insert into login_attempts (username, at, ok, address) values (?, ?, 1, ?)",
            [key, iso(now), "unlock"],
        )
    return counting


def sign_in(
    db, username: str, password: str, now: datetime, address: str | None = None
) -> tuple[str, StaffSession]:
    """Check the password and open a session; returns (cookie token, session).

    address: the client's, for the per-address throttle (None: not throttled).
    """
    key = attempt_key(username)
    stamp = iso(now)
    if address is not None:
        rows = db.execute(
            "select at, ok from login_attempts where address = ? and at > ?",
            [address, iso(now - ADDRESS_THROTTLE.window)],
        ).fetchall()
        wait = throttle_wait([(at, bool(ok)) for at, ok in rows], now, ADDRESS_THROTTLE)
        if wait is not None:
            with audited(db, staff_actor(key), "login.throttled", key, None, now):
                pass  # nothing changes but the log
            raise Throttled(
                f"Too many failed sign-ins from this computer. Try again in {_in_words(wait)}."
            )
    attempts = _attempts(db, key, now)
    wait = throttle_wait(attempts, now, USERNAME_THROTTLE)
    if wait is not None:
        with audited(db, staff_actor(key), "login.locked", key, None, now):
            pass  # nothing changes but the log
        failed = len(counting_failures(attempts, now, USERNAME_THROTTLE.window))
        raise LockedOut(
            f"Sign-in for this username is paused after {failed} failed tries. "
            f"Try again in {_in_words(wait)}, or ask a manager to unlock it."
        )
    user = user_by_name(db, username.strip()) if key else None
    usable = user is not None and not user["disabled"]
    # Verify against a dummy hash for unknown users so timing does not reveal them.
    ok = passwords.verify(user["password_hash"] if usable else _dummy_hash(), password)
    ok = ok and usable
    with audited(db, staff_actor(key), "login.failed", key, None, now) as entry:
        db.execute(
            "insert into login_attempts (username, at, ok, address) values (?, ?, ?, ?)",
            [key, stamp, int(ok), address],
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
            "insert into staff_sessions"
            " (id, user_id, created_at, authenticated_at, last_active_at, csrf_token)"
            " values (?, ?, ?, ?, ?, ?)",
            [session.id, session.user_id, stamp, stamp, stamp, session.csrf_token],
        )
    return token, session


_SESSION_ROW = (
    "select s.id, s.user_id, u.username, u.role, s.csrf_token, s.last_active_at, u.disabled,"
    " s.locked_at, s.lock_reason, coalesce(s.authenticated_at, s.created_at), s.created_at"
    " from staff_sessions s join staff_users u on u.id = s.user_id where s.id = ?"
)


def session_from_token(
    db,
    token: str | None,
    now: datetime,
    policy: SessionPolicy,
    touch: bool = True,
    allow_locked: bool = False,
) -> StaffSession:
    """The session for a cookie token, locking it when idle; touch=True counts activity.

    A locked session raises SessionLocked unless allow_locked (the page, its stream and
    the lock screen's calls may see it; nothing that shows or changes patient data may).
    """
    if not token:
        raise NotSignedIn("Not signed in.")
    row = db.execute(_SESSION_ROW, [token_hash(token)]).fetchone()
    if row is None:
        raise NotSignedIn("Not signed in.")
    sid, user_id, username, role, csrf, last_active, disabled, locked_at, reason = row[:9]
    auth_at, created_at = row[9:]
    if disabled:
        with write(db):
            db.execute("delete from staff_sessions where id = ?", [sid])
        raise NotSignedIn("Not signed in.")
    if now - parse(last_active) > policy.lifetime:
        detail = {"max_hours": policy.max_hours}
        with audited(db, staff_actor(username), "logout.expired", username, detail, now):
            db.execute("delete from staff_sessions where id = ?", [sid])
        raise NotSignedIn("Your session has ended. Sign in again.")
    # A cookie copied off a desk PC works for a bounded time, however active the page:
    # the password then starts a new session (a new token) rather than renewing this one.
    if now - parse(created_at) > policy.absolute:
        detail = {"absolute_hours": policy.absolute_hours}
        with audited(db, staff_actor(username), "logout.expired", username, detail, now):
            db.execute("delete from staff_sessions where id = ?", [sid])
        raise NotSignedIn("You have been signed in for a long time. Sign in again.")
    if not locked_at:
        reason = lock_reason(last_active, auth_at, now, policy)
        if reason:
            locked_at = iso(now)
            detail = {"reason": reason, "idle_min": policy.idle_min}
            with audited(db, staff_actor(username), "console.locked", username, detail, now):
                db.execute(
                    "update staff_sessions set locked_at = ?, lock_reason = ? where id = ?",
                    [locked_at, reason, sid],
                )
    session = StaffSession(
        sid, user_id, username, role, csrf, last_active, bool(locked_at), reason or ""
    )
    if session.locked:
        if not allow_locked:
            raise SessionLocked("The console is locked. Unlock it to go on.")
        return session
    if touch:
        last_active = iso(now)
        with write(db):
            db.execute(
                "update staff_sessions set last_active_at = ? where id = ?", [last_active, sid]
            )
        session = StaffSession(sid, user_id, username, role, csrf, last_active)
    return session


def lock(db, session: StaffSession, now: datetime) -> None:
    """Lock at the page's request (the person pressed "Lock", or its own idle timer ran out)."""
    if session.locked:
        return
    actor = staff_actor(session.username)
    with audited(db, actor, "console.locked", session.username, {"reason": "asked"}, now):
        db.execute(
            "update staff_sessions set locked_at = ?, lock_reason = 'idle'"
            " where id = ? and locked_at is null",
            [iso(now), session.id],
        )


def unlock(db, session: StaffSession, secret: str, now: datetime) -> str:
    """Unlock with the session user's password, or their PIN unless the lifetime ran out.

    Returns "password" or "pin". A wrong secret raises UnlockRefused; the fifth wrong one
    on the same lock signs the session out (NotSignedIn).
    """
    user = user_by_name(db, session.username)
    by = ""
    if user is not None and not user["disabled"]:
        if passwords.verify(user["password_hash"], secret):
            by = "password"
        elif session.lock_reason != "lifetime" and user.get("pin_hash"):
            by = "pin" if passwords.verify(user["pin_hash"], secret) else ""
    actor = staff_actor(session.username)
    if not by:
        with audited(db, actor, "console.unlock_failed", session.username, None, now):
            db.execute(
                "update staff_sessions set unlock_failures = unlock_failures + 1 where id = ?",
                [session.id],
            )
            failures = db.execute(
                "select unlock_failures from staff_sessions where id = ?", [session.id]
            ).fetchone()
            if failures is None or failures[0] >= UNLOCK_FAILURES:
                db.execute("delete from staff_sessions where id = ?", [session.id])
        if failures is None or failures[0] >= UNLOCK_FAILURES:
            raise NotSignedIn(f"Signed out after {UNLOCK_FAILURES} wrong tries. Sign in again.")
        if session.lock_reason == "lifetime":
            raise UnlockRefused(
                "That is not your password. After a long day only the password unlocks."
            )
        raise UnlockRefused("That password or PIN does not match. Try again.")
    stamp = iso(now)
    with audited(db, actor, "console.unlocked", session.username, {"by": by}, now):
        db.execute(
            "update staff_sessions set locked_at = null, lock_reason = null, unlock_failures = 0,"
            " last_active_at = ? where id = ?",
            [stamp, session.id],
        )
        if by == "password":
            db.execute(
                "update staff_sessions set authenticated_at = ? where id = ?", [stamp, session.id]
            )
    return by


def set_pin(db, session: StaffSession, password: str, pin: str, now: datetime) -> None:
    """Give the signed-in user a PIN for the lock screen; the password proves it is them."""
    user = user_by_name(db, session.username)
    if user is None or not passwords.verify(user["password_hash"], password):
        raise UnlockRefused("That is not your password.")
    check_pin(pin, session.username)
    actor = staff_actor(session.username)
    with audited(db, actor, "user.pin_set", session.username, None, now):
        db.execute(
            "update staff_users set pin_hash = ? where id = ?",
            [passwords.hash_password(pin), session.user_id],
        )


def sign_out(db, session: StaffSession, now: datetime) -> None:
    with audited(db, staff_actor(session.username), "logout", session.username, None, now):
        db.execute("delete from staff_sessions where id = ?", [session.id])
