"""422 answers for bad request bodies: where and what is wrong, never what was sent.

FastAPI's default 422 echoes each offending value (`input`, and `ctx` with the
exception) back, recursively: a patient's typed name went back over the wire, a
number JSON cannot carry (1e400, NaN) made the answer itself fail with a 500, and a
deep value made the encoder recurse. Each reason here is the field's path, pydantic's
message and its error type, all plain text of bounded size.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

# Enough to fix a request; a body with thousands of errors gets the first ones.
MAX_REASONS = 20
# A path part can be a key the client chose (dict fields), so it is kept short.
MAX_PART = 64
MAX_MESSAGE = 300


def _part(part: object) -> str | int:
    if type(part) is int:
        return part
    return str(part)[:MAX_PART]


def reason(error: dict) -> dict:
    """One pydantic error as {"loc", "msg", "type"}: the input and its context are dropped."""
    return {
        "loc": [_part(part) for part in error.get("loc", ())][:16],
        "msg": str(error.get("msg", "invalid"))[:MAX_MESSAGE],
        "type": str(error.get("type", "value_error"))[:MAX_PART],
    }


def reasons(errors) -> list[dict]:
    """The first MAX_REASONS errors, each without the submitted value."""
    return [reason(error) for error in list(errors)[:MAX_REASONS]]


async def validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": reasons(exc.errors())}, status_code=422)


def install(app) -> None:
    app.add_exception_handler(RequestValidationError, validation_failed)
