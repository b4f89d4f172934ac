"""The privacy filter: no exception message, log argument or query string that may hold
what was sent reaches a log line, through the logging set-up `staffconsole serve` and
`kiosk run` use (seen/log_setup.py), in its text and its JSON format."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import sqlite3

import pytest
from helpers.seed import PATIENTS
from pydantic import BaseModel
from uvicorn.config import LOGGING_CONFIG

from seen import log_setup
from seen.log_privacy import WITHHELD, PrivacyFilter, install, safe_traceback, with_privacy

FIRST, LAST = PATIENTS[0][0], PATIENTS[0][1]
TYPED = f"{FIRST} {LAST}"
TOUCHED = ("", *log_setup.UVICORN_LOGGERS, *log_setup.QUIET_LOGGERS)


class Lookup(BaseModel):
    last_name: str
    dob: int


@pytest.fixture
def restore_logging():
    """Put the loggers a set-up touches back as they were (pytest's own handlers too)."""
    saved = {}
    for name in TOUCHED:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
    yield
    for name, (handlers, level, propagate, disabled) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers, logger.level = handlers, level
        logger.propagate, logger.disabled = propagate, disabled


class Captured:
    """What one logging set-up wrote, read back as text a person would search."""

    def __init__(self, log_format: str) -> None:
        self.log_format = log_format
        self.out = io.StringIO()

    def records(self) -> list[dict]:
        """The JSON format's objects, one a line (each line must parse)."""
        return [json.loads(line) for line in self.out.getvalue().splitlines()]

    def getvalue(self) -> str:
        if self.log_format == "text":
            return self.out.getvalue()
        return "\n".join(
            f"{r['level']} {r['logger']}: {r['message']}" + (f"\n{r['exc']}" if "exc" in r else "")
            for r in self.records()
        )


@pytest.fixture(params=log_setup.LOG_FORMATS)
def uvicorn_logs(request, restore_logging):
    """The server's logging set up as `staffconsole serve` does (uvicorn applies this very
    dict), in each format, into one buffer."""
    captured = Captured(request.param)
    logging.config.dictConfig(log_setup.config(request.param, {}, captured.out))
    return captured


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


def test_the_kiosks_connection_errors_keep_their_words_a_refusal_does_not():
    from kiosk.client import Offline, Rejected, Unconfirmed
    from seen.log_privacy import describe

    offline = Offline("heartbeat: cannot connect to https://server.clinic:8443")
    assert describe(offline).endswith(": heartbeat: cannot connect to https://server.clinic:8443")
    assert describe(Unconfirmed("lookup: no answer within 5 s")).endswith("no answer within 5 s")
    # A refusal carries the server's words, which are not ours to vouch for.
    assert describe(Rejected(422, f"no match for {LAST}")) == "kiosk.client.Rejected: " + WITHHELD
    # Only a class's own True counts: an instance attribute set by data does not.
    sneaky = ValueError(TYPED)
    sneaky.safe_to_log = True
    assert TYPED not in describe(sneaky)


def test_a_cycle_of_exceptions_ends():
    a, b = ValueError(TYPED), KeyError(TYPED)
    a.__context__, b.__context__ = b, a
    text = safe_traceback(a)
    assert text.count(WITHHELD) == 2 and TYPED not in text


def test_every_line_names_its_logger_and_info_is_kept(uvicorn_logs):
    logging.getLogger("staffconsole.watch.watchdog").info("retention: %d rows", 3)
    logging.getLogger("uvicorn.error").info("Application startup complete.")
    logging.getLogger("urllib3.connectionpool").info("a connection")  # a library's chatter
    text = uvicorn_logs.getvalue()
    assert "INFO staffconsole.watch.watchdog: retention: 3 rows" in text
    assert "INFO uvicorn.error: Application startup complete." in text
    assert "a connection" not in text
    if uvicorn_logs.log_format == "json":
        records = uvicorn_logs.records()
        assert [r["logger"] for r in records] == ["staffconsole.watch.watchdog", "uvicorn.error"]
        assert all(r["time"].endswith("+00:00") for r in records)


def journal_file(tmp_path, name="journal"):
    """A real file standing for the journal's stream, and the JOURNAL_STREAM naming it."""
    stream = open(tmp_path / name, "w", encoding="utf-8")  # noqa: SIM115
    stat = (tmp_path / name).stat()
    return stream, {"JOURNAL_STREAM": f"{stat.st_dev}:{stat.st_ino}"}


@pytest.mark.parametrize("log_format", log_setup.LOG_FORMATS)
def test_lines_to_the_journal_start_with_their_priority(tmp_path, restore_logging, log_format):
    stream, environ = journal_file(tmp_path)
    with stream:
        log_setup.configure(log_format, environ, stream)
        log = logging.getLogger("staffconsole")
        log.info("started")
        log.warning("slow")
        try:
            {}[LAST]
        except KeyError:
            log.exception("look-up failed")
        logging.getLogger("uvicorn.error").critical("gone")
    lines = (tmp_path / "journal").read_text(encoding="utf-8").splitlines()
    assert [line[:3] for line in lines[:2]] == ["<6>", "<4>"]
    assert lines[-1].startswith("<2>")
    failed = lines[2:-1]
    assert all(line.startswith("<3>") for line in failed)
    if log_format == "text":  # journald stamps the time; each traceback line is an entry
        assert lines[0] == "<6>INFO staffconsole: started"
        assert len(failed) > 2 and any("Traceback" in line for line in failed)
    else:  # one JSON object a line once journald strips the prefix
        records = [json.loads(line[3:]) for line in lines]
        assert [r["level"] for r in records] == ["INFO", "WARNING", "ERROR", "CRITICAL"]
        assert "Traceback" in records[2]["exc"] and "KeyError: " + WITHHELD in records[2]["exc"]
    assert LAST not in "\n".join(lines)


def test_no_priority_prefix_when_stderr_is_not_the_journal(tmp_path, restore_logging):
    other, environ = journal_file(tmp_path, "journal")  # names another file than stderr
    other.close()
    stream, _ = journal_file(tmp_path, "elsewhere")
    with stream:
        log_setup.configure("text", environ, stream)
        logging.getLogger("staffconsole").warning("slow")
    [line] = (tmp_path / "elsewhere").read_text(encoding="utf-8").splitlines()
    assert line.endswith(" WARNING staffconsole: slow") and not line.startswith("<")
    assert not log_setup.to_journal({"JOURNAL_STREAM": "junk"}, stream)


@pytest.mark.parametrize("log_format", log_setup.LOG_FORMATS)
def test_the_kiosk_sets_up_the_same_logging_before_kivy(monkeypatch, restore_logging, log_format):
    from kiosk.cli import setup_logging
    from kiosk.config import load_config

    monkeypatch.setenv("KIVY_LOG_MODE", "unset below")
    monkeypatch.delenv("KIVY_LOG_MODE")
    captured = Captured(log_format)
    config = load_config(None, environ={"SEEN_KIOSK_LOG_FORMAT": log_format})
    setup_logging(config, environ={}, stream=captured.out)
    # Kivy's own mode would take the root logger and stderr over, without the filter.
    assert os.environ["KIVY_LOG_MODE"] == "PYTHON"
    try:
        raise KeyError(TYPED)
    except KeyError as e:
        logging.getLogger("kiosk.client").exception("look-up failed: %s", e)  # noqa: TRY401
    logging.getLogger("kiosk.outbox").info("outbox: deleted %d event(s)", 2)
    text = captured.getvalue()
    assert "ERROR kiosk.client: look-up failed: KeyError: " + WITHHELD in text
    assert "Traceback" in text and "INFO kiosk.outbox: outbox: deleted 2 event(s)" in text
    assert FIRST not in text and LAST not in text
    if log_format == "json":
        assert [r["logger"] for r in captured.records()] == ["kiosk.client", "kiosk.outbox"]


def test_uvicorns_own_config_can_still_be_wrapped():
    config = with_privacy(LOGGING_CONFIG)
    assert all("privacy" in handler["filters"] for handler in config["handlers"].values())
    assert config["root"]["level"] == "WARNING"
