"""Unseen seconds, the headline figure of the clinic day: for every patient who needed a
person, the time from that moment until an alert for them was in front of a person.

Pure: the driver records a timeline (needs, sightings, acknowledgements, chimes, alerts
raised) in seconds since opening, with each desk's absences as they were played, and
this module measures it. The baseline desk (a flow board polled every 20 s, no sound,
no escalation) is measured by the same code from the same needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.day.plan import AWAY, HOUR, Interval

HANDOFF = "handoff"  # the kiosk handed the patient to a person
DEADLINE = "deadline"  # a session went quiet past its deadline (Still there? unanswered)
LONG_WAIT = "long_wait"  # waiting longer than long_wait_min
NEED_KINDS = (HANDOFF, DEADLINE, LONG_WAIT)

VIEWPORT = "viewport"  # the alert's card inside the viewport of a visible, unlocked page
LOCK_COUNT = "lock_count"  # the locked page's count, which includes this alert


@dataclass(frozen=True)
class Need:
    patient: str
    at_s: float
    why: str  # one of NEED_KINDS


@dataclass(frozen=True)
class Sighting:
    """An alert for `patient` shown on desk `desk`'s page during [start_s, end_s), the page
    visible (not hidden behind another tab or window). It counts only while that desk's
    person is there, and only if its sound played when the rules said it should."""

    patient: str
    desk: int
    start_s: float
    end_s: float
    via: str = VIEWPORT
    sound_due: bool = False
    sound_played: bool = False

    @property
    def counts(self) -> bool:
        return self.sound_played or not self.sound_due


@dataclass(frozen=True)
class Ack:
    patient: str
    desk: int
    at_s: float


@dataclass(frozen=True)
class Raised:
    """An alert the server raised about a patient (None: it names no patient at all).
    Device alerts (a kiosk offline, the printer) are not patients' and are left out."""

    alert: str
    patient: str | None
    at_s: float


@dataclass(frozen=True)
class Figures:
    unseen_s: dict[str, float]  # per patient who needed a person
    max_s: float
    p95_s: float
    sum_s: float
    never_seen: tuple[str, ...]  # patients with a need no one ever saw (must be none)
    needs: int
    ack_p50_s: float | None
    ack_p95_s: float | None
    ack_max_s: float | None
    unacknowledged: int  # needs with no acknowledgement after them
    chimes_per_hour: float
    false_alerts: int  # in the day


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


def minus(
    span: tuple[float, float], holes: Iterable[tuple[float, float]]
) -> list[tuple[float, float]]:
    """`span` with the `holes` cut out, as non-empty half-open pieces in order."""
    pieces = [span]
    for hole_start, hole_end in holes:
        cut = []
        for start, end in pieces:
            if hole_end <= start or hole_start >= end:
                cut.append((start, end))
                continue
            if start < hole_start:
                cut.append((start, hole_start))
            if hole_end < end:
                cut.append((hole_end, end))
        pieces = cut
    return [(s, e) for s, e in pieces if e > s]


def union_length(spans: Iterable[tuple[float, float]]) -> float:
    total, reach = 0.0, -math.inf
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def answered(
    absences: Sequence[Interval], chimes_s: Sequence[float], turn_s: float = 5.0
) -> list[tuple[float, float]]:
    """A desk's absences as played: a chime while its person looks away brings them back
    `turn_s` later; at lunch nobody hears it. (The baseline desk has no chimes.)"""
    out = []
    for a in absences:
        end = a.end_s
        if a.kind == AWAY:
            rung = [t for t in chimes_s if a.start_s <= t < a.end_s]
            if rung:
                end = min(end, rung[0] + turn_s)
        out.append((a.start_s, end))
    return out


def first_seen(at_s: float, seen: Iterable[tuple[float, float]]) -> float | None:
    """The first moment at or after `at_s` inside any of the `seen` spans."""
    moments = [max(start, at_s) for start, end in seen if end > at_s]
    return min(moments, default=None)


def seen_spans(
    sightings: Iterable[Sighting], absent: Mapping[int, Sequence[tuple[float, float]]]
) -> dict[str, list[tuple[float, float]]]:
    """Per patient, when an alert for them was before a person who was there."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for s in sightings:
        if s.counts:
            pieces = minus((s.start_s, s.end_s), absent.get(s.desk, ()))
            spans.setdefault(s.patient, []).extend(pieces)
    return spans


def measure(
    needs: Sequence[Need],
    sightings: Iterable[Sighting],
    absent: Mapping[int, Sequence[tuple[float, float]]],
    day_s: float,
    *,
    acks: Sequence[Ack] = (),
    chimes_s: Sequence[float] = (),
    raised: Sequence[Raised] = (),
) -> Figures:
    """The day's figures. A need never seen counts as unseen until the day ends. Needs of
    one patient that overlap count their unseen time once (the union)."""
    spans = seen_spans(sightings, absent)
    unseen: dict[str, list[tuple[float, float]]] = {}
    never: set[str] = set()
    to_ack = []
    unacknowledged = 0
    for need in needs:
        seen_at = first_seen(need.at_s, spans.get(need.patient, ()))
        if seen_at is None:
            never.add(need.patient)
        unseen.setdefault(need.patient, []).append(
            (need.at_s, day_s if seen_at is None else seen_at)
        )
        acked = [a.at_s for a in acks if a.patient == need.patient and a.at_s >= need.at_s]
        if acked:
            to_ack.append(min(acked) - need.at_s)
        else:
            unacknowledged += 1
    per_patient = {patient: union_length(s) for patient, s in unseen.items()}
    values = list(per_patient.values())
    needing = {n.patient for n in needs}
    return Figures(
        unseen_s=per_patient,
        max_s=max(values, default=0.0),
        p95_s=percentile(values, 95),
        sum_s=sum(values),
        never_seen=tuple(sorted(never)),
        needs=len(needs),
        ack_p50_s=percentile(to_ack, 50) if to_ack else None,
        ack_p95_s=percentile(to_ack, 95) if to_ack else None,
        ack_max_s=max(to_ack, default=None),
        unacknowledged=unacknowledged,
        chimes_per_hour=len(chimes_s) / (day_s / HOUR),
        false_alerts=sum(1 for r in raised if r.patient is None or r.patient not in needing),
    )


def baseline(
    needs: Sequence[Need],
    absent: Mapping[int, Sequence[tuple[float, float]]],
    day_s: float,
    poll_s: float = 20.0,
) -> Figures:
    """The same needs at a desk whose board refreshes every `poll_s` (from opening) and
    then shows the patient all day, with no sound and no escalation: seen at the first
    refresh after the need when a person is at some desk. `absent` names every desk, so
    pass the plan's absences, not the ones chimes cut short."""
    sightings = [
        Sighting(need.patient, desk, math.ceil(need.at_s / poll_s) * poll_s, day_s)
        for need in needs
        for desk in absent
    ]
    return measure(needs, sightings, absent, day_s)


def ratio(ours: float, theirs: float) -> float:
    """How many times the baseline's figure is ours (inf when ours is 0 and theirs not)."""
    if ours == 0:
        return 1.0 if theirs == 0 else math.inf
    return theirs / ours
