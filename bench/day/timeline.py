"""From what the day recorded to what bench.day.unseen measures. Pure.

The driver gathers three records, all in wall-clock seconds: each desk page's observer log
(rows `[t, what, alert_id, on]`: `what` is "card" for an alert card entering or leaving
the viewport, "lock" for the lock screen showing or going, "visible" for the page being
shown or hidden), the kiosks' journals (bench.day.kiosk) and the server's alerts. Here
they become sightings and needs in seconds since opening (real × speed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.day.unseen import (
    DEADLINE,
    HANDOFF,
    LOCK_COUNT,
    LONG_WAIT,
    VIEWPORT,
    Need,
    Raised,
    Sighting,
)


@dataclass(frozen=True)
class Clock:
    """Wall-clock seconds at opening, and simulated seconds per real one."""

    t0: float
    speed: float

    def sim(self, t: float) -> float:
        return (t - self.t0) * self.speed

    def real(self, sim_s: float) -> float:
        return self.t0 + sim_s / self.speed


@dataclass(frozen=True)
class AlertRecord:
    id: str
    patient: str | None  # None: a device alert or one for nobody we know
    opened: float  # wall clock
    closed: float | None  # resolved, wall clock; None: still open at the end


def on_spans(toggles: Iterable[tuple[float, bool]], end: float) -> list[tuple[float, float]]:
    """[(t, on)] in time order → the spans it was on (one still on closes at `end`)."""
    spans, since = [], None
    for t, on in toggles:
        if on and since is None:
            since = t
        elif not on and since is not None:
            if t > since:
                spans.append((since, t))
            since = None
    if since is not None and end > since:
        spans.append((since, end))
    return spans


def intersect(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> list:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if e > s:
                out.append((s, e))
    return sorted(out)


def sightings(
    log: Sequence[Sequence],
    desk: int,
    alerts: Mapping[str, AlertRecord],
    clock: Clock,
    end: float,
) -> list[Sighting]:
    """One desk's observer log → its sightings of patients' alerts, in simulated seconds.
    A card counts while in the viewport and the page visible; the lock screen's count
    stands for every alert open meanwhile."""
    rows = sorted(log, key=lambda r: r[0])
    visible = on_spans(((r[0], bool(r[3])) for r in rows if r[1] == "visible"), end)
    locked = intersect(on_spans(((r[0], bool(r[3])) for r in rows if r[1] == "lock"), end), visible)
    cards: dict[str, list[tuple[float, bool]]] = {}
    for t, what, alert, on in rows:
        if what == "card" and alert is not None:
            cards.setdefault(str(alert), []).append((t, bool(on)))
    out = []
    for alert, toggles in cards.items():
        record = alerts.get(alert)
        if record is None or record.patient is None:
            continue
        for s, e in intersect(on_spans(toggles, end), visible):
            out.append(Sighting(record.patient, desk, clock.sim(s), clock.sim(e), VIEWPORT))
    for record in alerts.values():
        if record.patient is None:
            continue
        open_span = [(record.opened, record.closed if record.closed is not None else end)]
        for s, e in intersect(locked, open_span):
            out.append(Sighting(record.patient, desk, clock.sim(s), clock.sim(e), LOCK_COUNT))
    return out


def raised(alerts: Iterable[AlertRecord], clock: Clock) -> list[Raised]:
    return [Raised(a.id, a.patient, clock.sim(a.opened)) for a in alerts]


def needs(
    journal: Sequence[Mapping],
    clock: Clock,
    *,
    deadline_s: float,
    long_wait_s: float,
    waits: Mapping[str, tuple[float, float | None]],
) -> list[Need]:
    """Ground truth, not the server's word. `journal`: the kiosks' entries in time order
    (bench.day.kiosk); a hand-off screen is a hand-off need. A session a kiosk reboot cut
    (the kiosk booted again with it unfinished) is a deadline need `deadline_s`
    (simulated) after its last step. `waits`: per patient checked in, (wait start, called
    in or None), wall clock: still waiting `long_wait_s` (simulated) after the start is a
    long-wait need."""
    out = []
    open_session: dict[str, tuple[str, float]] = {}  # kiosk -> (patient, last step)
    for e in journal:
        kind, kiosk = e.get("e"), e.get("kiosk")
        if kind == "handoff":
            out.append(Need(e["patient"], clock.sim(e["t"]), HANDOFF))
            open_session.pop(kiosk, None)
        elif kind in ("begin", "screen", "start"):
            open_session[kiosk] = (e["patient"], e["t"])
        elif kind in ("done", "welcome"):
            open_session.pop(kiosk, None)
        elif kind == "boot" and kiosk in open_session:
            patient, last = open_session.pop(kiosk)
            out.append(Need(patient, clock.sim(last) + deadline_s, DEADLINE))
    for patient, (start, called) in waits.items():
        due = clock.sim(start) + long_wait_s
        if called is None or clock.sim(called) > due:
            out.append(Need(patient, due, LONG_WAIT))
    return sorted(out, key=lambda n: (n.at_s, n.patient))
