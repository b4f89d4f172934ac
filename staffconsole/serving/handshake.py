"""An asyncio loop whose TLS servers give up on a handshake as soon as on a request head.

Over TLS the protocol (`protocol.py`) sees a connection only once its handshake is done,
and asyncio waits 60 s for one: a client that connects and sends nothing, or half a
ClientHello, held a socket that long, unseen by the head deadline. uvicorn does not pass
asyncio's `ssl_handshake_timeout`, so this loop adds it to every TLS server it makes.
uvicorn takes a custom loop only by import string (`loop="module:factory"`), hence the
one module-level value, set by `uvicorn_options` before the server starts.
"""

from __future__ import annotations

import asyncio

_deadline_s: float | None = None
FACTORY = "staffconsole.serving.handshake:new_loop"


def set_deadline(seconds: float) -> None:
    """The handshake deadline of the loops made from now on (0: asyncio's own)."""
    global _deadline_s
    _deadline_s = seconds or None


class HandshakeDeadlineLoop(asyncio.SelectorEventLoop):
    """asyncio's selector loop; `create_server(ssl=...)` gets the handshake deadline."""

    def __init__(self, deadline_s: float | None = None) -> None:
        super().__init__()
        self.deadline_s = deadline_s

    async def create_server(self, protocol_factory, *args, **kwargs):
        if kwargs.get("ssl") is not None and self.deadline_s:
            kwargs.setdefault("ssl_handshake_timeout", self.deadline_s)
        return await super().create_server(protocol_factory, *args, **kwargs)


def new_loop() -> HandshakeDeadlineLoop:
    """The loop factory uvicorn calls."""
    return HandshakeDeadlineLoop(_deadline_s)
