"""The clinic day, driven (issue 20; docs/reliability.md, "The clinic day").

`python -m bench.day.run [--seed N] [--small] [--speed S] [--write-docs]`: a real server
on a SQLite file, one process per kiosk running the real kiosk parts (bench.day.kiosk)
behind a proxy the day cuts, one real Chromium page per desk (bench.day.desk), all fed
the plan of bench.day.plan at `speed` simulated seconds per real one. Faults strike at the
plan's times; desks look away, lunch, come back, acknowledge and resolve through the page.
At the end, what happened becomes needs and sightings (bench.day.timeline) and the
figures of bench.day.unseen, ours and the 20 s polling baseline's. Exit 1 when a patient
was never seen or the day broke.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.common import (
    CHROMIUM,
    CHROMIUM_ARGS,
    REPO,
    BenchError,
    Server,
    machine,
    sign_in,
)
from bench.day import chart, timeline, unseen
from bench.day.desk import DeskPage
from bench.day.plan import AWAY, MINUTE, DayPlan, make_plan
from bench.day.proxy import Proxy

# Opening at 11:00 puts both lunches (from noon, staggered) inside a short day.
SMALL = {"patients": 40, "hours": 2.5, "kiosks": 2, "opens_h": 11.0}
TAIL_S = 15 * MINUTE  # simulated: the day is watched on past closing, for its last needs
DOCS = REPO / "docs"
PROVIDER = -1  # the provider's screen: calls patients in, never looks away, never counted
CALLED_IN = "called_in"
BEGIN, END = "<!-- day-figures -->", "<!-- /day-figures -->"


@dataclass(frozen=True)
class Options:
    seed: int
    small: bool
    speed: float
    write_docs: bool
    workdir: Path | None


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="bench.day.run", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--small", action="store_true", help="40 patients, 2.5 h, 2 kiosks")
    parser.add_argument(
        "--speed", type=float, default=None, help="simulated s per real s (60; small: 50)"
    )
    parser.add_argument("--write-docs", action="store_true", help="figures into docs/")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the run's files here")
    args = parser.parse_args(argv)
    speed = args.speed if args.speed is not None else (50.0 if args.small else 60.0)
    if speed <= 0:
        parser.error(f"--speed must be positive, not {speed}")
    return Options(args.seed, args.small, speed, args.write_docs, args.workdir)


def server_settings(speed: float) -> dict:
    """The server's timers at the day's speed (whole seconds where the setting is an int)."""
    return {
        "session_deadline_s": max(1, round(120 / speed)),
        "escalate_after_s": max(1, round(180 / speed)),
        "ack_timeout_s": max(1, round(600 / speed)),
        "console_absent_s": max(2, round(60 / speed)),
        "watchdog_interval_s": 0.25,
        "heartbeat_interval_s": 0.5,
        "long_wait_min": 15 / speed,
        "console_idle_logoff_min": 15 / speed,
        "resound_s": 60 / speed,
        "checkin_rate_max": 1_000_000,
    }


class Kiosk:
    """One kiosk process; SIGKILLed and started again from the same files on a reboot."""

    def __init__(self, index: int, folder: Path, url: str, token: str, speed: float) -> None:
        self.name = f"k{index}"
        self.url, self.token, self.speed = url, token, speed
        self.journal = folder / f"{self.name}-journal.jsonl"
        self.outbox = folder / f"{self.name}-outbox.db"
        self.log = folder / f"{self.name}.log"
        self.process: subprocess.Popen | None = None
        self.sent: dict[str, str] = {}  # patient key -> its line, until the kiosk began them

    def start(self) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.day.kiosk", "--name", self.name, "--url", self.url,
                 "--token", self.token, "--outbox", str(self.outbox), "--journal",
                 str(self.journal), "--speed", str(self.speed)],
                stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO,
                text=True,
            )  # fmt: skip

    @property
    def up(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, line: str) -> None:
        if self.up:
            try:
                self.process.stdin.write(line + "\n")
                self.process.stdin.flush()
            except (BrokenPipeError, OSError):
                pass

    def patient(self, key: str, data: dict) -> None:
        self.sent[key] = "patient " + json.dumps(data)
        self.send(self.sent[key])

    def kill(self) -> None:
        if self.up:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
            self.process.stdin.close()

    def restart(self, begun: set[str]) -> None:
        """Boot again; patients who had arrived but never began queue up again (they
        were standing in front of a dark screen)."""
        self.start()
        for key, line in list(self.sent.items()):
            if key not in begun:
                self.send(line)

    def stop(self) -> None:
        if self.up:
            self.send("stop")
            try:
                self.process.wait(40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            self.process.stdin.close()


def read_journals(kiosks: list[Kiosk]) -> list[dict]:
    entries = []
    for k in kiosks:
        if k.journal.exists():
            for line in k.journal.read_text(encoding="utf-8").splitlines():
                try:
                    entries.append(json.loads(line))
                except json.JSONDecodeError:
                    pass  # the last line of a killed kiosk, half written
    return sorted(entries, key=lambda e: e["t"])


def book(server: Server, plan: DayPlan, clock: timeline.Clock, workdir: Path) -> dict:
    """Today's appointments at the wall-clock times of the accelerated day."""
    rows, people = [], {}
    for p in plan.patients:
        if p.appointment_s is None:
            continue
        start = datetime.fromtimestamp(clock.real(p.appointment_s)).isoformat(timespec="seconds")
        rows.append((f"day-{p.key}", p.first, p.last, p.dob, start, "Dr. Day"))
    server.import_schedule(rows, workdir)
    db = sqlite3.connect(server.db)
    try:
        for external, appointment, code in db.execute(
            "SELECT external_id, id, code FROM appointments WHERE external_id LIKE 'day-%'"
        ):
            people[external[4:]] = (appointment, code)
    finally:
        db.close()
    return people


