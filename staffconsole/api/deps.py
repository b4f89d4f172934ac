"""What every router shares: the database, the clock, who is calling (kiosk token or staff
session), and small parsers of path parameters. Routers import from here, never from each
other or from the app.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from staffconsole.auth import staff_sessions
from staffconsole.auth.kiosks import kiosk_for_token
from staffconsole.auth.staff_sessions import (
    COOKIE,
    NotSignedIn,
    SessionLocked,
    SessionPolicy,
    StaffSession,
)
from staffconsole.clock import ClinicClock
from staffconsole.store.engine import Database
from staffconsole.store.schema import open_db


async def get_db(request: Request) -> AsyncIterator[Database]:
    """A connection to the app's database for this request.

    Each request gets its own SQLite connection: connections are not shared between
    threads, and WAL makes opening one cheap. Opened and closed on the event loop: a
    sync dependency costs two thread hand-offs per request (docs/performance.md), and
    neither takes a lock (the app holds one connection open, so a close never
    checkpoints while serving).
    """
    db = open_db(request.app.state.settings.db_path)
    try:
        yield db
    finally:
        db.close()


# -- the clock: the app's one ClinicClock (tests build the app with a fake one) ---------


def get_clock(request: Request) -> ClinicClock:
    return request.app.state.clock


# The dependencies are async (run on the event loop, no I/O): a sync one is a thread
# hand-off each.
async def _clock(request: Request) -> ClinicClock:
    return get_clock(request)


Clock = Annotated[ClinicClock, Depends(_clock)]


async def get_now(clock: Clock) -> datetime:
    return clock.now()


Now = Annotated[datetime, Depends(get_now)]


# FastAPI reads get_now once per request, so Now, Today and LocalNow agree.
async def get_today(clock: Clock, now: Now) -> date:
    return clock.zone.day(now)


async def get_local_now(clock: Clock, now: Now) -> datetime:
    return clock.zone.local(now)


Today = Annotated[date, Depends(get_today)]
LocalNow = Annotated[datetime, Depends(get_local_now)]  # aware, the clinic's offset
Db = Annotated[Database, Depends(get_db)]


def session_policy(request: Request) -> SessionPolicy:
    settings = request.app.state.settings
    return SessionPolicy(
        settings.console_idle_logoff_min,
        settings.console_session_hours,
        settings.console_session_absolute_hours,
    )


def staff_session(
    request: Request, db, now: datetime, touch: bool, allow_locked: bool = False
) -> StaffSession:
    return staff_sessions.session_from_token(
        db,
        request.cookies.get(COOKIE),
        now,
        session_policy(request),
        touch=touch,
        allow_locked=allow_locked,
    )


def to_sign_in(error: NotSignedIn) -> RedirectResponse:
    """Where a page (not the JSON API, which answers 401) sends someone not signed in.

    A locked session goes to the console, whose lock screen unlocks it in place.
    """
    if isinstance(error, SessionLocked):
        return RedirectResponse("/console", status_code=303)
    return RedirectResponse("/login", status_code=303)


def api_session(request: Request, db: Db, now: Now) -> StaffSession:
    """The signed-in staff member for a JSON call (else NotSignedIn: 401); counts as activity."""
    return staff_session(request, db, now, touch=True)


def api_session_csrf(
    request: Request, session: Annotated[StaffSession, Depends(api_session)]
) -> StaffSession:
    """As api_session, for state-changing calls: the X-CSRF-Token header must match (else 403)."""
    staff_sessions.check_csrf(session, request.headers.get("x-csrf-token"))
    return session


def lock_screen_session(request: Request, db: Db, now: Now) -> StaffSession:
    """The session for the lock screen's own calls: locked or not, CSRF checked, no touch."""
    session = staff_session(request, db, now, touch=False, allow_locked=True)
    staff_sessions.check_csrf(session, request.headers.get("x-csrf-token"))
    return session


Staff = Annotated[StaffSession, Depends(api_session)]
LockScreen = Annotated[StaffSession, Depends(lock_screen_session)]
StaffWriting = Annotated[StaffSession, Depends(api_session_csrf)]

NOT_ADMIN = "Only an admin can do this; ask your practice manager."


def admin_session(session: Staff) -> StaffSession:
    """As api_session, for admins only: receptionists get a 403 saying so."""
    if session.role != "admin":
        raise HTTPException(403, NOT_ADMIN)
    return session


def admin_session_csrf(session: StaffWriting) -> StaffSession:
    """As api_session_csrf, for admins only (the CSRF header is checked first)."""
    return admin_session(session)


Admin = Annotated[StaffSession, Depends(admin_session)]
AdminWriting = Annotated[StaffSession, Depends(admin_session_csrf)]


# -- kiosks -------------------------------------------------------------------------

# secrets.token_urlsafe(32) gives 43 URL-safe characters; allow some slack, nothing else.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


def bearer_token(request: Request, what: str) -> str:
    """The token of `Authorization: Bearer <token>`, or 401 saying what is wrong."""
    header = request.headers.get("authorization")
    if not header:
        raise _unauthorised(f"missing {what}: send 'Authorization: Bearer <token>'")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not _TOKEN.fullmatch(token):
        raise _unauthorised("malformed Authorization header: expected 'Bearer <token>'")
    return token


async def kiosk_from_request(request: Request, db: Db) -> dict:
    """The calling kiosk (a kiosks row), from `Authorization: Bearer <token>`.

    On the event loop: one indexed read, which WAL never makes wait for a writer.
    """
    token = bearer_token(request, "kiosk token")
    kiosk = kiosk_for_token(db, token)
    if kiosk is None:
        raise _unauthorised("unknown kiosk token: add the kiosk with 'staffconsole kiosk add'")
    if kiosk["revoked_at"]:
        raise _unauthorised("this kiosk's token was revoked")
    return kiosk


def parse_alert_id(raw: str) -> int:
    """An alert id from a URL path, or 404: ids are SQLite integers (and must not overflow)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise HTTPException(404, f"No alert with id {raw[:40]!r}.")
    return int(raw)
