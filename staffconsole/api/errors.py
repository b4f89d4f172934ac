"""Named failures as HTTP answers, mapped once for every router: `{"detail": "<message>"}`.

Routers let these exceptions rise; pages (the console, the report) that must answer with
HTML or a redirect catch them themselves. `api/openapi.py` documents these answers.
"""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.responses import JSONResponse

from staffconsole.auth.passwords import HashingBusy
from staffconsole.auth.staff_sessions import AuthError, BadPin, NotSignedIn, SessionLocked
from staffconsole.errors import Conflict, Invalid, NotFound, Refused
from staffconsole.report.figures import BadPeriod
from staffconsole.store.engine import OPERATIONAL_ERRORS
from staffconsole.store.schema import DatabaseError

log = logging.getLogger("staffconsole")

# The nearest class in an exception's MRO decides, so NotSignedIn (an AuthError) answers
# 401 while other AuthErrors (a wrong CSRF token) answer 403; a locked console's page
# gets 423, which tells it to show its lock screen rather than the sign-in page.
STATUS: dict[type[Exception], int] = {
    NotFound: 404,
    Conflict: 409,
    Refused: 403,
    Invalid: 422,
    BadPeriod: 400,
    SessionLocked: 423,
    NotSignedIn: 401,
    BadPin: 422,
    AuthError: 403,
    HashingBusy: 429,
}


async def refused(request: Request, exc: Exception) -> JSONResponse:
    status = next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)
    return JSONResponse({"detail": str(exc)}, status_code=status)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # A locked or unwritable database is a server fault the kiosk can retry (and
    # treats as "unconfirmed"), not a reason to show a traceback.
    log.error("database error on %s: %s", request.url.path, exc)
    return JSONResponse({"detail": "database unavailable, try again"}, status_code=503)


def install(app) -> None:
    for cls in STATUS:
        app.add_exception_handler(cls, refused)
    app.add_exception_handler(DatabaseError, database_unavailable)
    for error in OPERATIONAL_ERRORS:
        app.add_exception_handler(error, database_unavailable)
