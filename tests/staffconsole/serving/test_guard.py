"""The connection table: which connections close when one client or the server holds too many."""

from __future__ import annotations

from staffconsole.serving.guard import ConnectionTable


class Conn:
    """A hand-written stand-in for a connection: its address and whether it waits."""

    def __init__(self, host: str, waiting: bool = True, head: bool = True, name: str = "") -> None:
        self.host = host
        self._waiting = waiting
        self._head = head and waiting
        self.name = name or host

    def waiting(self) -> bool:
        return self._waiting

    def sending_head(self) -> bool:
        return self._head

    def __repr__(self) -> str:
        return self.name


def table_of(*conns: Conn, per_client: int = 0) -> ConnectionTable:
    table = ConnectionTable(per_client)
    for conn in conns:
        table.add(conn)
    return table


def test_over_the_cap_the_clients_own_oldest_waiting_connections_go():
    hostile = [Conn("10.0.0.9", name=f"h{n}") for n in range(5)]
    kiosk = Conn("10.0.0.2")
    table = table_of(hostile[0], kiosk, *hostile[1:], per_client=3)
    assert table.over_cap("10.0.0.9") == hostile[:2]
    assert table.over_cap("10.0.0.2") == []
    assert table.count("10.0.0.9") == 5 and table.total == 6


def test_the_cap_counts_only_connections_still_sending_a_head():
    busy = [Conn("10.0.0.9", waiting=False, name=f"busy{n}") for n in range(5)]
    idle = [Conn("10.0.0.9", head=False, name=f"idle{n}") for n in range(5)]
    stalled = [Conn("10.0.0.9", name=f"stalled{n}") for n in range(3)]
    table = table_of(*busy, *idle, *stalled, per_client=2)
    assert table.over_cap("10.0.0.9") == stalled[:1]  # a busy client is not capped
    assert table_of(*stalled, per_client=0).over_cap("10.0.0.9") == []  # 0: no cap


def test_a_connection_being_answered_is_never_shed():
    busy = Conn("10.0.0.9", waiting=False, name="busy")
    idle = Conn("10.0.0.9", head=False, name="idle")
    kiosk = Conn("10.0.0.2")
    table = table_of(busy, idle, kiosk)
    assert table.shed(3) == [idle, kiosk]  # only two can go


def test_shedding_takes_from_the_busiest_address_first():
    hostile = [Conn("10.0.0.9", name=f"h{n}") for n in range(4)]
    other = [Conn("10.0.0.7", name=f"o{n}") for n in range(3)]
    kiosks = [Conn("10.0.0.2"), Conn("10.0.0.3")]
    table = table_of(*hostile, *other, *kiosks)
    # 4 vs 3: one from the hostile host, then 3 vs 3, ...: the kiosks keep theirs.
    assert table.shed(4) == [hostile[0], hostile[1], other[0], hostile[2]]
    assert table.shed(0) == []


def test_shedding_passes_over_an_address_whose_connections_are_all_answered():
    streams = [Conn("10.0.0.5", waiting=False) for _ in range(6)]  # a console's streams
    stalled = [Conn("10.0.0.9", name=f"s{n}") for n in range(2)]
    table = table_of(*streams, *stalled)
    assert table.shed(5) == stalled  # no more to take: the rest are being answered


def test_removed_connections_are_forgotten_once():
    a, b = Conn("10.0.0.9"), Conn("10.0.0.9")
    table = table_of(a, b)
    assert table.remove(a) is True and table.remove(a) is False
    assert table.total == 1 and table.shed(5) == [b]
    assert table.remove(b) and table.count("10.0.0.9") == 0 and table.shed(1) == []
