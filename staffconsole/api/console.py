"""Receptionists' console: sign-in pages, the live page, its stream and alert actions.

HTTP edge only: sign-in rules live in auth.staff_sessions, page data in store.snapshot,
storage in store. The JSON API answers 401 when not signed in (never a
redirect) and 403 when a state-changing request lacks the CSRF header.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from seen.vocabulary import STAFF_OUTCOMES
from staffconsole.api.deps import (
    Clock,
    Db,
    LockScreen,
    Now,
    Staff,
    StaffWriting,
    parse_alert_id,
    staff_session,
    to_sign_in,
)
from staffconsole.auth import passwords, staff_sessions
from staffconsole.auth.staff_sessions import (
    COOKIE,
    NotSignedIn,
    StaffSession,
)
from staffconsole.clock import ClinicZone, iso
from staffconsole.rules.certificate import certificate_banner
from staffconsole.store import schema
from staffconsole.store.alerts import acknowledge_alert, resolve_alert
from staffconsole.store.audit import audit_read, audited, staff_actor
from staffconsole.web import templates
from staffconsole.web.live_view import LiveView, Sent, locked_view
from staffconsole.web.snapshot import (
    build_section,
    build_snapshot,
    console_info,
    shape_alert,
    shown_counts,
)

# A heartbeat every few seconds lets the page say "Not live" within 10 s of a frozen
# server (it waits about three heartbeats); each one also re-checks the session.
KEEPALIVE_S = 3.0
DISCONNECT_POLL_S = 1.0  # how soon a closed page stops counting as a watching console
MAX_NOTE = 500

router = APIRouter()

LOGIN_REASONS = {
    "expired": "Your session has ended. Sign in again.",
    "signed_out": "You have signed out.",
}


# -- pages --------------------------------------------------------------------


def _login_page(
    request: Request, message: str = "", username: str = "", status: int = 200
) -> Response:
    response = templates.TemplateResponse(
        request,
        "login.html",
        {
            "clinic_name": request.app.state.settings.clinic_name,
            "message": message,
            "username": username,
        },
        status_code=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/", include_in_schema=False)
def root() -> Response:
    return RedirectResponse("/console", status_code=303)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, reason: str = "") -> Response:
    return _login_page(request, LOGIN_REASONS.get(reason, ""))


FOREIGN_ORIGIN = (
    "This sign-in was sent from another web page, so it was refused. "
    "Open the console's own address and sign in there."
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin_of(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin or URL; None when it names no web origin ("null")."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    return scheme, host, port or _DEFAULT_PORTS[scheme]


def _sent_from(request: Request) -> str | None:
    return request.headers.get("origin") or request.headers.get("referer")


def _refuse_foreign(request: Request, db, now: datetime, shown: str) -> Response:
    # Recorded: another site trying to sign someone in is worth an admin's look.
    detail = {"origin": (_sent_from(request) or "")[:200]}
    with audited(db, staff_actor(shown or "unknown"), "login.foreign_origin", shown, detail, now):
        pass  # nothing else changes: the row is the record
    return _login_page(request, FOREIGN_ORIGIN, shown, 403)


def _same_origin(request: Request) -> bool:
    """Was the sign-in form posted from this server's own pages? (login CSRF)

    Origin decides; without it the Referer; with neither, yes: browsers send Origin on
    every form POST, so only non-browser clients (scripts, monitoring) send none, and
    they cannot be tricked into posting by another site. The expected origin is the
    scheme uvicorn saw (it applies X-Forwarded-Proto only from proxies it trusts) with
    the Host header, which a reverse proxy passes on. An https Origin for an http
    request on the same host is accepted: a proxy that terminates TLS without saying so.
    """
    sent = _sent_from(request)
    if sent is None:
        return True
    claimed = _origin_of(sent)
    expected = _origin_of(f"{request.url.scheme}://{request.headers.get('host', '')}")
    if claimed is None or expected is None:
        return False
    if claimed == expected:
        return True
    scheme, host, port = expected
    return scheme == "http" and claimed[:2] == ("https", host) and claimed[2] in (443, port)


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    db: Db,
    now: Now,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    shown = username.strip()[: staff_sessions.MAX_USERNAME]
    if not _same_origin(request):
        return _refuse_foreign(request, db, now, shown)
    if not username.strip() or not password:
        return _login_page(request, "Enter your username and password.", shown, 400)
    try:
        address = request.client.host if request.client else None
        token, _ = staff_sessions.sign_in(db, username, password, now, address)
    except staff_sessions.LockedOut as e:
        return _login_page(request, str(e), shown, 429)
    except passwords.HashingBusy as e:
        page = _login_page(request, str(e), shown, 429)
        page.headers["Retry-After"] = "1"
        return page
    except staff_sessions.BadCredentials as e:
        return _login_page(request, str(e), shown, 401)
    response = RedirectResponse("/console", status_code=303)
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", path="/", secure=_secure(request)
    )
    return response


def _secure(request: Request) -> bool:
    """Secure cookies when configured, and always when the request came over TLS."""
    return request.app.state.settings.cookie_secure or request.url.scheme == "https"


@router.post("/logout", include_in_schema=False)
def logout(request: Request, session: LockScreen, db: Db, now: Now) -> Response:
    # LockScreen: "Sign in as someone else" on a locked page signs this session out.
    staff_sessions.sign_out(db, session, now)
    response = RedirectResponse("/login?reason=signed_out", status_code=303)
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


@router.get("/console", include_in_schema=False)
def console_page(request: Request, db: Db, now: Now) -> Response:
    try:
        session = staff_session(request, db, now, touch=True, allow_locked=True)
    except NotSignedIn as e:
        return to_sign_in(e)
    response = templates.TemplateResponse(
        request,
        "console.html",
        {
            "clinic_name": request.app.state.settings.clinic_name,
            "username": session.username,
            "csrf_token": session.csrf_token,
            "is_admin": session.role == "admin",
            "certificate_warning": _certificate_warning(request, session, now),
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _certificate_warning(request: Request, session, now: datetime) -> str | None:
    """For admins: the server's certificate ends within 30 days (rules/certificate.py)."""
    if session.role != "admin":
        return None
    settings = request.app.state.settings
    folder = str(Path(settings.tls_cert).parent) if settings.tls_cert else ""
    return certificate_banner(request.app.state.certificate_not_after, now, folder)


