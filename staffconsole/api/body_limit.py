"""ASGI middleware that refuses request bodies over a size limit (413) or nested too deep (422).

Why: FastAPI reads a whole JSON body into memory before validating it, so without a
limit one request could exhaust a small server (a Pi). A declared Content-Length is
checked up front; a body sent without one (chunked) is read up to the limit. A JSON
body is then scanned for its nesting depth before anything parses it: Python's
parser, pydantic and the 422 encoder all recurse, and a body ~600 deep made them
raise RecursionError (a 500 whose traceback held the body). The body is then handed
on unchanged.
"""

from __future__ import annotations

import json
from itertools import accumulate

# The kiosk's deepest body ({events: [{data: {attempts: [{try}]}}]}) is 6 levels, the
# push API's 2: 32 is far above anything real and far below where parsers recurse.
MAX_JSON_DEPTH = 32
# The scan runs at C speed (bytes methods, map, accumulate): a body of up to
# max_bytes of brackets must not hold the event loop.
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(c for c in range(256) if c not in _BRACKETS)
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}.__getitem__


def json_depth(body: bytes) -> int:
    """How deeply `body` nests arrays and objects, counting brackets outside strings.

    No recursion, so any body can be measured. Escaped backslashes, then escaped quotes,
    are dropped (left to right, as a JSON parser reads them); what lies between the
    remaining quotes is string text. A malformed body gets a number too: the parser
    refuses it later with its own reason.
    """
    if body.count(b"[") + body.count(b"{") == 0:
        return 0
    unescaped = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b"".join(unescaped.split(b'"')[0::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    return max(0, max(accumulate(map(_STEP, brackets)), default=0))


def _is_json(headers: dict) -> bool:
    # FastAPI parses a body with no Content-Type as JSON too.
    content_type = headers.get(b"content-type", b"").lower()
    return not content_type or b"json" in content_type


async def _refuse(send, status: int, reason: str) -> None:
    body = json.dumps({"detail": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Wraps an ASGI app; `max_bytes` is the largest body passed through, `max_depth` the deepest JSON."""

    def __init__(self, app, max_bytes: int, max_depth: int = MAX_JSON_DEPTH) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.max_depth = max_depth

    def _too_large(self) -> str:
        return f"request body larger than {self.max_bytes} bytes"

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = -1
            if length < 0:
                await _refuse(send, 400, "Content-Length must be a whole number of bytes")
                return
            if length > self.max_bytes:
                await _refuse(send, 413, self._too_large())
                return
            if length == 0 or not _is_json(headers):
                await self.app(scope, receive, send)
                return
        elif b"chunked" not in headers.get(b"transfer-encoding", b"").lower():
            await self.app(scope, receive, send)
            return
        # Read it all (up to the limit), check it, then replay it to the app.
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await _refuse(send, 413, self._too_large())
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _is_json(headers) and json_depth(body) > self.max_depth:
            await _refuse(send, 422, f"JSON nested deeper than {self.max_depth} levels")
            return
        whole = {"type": "http.request", "body": body, "more_body": False}
        await self.app(scope, _replay([whole], receive), send)


def _replay(messages: list[dict], receive):
    pending = list(messages)

    async def replayed() -> dict:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
