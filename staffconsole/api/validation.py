"""422 answers for bad request bodies that can always be written as JSON.

FastAPI echoes the offending input in its 422; when that input is a number JSON
cannot carry (1e400 reads as infinity, NaN), the default answer itself fails
and the caller got a 500. Such values are echoed as text instead.
"""

from __future__ import annotations

import math

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def json_safe(value):
    """The value with every non-finite float replaced by its text ("inf", "nan")."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


async def validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
    return JSONResponse({"detail": json_safe(jsonable_encoder(exc.errors()))}, status_code=422)


def install(app) -> None:
    app.add_exception_handler(RequestValidationError, validation_failed)
