"""A fault campaign: the real server, many kiosk processes, a breaking network, then checks.

Time is scaled: `scale` real seconds stand for one simulated minute (1.0 in CI), so
the server's session deadline (2 min), the kiosks' inactivity prompt (45 s) and
fault spans of 0-10 minutes all pass in seconds. Server settings come in through
SEEN_* variables; the kiosks get theirs on their command line.

Faults, each at a random moment (counts in Report.faults):
  kiosk_kill    SIGKILL a kiosk process; it restarts from its outbox a moment later
  server_kill   SIGKILL the server; it restarts on the same database file
  net_cut, net_hang, net_reset   one kiosk's link, for 0-10 simulated minutes
  printer       a printer state (paper out, cover open, offline, error, unplugged)
  replay        stored events sent again, shuffled, from two threads; a check-in repeated
  clock_skew    a kiosk (re)started with, or stepped to, a clock up to 5 min off
"""

from __future__ import annotations

import gc
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from faults.invariants import Findings, check, read_kiosk
from faults.proxy import FaultProxy
from support import REPO, LiveServer, start_server

from staffconsole.auth.kiosks import add_kiosk
from staffconsole.clock import utcnow
from staffconsole.store.appointments import upsert_appointment
from staffconsole.store.schema import ensure_schema, open_db

PRINTER_FAULTS = ("paper_out", "cover_open", "offline", "error", "paper_near_end", "unplug")
# Share of the fault budget per kind (clock skew also comes with most kiosk starts).
SHARES = {
    "kiosk_kill": 0.14,
    "server_kill": 0.04,
    "net_cut": 0.1,
    "net_hang": 0.1,
    "net_reset": 0.12,
    "printer": 0.15,
    "replay": 0.2,
    "clock_skew": 0.04,
}

FIRST = (
    "Maria",
    "Zoë",
    "Łukasz",
    "Aroha",
    "Siobhán",
    "José",
    "Nguyễn",
    "Chloé",
    "Ana-Lucía",
    "Jean-Noël",
    "Øystein",
    "Ngozi",
    "Søren",
    "Dvořák",
    "Amélie",
)
LAST = (
    "Okafor",
    "O'Brien-Núñez",
    "Kowalski",
    "Te Rangi",
    "Ní Bhriain",
    "García Márquez",
    "D'Angelo",
    "Van der Berg",
    "Müller-Lüdenscheidt",
    "Smith",
    "Ólafsdóttir",
    "Wolfeschlegelsteinhausenbergerdorff-Vonhautkopf",
    "Łęcka",
    "Åberg",
    "N'Diaye",
)
PROVIDERS = ("Dr. Lee", "Dr. Patel", "Nurse Kim")


@dataclass(frozen=True)
class Plan:
    sessions: int
    faults: int
    kiosks: int
    expected_s: float  # about how long the campaign should take (sets the fault rates)
    max_s: float  # give up (and fail) after this long
    appointments: int
    seed: int = 7
    scale: float = 1.0  # real seconds per simulated minute


CI = Plan(sessions=200, faults=200, kiosks=6, expected_s=75, max_s=240, appointments=300)
SOAK = Plan(sessions=2000, faults=1000, kiosks=8, expected_s=600, max_s=1800, appointments=3000)