def iso_to_wall(text: str | None) -> float | None:
    return None if not text else datetime.fromisoformat(text).timestamp()


def read_alerts(db_path: Path, journal: list[dict]) -> dict[str, timeline.AlertRecord]:
    by_session = {e["session"]: e["patient"] for e in journal if e.get("session")}
    by_arrival = {e["arrival"]: e["patient"] for e in journal if e.get("e") == "done"}
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT id, session_id, data, created_at, resolved_at, acknowledged_at FROM alerts"
        ).fetchall()
    finally:
        db.close()
    out = {}
    for id_, session, data, created, resolved, _acked in rows:
        arrival = json.loads(data or "{}").get("arrival")
        if session is None and arrival is None:
            continue  # a device's alert (kiosk offline, printer), nobody's
        patient = by_session.get(session) if session else by_arrival.get(arrival)
        out[str(id_)] = timeline.AlertRecord(
            str(id_), patient, iso_to_wall(created), iso_to_wall(resolved)
        )
    return out


def read_acks(db_path: Path, alerts: dict, clock: timeline.Clock) -> list[unseen.Ack]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT id, acknowledged_at, resolved_at FROM alerts WHERE acknowledged_at IS NOT "
            "NULL OR resolved_at IS NOT NULL"
        ).fetchall()
    finally:
        db.close()
    acks = []
    for id_, acked, resolved in rows:
        record = alerts.get(str(id_))
        if record is not None and record.patient is not None:
            acks.append(unseen.Ack(record.patient, 0, clock.sim(iso_to_wall(acked or resolved))))
    return acks


