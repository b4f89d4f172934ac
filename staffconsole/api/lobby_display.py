"""The lobby display: its page, the token-for-cookie exchange and its live stream.

The display's address carries its token in the URL fragment (`/lobby/default#token=…`),
which browsers never send; the page posts it once to /api/v1/lobby/session and gets an
HttpOnly cookie back, then drops the fragment. So the token is in no request line and
no server or proxy log, and a screen that reloads (power cut) still has its cookie.
"""

from __future__ import annotations

import asyncio
import json
import time

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from staffconsole.api.deps import Clock, Db, Now
from staffconsole.auth.displays import display_for_token, mark_seen
from staffconsole.store import schema
from staffconsole.web import templates
from staffconsole.web.lobby_view import build_display

COOKIE = "seen_display"
COOKIE_PATH = "/api/v1/lobby"
KEEPALIVE_S = 3.0  # as the console's: the page says "Not live" after about three missed
REBUILD_S = 30.0  # waits move with time even when nothing changes
HEARD_EVERY_S = 10.0  # how often a streaming display is marked seen (display_dark)
DISCONNECT_POLL_S = 1.0

router = APIRouter()

# What the display's calls may answer besides 200 (the fuzzer holds them to it).
UNKNOWN = {401: {"description": "the display's token is unknown or was revoked"}}
NOT_HERE = {**UNKNOWN, 403: {"description": "the display belongs to another site"}}


def _site_ok(site: str) -> str:
    if not site or len(site) > 100:
        raise HTTPException(404, "No such lobby site.")
    return site


@router.get("/lobby", include_in_schema=False)
@router.get("/lobby/{site}", include_in_schema=False)
def display_page(request: Request, site: str = "default") -> Response:
    """The full-screen page; it holds nothing until its stream is allowed."""
    response = templates.TemplateResponse(
        request, "lobby.html", {"site": _site_ok(site), "clinic_name": ""}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


class SessionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=1, max_length=200)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.app.state.settings.cookie_secure


@router.post("/api/v1/lobby/session", responses=UNKNOWN)
def display_session(body: SessionBody, request: Request, db: Db) -> Response:
    """Exchange a display's token (from its URL fragment) for its cookie."""
    display = display_for_token(db, body.token)
    if display is None:
        raise HTTPException(401, "This display's token is unknown or was revoked.")
    response = Response(
        json.dumps({"display": display["name"], "site": display["site"]}),
        media_type="application/json",
    )
    response.set_cookie(
        COOKIE,
        body.token,
        max_age=400 * 24 * 3600,  # a screen on the wall stays set up; revoke to end it
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
    )
    return response


def _display(request: Request, db, site: str) -> dict:
    display = display_for_token(db, request.cookies.get(COOKIE) or "")
    if display is None:
        raise HTTPException(401, "This display is not set up, or its token was revoked.")
    if display["site"] != site:
        raise HTTPException(403, f"This display belongs to site {display['site']!r}.")
    return display


@router.get("/api/v1/lobby/state", responses=NOT_HERE)
def display_state(request: Request, db: Db, clock: Clock, now: Now, site: str = "default"):
    """The display's state once (what the stream sends first)."""
    _display(request, db, site)
    settings = request.app.state.settings
    return build_display(db, now=now, zone=clock.zone, settings=settings, seq=0)


def _sse(event: str, data) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/api/v1/lobby/stream", responses=NOT_HERE)
async def display_stream(request: Request, clock: Clock, site: str = "default"):
    """Server-sent events: `display` (the whole state, small) on connect and whenever it
    changes; `ping` every KEEPALIVE_S; `revoked` when the token stops working."""
    settings = request.app.state.settings
    hub = request.app.state.hub
    if not hub.is_bound():
        hub.bind(asyncio.get_running_loop())

    def with_db(work):
        db = schema.open_db(settings.db_path)
        try:
            return work(db)
        finally:
            db.close()

    display = await run_in_threadpool(with_db, lambda db: _display(request, db, site))

    def seen_now(db):
        found = display_for_token(db, request.cookies.get(COOKIE) or "")
        if found is not None:
            mark_seen(db, found["id"], clock.now())
        return found

    def build(seq: int) -> dict:
        return with_db(
            lambda db: build_display(
                db, now=clock.now(), zone=clock.zone, settings=settings, seq=seq
            )
        )

    async def events():
        await run_in_threadpool(with_db, seen_now)
        seq = hub.seq
        state = await run_in_threadpool(build, seq)
        sent = json.dumps({k: v for k, v in state.items() if k not in ("seq", "generated_at")})
        yield _sse("display", state)
        last_sent = last_build = last_seen = time.monotonic()
        built_arrivals = hub.changed_at("arrivals")
        while True:
            new = await hub.wait(seq, DISCONNECT_POLL_S)
            if await request.is_disconnected():
                break
            seq = new
            moment = time.monotonic()
            if moment - last_seen >= HEARD_EVERY_S:
                if await run_in_threadpool(with_db, seen_now) is None:
                    yield _sse("revoked", {"display": display["name"]})
                    break
                last_seen = moment
            changed = hub.changed_at("arrivals") > built_arrivals
            if changed or moment - last_build >= REBUILD_S:
                built_arrivals = hub.changed_at("arrivals")
                state = await run_in_threadpool(build, seq)
                last_build = moment
                text = json.dumps(
                    {k: v for k, v in state.items() if k not in ("seq", "generated_at")}
                )
                if text != sent:
                    sent = text
                    yield _sse("display", state)
                    last_sent = moment
                    continue
            if moment - last_sent >= KEEPALIVE_S:
                yield f"event: ping\ndata: {seq}\n\n"
                last_sent = moment

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
