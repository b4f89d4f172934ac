"""One simulated kiosk as its own process, so the campaign can SIGKILL it.

The real kiosk parts, wired as kiosk/app.py wires them, minus the window: the
flow and its controller, the outbox and its sender thread, the heartbeat, the
HTTP client and the receipt printer (on a simulated pty printer). A scripted
patient stands in for the touch screen; a small loop stands in for Kivy's clock.

Run by the campaign: `python -m faults.kiosk_sim --name ... --url ... ` with the
repository as the working directory and tests/ on PYTHONPATH. Commands, one per
line on stdin: `printer STATE` (a simulated printer state, or unplug/replug),
`skew SECONDS` (step the kiosk's clock), `replay N` (deliver N stored events again,
out of order, from two threads at once, and repeat a check-in), `stop` (finish the
session on screen, drain the outbox, exit 0).

What the patient saw goes to a journal (JSON lines, written before the next step),
the kiosk's own record next to its outbox: the campaign checks both against the
server's database.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import logging
import random
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from faults.patient import Patient, Person, pick_script

from hardware.printer import open_printer
from hardware.simulator import SimulatedPrinter
from kiosk import flow as f
from kiosk.client import ClientError, KioskClient
from kiosk.config import KioskConfig
from kiosk.controller import Controller
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox
from kiosk.printing import ReceiptPrinter
from kiosk.sender import Sender
from seen import vocabulary

DEFAULTS = KioskConfig()  # the declared settings' defaults

log = logging.getLogger("kiosk_sim")


class Loop:
    """The UI thread: runs callables in time order, as Kivy's Clock does."""

    def __init__(self) -> None:
        self._heap: list = []
        self._count = itertools.count()
        self._cond = threading.Condition()
        self.stopped = False

    def call_soon(self, fn) -> None:
        self.call_later(0, fn)

    def call_later(self, seconds: float, fn):
        handle = SimpleNamespace(cancelled=False)
        handle.cancel = lambda: setattr(handle, "cancelled", True)
        with self._cond:
            heapq.heappush(self._heap, (time.monotonic() + seconds, next(self._count), fn, handle))
            self._cond.notify()
        return handle

    def run(self) -> None:
        while not self.stopped:
            with self._cond:
                while not self._heap or self._heap[0][0] > time.monotonic():
                    wait = self._heap[0][0] - time.monotonic() if self._heap else 0.5
                    self._cond.wait(max(0.0, min(wait, 0.5)))
                    if self.stopped:
                        return
                _, _, fn, handle = heapq.heappop(self._heap)
            if not handle.cancelled:
                fn()


class Journal:
    """Append-only JSON lines; each line is written (to the OS) before returning."""

    def __init__(self, path: Path, kiosk: str) -> None:
        self._file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self.kiosk = kiosk
        self._lock = threading.Lock()

    def write(self, **entry) -> None:
        with self._lock:
            self._file.write(json.dumps({"kiosk": self.kiosk, **entry}) + "\n")

    def close(self) -> None:
        self._file.close()