class Day:
    """The day in progress: one thread, a queue of timed steps, the desks polled between."""

    def __init__(self, plan: DayPlan, options: Options, workdir: Path) -> None:
        self.plan, self.options, self.workdir = plan, options, workdir
        self.speed = options.speed
        self.steps: list = []
        self.count = itertools.count()
        self.rng = random.Random(f"{plan.seed}:day")
        self.broke: list[str] = []
        self.away_spans: dict[int, list[tuple[float, float]]] = {d.index: [] for d in plan.desks}
        self.away_since: dict[int, tuple[str, float]] = {}
        self.waits: dict[str, list] = {}  # patient -> [wait start, called in or None]
        self.faults_done: list[str] = []

    def at(self, sim_s: float, fn) -> None:
        heapq.heappush(self.steps, (self.clock.real(sim_s), next(self.count), fn))

    def run(self) -> dict:
        self.server = Server(self.workdir, **server_settings(self.speed))
        try:
            return self._run()
        finally:
            self.server.stop()

    def _run(self) -> dict:
        from playwright.sync_api import sync_playwright

        plan, speed, server = self.plan, self.speed, self.server
        server.add_user()
        # Opening: far enough ahead for kiosks and browsers to start.
        self.clock = timeline.Clock(time.time() + 25.0, speed)
        people = book(server, plan, self.clock, self.workdir)
        self.kiosk_proxy = Proxy(server.port)
        self.desk_proxy = Proxy(server.port)
        self.kiosks = []
        for i in range(plan.kiosks):
            token = server.add_kiosk(f"k{i}")
            k = Kiosk(i, self.workdir, self.kiosk_proxy.url, token, speed)
            k.start()
            self.kiosks.append(k)
        with sync_playwright() as pw:
            if not Path(CHROMIUM).exists():
                raise BenchError(f"{CHROMIUM} is missing: run `make system-packages`")
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
            )
            try:
                self.desks = [DeskPage(browser, self.desk_proxy.url, d.index) for d in plan.desks]
                self.provider = DeskPage(browser, self.desk_proxy.url, PROVIDER)
                self._schedule(people)
                self._loop()
                for k in self.kiosks:
                    k.stop()
                self._collect(final=True)
            finally:
                browser.close()
                self.kiosk_proxy.close()
                self.desk_proxy.close()
        return self._figures()

    # -- the plan as timed steps -----------------------------------------------------

    def _schedule(self, people: dict) -> None:
        plan = self.plan
        for p in plan.patients:
            appointment, code = people.get(p.key, (None, None))
            data = {
                "key": p.key, "first": p.first, "last": p.last, "typed_dob": p.typed_dob,
                "behaviour": p.behaviour, "typing_s": p.typing_s, "abandons_on": p.abandons_on,
                "appointment": appointment, "code": code,
            }  # fmt: skip
            self.at(p.arrival_s, lambda p=p, d=data: self.kiosks[p.kiosk].patient(p.key, d))
        for fault in plan.faults:
            self.at(fault.start_s, lambda f=fault: self._fault(f))
        for desk in plan.desks:
            for i in desk.absences():
                self.at(i.start_s, lambda d=desk.index, i=i: self._leave(d, i.kind))
                self.at(i.end_s, lambda d=desk.index, i=i: self._back(d, i.kind))
        self.reactions = {d.index: d.reactions() for d in plan.desks}
        self.pending: dict[int, dict[str, float]] = {d.index: {} for d in plan.desks}
        self.acting: list = []  # (real time, desk, alert, "ack" | "resolve")
        self.end_real = self.clock.real(plan.day_s + TAIL_S)

    def _fault(self, fault) -> None:
        self.faults_done.append(fault.kind)
        real_s = fault.duration_s / self.speed
        if fault.kind == "kiosk_reboot":
            k = self.kiosks[fault.kiosk]
            k.kill()
            self.at(self.clock.sim(time.time()) + fault.duration_s, lambda: self._reboot(k))
        elif fault.kind == "paper_out":
            k = self.kiosks[fault.kiosk]
            k.send("printer paper_out")
            self.at(self.clock.sim(time.time()) + fault.duration_s, lambda: k.send("printer ok"))
        elif fault.kind == "network_blip":
            self.kiosk_proxy.cut(real_s)
        elif fault.kind == "server_restart":
            old = self.server
            old.stop()
            time.sleep(real_s)
            self.server = Server(self.workdir, **server_settings(self.speed))
            self.kiosk_proxy.set_upstream(self.server.port)
            self.desk_proxy.set_upstream(self.server.port)
            old.log_path = self.server.log_path

    def _reboot(self, k: Kiosk) -> None:
        begun = {e["patient"] for e in read_journals([k]) if e.get("e") == "begin"}
        k.restart(begun)

    def _leave(self, desk: int, kind: str) -> None:
        if desk not in self.away_since:
            self.away_since[desk] = (kind, time.time())
            self.desks[desk].set_away(True)

    def _back(self, desk: int, kind: str) -> None:
        left = self.away_since.get(desk)
        if left is None or left[0] != kind:
            return  # already back (a chime called them)
        del self.away_since[desk]
        self.away_spans[desk].append((self.clock.sim(left[1]), self.clock.sim(time.time())))
        self.desks[desk].set_away(False)

    # -- the loop: steps when due, the desks' hands between ----------------------------

    def _loop(self) -> None:
        last_collect = last_nudge = last_chime = 0.0
        while time.time() < self.end_real:
            now = time.time()
            while self.steps and self.steps[0][0] <= now:
                _, _, fn = heapq.heappop(self.steps)
                try:
                    fn()
                except Exception as e:  # noqa: BLE001 - the day goes on; the report says
                    self.broke.append(f"{type(e).__name__}: {str(e)[:200]}")
            if now - last_nudge > 2.0:
                last_nudge = now
                for d in (*self.desks, self.provider):
                    if d.index < 0 or d.index not in self.away_since:
                        self._guard(d, d.nudge, hands=True)
            self._hands(now)
            if now - last_chime > 0.25:  # often: 0.25 real s is 15 simulated s at 60x
                last_chime = now
                self._answer_chimes()
            if now - last_collect > 3.0:
                last_collect = now
                self._collect()
            time.sleep(0.05)

    def _guard(self, desk: DeskPage, action, hands: bool = False):
        """`action` on a page, None if it failed; `hands`: a person is there and
        unlocks the page first (an away one cannot)."""
        try:
            if hands and desk.locked():
                desk.unlock()
            return action()
        except Exception:  # noqa: BLE001 - a page mid-navigation; next round
            try:
                if "/console" not in desk.page.url:
                    sign_in(desk.page, self.desk_proxy.url)
            except Exception:  # noqa: BLE001, S110 - the next round signs in again
                pass
            return None

    def _hands(self, now: float) -> None:
        for desk in self.desks:
            i = desk.index
            if i in self.away_since:
                continue
            cards = self._guard(desk, desk.actionable, hands=True) or []
            for alert, ackable in cards:
                if alert not in self.pending[i]:
                    ack_s, resolve_s = next(self.reactions[i])
                    self.pending[i][alert] = now
                    when = now + (ack_s / self.speed if ackable else 0)
                    self.acting.append((when, i, alert, "ack" if ackable else "resolve"))
                    self.acting.append((when + resolve_s / self.speed, i, alert, "resolve"))
        due = [a for a in self.acting if a[0] <= now]
        self.acting = [a for a in self.acting if a[0] > now]
        for _, i, alert, what in due:
            desk = self.desks[i]
            if i in self.away_since:
                self.pending[i].pop(alert, None)  # gone: they see it again when back
                continue
            act = desk.acknowledge if what == "ack" else desk.resolve
            done = self._guard(desk, lambda act=act, alert=alert: act(alert), hands=True)
            if what == "resolve" and not done:
                self.pending[i].pop(alert, None)

    def _collect(self, final: bool = False) -> None:
        journal = read_journals(self.kiosks)
        for e in journal:
            if e.get("e") == "done" and e["patient"] not in self.waits:
                p = self.by_key[e["patient"]]
                start = max(e["t"], self.clock.real(p.appointment_s or 0.0))
                draw = self.rng.triangular(0, 25 * MINUTE, 6 * MINUTE)
                self.waits[e["patient"]] = [start, None, e["arrival"], start + draw / self.speed]
        now = time.time()
        for wait in self.waits.values():
            if wait[1] is None and wait[3] <= now and not final:
                status = self._guard(
                    self.provider, lambda w=wait: self.provider.call_in(w[2]), hands=True
                )
                if status == 200:
                    wait[1] = now
        for d in self.desks:
            self._guard(d, d.collect_chimes)
            d.log.extend(self._guard(d, d.drain_log) or [])
        self._answer_chimes()
        if final:
            for desk, (kind, since) in list(self.away_since.items()):
                self._back(desk, kind)

    def _answer_chimes(self) -> None:
        """A chime that played while someone looks away brings them back (not at lunch)."""
        for desk, (kind, since) in list(self.away_since.items()):
            if kind != AWAY:
                continue
            d = self.desks[desk]
            self._guard(d, d.collect_chimes)
            if any(c["played"] and c["at"] / 1000 >= since for c in d.chimes.values()):
                self._back(desk, kind)

    @property
    def by_key(self) -> dict:
        return {p.key: p for p in self.plan.patients}

    # -- the figures ------------------------------------------------------------------------

    def _figures(self) -> dict:
        plan, clock = self.plan, self.clock
        journal = read_journals(self.kiosks)
        end = time.time()
        day_s = clock.sim(end)
        alerts = read_alerts(self.server.db, journal)
        sightings = []
        for d in self.desks:
            sightings += timeline.sightings(d.log, d.index, alerts, clock, end)
        waits = {k: (w[0], w[1]) for k, w in self.waits.items()}
        # Called in by the provider: a person has the patient, whatever the console showed.
        sightings += [
            unseen.Sighting(k, PROVIDER, clock.sim(w[1]), clock.sim(w[1]) + 1.0, CALLED_IN)
            for k, w in self.waits.items()
            if w[1] is not None
        ]
        needs = timeline.needs(
            journal,
            clock,
            deadline_s=120.0,
            long_wait_s=15 * MINUTE,
            waits=waits,
        )
        chimes = sorted(
            clock.sim(c["at"] / 1000)
            for d in self.desks
            for c in d.chimes.values()
            if c["played"] and c["pattern"] == "new"
        )
        ours = unseen.measure(
            needs,
            sightings,
            self.away_spans,
            day_s,
            acks=read_acks(self.server.db, alerts, clock),
            chimes_s=chimes,
            raised=timeline.raised(alerts.values(), clock),
        )
        theirs = unseen.baseline(needs, plan.absences(), day_s)
        dump = {
            "t0": clock.t0,
            "speed": clock.speed,
            "needs": [n.__dict__ for n in needs],
            "sightings": [s.__dict__ for s in sightings],
            "alerts": [a.__dict__ for a in alerts.values()],
            "away": self.away_spans,
            "chimes": [list(d.chimes.values()) for d in self.desks],
            "logs": [d.log for d in self.desks],
        }
        (self.workdir / "day.json").write_text(json.dumps(dump, default=str))
        began = {e["patient"] for e in journal if e.get("e") == "begin"}
        arrived = {p.key for p in plan.patients if p.arrival_s < plan.day_s}
        unaccounted = sorted(arrived - began)
        return {
            "ours": ours,
            "theirs": theirs,
            "needs": needs,
            "patients": len(plan.patients),
            "began": len(began),
            "unaccounted": unaccounted,
            "faults": sorted(self.faults_done),
            "broke": self.broke,
            "alerts": len(alerts),
            "day_s": day_s,
        }


