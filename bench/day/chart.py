"""The day's chart: unseen seconds of each need over the day, ours against the polling
baseline, as a small SVG. Pure: numbers in, SVG text out (no fonts or files needed)."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 24, 32
OURS, THEIRS = "#1f6feb", "#d29922"


def _nice_top(value: float) -> float:
    """The y axis' top: 10, 20, 50, 100, ... at or above `value`."""
    top = 10.0
    while top < value:
        for step in (2, 2.5, 2):
            top *= step
            if top >= value:
                break
    return top


def svg(
    ours: Sequence[tuple[float, float]],
    theirs: Sequence[tuple[float, float]],
    day_s: float,
    opens_h: float = 8.0,
    title: str = "Unseen seconds per need over the day",
) -> str:
    """`ours`, `theirs`: (moment of the need, its unseen seconds), moments in seconds
    since opening. One dot per need; the x axis is the clinic's clock hour."""
    if day_s <= 0:
        raise ValueError("day_s must be positive")
    top = _nice_top(max([u for _, u in (*ours, *theirs)], default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + plot_w * min(max(t, 0.0), day_s) / day_s

    def y(u: float) -> float:
        return TOP + plot_h * (1 - min(max(u, 0.0), top) / top)

    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">'
        ),
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="14">{escape(title)}</text>',
    ]
    for i in range(5):
        u = top * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(u):.1f}" y2="{y(u):.1f}" '
            'stroke="#dddddd"/>'
        )
        parts.append(f'<text x="{LEFT - 4}" y="{y(u) + 4:.1f}" text-anchor="end">{u:g} s</text>')
    hours = int(day_s // 3600)
    for h in range(hours + 1):
        px = x(h * 3600.0)
        parts.append(
            f'<text x="{px:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
            f"{int(opens_h + h) % 24:02d}:00</text>"
        )
    for points, colour, r in ((theirs, THEIRS, 2.5), (ours, OURS, 2.5)):
        for t, u in points:
            parts.append(f'<circle cx="{x(t):.1f}" cy="{y(u):.1f}" r="{r}" fill="{colour}"/>')
    legend_y = HEIGHT - 6
    parts.append(f'<circle cx="{LEFT + 4}" cy="{legend_y - 4}" r="3" fill="{OURS}"/>')
    parts.append(f'<text x="{LEFT + 12}" y="{legend_y}">Seen (live console)</text>')
    parts.append(f'<circle cx="{LEFT + 164}" cy="{legend_y - 4}" r="3" fill="{THEIRS}"/>')
    parts.append(f'<text x="{LEFT + 172}" y="{legend_y}">baseline (board polled every 20 s)</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
