"""A slow-loris client for the bench and the tests: sockets that never finish a request.

Each socket connects from its own loopback address (`127.0.0.2` by default; all of 127/8
is loopback on Linux, so the server sees a different client than a kiosk on 127.0.0.1),
sends the start of a request head and then one more header byte now and then, never the
blank line that ends the head. `alive()` counts the sockets the server has not closed.
"""

from __future__ import annotations

import errno
import socket
import threading
from typing import Self
from urllib.parse import urlsplit

HEAD_START = b"GET /healthz HTTP/1.1\r\nHost: console\r\nX-Slow: "


class StalledSockets:
    """`count` stalled connections to `url`, held (and trickled) until `close()`."""

    def __init__(
        self,
        url: str,
        count: int,
        source: str = "127.0.0.2",
        trickle_s: float = 0.5,
        head: bytes = HEAD_START,
        trickle: bytes = b"x",
    ):
        """`head=b"", trickle=b""`: connect and send nothing at all (a stalled TLS
        handshake looks like that)."""
        parts = urlsplit(url)
        self.address = (parts.hostname, parts.port)
        self.count = count
        self.source = source
        self.trickle_s = trickle_s
        self.head, self.trickle = head, trickle
        self.sockets: list[socket.socket] = []
        self.started: set[socket.socket] = set()  # connected, the head begun
        self.dead: set[socket.socket] = set()
        self._answers: list[bytes] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def open(self) -> Self:
        # Non-blocking connects: a server that stopped accepting fills its queue, and a
        # blocking connect would then wait for each of the rest in turn.
        for _ in range(self.count):
            sock = socket.socket()
            sock.setblocking(False)
            sock.bind((self.source, 0))
            sock.connect_ex(self.address)
            self.sockets.append(sock)
        with self._lock:
            self._push(first=True)
        self._thread.start()
        return self

    def alive(self) -> int:
        """Sockets that sent their first bytes and that the server has neither closed nor
        answered (nothing to read on them)."""
        with self._lock:
            self._reap()
            return len(self.started - self.dead)

    def connected(self) -> int:
        """Sockets that got through to the server (held, answered or closed since)."""
        with self._lock:
            return len(self.started | self.dead)

    def answers(self) -> list[bytes]:
        """What the server sent on the sockets it closed (e.g. a 408), one entry each."""
        with self._lock:
            return list(self._answers)

    def _reap(self) -> None:
        for sock in self.started - self.dead:
            try:
                data = sock.recv(4096)
            except BlockingIOError:
                continue  # nothing to read: still held
            except OSError:
                data = b""  # reset by the server
            self.dead.add(sock)
            if data:
                self._answers.append(data)

    def _push(self, first: bool = False) -> None:
        """The head's start on sockets just connected, one more byte on the others."""
        for sock in self.sockets:
            if sock in self.dead or (first and sock in self.started):
                continue
            try:
                sock.send(self.trickle if sock in self.started else self.head)
            except (BlockingIOError, InterruptedError):
                continue  # still connecting (the server's queue is full), or buffer full
            except OSError as e:
                if e.errno == errno.ENOTCONN:
                    continue
                self.dead.add(sock)
                continue
            self.started.add(sock)

    def _trickle(self) -> None:
        while not self._stop.wait(self.trickle_s):
            with self._lock:
                self._reap()
                self._push()

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        for sock in self.sockets:
            sock.close()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()
