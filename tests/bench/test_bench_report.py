"""The bench's own arithmetic and report: nearest-rank percentiles, the table block in
docs/performance.md replaced in place with the prose around it kept."""

from __future__ import annotations

import pytest

from bench.common import BenchError, Row, percentile
from bench.report import BEGIN, END, text_table, write_results


def test_percentile_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(list(reversed(values)), 95) == 95.0
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(BenchError):
        percentile([], 50)


def test_results_block_is_replaced_and_prose_kept(tmp_path):
    doc = tmp_path / "performance.md"
    other = f"{BEGIN.format('receipt')}\nreceipt figures\n{END.format('receipt')}"
    doc.write_text(
        f"# Performance\n\nWhy it is slow.\n\n{BEGIN.format('capacity')}\nold "
        f"figures\n{END.format('capacity')}\n\n{other}\n\nMore.\n"
    )
    rows = [
        Row("capacity", "p99 | 200 kiosks", "12 ms", target="<= 50 ms", met=True),
        Row("capacity", "RSS", "204 MiB", met=False),
    ]
    write_results(doc, "capacity", rows, "Machine: test box.")
    text = doc.read_text()
    assert "old figures" not in text and "Why it is slow." in text and text.endswith("More.\n")
    assert other in text  # another benchmark's block is left alone
    assert "| capacity | p99 / 200 kiosks | 12 ms |  |  | <= 50 ms | met |" in text
    assert "| NOT MET |" in text and "Machine: test box." in text
    write_results(doc, "kiosk_ui", rows[:1], "Machine: test box.")
    assert doc.read_text().rstrip().endswith(END.format("kiosk_ui"))
    table = text_table(rows)
    assert "NOT MET" in table.splitlines()[-1]
