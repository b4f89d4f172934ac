"""Charts as inline SVG text, drawn on the server (no script, no CDN), readable on paper.

Each chart has a <title> and <desc> (named by aria-labelledby) and prints each bar's
number beside it; the page also puts a table of the same numbers next to it. Dark
fills on white survive a black-and-white printer.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_FILL = "#2f4f6f"
ALT_FILL = "#b35c00"
INK = "#111"
LABEL_CHARS = 26


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        ),
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def describe(items: Sequence[dict], unit: str) -> str:
    """The chart's numbers in one sentence, for screen readers: "Help: 3 hand-offs; ..."."""
    if not items:
        return f"No {unit} in this period."
    return "; ".join(f"{item['label']}: {item['count']} {unit}" for item in items) + "."


def bar_chart(chart_id: str, title: str, items: Sequence[dict], unit: str = "") -> str:
    """Horizontal bars, one per item ({label, count}), the count written after each bar."""
    label_w, bar_w, number_w, row_h = 210, 230, 50, 26
    width = label_w + bar_w + number_w
    height = max(1, len(items)) * row_h + 8
    top = max([item["count"] for item in items] + [1])
    parts = _open(chart_id, width, height, title, describe(items, unit))
    if not items:
        parts.append(f'<text x="4" y="20" fill="{INK}" font-size="14">None</text>')
    for i, item in enumerate(items):
        y = 4 + i * row_h
        length = round(bar_w * item["count"] / top)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="{INK}" '
            f'font-size="14">{escape(_short(str(item["label"])))}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length}" height="{row_h - 8}" '
            f'fill="{BAR_FILL}"/>'
        )
        parts.append(
            f'<text x="{label_w + length + 6}" y="{y + 17}" fill="{INK}" '
            f'font-size="14" font-weight="bold">{item["count"]}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def column_chart(chart_id: str, title: str, items: Sequence[dict], unit: str = "") -> str:
    """Vertical columns (hours of the day), the count written above each column."""
    col_w, plot_h, left, bottom = 26, 130, 8, 40
    width = left * 2 + col_w * max(1, len(items))
    height = plot_h + bottom + 20
    top = max([item["count"] for item in items] + [1])
    parts = _open(chart_id, width, height, title, describe(items, unit))
    base = 20 + plot_h
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - left}" y2="{base}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for i, item in enumerate(items):
        x = left + i * col_w
        h = round(plot_h * item["count"] / top)
        parts.append(
            f'<rect x="{x + 3}" y="{base - h}" width="{col_w - 6}" height="{h}" fill="{BAR_FILL}"/>'
        )
        if item["count"]:
            parts.append(
                f'<text x="{x + col_w / 2:g}" y="{base - h - 4}" text-anchor="middle" '
                f'fill="{INK}" font-size="12" font-weight="bold">{item["count"]}</text>'
            )
        parts.append(
            f'<text x="{x + col_w / 2:g}" y="{base + 16}" text-anchor="middle" '
            f'fill="{INK}" font-size="11">{escape(str(item["label"])[:2])}</text>'
        )
    parts.append(
        f'<text x="{width / 2:g}" y="{base + 34}" text-anchor="middle" fill="{INK}" '
        'font-size="12">hour of the day</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def split_bar(
    chart_id: str, title: str, first: tuple[str, int], second: tuple[str, int], unit: str = ""
) -> str:
    """One bar split in two parts (done at the kiosk / needed a person), each part labelled."""
    width, bar_h = 490, 34
    (first_label, a), (second_label, b) = first, second
    total = a + b
    desc = describe([{"label": first_label, "count": a}, {"label": second_label, "count": b}], unit)
    parts = _open(chart_id, width, 80, title, desc)
    if total:
        a_w = round(width * a / total)
        parts.append(f'<rect x="0" y="4" width="{a_w}" height="{bar_h}" fill="{BAR_FILL}"/>')
        parts.append(
            f'<rect x="{a_w}" y="4" width="{width - a_w}" height="{bar_h}" fill="{ALT_FILL}"/>'
        )
    else:
        parts.append(
            f'<rect x="0" y="4" width="{width}" height="{bar_h}" fill="none" stroke="{INK}"/>'
        )
    parts.append(
        f'<text x="0" y="60" fill="{INK}" font-size="14"><tspan fill="{BAR_FILL}">■</tspan> '
        f"{escape(first_label)}: {a}</text>"
    )
    parts.append(
        f'<text x="{width}" y="60" text-anchor="end" fill="{INK}" font-size="14">'
        f'{escape(second_label)}: {b} <tspan fill="{ALT_FILL}">■</tspan></text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)
