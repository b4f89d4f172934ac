"""Which connections to close when one client, or the whole server, holds too many (pure).

A connection is *waiting* while no request of it is being answered: it has not finished
sending a request head yet, or it sits idle between requests. Only waiting connections
are ever closed here; an answer in progress (a check-in, a console's stream) never is.
- The per-client cap counts the connections of one address still *sending a head*: a
  real client sends its head at once, so only stalled ones pile up; a busy client with
  many requests in flight or kept alive is not capped (the server-wide lines hold it).
- The server-wide lines take from the address holding the most connections, oldest
  first: a kiosk keeps one or two, so a host holding hundreds loses its own long before
  any kiosk loses one.
Nothing here touches a socket or a clock; `protocol.py` does.
"""

from __future__ import annotations

from typing import Protocol


class Tracked(Protocol):
    """What the table needs of a connection."""

    host: str | None

    def waiting(self) -> bool:
        """True while no request of this connection is being answered."""
        ...

    def sending_head(self) -> bool:
        """True from connecting (or a kept-alive request's first byte) to a complete head."""
        ...


class ConnectionTable:
    """The server's open connections, by client address, each address's oldest first."""

    def __init__(self, per_client: int = 0) -> None:
        self.per_client = per_client  # 0: no cap
        self._by_host: dict[str | None, dict[Tracked, None]] = {}
        self.total = 0

    def add(self, conn: Tracked) -> None:
        self._by_host.setdefault(conn.host, {})[conn] = None
        self.total += 1

    def remove(self, conn: Tracked) -> bool:
        """Forget a connection; False when it was not (or no longer) in the table."""
        held = self._by_host.get(conn.host)
        if held is None or conn not in held:
            return False
        del held[conn]
        if not held:
            del self._by_host[conn.host]
        self.total -= 1
        return True

    def count(self, host: str | None) -> int:
        return len(self._by_host.get(host, ()))

    def over_cap(self, host: str | None) -> list[Tracked]:
        """The connections to close so that `host` has no more than its cap of connections
        still sending a head (its oldest such ones)."""
        if not self.per_client:
            return []
        sending = [c for c in self._by_host.get(host, ()) if c.sending_head()]
        return sending[: max(len(sending) - self.per_client, 0)]

    def shed(self, count: int) -> list[Tracked]:
        """`count` waiting connections to close, each from the busiest address at the time."""
        victims: list[Tracked] = []
        taken: dict[str | None, int] = {}  # victims already chosen per address
        while len(victims) < count:
            candidates = [
                (len(held) - taken.get(host, 0), host)
                for host, held in self._by_host.items()
                if len(held) > taken.get(host, 0)
            ]
            found = None
            # Busiest address first; one without a waiting connection is passed over.
            for _, host in sorted(candidates, key=lambda c: c[0], reverse=True):
                picked = set(victims)
                found = next(
                    (c for c in self._by_host[host] if c not in picked and c.waiting()), None
                )
                if found is not None:
                    taken[host] = taken.get(host, 0) + 1
                    break
            if found is None:
                break  # every connection left is being answered
            victims.append(found)
        return victims
