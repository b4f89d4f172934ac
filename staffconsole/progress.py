"""A one-line text progress bar for long imports, redrawn in place on a terminal's stderr."""

from __future__ import annotations

from typing import TextIO

WIDTH = 30


def bar(done: int, total: int, width: int = WIDTH) -> str:
    """`[##########----------]  50%  500/1000` (pure, so it is tested as text)."""
    total = max(total, done, 1)
    filled = width * done // total
    return f"[{'#' * filled}{'-' * (width - filled)}] {100 * done // total:3d}%  {done}/{total}"


class ProgressBar:
    """Call with (done, total) per item; draws at most once per percent, then `finish()`."""

    def __init__(self, stream: TextIO, label: str = "records"):
        self.stream = stream
        self.label = label
        self._shown = -1
        self._last = ""

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, done, 1)
        if percent == self._shown:
            return
        self._shown = percent
        self._last = bar(done, total)
        self.stream.write(f"\r{self._last} {self.label}")
        self.stream.flush()

    def finish(self) -> None:
        if self._shown >= 0:
            self.stream.write("\n")
            self.stream.flush()
