"""A clinic day's plan from a seed: who arrives when and does what, which faults strike,
and when each receptionist is looking. Times are seconds since the clinic opens.

The plan decides only what people and machines do; what the system makes of it (alerts,
sightings) is for the driver to record and for bench.day.unseen to measure.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from bench.day.names import draw_name

HOUR = 3600.0
MINUTE = 60.0


@dataclass(frozen=True)
class Behaviour:
    """One kind of patient in the failure-demand mix."""

    name: str
    share: float  # of the day's patients
    handoff: str | None  # the hand-off reason the kiosk should end with, if any
    what: str


# The mix, after the failure-demand report's causes; shares add up to 1.
BEHAVIOURS = {
    b.name: b
    for b in (
        Behaviour("on_time", 0.55, None, "arrives 0-20 min early, types name and date, done"),
        Behaviour("slow_typist", 0.10, None, "types a key every two seconds; may see Still there?"),
        Behaviour("wrong_dob", 0.06, "no_match", "types a date of birth not the booked one"),
        Behaviour("not_me", 0.03, "not_me", 'is offered an appointment and taps "Not me"'),
        Behaviour("help", 0.05, "help", "taps Help on some screen"),
        Behaviour("walk_in", 0.06, "walk_in", "has no appointment and says so"),
        Behaviour(
            "abandons",
            0.04,
            "timed_out",
            "types part of the check-in, then walks away: Still there? goes unanswered",
        ),
        Behaviour("late", 0.07, None, "arrives 10-40 min after the appointment time"),
        Behaviour("scans_code", 0.04, None, "scans the code from the booking letter"),
    )
}

# Screens an abandoner walks away from (having typed at least a letter on the first).
ABANDON_SCREENS = ("identify_name", "identify_dob", "confirm")


@dataclass(frozen=True)
class Patient:
    index: int
    first: str
    last: str
    dob: str  # as booked, ISO
    appointment_s: float | None  # None for a walk-in
    arrival_s: float
    behaviour: str
    kiosk: int
    typing_s: float  # seconds per key
    typed_dob: str  # what they type (differs from dob for wrong_dob)
    abandons_on: str | None = None

    @property
    def key(self) -> str:
        """How a timeline names this patient (no name in it: logs stay free of them)."""
        return f"p{self.index:04d}"


# Faults: (kind, rate per hour, per kiosk?, duration range in seconds). Rates are what a
# small clinic sees: a Pi restarts about once a day, the paper runs out about once a
# day per kiosk and is changed within minutes, the Wi-Fi drops for seconds a few times.
FAULTS = {
    "kiosk_reboot": (0.11, True, (40.0, 90.0)),
    "paper_out": (0.11, True, (2 * MINUTE, 20 * MINUTE)),
    "network_blip": (0.5, False, (2.0, 60.0)),
}
SERVER_RESTART_S = (3.0, 15.0)  # one per day (an upgrade, a crash): always in the plan


@dataclass(frozen=True)
class Fault:
    kind: str  # a FAULTS key or "server_restart"
    start_s: float
    duration_s: float
    kiosk: int | None = None  # None: the network or the server


AWAY = "away"  # looking at something else; the page stays open, unseen; a chime calls back
LUNCH = "lunch"  # not at the desk: nobody hears the chime
LOCKED = "locked"  # the page's idle lock (its count still shows)


@dataclass(frozen=True)
class Interval:
    kind: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Desk:
    index: int
    seed: str
    intervals: tuple[Interval, ...]  # sorted by start; away and lunch never overlap
    ack_median_s: float
    resolve_median_s: float

    def absences(self) -> list[Interval]:
        return [i for i in self.intervals if i.kind in (AWAY, LUNCH)]

    def reactions(self) -> Iterator[tuple[float, float]]:
        """(seconds to acknowledge once seen, then seconds to resolve), one pair per alert,
        the same sequence for the same seed: human rates, lognormal (most fast, a few slow)."""
        rng = random.Random(f"{self.seed}:reactions")
        while True:
            ack = rng.lognormvariate(math.log(self.ack_median_s), 0.7)
            resolve = rng.lognormvariate(math.log(self.resolve_median_s), 0.8)
            yield ack, resolve


@dataclass(frozen=True)
class DayPlan:
    seed: int
    day: date
    opens_h: float  # local clock hour the clinic opens (8.0: 08:00)
    day_s: float
    kiosks: int
    patients: tuple[Patient, ...]
    faults: tuple[Fault, ...]
    desks: tuple[Desk, ...]
    idle_lock_s: float

    def absences(self) -> dict[int, list[tuple[float, float]]]:
        """Per desk, when nobody is looking, as planned (before any chime calls them back)."""
        return {d.index: [(a.start_s, a.end_s) for a in d.absences()] for d in self.desks}


def _quota(n: int) -> list[str]:
    """Exactly round(share * n) of each behaviour (largest remainders), so every seed
    gets the same mix and only who and when change."""
    raw = {name: b.share * n for name, b in BEHAVIOURS.items()}
    counts = {name: int(v) for name, v in raw.items()}
    by_remainder = sorted(raw, key=lambda name: raw[name] - counts[name], reverse=True)
    for name in by_remainder[: n - sum(counts.values())]:
        counts[name] += 1
    return [name for name, c in counts.items() for _ in range(c)]


def _dob(rng: random.Random) -> date:
    return date(1930, 1, 1) + timedelta(days=rng.randrange(365 * 94))


def _wrong(dob: date, rng: random.Random) -> date:
    """A date of birth as people mistype it: day and month swapped, or a year off."""
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.5:
        return dob.replace(month=dob.day, day=dob.month)
    try:
        return dob.replace(year=dob.year + rng.choice((-1, 1)))
    except ValueError:  # 29 February
        return dob - timedelta(days=1)


def _patients(rng: random.Random, n: int, day_s: float, kiosks: int) -> list[Patient]:
    behaviours = _quota(n)
    rng.shuffle(behaviours)
    taken: set[tuple[str, str, date]] = set()
    out = []
    for i, behaviour in enumerate(behaviours):
        first, last = draw_name(rng)
        dob = _dob(rng)
        while (first, last, dob) in taken:
            dob = _dob(rng)
        taken.add((first, last, dob))
        # Appointments on the 5-minute grid, from 15 min after opening to 30 before closing.
        appointment = 15 * MINUTE + 5 * MINUTE * rng.randrange(int((day_s - 45 * MINUTE) // 300))
        if behaviour == "walk_in":
            appointment, arrival = None, rng.uniform(0.0, day_s - 30 * MINUTE)
        elif behaviour == "late":
            arrival = appointment + rng.uniform(10 * MINUTE, 40 * MINUTE)
        else:
            arrival = appointment - rng.triangular(0.0, 20 * MINUTE, 8 * MINUTE)
        typed = _wrong(dob, rng) if behaviour == "wrong_dob" else dob
        out.append(
            Patient(
                index=i,
                first=first,
                last=last,
                dob=dob.isoformat(),
                appointment_s=appointment,
                arrival_s=min(max(arrival, 0.0), day_s - 1.0),
                behaviour=behaviour,
                kiosk=rng.randrange(kiosks),
                typing_s=2.0 if behaviour == "slow_typist" else rng.uniform(0.25, 0.6),
                typed_dob=typed.isoformat(),
                abandons_on=rng.choice(ABANDON_SCREENS) if behaviour == "abandons" else None,
            )
        )
    return sorted(out, key=lambda p: (p.arrival_s, p.index))


def _poisson_times(rng: random.Random, per_hour: float, day_s: float) -> list[float]:
    times, t = [], rng.expovariate(per_hour / HOUR)
    while t < day_s:
        times.append(t)
        t += rng.expovariate(per_hour / HOUR)
    return times


def _faults(rng: random.Random, day_s: float, kiosks: int) -> list[Fault]:
    out = []
    for kind, (per_hour, per_kiosk, (low, high)) in FAULTS.items():
        for kiosk in range(kiosks) if per_kiosk else [None]:
            for t in _poisson_times(rng, per_hour, day_s):
                out.append(Fault(kind, t, min(rng.uniform(low, high), day_s - t), kiosk))
    start = rng.uniform(HOUR, day_s - HOUR)
    out.append(Fault("server_restart", start, rng.uniform(*SERVER_RESTART_S)))
    return sorted(out, key=lambda f: (f.start_s, f.kind, f.kiosk or 0))


def _desk(seed: int, index: int, day_s: float, lunch: Interval, idle_lock_s: float) -> Desk:
    """Looks away about four times an hour for a couple of minutes (now and then for a
    quarter of an hour: the page locks), and takes lunch."""
    name = f"{seed}:desk:{index}"
    rng = random.Random(name)
    absences = [lunch]
    t = 0.0
    while True:
        t += rng.expovariate(4.0 / HOUR)
        length = min(rng.lognormvariate(math.log(2 * MINUTE), 0.9), 25 * MINUTE)
        if t >= day_s:
            break
        end = min(t + length, day_s)
        if end > lunch.start_s and t < lunch.end_s:  # no glancing away at lunch
            t = lunch.end_s
            continue
        absences.append(Interval(AWAY, t, end))
        t = end
    locks = [
        Interval(LOCKED, a.start_s + idle_lock_s, a.end_s)
        for a in absences
        if a.end_s - a.start_s > idle_lock_s
    ]
    intervals = sorted(absences + locks, key=lambda i: (i.start_s, i.kind))
    return Desk(
        index=index,
        seed=name,
        intervals=tuple(intervals),
        ack_median_s=rng.uniform(8.0, 25.0),
        resolve_median_s=rng.uniform(60.0, 240.0),
    )


def make_plan(
    seed: int,
    *,
    patients: int = 300,
    kiosks: int = 3,
    desks: int = 2,
    day: date = date(2026, 11, 23),
    opens_h: float = 8.0,
    hours: float = 9.0,
    idle_lock_s: float = 15 * MINUTE,
) -> DayPlan:
    """The day for this seed: the same seed gives the same plan, on any machine.
    Lunches are staggered (desk i from 12:00 + 45 min x i, 40 min), so while one desk
    is at lunch it is unwatched and the others cover."""
    day_s = hours * HOUR
    rng = random.Random(seed)
    people = _patients(rng, patients, day_s, kiosks)
    faults = _faults(rng, day_s, kiosks)
    noon = (12.0 - opens_h) * HOUR
    staff = []
    for i in range(desks):
        start = min(noon + i * 45 * MINUTE, day_s - 40 * MINUTE)
        staff.append(
            _desk(seed, i, day_s, Interval(LUNCH, start, start + 40 * MINUTE), idle_lock_s)
        )
    return DayPlan(
        seed=seed,
        day=day,
        opens_h=opens_h,
        day_s=day_s,
        kiosks=kiosks,
        patients=tuple(people),
        faults=tuple(faults),
        desks=tuple(staff),
        idle_lock_s=idle_lock_s,
    )
