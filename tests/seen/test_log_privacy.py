"""The privacy filter: no exception message, log argument or query string that may hold
what was sent reaches a log line, through uvicorn's own logging configuration."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import sqlite3

import pytest
from helpers.seed import PATIENTS
from pydantic import BaseModel
from uvicorn.config import LOGGING_CONFIG

from seen.log_privacy import WITHHELD, PrivacyFilter, install, safe_traceback, with_privacy

FIRST, LAST = PATIENTS[0][0], PATIENTS[0][1]
TYPED = f"{FIRST} {LAST}"


class Lookup(BaseModel):
    last_name: str
    dob: int


@pytest.fixture
def uvicorn_logs():
    """uvicorn's logging set up as `staffconsole serve` does, into one buffer."""
    out = io.StringIO()
    config = with_privacy(LOGGING_CONFIG)
    for handler in config["handlers"].values():
        handler.pop("stream")
    saved = {
        name: logging.getLogger(name).handlers[:] for name in ("", "uvicorn", "uvicorn.access")
    }
    logging.config.dictConfig(config)
    for name in ("", "uvicorn", "uvicorn.access"):
        for handler in logging.getLogger(name).handlers:
            handler.setStream(out)
    yield out
    for name, handlers in saved.items():
        logging.getLogger(name).handlers = handlers


def fail_validation(typed: str) -> None:
    Lookup.model_validate({"last_name": {"x": typed}, "dob": typed})


def fail_json(typed: str) -> None:
    json.loads('{"last_name": "' + typed)


def test_a_500_as_uvicorn_logs_it_has_its_frames_but_no_typed_text(uvicorn_logs):
    for fail in (fail_validation, fail_json):
        try:
            try:
                fail(TYPED)
            except ValueError as e:
                raise KeyError(TYPED) from e
        except KeyError:
            logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    text = uvicorn_logs.getvalue()
    assert text.count("Exception in ASGI application") == 2
    assert "in fail_validation" in text and "in fail_json" in text  # still debuggable
    assert "pydantic_core._pydantic_core.ValidationError: " + WITHHELD in text
    assert "json.decoder.JSONDecodeError: " + WITHHELD in text
    assert "direct cause" in text
    assert FIRST not in text and LAST not in text


def test_app_loggers_and_exception_arguments_go_through_the_filter(uvicorn_logs):
    logging.getLogger("staffconsole").warning("refused: %s", ValueError(TYPED))
    logging.getLogger("staffconsole").error(KeyError(LAST))
    logging.getLogger("staffconsole").error("disk: %s", OSError(28, "No space left on device"))
    logging.getLogger("staffconsole").error(
        "db: %s", sqlite3.OperationalError("database is locked")
    )
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", f"/lookup?name={LAST}", "1.1", 200
    )
    text = uvicorn_logs.getvalue()
    assert "refused: ValueError: " + WITHHELD in text
    assert "KeyError: " + WITHHELD in text
    # Errors about the machine keep their text: the desk needs it.
    assert "No space left on device" in text and "database is locked" in text
    assert '"GET /lookup?… HTTP/1.1" 200' in text
    assert FIRST not in text and LAST not in text


def test_install_filters_the_handlers_a_kiosk_sets_up(caplog):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        install()
        try:
            {}[LAST]
        except KeyError:
            logging.getLogger("kiosk.client").exception("look-up failed")
    finally:
        root.removeHandler(handler)
        logging.lastResort.filters.clear()
    text = out.getvalue()
    assert "look-up failed" in text and "Traceback" in text and "KeyError" in text
    assert LAST not in text


def test_a_record_is_rewritten_once_and_never_dropped():
    try:
        raise ValueError(TYPED)
    except ValueError as e:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "m %s", (e,), (ValueError, e, None)
        )
    privacy = PrivacyFilter()
    assert privacy.filter(record) and privacy.filter(record)
    assert record.exc_info is None and TYPED not in record.exc_text
    assert record.getMessage() == "m ValueError: " + WITHHELD


def test_a_cycle_of_exceptions_ends():
    a, b = ValueError(TYPED), KeyError(TYPED)
    a.__context__, b.__context__ = b, a
    text = safe_traceback(a)
    assert text.count(WITHHELD) == 2 and TYPED not in text
