"""Kiosk bearer tokens at the HTTP edge: who is calling, or 401 saying why not."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlite_utils import Database

from staffconsole import store
from staffconsole.app import get_db

# secrets.token_urlsafe(32) gives 43 URL-safe characters; allow some slack, nothing else.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason,
                         headers={"WWW-Authenticate": "Bearer"})


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


def kiosk_from_request(request: Request, db: Annotated[Database, Depends(get_db)]) -> dict:
    """The calling kiosk (a kiosks row), from `Authorization: Bearer <token>`."""
    token = bearer_token(request, "kiosk token")
    kiosk = store.kiosk_for_token(db, token)
    if kiosk is None:
        raise _unauthorised("unknown kiosk token: add the kiosk with 'staffconsole kiosk add'")
    if kiosk["revoked_at"]:
        raise _unauthorised("this kiosk's token was revoked")
    return kiosk