def row(label: str, ours: float | None, theirs: float | None, unit: str = "s") -> str:
    def f(x):
        return "—" if x is None else (f"{x:.0f} {unit}" if unit else f"{x:g}")

    r = "—" if ours is None or theirs is None else f"{unseen.ratio(ours, theirs):.1f}×"
    return f"| {label} | {f(ours)} | {f(theirs)} | {r} |"


def table(result: dict) -> list[str]:
    o, t = result["ours"], result["theirs"]
    return [
        "| figure | Seen | 20 s polling board | baseline ÷ Seen |",
        "|---|---|---|---|",
        row("unseen seconds, max", o.max_s, t.max_s),
        row("unseen seconds, p95", o.p95_s, t.p95_s),
        row("unseen seconds, sum", o.sum_s, t.sum_s),
        f"| patients never seen | {len(o.never_seen)} | {len(t.never_seen)} | |",
        f"| needs (hand-off, deadline, long wait) | {o.needs} | {t.needs} | |",
        row("time to acknowledge, p50", o.ack_p50_s, None),
        row("time to acknowledge, p95", o.ack_p95_s, None),
        f"| chimes per hour (new alerts, played, all desks) | {o.chimes_per_hour:.1f} | 0 | |",
        f"| false alerts in the day | {o.false_alerts} | | |",
    ]


