"""The campaign's fault proxy really refuses, hangs and resets (after the request arrived)."""

from __future__ import annotations

import socket
import threading

import pytest
from faults.proxy import FaultProxy


@pytest.fixture
def upstream():
    """A one-line echo server that records what reached it."""
    received: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                data = conn.recv(1024)
                received.append(data)
                conn.sendall(b"echo " + data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], received
    stop.set()
    thread.join(5)
    listener.close()


def _ask(port: int, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(b"hello\n")
        return conn.recv(1024)


def test_faults_break_the_link_then_heal(upstream):
    port, received = upstream
    proxy = FaultProxy(port, ["k"], seed=1).start()
    try:
        link = proxy.port("k")
        assert _ask(link) == b"echo hello\n"

        proxy.fault("k", "cut", 60)
        with pytest.raises(ConnectionRefusedError):
            _ask(link)

        proxy.fault("k", "hang", 60)
        with pytest.raises(TimeoutError):
            _ask(link, timeout=0.5)

        proxy.fault("k", "reset", 60)
        before = len(received)
        outcomes = set()
        for _ in range(12):
            try:
                outcomes.add(_ask(link))
            except ConnectionResetError:
                outcomes.add("reset")
        assert outcomes <= {"reset", b""}
        assert len(received) > before  # some requests reached the server; no reply came back

        proxy.heal_all()
        assert _ask(link) == b"echo hello\n"
        assert proxy.links["k"].connections >= 15
    finally:
        proxy.stop()
