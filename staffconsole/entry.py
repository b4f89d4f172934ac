"""The `staffconsole` command: a clear line, not a traceback, when the console extra is missing."""

from __future__ import annotations

import sys

from seen import extras


def main(argv: list[str] | None = None) -> int:
    absent = extras.missing("console")
    if absent:
        print(extras.message("staffconsole", "console", absent), file=sys.stderr)
        return 2
    from staffconsole.cli import main as run  # needs the extra: imported only once checked

    return run(argv)
