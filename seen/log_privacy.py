"""A logging filter that keeps request data and patient text out of log records.

Python prints no frame locals in a traceback, so what can leak is text: an exception's
message (pydantic and json errors quote the value they refused, a KeyError its key),
an exception passed as a log argument, and a URL's query string in an access line.
The filter keeps the traceback's shape (files, lines, code) and each exception's type,
withholds the messages, and cuts query strings. Messages of OS and SQLite errors are
kept: they describe the machine ("Too many open files", "database is locked"), never
what someone typed. Stdlib only, so the kiosk can use it too.
"""

from __future__ import annotations

import copy
import logging
import sqlite3
import traceback

WITHHELD = "(message withheld: it may hold what was sent)"
# Errors whose text is about the machine, not about the data being handled. A class of
# our own whose messages are built only from such facts says so with `safe_to_log = True`.
SAFE_MESSAGES: tuple[type[BaseException], ...] = (OSError, sqlite3.Error)
_DONE = "_seen_private"
_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def describe(exc: BaseException) -> str:
    """`module.Type: message` for a safe error, `module.Type: (message withheld…)` otherwise."""
    kind = type(exc)
    name = (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
    if isinstance(exc, SAFE_MESSAGES) or getattr(type(exc), "safe_to_log", False) is True:
        return f"{name}: {exc}"
    return f"{name}: {WITHHELD}"


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The exception and those before it, oldest first, each with the line printed before it."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # a loop, not recursion
        seen.add(id(current))
        if current.__cause__ is not None:
            older, joint = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            older, joint = current.__context__, _CONTEXT
        else:
            older, joint = None, ""
        chain.append((current, joint if older is not None and id(older) not in seen else ""))
        current = older
    chain.reverse()
    return chain


def safe_traceback(exc: BaseException) -> str:
    """The traceback as Python prints it, with every unsafe exception message withheld."""
    parts: list[str] = []
    for item, joint in _chain(exc):
        parts.append(joint)
        if item.__traceback__ is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_list(traceback.extract_tb(item.__traceback__)))
        parts.append(describe(item) + "\n")
    return "".join(parts).rstrip("\n")


def _without_query(path: object) -> object:
    if isinstance(path, str) and "?" in path:
        return path.split("?", 1)[0] + "?…"
    return path


def _safe_arg(arg: object) -> object:
    return describe(arg) if isinstance(arg, BaseException) else arg


class PrivacyFilter(logging.Filter):
    """Rewrites each record in place (never drops one) so it holds no request data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, _DONE, False):
            return True
        setattr(record, _DONE, True)
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = safe_traceback(record.exc_info[1])
        elif record.exc_text:
            record.exc_text = f"(traceback withheld: {WITHHELD})"
        record.exc_info = None
        if isinstance(record.msg, BaseException):
            record.msg = describe(record.msg)
        if isinstance(record.args, tuple):
            args = [_safe_arg(arg) for arg in record.args]
            # uvicorn's access line: (client, method, path with query, version, status).
            if record.name == "uvicorn.access" and len(args) >= 3:
                args[2] = _without_query(args[2])
            record.args = tuple(args)
        elif isinstance(record.args, dict):
            record.args = {key: _safe_arg(value) for key, value in record.args.items()}
        return True


def with_privacy(config: dict) -> dict:
    """A copy of a `logging.config.dictConfig` dict whose every handler has the filter.

    The root logger (where the app's own loggers, asyncio and the rest propagate) gets
    the first handler too, at WARNING, instead of Python's unfiltered last resort.
    """
    config = copy.deepcopy(config)
    config.setdefault("filters", {})["privacy"] = {"()": PrivacyFilter}
    handlers = config.setdefault("handlers", {})
    for handler in handlers.values():
        handler["filters"] = [*handler.get("filters", []), "privacy"]
    if handlers and "root" not in config:
        config["root"] = {"handlers": [next(iter(handlers))], "level": "WARNING"}
    return config


def install(logger: logging.Logger | None = None) -> PrivacyFilter:
    """Add the filter to every handler of `logger` (the root logger by default)."""
    privacy = PrivacyFilter()
    target = logger or logging.getLogger()
    for handler in target.handlers:
        handler.addFilter(privacy)
    if logging.lastResort is not None:
        logging.lastResort.addFilter(privacy)
    return privacy