@dataclass
class Report:
    plan: Plan
    faults: Counter = field(default_factory=Counter)
    findings: Findings | None = None
    kiosks: list = field(default_factory=list)
    seconds: float = 0.0
    server_restarts: int = 0
    kiosk_starts: int = 0

    def lines(self) -> list[str]:
        f = self.findings
        scripts = sum((k.scripts for k in self.kiosks), Counter())
        handoffs = sum((k.handoffs for k in self.kiosks), Counter())
        replayed = sum((k.replayed for k in self.kiosks), Counter())
        again = [a for k in self.kiosks for a in k.checkin_again]
        return [
            (
                f"fault campaign: {len(self.kiosks)} kiosks, {self.seconds:.0f} s real, "
                f"1 simulated minute = {self.plan.scale:g} s"
            ),
            (
                f"sessions: {f.sessions} (checked in {f.checked_in}, with an alert {f.alerted}, "
                f"'checked in' shown {f.confirmed_on_screen})"
            ),
            "scripts: " + _counts(scripts),
            "hand-offs shown: " + _counts(handoffs),
            f"faults: {sum(self.faults.values())} — " + _counts(self.faults),
            (
                f"repeats: {replayed['events']} events sent again ({replayed['accepted']} new, "
                f"{replayed['duplicate']} duplicate, {replayed['failed']} batches failed); "
                f"{len(again)} check-ins repeated"
            ),
            "alerts: " + _counts(f.alerts_by_kind),
            f"receipts not printed: {sum(k.receipts_failed for k in self.kiosks)}",
            (
                f"LOST: {len(f.lost)}  DOUBLED: {len(f.doubled)}  FALSE CONFIRMATIONS: "
                f"{len(f.false_confirmations)}  WRONGLY CLOSED: {len(f.wrongly_closed)}  "
                f"UNDELIVERED: {f.undelivered}  HELD: {f.held}"
            ),
        ]


def _counts(counter: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "none"


def seed_schedule(db_path: Path, count: int, rand: random.Random, kiosks: list[str]) -> tuple:
    """Book `count` synthetic appointments today (some patients twice); add the kiosks."""
    db = open_db(db_path)
    people, tokens = [], {}
    try:
        ensure_schema(db)
        today = datetime.now().date().isoformat()
        for i in range(count):
            first, last = rand.choice(FIRST), rand.choice(LAST)
            dob = f"{rand.randint(1930, 2015)}-{rand.randint(1, 12):02d}-{rand.randint(1, 28):02d}"
            visits = 2 if i % 10 == 0 else 1  # a second appointment today: the choose screen
            for visit in range(visits):
                external_id = f"F{i:05d}{'B' if visit else ''}"
                start = f"{today}T{8 + (i + visit * 3) % 10:02d}:{(i * 5) % 60:02d}"
                upsert_appointment(
                    db,
                    external_id=external_id,
                    first_name=first,
                    last_name=last,
                    dob=dob,
                    start=start,
                    provider=rand.choice(PROVIDERS),
                )
                appointment = db.execute(
                    "SELECT id FROM appointments WHERE external_id = ?", [external_id]
                ).fetchone()[0]
                people.append(
                    {
                        "appointment": appointment,
                        "first_name": first,
                        "last_name": last,
                        "dob": dob,
                        "code": external_id.lower(),
                    }
                )
        for name in kiosks:
            tokens[name] = add_kiosk(db, name, utcnow())
    finally:
        db.close()
    return people, tokens


class KioskProcess:
    """One simulated kiosk process; restarted from the same files after a kill."""

    def __init__(
        self,
        name: str,
        folder: Path,
        url: str,
        token: str,
        people: Path,
        scale: float,
        rand: random.Random,
    ) -> None:
        self.name, self.folder, self.url, self.token = name, folder, url, token
        self.people, self.scale, self.rand = people, scale, rand
        self.outbox = folder / f"{name}-outbox.db"
        self.journal = folder / f"{name}-journal.jsonl"
        self.log = folder / f"{name}.log"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self, skew: float) -> None:
        # A kiosk that ended by itself was never reaped: close its pipe before replacing
        # it, or the garbage collector finds it open later (a ResourceWarning, an error here).
        if self.process is not None and not self.running:
            self._reap()
        self.starts += 1
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests")]))
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "faults.kiosk_sim",
                    "--name",
                    self.name,
                    "--url",
                    self.url,
                    "--token",
                    self.token,
                    "--outbox",
                    str(self.outbox),
                    "--journal",
                    str(self.journal),
                    "--people",
                    str(self.people),
                    "--seed",
                    str(self.rand.randrange(1 << 30)),
                    "--scale",
                    str(self.scale),
                    "--skew",
                    str(skew),
                ],
                cwd=REPO,
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                text=True,
            )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(self, line: str) -> bool:
        if not self.running:
            return False
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def kill(self) -> None:
        if self.running:
            self.process.send_signal(signal.SIGKILL)
        self._reap()

    def wait_stopped(self, timeout: float = 90) -> None:
        """After `send("stop")`: wait for the kiosk to drain its outbox and exit."""
        if self.process is not None:
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._reap()

    def _reap(self) -> None:
        if self.process is not None:
            self.process.wait(30)
            if self.process.stdin:
                try:
                    self.process.stdin.close()
                except (BrokenPipeError, OSError):
                    pass


