"""ASGI middleware that adds the browser security headers to every response.

Plain ASGI rather than Starlette's BaseHTTPMiddleware: that one buffers through a task
per request and gets in the way of the console's endless event stream. Every answer
gets the headers (pages, JSON, static files, errors): simpler than deciding which
responses a browser might render.
"""

from __future__ import annotations

# No 'unsafe-inline' anywhere: the pages load their scripts and styles from /static and
# the report's charts are inline SVG with presentation attributes (not style=), which
# style-src does not govern. frame-ancestors stops the console being framed (clickjacking).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Two years, as browsers' preload lists expect; sent only over TLS (RFC 6797 §7.2).
HSTS = "max-age=63072000"

ALWAYS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    # Not no-referrer: under it Chromium sends "Origin: null" on our own form posts,
    # which the sign-in's origin check must refuse. same-origin leaks nothing outside.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),  # for browsers older than frame-ancestors
]


class SecurityHeaders:
    """Wraps an ASGI app; a header the app set itself is left as it is."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(ALWAYS)
        # The scheme uvicorn saw: "https" when it terminates TLS itself, or when a
        # proxy it trusts (its forwarded_allow_ips) said X-Forwarded-Proto: https.
        if scope.get("scheme") == "https":
            extra.append((b"strict-transport-security", HSTS.encode()))

        async def with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
