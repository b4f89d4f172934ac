"""The MLLP listener: many connections at once (asyncio), each message answered with an ACK.

Each connection has a read deadline (silence or half a message past it closes it) and
a size limit per message; bad framing is answered with an AR and the connection closed.
The database work runs in a worker thread, one connection to the store per message.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from staffconsole.hl7.inbound import handle
from staffconsole.hl7.messages import Lookup, Refused, ack
from staffconsole.hl7.mllp import Deframer, FramingError, frame
from staffconsole.store.schema import open_db

log = logging.getLogger("staffconsole.hl7")
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ListenOptions:
    db_path: str
    host: str
    port: int
    lookup: Lookup
    max_bytes: int = 1024 * 1024
    read_timeout_s: float = 60.0


def _now() -> datetime:
    return datetime.now(UTC)


class Listener:
    """Serves MLLP on (host, port); `start` in a running loop, or `run_in_thread`."""

    def __init__(self, options: ListenOptions, now: Callable[[], datetime] = _now) -> None:
        self.options = options
        self.now = now
        self.server: asyncio.Server | None = None
        self.port = options.port

    async def start(self) -> None:
        self.server = await asyncio.start_server(
            self._connection, self.options.host, self.options.port, limit=CHUNK
        )
        self.port = self.server.sockets[0].getsockname()[1]
        log.info("HL7 MLLP listener on %s:%d", self.options.host, self.port)

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def _handle(self, raw: bytes) -> bytes:
        db = open_db(self.options.db_path)
        try:
            return handle(db, raw, self.options.lookup, self.now())[0]
        finally:
            db.close()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        deframer = Deframer(self.options.max_bytes)
        try:
            while True:
                try:
                    data = await asyncio.wait_for(
                        reader.read(CHUNK), timeout=self.options.read_timeout_s
                    )
                except TimeoutError:
                    if deframer.pending:
                        log.warning("HL7 connection closed: half a message, then silence")
                    break
                if not data:
                    if deframer.pending:
                        log.warning("HL7 connection closed mid-message (no FS CR end)")
                    break
                try:
                    messages = deframer.feed(data)
                except FramingError as e:
                    log.warning("HL7 framing error, connection closed: %s", e)
                    refused = Refused("AR", f"MLLP framing: {e}")
                    writer.write(frame(ack(None, "AR", refused.reason, now=self.now())))
                    await writer.drain()
                    break
                for raw in messages:
                    answer = await asyncio.to_thread(self._handle, raw)
                    writer.write(frame(answer))
                    await writer.drain()
        except (ConnectionError, OSError) as e:
            log.info("HL7 connection ended: %s", type(e).__name__)
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except (ConnectionError, OSError):
                pass


class ListenerThread:
    """The listener on its own event loop in a daemon thread (beside uvicorn)."""

    def __init__(self, options: ListenOptions) -> None:
        self.listener = Listener(options)
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="hl7-listener", daemon=True)

    def start(self) -> int:
        """Start and wait until listening; the port (OSError when it cannot bind)."""
        self.thread.start()
        self.ready.wait()
        if self.error is not None:
            raise self.error
        return self.listener.port

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            try:
                self.loop.run_until_complete(self.listener.start())
            except OSError as e:
                self.error = e
                return
            finally:
                self.ready.set()
            self.loop.run_forever()
            tasks = asyncio.all_tasks(self.loop)
            for task in tasks:
                task.cancel()
            self.loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
        finally:
            self.loop.close()

    def stop(self) -> None:
        if self.thread.is_alive() and not self.loop.is_closed():
            asyncio.run_coroutine_threadsafe(self.listener.close(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
