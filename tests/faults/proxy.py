"""A TCP proxy between kiosks and the server that breaks the network on purpose.

One listening port per kiosk ("link"), all forwarding to the server's current port.
A link's fault lasts a given span, then heals by itself:
  cut    the port is closed: new connections are refused; open ones are dropped
  hang   connections are accepted and nothing is ever answered (nor forwarded)
  reset  connections are reset (RST): half of them before the request is forwarded,
         half after it reached the server and before its reply gets back, the moment
         that turns a committed check-in into an "unconfirmed" one for the kiosk

It runs its own asyncio loop in a thread; the campaign calls it from its own thread.
"""

from __future__ import annotations

import asyncio
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

MODES = ("cut", "hang", "reset")
CHUNK = 65536


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset rather than a clean FIN (SO_LINGER 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


@dataclass
class Link:
    name: str
    port: int
    mode: str = "ok"
    heal_handle: asyncio.TimerHandle | None = None
    listener: socket.socket | None = None  # owned by the link's accept thread
    thread: threading.Thread | None = None
    writers: set = field(default_factory=set)
    connections: int = 0


class FaultProxy:
    """Links named after kiosks; `fault(name, mode, seconds)` breaks one for a while."""

    def __init__(self, upstream_port: int, names: list[str], seed: int = 0) -> None:
        self.upstream_port = upstream_port
        self.links = {name: Link(name, _free_port()) for name in names}
        self.rand = random.Random(seed)
        self._closing = False
        self._stopping = threading.Event()
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self.loop.run_forever, name="fault-proxy", daemon=True
        )

    # -- called from other threads -------------------------------------------------

    def start(self) -> FaultProxy:
        self._thread.start()
        for link in self.links.values():
            link.listener = _listen(link.port)
            link.thread = threading.Thread(
                target=self._accept, args=(link,), daemon=True, name=f"proxy-accept-{link.name}"
            )
            link.thread.start()
        return self

    def port(self, name: str) -> int:
        return self.links[name].port

    def set_upstream(self, port: int) -> None:
        """The server came back on another port."""
        self.upstream_port = port

    def fault(self, name: str, mode: str, seconds: float) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        link = self.links[name]
        self._call(self._fault(link, mode, seconds))
        if mode == "cut":
            _until(lambda: link.listener is None)  # refused from now on
        else:
            _until(lambda: link.listener is not None)  # after a cut: listening again

    def faulted(self, name: str) -> bool:
        return self.links[name].mode != "ok"

    def heal_all(self) -> None:
        for link in self.links.values():
            self._call(self._heal(link))
        for link in self.links.values():
            _until(lambda link=link: link.listener is not None)

    def stop(self) -> None:
        self._stopping.set()  # no new connections: the accept threads close their ports
        for link in self.links.values():
            link.thread.join(10)

        async def shutdown():
            # Let every connection end through its own `finally` (a task cancelled before
            # it ever ran would leave its socket open), then cancel what still hangs on.
            self._closing = True
            for link in self.links.values():
                if link.heal_handle:
                    link.heal_handle.cancel()
                for writer in list(link.writers):
                    writer.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if tasks:
                _, pending = await asyncio.wait(tasks, timeout=5)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)

        self._call(shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

    def _call(self, coro, timeout: float = 10.0):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    # -- the accept threads -----------------------------------------------------------
    # Accepting outside asyncio: closing an asyncio Server for a cut can race with a
    # connection it has just accepted and leak that socket (Python 3.11).

    def _accept(self, link: Link) -> None:
        while not self._stopping.is_set():
            if link.mode == "cut":
                if link.listener is not None:
                    link.listener.close()  # the kernel now refuses connections
                    link.listener = None
                self._stopping.wait(0.02)
                continue
            if link.listener is None:
                try:
                    link.listener = _listen(link.port)
                except OSError:
                    self._stopping.wait(0.05)
                    continue
            try:
                conn, _ = link.listener.accept()
            except TimeoutError:
                continue
            if link.mode == "cut":
                _rst_socket(conn)  # raced with the cut: dropped, as the port would have
                continue
            conn.setblocking(False)
            try:
                asyncio.run_coroutine_threadsafe(self._adopt(link, conn), self.loop)
            except RuntimeError:  # the loop is closing
                conn.close()
        if link.listener is not None:
            link.listener.close()
            link.listener = None

    # -- on the proxy's loop ---------------------------------------------------------

    async def _adopt(self, link: Link, conn: socket.socket) -> None:
        try:
            reader, writer = await asyncio.open_connection(sock=conn)
        except OSError:
            conn.close()
            return
        await self._serve(link, reader, writer)

    async def _fault(self, link: Link, mode: str, seconds: float) -> None:
        if link.heal_handle:
            link.heal_handle.cancel()
        link.mode = mode
        if mode == "cut":
            for writer in list(link.writers):
                _rst(writer)
        link.heal_handle = self.loop.call_later(
            seconds, lambda: asyncio.ensure_future(self._heal(link))
        )

    async def _heal(self, link: Link) -> None:
        if link.heal_handle:
            link.heal_handle.cancel()
            link.heal_handle = None
        link.mode = "ok"  # the accept thread opens the port again

    async def _serve(
        self, link: Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        link.connections += 1
        link.writers.add(writer)
        try:
            if self._closing:
                return
            if link.mode == "hang":
                await _swallow(reader)
            elif link.mode == "reset" and self.rand.random() < 0.5:
                _rst(writer)
            else:
                await self._forward(link, reader, writer, reset_reply=link.mode == "reset")
        except (ConnectionError, OSError):
            pass
        finally:
            link.writers.discard(writer)
            if not writer.transport.is_closing():
                writer.transport.abort()

    async def _forward(self, link: Link, reader, writer, reset_reply: bool) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            _rst(writer)  # the server is down: the kiosk sees its connection dropped
            return
        link.writers.add(up_writer)
        try:
            if self._closing:
                return
            await asyncio.gather(
                self._pump(link, reader, up_writer, writer, False, reset_reply),
                self._pump(link, up_reader, writer, writer, True, reset_reply),
                return_exceptions=True,
            )
        finally:
            link.writers.discard(up_writer)
            up_writer.transport.abort()

    async def _pump(self, link: Link, src, dst, client, reply: bool, late_reset: bool) -> None:
        """Copy until EOF; a fault that starts meanwhile applies to this connection too."""
        while data := await src.read(CHUNK):
            if (
                link.mode == "cut"
                or (reply and (late_reset or link.mode == "reset"))
                or (not reply and link.mode == "reset" and not late_reset)
            ):
                _rst(client)
                return
            if link.mode == "hang":
                continue  # swallowed: nothing more gets through this connection
            dst.write(data)
            await dst.drain()
        if dst.can_write_eof() and not dst.transport.is_closing():
            try:
                dst.write_eof()
            except OSError:
                pass


async def _swallow(reader: asyncio.StreamReader) -> None:
    while await reader.read(CHUNK):
        pass


def _listen(port: int) -> socket.socket:
    listener = socket.create_server(("127.0.0.1", port))  # SO_REUSEADDR: back at once
    listener.settimeout(0.05)  # the accept thread looks at the link's mode this often
    return listener


def _rst_socket(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
