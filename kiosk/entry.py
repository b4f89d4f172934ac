"""The `kiosk` command: a clear line, not a traceback, when the kiosk extra is missing."""

from __future__ import annotations

import sys

from seen import extras


def main(argv: list[str] | None = None) -> int:
    absent = extras.missing("kiosk")
    if absent:
        print(extras.message("kiosk", "kiosk", absent), file=sys.stderr)
        return 2
    from kiosk.cli import main as run  # needs the extra: imported only once checked

    return run(argv)
