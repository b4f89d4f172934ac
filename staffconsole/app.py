"""The server: `create_app(settings)` wires storage, the routers, the console and the watchdog.

The composition root: it imports every router at the top and nothing imports it back.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from fastapi.staticfiles import StaticFiles

from staffconsole import __version__
from staffconsole.api import (
    admin,
    api_docs,
    console,
    errors,
    kiosk,
    lobby,
    metrics,
    openapi,
    push,
    report,
    validation,
)
from staffconsole.api.body_limit import BodyLimit
from staffconsole.api.client_source import ClientSource
from staffconsole.api.headers import SecurityHeaders
from staffconsole.api.request_timing import RequestTimer
from staffconsole.auth import passwords
from staffconsole.clock import ClinicClock, ClinicZone
from staffconsole.config import Settings, load_settings
from staffconsole.rules.lookup_limits import LookupLimiter
from staffconsole.store.backup import serving
from staffconsole.store.readiness import CachedProbe
from staffconsole.store.schema import ensure_schema, open_db
from staffconsole.watch import live, ready_notify, watchdog
from staffconsole.web import WEB_DIR


def create_app(
    settings: Settings | None = None, *, staff: bool = True, clock: ClinicClock | None = None
) -> FastAPI:
    """The ASGI app. staff=False leaves out the console (for tests of the core alone).

    clock: the one clock of routers and watchdog; by default the real time in the
    clinic's zone (tests pass one with a fake source of instants).
    """
    settings = settings or load_settings()
    db = open_db(settings.db_path)
    try:
        ensure_schema(db)
    finally:
        db.close()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.hub.bind(asyncio.get_running_loop())
        # Kiosks get a grace from here before "offline": heartbeats sent while the
        # server was down were lost (rules/alerting.restart_grace).
        app.state.started_at = app.state.clock.now()
        # One connection held open while serving: closing the last connection to a WAL
        # database checkpoints and deletes the WAL, which made every request pay for it
        # (docs/performance.md, capacity).
        # `staffconsole restore` refuses while this is held (store/backup.serving).
        with serving(settings.db_path):
            anchor = open_db(settings.db_path)
            task = watchdog.start(app)
            feeding = ready_notify.start(settings.db_path)
            app.state.metrics.serve_locally(settings.metrics_port)  # 127.0.0.1 only
            try:
                yield
            finally:
                app.state.metrics.stop_local()
                await ready_notify.stop(feeding)
                await watchdog.stop(task)
                anchor.close()

    # No default /docs, /redoc or /openapi.json: api_docs serves them to admins, CDN-free.
    app = FastAPI(
        title="Seen staff console",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    passwords.set_hash_slots(settings.password_hash_slots)
    app.state.clock = clock or ClinicClock(ClinicZone(settings.clinic_timezone))
    app.state.hub = live.Hub(app.state.clock)
    app.state.started_at = None  # set when serving starts (the lifespan)
    # The end of the certificate served (uvicorn loads the same file): the watchdog's
    # certificate_expiry alert and the admins' banner. Renewed on disk, it counts after
    # a restart, as it does for the kiosks.
    app.state.certificate_not_after = None
    if settings.tls_cert:
        from staffconsole.tls_policy import not_after  # cryptography: only when serving TLS

        app.state.certificate_not_after = not_after(settings.tls_cert)
    app.state.lookup_limiter = LookupLimiter(
        settings.lookup_rate_max, settings.lookup_rate_window_s
    )
    app.state.checkin_limiter = LookupLimiter(
        settings.checkin_rate_max, settings.checkin_rate_window_s
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(ClientSource)  # audit rows say which address a request came from
    app.state.metrics = metrics.Metrics(settings, app.state.clock)  # this app's registry
    app.add_middleware(RequestTimer, histogram=app.state.metrics.requests)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so even a 413 carries them
    validation.install(app)
    errors.install(app)
    openapi.install(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict:
        # The version says which code answers: the upgrade checks that the new one does.
        return {"ok": True, "version": __version__}

    # Readiness, unlike liveness: can the database take a write right now (issue 16).
    ready = CachedProbe(settings.db_path)

    @app.get(
        "/readyz",
        tags=["health"],
        response_class=PlainTextResponse,
        responses={503: {"description": "the reason", "content": {"text/plain": {}}}},
    )
    def readyz() -> PlainTextResponse:
        reason = ready()
        if reason is None:
            return PlainTextResponse("ready")
        return PlainTextResponse(reason, status_code=503)

    app.include_router(kiosk.router)
    app.include_router(push.router)
    app.include_router(metrics.router)
    if staff:
        app.include_router(console.router)
        app.include_router(lobby.router)
        app.include_router(report.router)
        app.include_router(api_docs.router)
        app.include_router(admin.router)
        app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    return app
