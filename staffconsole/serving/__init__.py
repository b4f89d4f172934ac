"""How the server holds up under too many connections: uvicorn's limits and our guard.

`staffconsole serve` calls `uvicorn_options(settings)` and passes what it returns to
`uvicorn.run`: the limits uvicorn has (concurrency, keep-alive, backlog, head size) and
the guarded protocol (`protocol.py`) for what it lacks. Nothing else here is public.
"""

from __future__ import annotations

import logging
from typing import Any

from staffconsole.serving import handshake, repeat_log
from staffconsole.serving.protocol import Limits, guarded_protocol

# asyncio accepts up to `backlog` connections per turn of its loop, and a new connection
# reaches the gate two turns later: three such batches are accepted before it can act.
BURSTS = 3


def uvicorn_options(settings) -> dict[str, Any]:
    """Keyword arguments for `uvicorn.run`; also puts the repeated-error filter on the
    loggers that report accept failures (`repeat_log.py`) and gives TLS handshakes the
    head deadline (`handshake.py`)."""
    repeat_log.install(settings.resource_error_log_interval_s)
    handshake.set_deadline(settings.request_head_timeout_s)
    if settings.open_files_reserve and settings.backlog * BURSTS > settings.open_files_reserve:
        logging.getLogger("staffconsole.serving").warning(
            "open_files_reserve %d is under three times backlog %d: a burst of connections "
            "can still run out of files",
            settings.open_files_reserve,
            settings.backlog,
        )
    protocol = guarded_protocol(
        Limits(
            head_timeout_s=settings.request_head_timeout_s,
            per_client=settings.max_connections_per_client,
            files_reserve=settings.open_files_reserve,
            max_connections=settings.limit_concurrency,
            log_interval_s=settings.resource_error_log_interval_s,
            body_timeout_s=settings.request_body_timeout_s,
        )
    )
    return {
        "http": protocol,
        "loop": handshake.FACTORY,
        "limit_concurrency": settings.limit_concurrency,
        "timeout_keep_alive": settings.timeout_keep_alive_s,
        "backlog": settings.backlog,
        "h11_max_incomplete_event_size": settings.max_request_head_bytes,
    }
