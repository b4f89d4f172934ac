"""The repeated out-of-resource error is logged once per interval, with a count of the rest."""

from __future__ import annotations

import errno
import logging

import pytest

from staffconsole.serving.repeat_log import (
    ACCEPT_FAILED,
    RepeatedResourceErrorFilter,
    install,
    resource_error,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def accept_failure(name: str = "asyncio", number: int = errno.EMFILE) -> logging.LogRecord:
    """A record as asyncio's default exception handler makes it on a failed accept()."""
    try:
        raise OSError(number, "Too many open files")
    except OSError as e:
        exc_info = (type(e), e, e.__traceback__)
    message = ACCEPT_FAILED + "\nsocket: <asyncio.TransportSocket fd=10>"
    return logging.LogRecord(name, logging.ERROR, __file__, 1, message, None, exc_info)


def plain(message: str = "Exceeded %s limit.", args=("concurrency",)) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.error", logging.WARNING, __file__, 1, message, args, None)


def test_what_counts_as_an_out_of_resource_error():
    assert resource_error(accept_failure()) == errno.EMFILE
    assert resource_error(accept_failure(number=errno.ENFILE)) == errno.ENFILE
    assert resource_error(accept_failure(number=errno.ECONNRESET)) == 0  # asyncio's words
    assert resource_error(plain()) is None


def test_one_line_per_interval_then_the_count_of_those_dropped():
    clock = Clock()
    keep = RepeatedResourceErrorFilter(60.0, clock)
    first = accept_failure()
    assert keep.filter(first)
    assert first.getMessage().splitlines() == [
        ACCEPT_FAILED + " (repeats are logged once per 60 s)",
        "socket: <asyncio.TransportSocket fd=10>",
    ]
    passed = []
    for _ in range(250):  # asyncio retries, many times a second at worst
        clock.now += 0.2
        record = accept_failure()
        if keep.filter(record):
            passed.append(record.getMessage().splitlines()[0])
    assert passed == []  # 50 s: still inside the first interval
    clock.now += 10
    late = accept_failure()
    assert keep.filter(late)
    assert late.getMessage().splitlines()[0] == (
        ACCEPT_FAILED + " (250 more like it suppressed in the last 60 s)"
    )


def test_other_records_and_other_errors_are_counted_apart():
    clock = Clock()
    keep = RepeatedResourceErrorFilter(60.0, clock)
    assert keep.filter(accept_failure("asyncio"))
    assert keep.filter(accept_failure("uvicorn.error"))  # another logger, its own count
    assert keep.filter(accept_failure("asyncio", errno.ENFILE))  # another errno
    assert not keep.filter(accept_failure("asyncio"))
    for _ in range(3):
        record = plain("Exceeded %s limit for %s.", ("concurrency", "kiosk"))
        assert keep.filter(record)
        assert record.getMessage() == "Exceeded concurrency limit for kiosk."  # untouched


def test_uvicorns_per_request_warnings_are_kept_to_the_same_pace():
    clock = Clock()
    keep = RepeatedResourceErrorFilter(60.0, clock)
    for message in ("Exceeded concurrency limit.", "Invalid HTTP request received."):
        assert keep.filter(plain(message, None))
        assert [keep.filter(plain(message, None)) for _ in range(40)] == [False] * 40
    clock.now += 61
    record = plain("Invalid HTTP request received.", None)
    assert keep.filter(record)
    assert record.getMessage() == (
        "Invalid HTTP request received. (40 more like it suppressed in the last 61 s)"
    )


@pytest.fixture
def restore_filters():
    loggers = [logging.getLogger(n) for n in ("asyncio", "uvicorn.error")]
    before = [list(lg.filters) for lg in loggers]
    yield
    for lg, filters in zip(loggers, before, strict=True):
        lg.filters[:] = filters


def test_install_puts_one_filter_on_each_logger_even_when_called_again(restore_filters):
    install(30.0)
    shared = install(60.0)
    for name in ("asyncio", "uvicorn.error"):
        ours = [
            f for f in logging.getLogger(name).filters if isinstance(f, RepeatedResourceErrorFilter)
        ]
        assert ours == [shared] and shared.interval_s == 60.0
