"""Request latency for `/metrics`: seconds from a request's arrival to the start of its
answer, labelled by the route's template (`/api/v1/console/alerts/{alert_id}/resolve`),
never the path as sent. A console stream counts until its headers, not for its hours.
"""

from __future__ import annotations

import time

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"  # no route took it (404) or it was refused before routing


def route_template(scope: dict) -> str:
    """The matched route's path template, or UNMATCHED; set by the router on the scope."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED


class RequestTimer:
    """ASGI middleware observing each HTTP answer in a histogram (method, route, status)."""

    def __init__(self, app, histogram) -> None:
        self.app = app
        self.histogram = histogram

    def _observe(self, scope: dict, status: int, started: float) -> None:
        method = scope.get("method", "")
        self.histogram.labels(
            method if method in METHODS else "other", route_template(scope), str(status)
        ).observe(time.perf_counter() - started)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        answered = False

        async def timed_send(message) -> None:
            nonlocal answered
            if message["type"] == "http.response.start" and not answered:
                answered = True
                self._observe(scope, message["status"], started)
            await send(message)

        try:
            await self.app(scope, receive, timed_send)
        except Exception:
            if not answered:  # the error middleware outside answers 500
                self._observe(scope, 500, started)
            raise
