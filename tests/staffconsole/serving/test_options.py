"""What `staffconsole serve` hands uvicorn, from the settings."""

from __future__ import annotations

import logging

import pytest
from uvicorn.protocols.http.h11_impl import H11Protocol

from staffconsole.config import load_settings
from staffconsole.serving import uvicorn_options
from staffconsole.serving.handshake import HandshakeDeadlineLoop, new_loop
from staffconsole.serving.protocol import ClosedLog
from staffconsole.serving.repeat_log import RepeatedResourceErrorFilter


@pytest.fixture(autouse=True)
def restore_filters():
    loggers = [logging.getLogger(n) for n in ("asyncio", "uvicorn.error")]
    before = [list(lg.filters) for lg in loggers]
    yield
    for lg, filters in zip(loggers, before, strict=True):
        lg.filters[:] = filters


def test_the_settings_become_uvicorns_limits_and_the_guarded_protocol():
    settings = load_settings(
        environ={
            "SEEN_LIMIT_CONCURRENCY": "300",
            "SEEN_TIMEOUT_KEEP_ALIVE_S": "7",
            "SEEN_BACKLOG": "50",
            "SEEN_MAX_REQUEST_HEAD_BYTES": "8192",
            "SEEN_RESOURCE_ERROR_LOG_INTERVAL_S": "30",
            "SEEN_REQUEST_HEAD_TIMEOUT_S": "4",
        }
    )
    options = uvicorn_options(settings)
    protocol = options.pop("http")
    assert options == {
        "limit_concurrency": 300,
        "timeout_keep_alive": 7,
        "backlog": 50,
        "h11_max_incomplete_event_size": 8192,
        "loop": "staffconsole.serving.handshake:new_loop",
    }
    loop = new_loop()  # what uvicorn makes from that name: TLS handshakes get 4 s too
    try:
        assert isinstance(loop, HandshakeDeadlineLoop) and loop.deadline_s == 4.0
    finally:
        loop.close()
    assert issubclass(protocol, H11Protocol) and protocol.table.per_client == 32
    [repeat] = [
        f
        for f in logging.getLogger("asyncio").filters
        if isinstance(f, RepeatedResourceErrorFilter)
    ]
    assert repeat.interval_s == 30.0


def test_a_backlog_too_big_for_the_reserve_is_warned_about(caplog):
    uvicorn_options(load_settings(environ={}))
    assert "open_files_reserve" not in caplog.text  # the defaults fit: 3 x 64 <= 256
    uvicorn_options(load_settings(environ={"SEEN_BACKLOG": "2048"}))
    assert "open_files_reserve 256 is under three times backlog 2048" in caplog.text


def test_the_guards_closings_are_logged_once_per_interval_with_counts():
    log = ClosedLog(60.0)
    assert log.closed("request head too slow", now=100.0) == (
        "Closed connections to keep the server answering: 1 request head too slow"
    )
    assert log.closed("over the per-client cap", now=110.0) is None
    assert log.closed("over the per-client cap", now=150.0) is None
    assert log.closed("request head too slow", now=161.0) == (
        "Closed connections to keep the server answering in the last 61 s: "
        "2 over the per-client cap, 1 request head too slow"
    )