# -- JSON API -------------------------------------------------------------------


def _snapshot(
    request: Request, db, now: datetime, zone: ClinicZone, username: str, seq: int
) -> dict:
    hub = request.app.state.hub
    return build_snapshot(
        db,
        seq=seq,
        now=now,
        zone=zone,
        clinic_name=request.app.state.settings.clinic_name,
        username=username,
        console_live=hub.console_live(),
        settings=request.app.state.settings,
    )


@router.get("/api/v1/console/session")
def session_info(request: Request, db: Db, now: Now):
    """Who is signed in and whether the page is locked; does not count as activity."""
    session = staff_session(request, db, now, touch=False, allow_locked=True)
    return {
        "user": session.username,
        "role": session.role,
        "last_active_at": session.last_active_at,
        "locked": session.locked,
        "idle_lock_s": request.app.state.settings.console_idle_logoff_min * 60,
    }


@router.post("/api/v1/console/activity")
def activity(request: Request, session: StaffWriting):
    """The page saw a person (pointer, keys, scroll, the tab shown): keeps it unlocked.

    The page sends this at most every few seconds; the session check itself records it.
    """
    return {
        "last_active_at": session.last_active_at,
        "idle_lock_s": request.app.state.settings.console_idle_logoff_min * 60,
    }


@router.post("/api/v1/console/lock")
def lock(request: Request, session: LockScreen, db: Db, now: Now):
    """Lock now (the page's own idle timer ran out, or the person pressed Lock)."""
    staff_sessions.lock(db, session, now)
    request.app.state.hub.notify("alerts")  # wakes this page's stream to send `locked`
    return {"locked": True}


class UnlockBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: str = Field(min_length=1, max_length=1000)  # the password or the PIN


@router.post("/api/v1/console/unlock")
def unlock(body: UnlockBody, session: LockScreen, db: Db, now: Now):
    """Unlock with the password, or the user's PIN; 403 with a reason when wrong."""
    if not session.locked:
        return {"unlocked": True, "by": None}
    by = staff_sessions.unlock(db, session, body.secret, now)
    return {"unlocked": True, "by": by}


class PinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=1, max_length=1000)
    pin: str = Field(min_length=1, max_length=20)


@router.post("/api/v1/console/pin")
def set_pin(body: PinBody, session: StaffWriting, db: Db, now: Now):
    """Set the signed-in user's lock-screen PIN (the password proves who it is)."""
    staff_sessions.set_pin(db, session, body.password, body.pin, now)
    return {"pin": True}


@router.get("/api/v1/console/snapshot")
def snapshot(request: Request, session: Staff, db: Db, clock: Clock, now: Now):
    """Everything the page shows (audited as a read of the patient lists)."""
    view = _snapshot(request, db, now, clock.zone, session.username, request.app.state.hub.seq)
    audit_read(db, staff_actor(session.username), "console.snapshot", None, shown_counts(view), now)
    return view


def _act(
    request: Request,
    db,
    session: StaffSession,
    now: datetime,
    action: str,
    alert_id: int,
    change: Callable[[], dict],
    detail: dict,
) -> dict:
    actor = staff_actor(session.username)
    with audited(db, actor, f"alert.{action}", f"alert:{alert_id}", detail, now):
        alert = change()
    # After the commit, so streams read the new state.
    request.app.state.hub.notify("alerts", "history")
    return {"alert": shape_alert(alert)}


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal[STAFF_OUTCOMES]  # type: ignore[valid-type]
    note: str = Field("", max_length=MAX_NOTE)


@router.post("/api/v1/console/alerts/{alert_id}/acknowledge")
def acknowledge(alert_id: str, request: Request, session: StaffWriting, db: Db, now: Now):
    number = parse_alert_id(alert_id)
    return _act(
        request,
        db,
        session,
        now,
        "acknowledge",
        number,
        lambda: acknowledge_alert(db, number, session.username, now),
        {},
    )


@router.post("/api/v1/console/alerts/{alert_id}/resolve")
def resolve(
    alert_id: str, body: ResolveBody, request: Request, session: StaffWriting, db: Db, now: Now
):
    number = parse_alert_id(alert_id)
    note = body.note.strip()
    return _act(
        request,
        db,
        session,
        now,
        "resolve",
        number,
        lambda: resolve_alert(db, number, session.username, body.outcome, note, now),
        {"outcome": body.outcome},
    )


# -- live stream -------------------------------------------------------------------


