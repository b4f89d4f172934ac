"""TEST-ONLY fault hook: end the server process right after a commit, before the reply.

Off unless the environment variable SEEN_FAULT_EXIT_AFTER_COMMIT names the point
(only `checkin` exists). The fault-injection tests use it to prove that a check-in
committed just before the server died is confirmed when the kiosk asks again
(docs/reliability.md). Never set it on a clinic's server.
"""

from __future__ import annotations

import os

VARIABLE = "SEEN_FAULT_EXIT_AFTER_COMMIT"
POINTS = ("checkin",)
EXIT_CODE = 86  # unusual on purpose: the test tells this exit from a crash


def exit_after_commit(point: str, environ=os.environ) -> None:
    """Die at once (no reply, no cleanup, like SIGKILL) if the test asked for this point."""
    if point in POINTS and environ.get(VARIABLE, "") == point:
        os._exit(EXIT_CODE)
