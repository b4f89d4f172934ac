"""A TCP forwarder in front of the server that the day can cut (a network blip) and
point at a restarted server's new port. Threads, not asyncio: a few dozen connections.

While cut, new connections are closed at once and open ones are dropped, as when the
clinic's Wi-Fi goes: the kiosk's client sees refused or broken connections.
"""

from __future__ import annotations

import socket
import threading
import time


class Proxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._cut_until = 0.0
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True, name="day-proxy").start()

    def cut(self, seconds: float) -> None:
        """Break the link now for `seconds`; it heals by itself."""
        with self._lock:
            self._cut_until = max(self._cut_until, time.monotonic() + seconds)
            dropping, self._open = self._open, set()
        for sock in dropping:
            _close(sock)

    def set_upstream(self, port: int) -> None:
        self.upstream_port = port

    def close(self) -> None:
        self._closed = True
        _close(self._listener)
        self.cut(0)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if time.monotonic() < self._cut_until:
                _close(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=2)
        except OSError:
            _close(client)  # the server is down (a restart): as refused as it gets
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.update((client, upstream))
        threading.Thread(target=_pump, args=(upstream, client), daemon=True).start()
        _pump(client, upstream)


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
