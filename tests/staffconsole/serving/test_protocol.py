"""The guarded h11 protocol on hand-written fakes of a transport and a loop: the head
deadline, the per-client cap and the open-file gate, each on the states h11 really goes
through (the real server is in tests/e2e/test_stalled_sockets.py)."""

from __future__ import annotations

import resource

import h11
import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from staffconsole.serving.protocol import TIMED_OUT, Limits, guarded_protocol


async def app(scope, receive, send):  # never run: the fake loop drops request tasks
    raise AssertionError("not called")


class Socket:
    def __init__(self, host: str, fd: int) -> None:
        self.host, self.fd = host, fd

    def getpeername(self):
        return (self.host, 50000 + self.fd)

    def getsockname(self):
        return ("127.0.0.1", 8400)

    def fileno(self) -> int:
        return self.fd


class Transport:
    def __init__(self, host: str, fd: int) -> None:
        self.socket = Socket(host, fd)
        self.written = b""
        self.closed = self.aborted = False

    def get_extra_info(self, name, default=None):
        return self.socket if name == "socket" else default

    def write(self, data: bytes) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class Timer:
    def __init__(self, delay, callback) -> None:
        self.delay, self.callback, self.cancelled = delay, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class Loop:
    """Records timers instead of running them; request tasks are dropped."""

    def __init__(self) -> None:
        self.timers: list[Timer] = []

    def call_later(self, delay, callback, *args):
        timer = Timer(delay, callback)
        self.timers.append(timer)
        return timer

    def create_task(self, coroutine, **kwargs):
        coroutine.close()

        class Task:
            def add_done_callback(self, fn): ...

        return Task()

    def pending(self, delay: float) -> list[Timer]:
        return [t for t in self.timers if t.delay == delay and not t.cancelled]


class Server:
    """One guarded protocol class with its shared state, and a way to connect to it."""

    def __init__(self, **limits) -> None:
        settings = {"head_timeout_s": 10.0, "per_client": 0, "files_reserve": 0}
        settings.update(limits)
        self.protocol = guarded_protocol(Limits(max_connections=512, **settings))
        self.config = Config(app, log_config=None)
        self.state = ServerState()
        self.loop = Loop()
        self.next_fd = 20

    def connect(self, host: str, fd: int | None = None):
        if fd is None:
            fd = self.next_fd
            self.next_fd += 1
        conn = self.protocol(self.config, self.state, {}, _loop=self.loop)
        conn.connection_made(Transport(host, fd))
        return conn


HEAD = b"POST /api/v1/kiosk/heartbeat HTTP/1.1\r\nHost: console\r\nContent-Length: 2\r\n"


def test_a_head_not_finished_in_time_gets_408_and_is_closed():
    server = Server(head_timeout_s=10.0)
    conn = server.connect("127.0.0.2")
    [timer] = server.loop.pending(10.0)
    conn.data_received(HEAD[:20])
    conn.data_received(HEAD[20:40])  # trickling does not restart the clock
    assert server.loop.pending(10.0) == [timer]
    timer.callback()
    assert conn.transport.written == TIMED_OUT and conn.transport.closed


def test_a_complete_head_stops_the_clock_and_the_next_request_restarts_it():
    server = Server(head_timeout_s=10.0)
    conn = server.connect("127.0.0.1")
    [timer] = server.loop.pending(10.0)
    conn.data_received(HEAD + b"\r\n{}")
    assert timer.cancelled and server.loop.pending(10.0) == []
    assert not conn.waiting()  # a request being answered is never shed
    # The answer sent, the connection idles (uvicorn's keep-alive clock), then a new
    # request's first bytes start the head clock again.
    conn.cycle.response_complete = True
    conn.conn.send(h11.Response(status_code=200, headers=[("content-length", "0")]))
    conn.conn.send(h11.EndOfMessage())
    conn.on_response_complete()
    assert conn.waiting()
    conn.data_received(HEAD[:10])
    assert len(server.loop.pending(10.0)) == 1


def test_no_head_timeout_when_it_is_off():
    server = Server(head_timeout_s=0.0)
    server.connect("127.0.0.2").data_received(HEAD[:10])
    assert server.loop.pending(0.0) == []


def test_past_the_per_client_cap_that_clients_oldest_waiting_connection_is_aborted():
    server = Server(per_client=3)
    kiosk = server.connect("127.0.0.1")
    hostile = [server.connect("127.0.0.2") for _ in range(3)]
    assert not any(c.transport.aborted for c in [kiosk, *hostile])
    newest = server.connect("127.0.0.2")
    assert [c.transport.aborted for c in [*hostile, newest]] == [True, False, False, False]
    assert not kiosk.transport.aborted
    assert server.protocol.table.count("127.0.0.2") == 3
    hostile[0].connection_lost(None)  # the loop closes it later: counted once
    assert server.protocol.table.total == 4


def test_near_the_open_file_limit_the_busiest_clients_waiting_connections_go():
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft < 200:
        pytest.fail(f"this test needs a finite open-file limit of 200 or more, not {soft}")
    server = Server(files_reserve=64)
    line = soft - 64
    kiosk = server.connect("127.0.0.1", fd=30)
    busy = server.connect("127.0.0.3", fd=31)
    busy.data_received(HEAD + b"\r\n{}")  # a request being answered
    hostile = [server.connect("127.0.0.2", fd=40 + n) for n in range(20)]
    assert not any(c.transport.aborted for c in [kiosk, busy, *hostile])
    # A new socket numbered past the line: at least that many descriptors are in use.
    newest = server.connect("127.0.0.2", fd=line + 2)
    shed = [c for c in hostile if c.transport.aborted]
    assert shed == hostile[: 3 + 8]  # 3 over the line, and a batch of room (SHED_BATCH)
    assert not kiosk.transport.aborted and not busy.transport.aborted
    assert not newest.transport.aborted
    # Their descriptors are not closed yet: the next socket counts them as freed.
    server.connect("127.0.0.2", fd=line + 3)
    assert [c for c in hostile if c.transport.aborted] == shed


def test_a_busy_client_is_not_capped_but_a_kept_alive_connection_stalling_is():
    server = Server(per_client=2)
    busy = []
    for _ in range(5):
        busy.append(server.connect("127.0.0.1"))
        busy[-1].data_received(HEAD + b"\r\n{}")  # each has a request being answered
    fresh = server.connect("127.0.0.1")
    assert not any(c.transport.aborted for c in [*busy, fresh])
    # Two connections answered and idle, then each begins a head it does not finish.
    for conn in busy[:3]:
        conn.cycle.response_complete = True
        conn.conn.send(h11.Response(status_code=200, headers=[("content-length", "0")]))
        conn.conn.send(h11.EndOfMessage())
        conn.on_response_complete()
        assert conn.waiting() and not conn.sending_head()
    busy[0].data_received(HEAD[:12])
    assert not any(c.transport.aborted for c in busy)  # fresh and busy[0]: 2, the cap
    busy[1].data_received(HEAD[:12])
    # Three sending a head: the oldest connection of them goes.
    assert [c.transport.aborted for c in [*busy, fresh]] == [True] + [False] * 5