class SimKiosk:
    def __init__(self, args) -> None:
        self.args = args
        self.rand = random.Random(args.seed)
        self.skew = timedelta(seconds=args.skew)
        scale = args.scale / 60.0  # real seconds per simulated second
        self.scale = scale
        self.people = [Person(**p) for p in json.loads(Path(args.people).read_text())]
        self.journal = Journal(Path(args.journal), args.name)
        self.loop = Loop()
        self.client = KioskClient(args.url, args.token, timeout=(1.0, args.read_timeout))
        self.outbox = Outbox(args.outbox)
        self.sim_printer = SimulatedPrinter()
        self.printer = open_printer(self.sim_printer.port, write_timeout=1.0, status_timeout=0.2)
        self.receipts = ReceiptPrinter(
            self.printer,
            DEFAULTS.clinic_name,
            DEFAULTS.long_wait_min,
            profile=DEFAULTS.printer_profile,
            width=DEFAULTS.printer_width,
            now=self.local_now,
            on_result=self._receipt_result,
        )
        self.sender = Sender(self.outbox, self.client, cap=max(0.5, 30 * scale))
        self.heartbeat = Heartbeat(
            self.client,
            self.printer,
            args.heartbeat_s,
            now_iso=self.now_iso,
            on_console=lambda live: self.loop.call_soon(lambda: self.ctl.console_status(live)),
        )
        config = SimpleNamespace(
            inactivity_prompt_s=DEFAULTS.inactivity_prompt_s * scale,
            countdown_s=DEFAULTS.countdown_s * scale,
            done_return_s=DEFAULTS.done_return_s * scale,
            handoff_return_s=DEFAULTS.handoff_return_s * scale,
        )
        self.flow = f.Flow()
        self.ctl = Controller(
            self.flow,
            self.client,
            self.outbox,
            self.receipts,
            self.loop,
            config,
            show=self.show,
            now_iso=self.now_iso,
        )
        self.patient: Patient | None = None
        self._last_shown: tuple = (None, None)
        self.quiescing = False
        self.confirmed: list[tuple[str, int, int]] = []  # (session, appointment, arrival)

    # -- the kiosk's clock, skewed against the server's on purpose ----------------------

    def now_iso(self) -> str:
        return (datetime.now(UTC) + self.skew).isoformat()

    def local_now(self) -> datetime:
        return datetime.now().astimezone() + self.skew

    # -- what the window would do --------------------------------------------------------

    def show(self, screen: str) -> None:
        session = self.flow.session
        again = (session, screen) == self._last_shown  # a refresh (new words), not a new step
        self._last_shown = (session, screen)
        if screen != vocabulary.WELCOME and self.patient and self.patient.session is None:
            self.patient.session = session
            self.journal.write(t="start", session=session, script=self.patient.script)
        if again:
            return  # the patient already knows what to do here
        if screen == vocabulary.DONE and self.flow.arrival:
            arrival = self.flow.arrival
            self.confirmed.append((session, arrival["appointment"], arrival["id"]))
            self.journal.write(
                t="done",
                session=session,
                appointment=arrival["appointment"],
                arrival=arrival["id"],
                ticket=arrival.get("ticket"),
            )
        elif screen == vocabulary.HANDOFF:
            self.journal.write(t="handoff", session=session, reason=self.flow.reason)
        if screen == vocabulary.WELCOME:
            self.patient = None
            self._next_patient()
            return
        if self.patient is not None:
            action = self.patient.act(screen, self.flow)
            if action is not None:
                self._later(self._think(), screen, session, action)

    def _think(self) -> float:
        return self.rand.uniform(2, 12) * self.scale  # seconds a person takes on a screen

    def _later(self, delay: float, screen: str, session, action) -> None:
        def touch():
            # The screen may have moved on (a timer, a late answer): a finger finds nothing.
            if self.flow.state == screen and self.flow.session == session:
                self.ctl.touched()
                action()

        self.loop.call_later(delay, touch)

    def _next_patient(self) -> None:
        if self.quiescing:
            return
        person = self.rand.choice(self.people)
        patient = Patient(self.ctl, person, pick_script(self.rand), self.rand)

        def arrive():
            if self.flow.state != vocabulary.WELCOME or self.quiescing:
                return
            self.patient = patient
            patient.begin()()

        self.loop.call_later(self.rand.uniform(0, 20) * self.scale, arrive)

    def _receipt_result(self, _arrival, result) -> None:
        if not result.printed:
            self.journal.write(t="receipt_failed", state=result.state)
            self.heartbeat.nudge()

    # -- commands from the campaign --------------------------------------------------------

    def command(self, line: str) -> bool:
        """Carry out one command; False when told to stop."""
        word, _, rest = line.strip().partition(" ")
        if word == "printer":
            if rest == "unplug":
                self.sim_printer.unplug()
            elif rest == "replug":
                self.sim_printer.replug()
            else:
                self.sim_printer.set_state(rest)
        elif word == "skew":
            self.skew = timedelta(seconds=float(rest))
        elif word == "replay":
            threading.Thread(target=self.replay, args=(int(rest),), daemon=True).start()
        elif word == "stop":
            return False
        return True

    def replay(self, count: int) -> None:
        """Send stored events again, shuffled, from two threads at once; repeat a check-in."""
        db = sqlite3.connect(self.args.outbox)
        try:
            bodies = [json.loads(b) for (b,) in db.execute("SELECT body FROM outbox")]
        finally:
            db.close()
        sample = self.rand.sample(bodies, min(count, len(bodies)))
        halves = [sample[0::2], sample[1::2]]
        results = {"accepted": 0, "duplicate": 0, "failed": 0}
        lock = threading.Lock()

        def post(events):
            if not events:
                return
            try:
                answer = self.client.post_events(events)
            except ClientError:
                with lock:
                    results["failed"] += 1
                return
            with lock:
                results["accepted"] += len(answer["accepted"])
                results["duplicate"] += len(answer["duplicate"])

        threads = [threading.Thread(target=post, args=(half,)) for half in halves]
        if self.confirmed:
            session, appointment, arrival = self.rand.choice(self.confirmed)
            for _ in range(2):
                threads.append(
                    threading.Thread(
                        target=self._checkin_again, args=(session, appointment, arrival)
                    )
                )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.journal.write(t="replay", events=len(sample), **results)

    def _checkin_again(self, session: str, appointment: int, arrival: int) -> None:
        try:
            again = self.client.checkin(session, appointment)
        except ClientError:
            return
        self.journal.write(
            t="checkin_again",
            session=session,
            arrival=arrival,
            answer=again["id"],
            same=again["id"] == arrival,
        )

    # -- life ---------------------------------------------------------------------------------

    def run(self) -> int:
        self.journal.write(t="boot", skew=self.skew.total_seconds())
        self.sender.start()
        self.heartbeat.start()
        threading.Thread(target=self.loop.run, name="ui", daemon=True).start()
        self.loop.call_soon(lambda: self.show(vocabulary.WELCOME))
        for line in sys.stdin:
            if not self.command(line):
                break
        return self.stop()

    def stop(self) -> int:
        """Let the session on screen end, deliver everything, then close."""
        self.quiescing = True
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            self.flow.state != vocabulary.WELCOME or self.outbox.unsent_count()
        ):
            time.sleep(0.1)
        self.loop.stopped = True
        self.heartbeat.stop(timeout=5)
        self.sender.stop(timeout=5)
        self.receipts.stop(timeout=5)
        self.printer.close()
        self.sim_printer.close()
        left = self.outbox.unsent_count()
        self.outbox.close()
        self.journal.write(t="stopped", unsent=left)
        self.journal.close()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--outbox", required=True)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--people", required=True, help="JSON list of booked patients")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="real seconds per simulated minute"
    )
    parser.add_argument("--skew", type=float, default=0.0, help="kiosk clock offset, seconds")
    parser.add_argument("--read-timeout", type=float, default=2.0)
    parser.add_argument("--heartbeat-s", type=float, default=1.0)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    return SimKiosk(args).run()


if __name__ == "__main__":
    sys.exit(main())
