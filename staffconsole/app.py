"""The server: `create_app(settings)` wires storage, the kiosk API, the console and the watchdog.

Each request gets its own SQLite connection (`get_db`): connections are not shared
between threads, and WAL makes opening one cheap.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlite_utils import Database

from staffconsole import __version__, live, openapi_doc, validation
from staffconsole.body_limit import BodyLimit
from staffconsole.config import Settings, load_settings
from staffconsole.ratelimit import LookupLimiter
from staffconsole.schema import DatabaseError, ensure_schema, open_db

log = logging.getLogger("staffconsole")


def get_db(request: Request) -> Iterator[Database]:
    """FastAPI dependency: a connection to the app's database for this request."""
    db = open_db(request.app.state.settings.db_path)
    try:
        yield db
    finally:
        db.close()


def create_app(settings: Settings | None = None, *, staff: bool = True) -> FastAPI:
    """The ASGI app. staff=False leaves out the console (for tests of the core alone)."""
    from staffconsole import api_kiosk, watchdog

    settings = settings or load_settings()
    db = open_db(settings.db_path)
    try:
        ensure_schema(db)
    finally:
        db.close()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.hub.bind(asyncio.get_running_loop())
        # One connection held open while serving: closing the last connection to a WAL
        # database checkpoints and deletes the WAL, which made every request pay for it
        # (docs/performance.md, capacity).
        anchor = open_db(settings.db_path)
        task = watchdog.start(app)
        try:
            yield
        finally:
            await watchdog.stop(task)
            anchor.close()

    app = FastAPI(title="Seen staff console", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.hub = live.Hub()
    app.state.lookup_limiter = LookupLimiter(settings.lookup_rate_max,
                                             settings.lookup_rate_window_s)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    validation.install(app)
    openapi_doc.install(app)

    @app.exception_handler(DatabaseError)
    @app.exception_handler(sqlite3.OperationalError)
    async def database_busy(request: Request, exc: Exception) -> JSONResponse:
        # A locked or unwritable database is a server fault the kiosk can retry (and
        # treats as "unconfirmed"), not a reason to show a traceback.
        log.error("database error on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": "database unavailable, try again"}, status_code=503)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        return {"ok": True}

    app.include_router(api_kiosk.router)
    from staffconsole import api_push

    app.include_router(api_push.router)
    if staff:
        from staffconsole import api_staff

        api_staff.install(app)
        from staffconsole import api_report

        api_report.install(app)
    return app
