"""A kiosk that starts a session, types a name, then waits to be killed (SIGKILL).

    python -m bench.silent_kiosk URL TOKEN MARKER

Prints the wall-clock time its last request left, then sleeps: the bench kills it,
as a crash or a pulled plug would, and the server's deadline must notice.
"""

from __future__ import annotations

import sys
import time
import uuid
from datetime import UTC, datetime

from kiosk.client import KioskClient


def main(argv: list[str]) -> int:
    url, token, marker = argv
    client = KioskClient(url, token)
    session = uuid.uuid4().hex
    client.post_events(
        [
            {
                "id": uuid.uuid4().hex,
                "session": session,
                "type": "session.started",
                "at": datetime.now(UTC).isoformat(),
                "data": {},
            }
        ]
    )
    sent = time.time()
    client.lookup(session, marker, "1970-01-01")
    print(sent, flush=True)
    time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