def sse(event: str, data, event_id: int | None = None) -> str:
    """One server-sent event; JSON has no raw newlines, so one data line suffices."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def live_view(request: Request, clock) -> LiveView:
    """The process's shared view of the console's sections (made on first use)."""
    state = request.app.state
    view = getattr(state, "live_view", None)
    if view is None:
        settings = state.settings

        def build(name: str) -> list[dict]:
            db = schema.open_db(settings.db_path)
            try:
                return build_section(db, name, now=clock.now(), zone=clock.zone, settings=settings)
            finally:
                db.close()

        # The clinic's day is the key: pages stay open overnight.
        view = state.live_view = LiveView(state.hub, build, lambda: clock.zone.day(clock.now()))
    return view


@router.get("/api/v1/console/stream")
async def stream(request: Request, clock: Clock):
    """Server-sent events: the page's state on connect, then only what changed.

    Events: `snapshot` (everything, on connect and after unlocking), `patch` (per
    section, items upserted and ids removed), `locked` (the lock screen's view: kinds
    and urgency of open alerts only), `ping` (a heartbeat every KEEPALIVE_S), and
    `signed_out` (the session ended; the stream ends). Streaming is not activity: an
    unattended page locks, and a locked page still counts as a watching console.
    """
    settings = request.app.state.settings
    hub = request.app.state.hub
    if not hub.is_bound():
        hub.bind(asyncio.get_running_loop())
    view = live_view(request, clock)

    def with_db(work):
        db = schema.open_db(settings.db_path)
        try:
            return work(db)
        finally:
            db.close()

    def check(db):
        return staff_session(request, db, clock.now(), touch=False, allow_locked=True)

    session = await run_in_threadpool(with_db, check)  # NotSignedIn: 401 (api/errors.py)

    def snapshot(sent: Sent, seq: int) -> dict:
        sections = view.sections()
        sent.patch(sections)  # records what the page now has
        # Audited once per full view (connect, unlock), not per patch: the patches only
        # update what this read already showed.
        counts = shown_counts({name: section.items for name, section in sections.items()})
        actor = staff_actor(session.username)
        with_db(lambda db: audit_read(db, actor, "console.stream", None, counts, clock.now()))
        return {
            "seq": seq,
            "generated_at": iso(clock.now()),
            **{name: section.items for name, section in sections.items()},
            "console": console_info(
                settings.clinic_name,
                session.username,
                hub.console_live(),
                settings,
                clock.zone,
                clock.now(),
            ),
        }

    def locked(sent: Sent, seq: int, reason: str, force: bool) -> dict | None:
        patch = sent.locked_patch(view.sections())
        if patch is None and not force:
            return None
        alerts = patch["alerts"] if patch else locked_view(view.sections()["alerts"].items)
        return {
            "seq": seq,
            "generated_at": iso(clock.now()),
            "alerts": alerts,
            "user": session.username,
            "reason": reason,
        }

    def changes(sent: Sent, seq: int) -> dict | None:
        patch = sent.patch(view.sections())
        if patch is None:
            return None
        return {"seq": seq, "generated_at": iso(clock.now()), **patch}

    async def events():
        hub.listener_joined()
        try:
            seq = hub.seq  # read before building: a change during the build sends again
            sent = Sent()
            is_locked = session.locked
            if is_locked:
                first = await run_in_threadpool(locked, sent, seq, session.lock_reason, True)
                yield sse("locked", first, seq)
            else:
                yield sse("snapshot", await run_in_threadpool(snapshot, sent, seq), seq)
            last_sent = time.monotonic()
            while True:
                new = await hub.wait(seq, DISCONNECT_POLL_S)
                if await request.is_disconnected():
                    break
                # A busy clinic's changes may send nothing to this page: the heartbeat
                # counts from the last event sent, not from the last change.
                due = time.monotonic() - last_sent >= KEEPALIVE_S
                if new == seq and not due:
                    continue
                # Re-check the session at each change or heartbeat: it may have locked.
                try:
                    now_session = await run_in_threadpool(with_db, check)
                except NotSignedIn as e:
                    yield sse("signed_out", {"reason": str(e)})
                    break
                seq = new
                reason = now_session.lock_reason
                if now_session.locked != is_locked:
                    is_locked = now_session.locked
                    sent = Sent()  # locking forgets what the page had; unlocking resends all
                    if is_locked:
                        body = await run_in_threadpool(locked, sent, seq, reason, True)
                        yield sse("locked", body, seq)
                    else:
                        yield sse("snapshot", await run_in_threadpool(snapshot, sent, seq), seq)
                    last_sent = time.monotonic()
                    continue
                if is_locked:
                    body = await run_in_threadpool(locked, sent, seq, reason, False)
                    event = "locked"
                else:
                    body = await run_in_threadpool(changes, sent, seq)
                    event = "patch"
                if body is not None:
                    yield sse(event, body, seq)
                elif due:
                    # The comment keeps proxies from closing the stream; the ping lets the
                    # page notice a stalled stream, which comments cannot do.
                    yield f": keep-alive\n\nevent: ping\ndata: {seq}\n\n"
                else:
                    continue
                last_sent = time.monotonic()
        finally:
            hub.listener_left()

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