class Campaign:
    def __init__(self, folder: Path, plan: Plan) -> None:
        self.folder, self.plan = folder, plan
        self.rand = random.Random(plan.seed)
        self.report = Report(plan)
        self.db = folder / "seen.db"
        s = plan.scale
        self.server_env = {
            "SEEN_SESSION_DEADLINE_S": str(max(1, round(2 * s))),  # 120 s
            "SEEN_WATCHDOG_INTERVAL_S": str(0.25 * s),
            "SEEN_HEARTBEAT_INTERVAL_S": str(max(1, round(s / 6))),  # kiosks beat every 10 s
            "SEEN_HEARTBEATS_MISSED_OFFLINE": "3",
            "SEEN_LONG_WAIT_MIN": "1440",  # not under test here; would raise one per arrival
        }
        self.server: LiveServer | None = None
        self.pending: list[tuple[float, object]] = []  # (due, action)

    # -- the parts ---------------------------------------------------------------------------

    def _start_server(self) -> None:
        self.server = start_server(self.folder, self.db, env=self.server_env)
        self.proxy.set_upstream(int(self.server.url.rsplit(":", 1)[1]))

    def _skew(self) -> float:
        if self.rand.random() < 0.6:
            self.report.faults["clock_skew"] += 1
            return self.rand.choice((-1, 1)) * self.rand.uniform(1, 300)
        return 0.0

    def _span(self) -> float:
        """0-10 simulated minutes, mostly short (a third of a minute is typical), in real s."""
        return 10 * self.rand.random() ** 3 * self.plan.scale

    # -- faults --------------------------------------------------------------------------------

    def _inject(self, kind: str, now: float) -> bool:
        running = [k for k in self.kiosks if k.running]
        if kind == "server_kill":
            if self.server is None or self.server.process.poll() is not None:
                return False
            self.server.process.send_signal(signal.SIGKILL)
            self.server.process.wait(30)
            self.pending.append(
                (now + self.rand.uniform(0, 1.5) * self.plan.scale, self._start_server)
            )
            self.report.server_restarts += 1
        elif kind == "kiosk_kill":
            if not running:
                return False
            kiosk = self.rand.choice(running)
            kiosk.kill()
            self.pending.append(
                (
                    now + self.rand.uniform(0, 2) * self.plan.scale,
                    lambda k=kiosk: k.start(self._skew()),
                )
            )
        elif kind.startswith("net_"):
            free = [k for k in self.kiosks if not self.proxy.faulted(k.name)]
            if not free:
                return False
            self.proxy.fault(self.rand.choice(free).name, kind[4:], self._span())
        elif kind == "printer":
            if not running:
                return False
            kiosk = self.rand.choice(running)
            state = self.rand.choice(PRINTER_FAULTS)
            kiosk.send(f"printer {state}")
            heal = "printer replug" if state == "unplug" else "printer ok"
            self.pending.append((now + self._span(), lambda k=kiosk, h=heal: k.send(h)))
        elif kind == "replay":
            if not running:
                return False
            self.rand.choice(running).send(f"replay {self.rand.randint(5, 40)}")
        elif kind == "clock_skew":
            if not running:
                return False
            self.rand.choice(running).send(
                f"skew {self.rand.choice((-1, 1)) * self.rand.uniform(1, 300):.1f}"
            )
        self.report.faults[kind] += 1
        return True

    def _sessions_so_far(self) -> int:
        total = 0
        for kiosk in self.kiosks:
            if kiosk.journal.exists():
                total += kiosk.journal.read_text(encoding="utf-8").count('"t": "start"')
        return total

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> Report:
        plan, began = self.plan, time.monotonic()
        names = [f"Lobby kiosk {i + 1}" for i in range(plan.kiosks)]
        people, tokens = seed_schedule(self.db, plan.appointments, self.rand, names)
        people_file = self.folder / "people.json"
        people_file.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
        self.proxy = FaultProxy(0, names, seed=plan.seed).start()
        self.kiosks = [
            KioskProcess(
                name,
                self.folder,
                f"http://127.0.0.1:{self.proxy.port(name)}",
                tokens[name],
                people_file,
                plan.scale,
                random.Random(self.rand.random()),
            )
            for name in names
        ]
        try:
            self._start_server()
            for kiosk in self.kiosks:
                kiosk.start(self._skew())
            self._campaign(began)
            self._quiet()
        finally:
            for kiosk in self.kiosks:
                kiosk.kill()
            self.proxy.stop()
            if self.server is not None:
                self.server.stop()
            gc.collect()  # a socket left open anywhere warns now, inside this test
        self.report.kiosk_starts = sum(k.starts for k in self.kiosks)
        self.report.kiosks = [read_kiosk(k.name, k.outbox, k.journal) for k in self.kiosks]
        self.report.findings = check(self.db, self.report.kiosks)
        self.report.seconds = time.monotonic() - began
        return self.report

    def _campaign(self, began: float) -> None:
        plan, tick = self.plan, 0.05
        # Each kind comes back every `interval` seconds on average, jittered by +-50%:
        # random moments, without the long gaps of a Poisson process in a short run.
        interval = {kind: plan.expected_s / (plan.faults * share) for kind, share in SHARES.items()}
        due = {kind: began + self.rand.uniform(0.2, 1.0) * gap for kind, gap in interval.items()}
        last_count = 0.0
        while True:
            now = time.monotonic()
            for when, action in sorted(self.pending, key=lambda p: p[0]):
                if when <= now:
                    self.pending.remove((when, action))
                    action()
            for kind, gap in interval.items():
                if due[kind] <= now:
                    self._inject(kind, now)
                    due[kind] = now + gap * self.rand.uniform(0.5, 1.5)
            if now - last_count > 1.0:
                sessions, last_count = self._sessions_so_far(), now
                done = sessions >= plan.sessions and sum(self.report.faults.values()) >= plan.faults
                if done or now - began > plan.max_s:
                    return
            time.sleep(tick)

    def _quiet(self) -> None:
        """Faults off, then let everything settle: the quiet period before the checks."""
        self.proxy.heal_all()
        for due, action in sorted(self.pending, key=lambda p: p[0]):
            action()  # restarts and printer repairs still due
        self.pending.clear()
        if self.server is None or self.server.process.poll() is not None:
            self._start_server()
        for kiosk in self.kiosks:
            if not kiosk.running:
                kiosk.start(0.0)
            kiosk.send("printer replug")
            kiosk.send("printer ok")
        for kiosk in self.kiosks:
            kiosk.send("stop")
        for kiosk in self.kiosks:
            kiosk.wait_stopped()
        # The server's deadline passes for sessions cut off by a kiosk kill: give the
        # watchdog that long and a few passes, then look until nothing is missing, or
        # until it is clear that something is (then the checks report it).
        deadline = int(self.server_env["SEEN_SESSION_DEADLINE_S"])
        time.sleep(deadline + 4 * float(self.server_env["SEEN_WATCHDOG_INTERVAL_S"]))
        records = [read_kiosk(k.name, k.outbox, k.journal) for k in self.kiosks]
        give_up = time.monotonic() + 10 * deadline + 10
        while check(self.db, records).lost and time.monotonic() < give_up:
            time.sleep(0.5)