def report(result: dict, options: Options, header: str) -> str:
    lines = [header, "", *table(result), ""]
    lines.append(
        f"Patients {result['patients']}, began at a kiosk {result['began']}; alerts for "
        f"patients {result['alerts']}; faults: "
        + ", ".join(f"{k} ×{result['faults'].count(k)}" for k in sorted(set(result["faults"])))
    )
    if result["broke"]:
        lines.append("Broke: " + "; ".join(result["broke"][:5]))
    return "\n".join(lines)


def write_docs(result: dict, text: str, plan: DayPlan) -> None:
    points = [(n.at_s, result["ours"].unseen_s.get(n.patient, 0.0)) for n in result["needs"]]
    base = [(n.at_s, result["theirs"].unseen_s.get(n.patient, 0.0)) for n in result["needs"]]
    svg = chart.svg(points, base, plan.day_s + TAIL_S, plan.opens_h)
    (DOCS / "day-unseen.svg").write_text(svg, encoding="utf-8")
    doc = DOCS / "reliability.md"
    body = doc.read_text(encoding="utf-8")
    if BEGIN in body and END in body:
        head, rest = body.split(BEGIN, 1)
        body = head + BEGIN + "\n" + text + "\n" + END + rest.split(END, 1)[1]
        doc.write_text(body, encoding="utf-8")


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
            check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    plan = make_plan(options.seed, **(SMALL if options.small else {}))
    started = time.time()
    header = (
        f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, commit {git_commit()}, seed "
        f"{options.seed}, speed {options.speed:g}×, {machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="seen-day-") as tmp:
        workdir = options.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        try:
            result = Day(plan, options, workdir).run()
        except BenchError as e:
            print(f"day broke: {e}", file=sys.stderr)
            return 1
    text = report(result, options, header + f", {time.time() - started:.0f} s real")
    print(text)
    if options.write_docs:
        write_docs(result, text, plan)
    failed = []
    if result["ours"].never_seen:
        failed.append(f"never seen: {', '.join(result['ours'].never_seen)}")
    if result["unaccounted"]:
        failed.append(f"arrived, never began at a kiosk: {', '.join(result['unaccounted'])}")
    if result["broke"]:
        failed.append("the day broke")
    for f in failed:
        print("FAIL " + f, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
