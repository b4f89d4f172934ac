"""The one table: printed as text, written as Markdown into docs/performance.md."""

from __future__ import annotations

import re
from pathlib import Path

from bench.common import Row

HEADERS = ("benchmark", "measure", "value", "baseline", "ratio", "target", "met")
BEGIN, END = "<!-- bench:results:{} -->", "<!-- /bench:results:{} -->"


def _cells(row: Row) -> tuple[str, ...]:
    met = "" if row.met is None else "met" if row.met else "NOT MET"
    return (row.bench, row.measure, row.value, row.baseline, row.ratio, row.target, met)


def text_table(rows: list[Row]) -> str:
    cells = [HEADERS] + [_cells(r) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = ["  ".join(c[i].ljust(widths[i]) for i in range(len(HEADERS))).rstrip() for c in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "|" + " --- |" * len(HEADERS)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in _cells(r)) + " |" for r in rows]
    return "\n".join(lines)


def write_results(doc: Path, name: str, rows: list[Row], header: str) -> None:
    """Replace one benchmark's results block in docs/performance.md (a block is added
    at the end when missing); other benchmarks' blocks and the prose stay as they are."""
    begin, end = BEGIN.format(name), END.format(name)
    block = f"{begin}\n{header}\n\n{markdown_table(rows)}\n{end}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Performance\n"
    if begin not in text:
        text = text.rstrip("\n") + f"\n\n{begin}\n{end}\n"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.DOTALL)
    doc.write_text(pattern.sub(lambda _m: block, text), encoding="utf-8")
