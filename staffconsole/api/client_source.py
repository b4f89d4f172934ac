"""ASGI middleware that tells the audit log which client address a request came from.

The peer address as the server sees it: Seen is served directly, not behind a proxy, so
no forwarded-for header is trusted (a client could write anything there). Plain ASGI,
like the security headers, so the console's event stream is not buffered.
"""

from __future__ import annotations

from staffconsole.store.audit import request_source


def client_address(scope) -> str | None:
    client = scope.get("client")
    return client[0] if client else None


class ClientSource:
    """Sets `store.audit.request_source` for everything the request does."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = request_source.set(client_address(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            request_source.reset(token)
