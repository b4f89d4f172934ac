"""Codes from a USB barcode/QR scanner, which types like a keyboard and ends with Enter.

Pure: the app feeds it the window's text and Enter keys with a monotonic `now`.
Characters that stop arriving for longer than a scanner would pause are dropped,
so a stray key press is never glued to the next scan.
"""

from __future__ import annotations

MAX_GAP_S = 1.0  # scanners send a whole code in well under a second
MAX_LENGTH = 64


class ScanBuffer:
    """Collects typed characters until Enter; `enter` returns the code (or None)."""

    def __init__(self, max_gap_s: float = MAX_GAP_S) -> None:
        self.max_gap_s = max_gap_s
        self._chars: list[str] = []
        self._last = 0.0

    def feed(self, text: str, now: float) -> None:
        if self._chars and now - self._last > self.max_gap_s:
            self._chars = []
        self._last = now
        self._chars.extend(char for char in text if char.isprintable())
        del self._chars[MAX_LENGTH:]

    def enter(self, now: float) -> str | None:
        stale = now - self._last > self.max_gap_s
        code = "".join(self._chars).strip()
        self._chars = []
        return None if stale or not code else code
