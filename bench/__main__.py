"""`python -m bench [NAME ...] [--tiny] [--no-write]`: run benchmarks, print one table.

With no NAME every benchmark runs. Each benchmark's table (and the machine it ran on) replaces its
results block in docs/performance.md unless --tiny or --no-write is given.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from datetime import UTC, datetime

from bench.common import REPO, BenchError, Row, machine
from bench.report import text_table, write_results

BENCHMARKS = (
    "alert_latency",
    "capacity",
    "kiosk_ui",
    "lobby_latency",
    "receipt",
    "stalled_sockets",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="tiny sizes, to check the harness works (figures mean nothing)",
    )
    parser.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = args.names or list(BENCHMARKS)
    described = machine()
    rows: list[Row] = []
    per_bench: dict[str, tuple[list[Row], float]] = {}
    failed = []
    started = time.monotonic()
    for name in names:
        print(f"bench: running {name} ...", file=sys.stderr, flush=True)
        t0 = time.monotonic()
        try:
            got = importlib.import_module(f"bench.{name}").run(tiny=args.tiny)
        except BenchError as e:
            failed.append(f"{name}: {e}")
            got = [Row(name, f"FAILED: {e}", "", met=False)]
        rows += got
        per_bench[name] = (got, time.monotonic() - t0)
        print(f"bench: {name} took {per_bench[name][1]:.0f} s", file=sys.stderr, flush=True)
    print(text_table(rows))
    total = time.monotonic() - started
    print(f"\n{len(rows)} figures in {total:.0f} s on {described}")
    if not (args.tiny or args.no_write):
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        for name, (got, took) in per_bench.items():
            header = f"`python -m bench {name}` at {when}, {took:.0f} s, on {described}."
            write_results(REPO / "docs" / "performance.md", name, got, header)
    for failure in failed:
        print(f"bench: FAILED {failure}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
