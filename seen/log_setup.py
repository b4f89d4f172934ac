"""The one logging set-up of server and kiosk: every line names its logger, INFO is kept,
text or JSON lines, journald priorities, and the privacy filter on every handler.

Under systemd, stderr goes to the journal and systemd sets JOURNAL_STREAM to the
`device:inode` of that stream. When stderr is that stream, each line starts with the
syslog priority in angle brackets (`<3>` error, `<4>` warning, `<6>` info), which journald
reads as the entry's priority and strips; journald stamps the time itself, so the text
format leaves it out there. A traceback's every line carries the prefix, since journald
makes one entry per line. Stdlib only, so the kiosk uses it as the server does.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TextIO

from seen.log_privacy import with_privacy

LOG_FORMATS = ("text", "json")  # the log_format setting of both roles
LEVEL = "INFO"
# The loggers uvicorn configures for itself; here they go through the one handler.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
# Libraries whose INFO is about their own machinery (every connection), not the clinic's.
QUIET_LOGGERS = ("urllib3", "asyncio", "multipart", "httpx")


def priority(levelno: int) -> int:
    """The syslog priority of a logging level (RFC 5424 severities)."""
    if levelno >= logging.CRITICAL:
        return 2
    if levelno >= logging.ERROR:
        return 3
    if levelno >= logging.WARNING:
        return 4
    if levelno >= logging.INFO:
        return 6
    return 7


def to_journal(environ: Mapping[str, str] = os.environ, stream: TextIO | None = None) -> bool:
    """True when `stream` (stderr by default) is the journal stream systemd names."""
    named = environ.get("JOURNAL_STREAM", "")
    device, _, inode = named.partition(":")
    if not (device.isdigit() and inode.isdigit()):
        return False
    try:
        stat = os.fstat((stream or sys.stderr).fileno())
    except (AttributeError, OSError, ValueError):  # no file behind it (a test's buffer)
        return False
    return (stat.st_dev, stat.st_ino) == (int(device), int(inode))


class _Lines(logging.Formatter):
    """A record as one or more lines, each with the journal priority when asked."""

    def __init__(self, journal: bool = False) -> None:
        super().__init__()
        self.journal = journal

    def body(self, record: logging.LogRecord) -> str:
        raise NotImplementedError

    def format(self, record: logging.LogRecord) -> str:
        text = self.body(record)
        if not self.journal:
            return text
        prefix = f"<{priority(record.levelno)}>"
        return "\n".join(prefix + line for line in text.split("\n"))


class TextFormatter(_Lines):
    """`2026-12-03 10:30:00,123 WARNING kiosk.sender: message` (no time in the journal)."""

    def body(self, record: logging.LogRecord) -> str:
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        if not self.journal:
            line = f"{self.formatTime(record)} {line}"
        if record.exc_text:  # set by the privacy filter, already safe
            line += "\n" + record.exc_text
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(_Lines):
    """One JSON object per record: time (UTC), level, logger, message, and exc if any."""

    def body(self, record: logging.LogRecord) -> str:
        fields = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            fields["exc"] = record.exc_text
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        return json.dumps(fields, ensure_ascii=False)


def config(
    log_format: str = "text",
    environ: Mapping[str, str] = os.environ,
    stream: TextIO | None = None,
    level: str = LEVEL,
) -> dict:
    """A `logging.config.dictConfig` dict: one stderr handler (or `stream`) for the root
    logger and uvicorn's, in the given format, every handler with the privacy filter."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log_format must be one of {', '.join(LOG_FORMATS)}")
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    journal = to_journal(environ, stream)
    base = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"seen": {"()": formatter, "journal": journal}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "seen"}},
        "loggers": {
            **{
                name: {"handlers": ["stderr"], "level": level, "propagate": False}
                for name in UVICORN_LOGGERS
            },
            **{name: {"level": "WARNING"} for name in QUIET_LOGGERS},
        },
        "root": {"handlers": ["stderr"], "level": level},
    }
    made = with_privacy(base)
    # The stream is set after with_privacy's deep copy: a stream is not to be copied.
    made["handlers"]["stderr"]["stream"] = stream if stream is not None else "ext://sys.stderr"
    return made


def configure(
    log_format: str = "text",
    environ: Mapping[str, str] = os.environ,
    stream: TextIO | None = None,
    level: str = LEVEL,
) -> None:
    """Apply `config(...)` to this process's logging (the kiosk; uvicorn applies its own)."""
    logging.config.dictConfig(config(log_format, environ, stream, level))
