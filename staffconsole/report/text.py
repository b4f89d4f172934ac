"""The report's figures as plain text for `staffconsole report` (pure)."""

from __future__ import annotations


def _minutes(value) -> str:
    return "-" if value is None else f"{value:g} min"


def _list(title: str, items: list[dict]) -> list[str]:
    lines = [f"{title}:"]
    if not items:
        return lines + ["  none"]
    width = max(len(str(item["label"])) for item in items)
    return lines + [f"  {item['label']!s:<{width}}  {item['count']:>5}" for item in items]


def render(figures: dict) -> str:
    s, h, w = figures["sessions"], figures["handoffs"], figures["waits"]
    r, lw, p = figures["response"], figures["long_waits"], figures["printer"]
    pct = "" if s["completed_pct"] is None else f" ({s['completed_pct']}% at the kiosk)"
    lines = [
        f"Seen report {figures['period']['from']} to {figures['period']['to']}",
        "",
        (
            f"Kiosk check-ins: {s['total']} started; {s['completed']} completed at the kiosk, "
            f"{s['handed_off']} handed to a person, {s['abandoned']} started over or left untouched, "
            f"{s['unfinished']} without an outcome{pct}"
        ),
        f"Hand-offs: {h['total']}",
        "",
        "Top causes:",
    ]
    if not figures["causes"]:
        lines.append("  none")
    for cause in figures["causes"]:
        lines.append(f"  {cause['count']:>4}  {cause['label']}: {cause['advice']}")
    lines.append("")
    lines += _list("Hand-offs by reason", h["by_reason"])
    lines += _list("Hand-offs by step reached", h["by_step"])
    lines += _list("Hand-offs by kiosk", h["by_kiosk"])
    lines += _list("Hand-offs by hour", [i for i in h["by_hour"] if i["count"]])
    lines += _list("Hand-offs by outcome", h["by_outcome"])
    lines += [
        "",
        (
            f"Wait from arrival to called in: {w['count']} called in, median "
            f"{_minutes(w['median_min'])}, 90th percentile {_minutes(w['p90_min'])}; "
            f"{w['not_called']} of {w['arrivals']} arrivals not called in"
        ),
        (
            f"Alert to acknowledgement: median {_minutes(r['acknowledge']['median_min'])}, "
            f"90th percentile {_minutes(r['acknowledge']['p90_min'])} "
            f"({r['acknowledge']['count']} alerts)"
        ),
        (
            f"Alert to resolution: median {_minutes(r['resolve']['median_min'])}, "
            f"90th percentile {_minutes(r['resolve']['p90_min'])} ({r['resolve']['count']} alerts; "
            f"{r['unresolved']} not resolved)"
        ),
        f"Long-wait alerts: {lw['total']}",
    ]
    lines += _list("Long waits ended by", lw["ended"]) if lw["total"] else []
    lines.append(f"Printer faults: {p['total']} ({p['minutes']:g} min out of order)")
    if p["total"]:
        lines += _list("Printer faults by state", p["by_state"])
        lines += _list("Printer faults by kiosk", p["by_kiosk"])
    return "\n".join(lines) + "\n"
