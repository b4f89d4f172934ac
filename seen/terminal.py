"""Stored or typed text made safe to print on a terminal: control codes shown, not sent.

A name, username or kiosk text may hold a newline (a forged line in `staffconsole
audit`), an escape sequence (clears the screen, retitles the window) or a bidi override
(shows text reversed). `shown` writes each such character as a visible escape, `\\n`,
`\\x1b`, `\\u202e`, and leaves every other character, so real names print unchanged.
Standard library only: the kiosk and the server both import it.
"""

from __future__ import annotations

import json

_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}

# Bidi embeddings, overrides and isolates, and the line/paragraph separators.
_FORMATTING = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029]


def _escape(code: int) -> str:
    char = chr(code)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# C0 controls, DEL and C1 controls (which include CSI, U+009B, an ESC-[ in one code).
UNSAFE = frozenset([*range(0x20), *range(0x7F, 0xA0), *_FORMATTING])
_TABLE = {code: _escape(code) for code in UNSAFE}
# json.dumps(ensure_ascii=False) escapes only C0; DEL, C1 and bidi would pass raw.
_JSON_TABLE = {code: f"\\u{code:04x}" for code in UNSAFE}


def shown(text: object) -> str:
    """The text with every control, bidi and separator character written as an escape."""
    return str(text).translate(_TABLE)


def shown_all(value):
    """A copy of nested dicts and lists with every string in it (keys too) `shown`."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, dict):
        return {shown_all(k): shown_all(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [shown_all(item) for item in value]
    return value


def shown_lines(text: str) -> str:
    """Multi-line output made safe line by line: its own newlines kept, all else shown."""
    return "\n".join(shown(line) for line in text.split("\n"))


def json_line(value) -> str:
    """One line of JSON, names kept readable, with no raw control or bidi character."""
    return json.dumps(value, ensure_ascii=False).translate(_JSON_TABLE)
