"""One kiosk of the clinic day as its own process, so the driver can SIGKILL it (a reboot).

The real kiosk parts, wired as kiosk/app.py wires them, minus the window: the flow and
its controller, the outbox and its sender thread, the heartbeat, the HTTP client and the
receipt printer on a simulated ESC/POS printer. The plan's patients come on stdin and
stand in for the touch screen; a small loop stands in for Kivy's clock.

`python -m bench.day.kiosk --name k0 --url ... --token ... --outbox ... --journal ...
--speed 60`. Commands on stdin, one a line: `patient {json}` (a bench.day.plan.Patient
with its appointment id and code: queued, served when the screen is back at welcome),
`printer STATE` (the simulator's state: ok, paper_out, ...), `stop`.

The journal (JSON lines, each written before the next step, `t` in wall-clock seconds)
is the day's ground truth about patients: who started a session, where it handed off,
which arrival it checked in. It names patients by key (p0042), never by name.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import logging
import sys
import threading
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from hardware.printer import open_printer
from hardware.simulator import SimulatedPrinter
from kiosk import flow as f
from kiosk.client import KioskClient
from kiosk.config import KioskConfig
from kiosk.controller import Controller
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox
from kiosk.printing import ReceiptPrinter
from kiosk.sender import Sender
from seen import vocabulary as v

DEFAULTS = KioskConfig()
log = logging.getLogger("bench.day.kiosk")


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
                try:
                    fn()
                except Exception:  # one bad step must not stop the kiosk's clock
                    log.exception("step failed")


class Journal:
    def __init__(self, path: Path, kiosk: str) -> None:
        self._file = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        self.kiosk = kiosk
        self._lock = threading.Lock()

    def write(self, **entry) -> None:
        with self._lock:
            self._file.write(json.dumps({"kiosk": self.kiosk, "t": time.time(), **entry}) + "\n")

    def close(self) -> None:
        self._file.close()


def keys_on(screen: str, person: dict) -> int:
    """Keys a patient types on a screen (the think time is that many key presses)."""
    return {
        v.IDENTIFY_NAME: len(person["last"]),
        v.IDENTIFY_DOB: 8,
        v.IDENTIFY_CODE: len(person.get("code") or ""),
        v.WALK_IN: len(person["first"]) + len(person["last"]) + 10,
    }.get(screen, 2)


class Person:
    """One planned patient at the screen: `act(screen, flow)` is what a finger does there."""

    def __init__(self, ctl, data: dict) -> None:
        self.ctl, self.data = ctl, data
        self.behaviour = data["behaviour"]
        self.misses = 0
        self.answered = False
        self.session: str | None = None

    def begin(self):
        if self.behaviour == "scans_code" and self.data.get("code"):
            return lambda: self.ctl.scanned(self.data["code"])
        return lambda: self.ctl.start("en")

    def act(self, screen: str, flow: f.Flow):
        d, ctl, b = self.data, self.ctl, self.behaviour
        if screen == v.STILL_THERE:
            if b == "abandons" or self.answered:
                return None  # walked away: the countdown hands the session off
            self.answered = True
            return ctl.still_here
        if b == "abandons" and screen == d.get("abandons_on"):
            if screen == v.IDENTIFY_NAME:
                return lambda: ctl.typed("last_name", d["last"][:1])
            return None
        if b == "help" and screen == v.IDENTIFY_DOB:
            return ctl.help
        if screen == v.IDENTIFY_NAME:
            if b == "walk_in":
                return ctl.walk_in
            return lambda: (ctl.typed("last_name", d["last"][:3]), ctl.enter_name(d["last"]))
        if screen == v.IDENTIFY_DOB:
            return lambda: ctl.enter_dob(d["typed_dob"])
        if screen == v.CHECK_TYPED:
            return ctl.try_again  # the same typo again: the second miss hands off
        if screen == v.IDENTIFY_CODE:
            return lambda: ctl.enter_code(d["code"])
        if screen == v.WALK_IN:
            return lambda: ctl.walk_in_details(d["first"], d["last"], "0123 456 789")
        if screen == v.CHOOSE:
            mine = [m["appointment"] for m in flow.matches]
            wanted = d.get("appointment")
            return lambda: ctl.choose(wanted if wanted in mine else mine[0])
        if screen == v.CONFIRM:
            return ctl.confirm_no if b == "not_me" else ctl.confirm_yes
        if screen in (v.DONE, v.HANDOFF):
            return ctl.finish
        return None  # looking up, checking in: the patient waits


class DayKiosk:
    def __init__(self, args) -> None:
        self.args = args
        scale = 1.0 / args.speed  # real seconds per simulated second
        self.scale = scale
        self.journal = Journal(Path(args.journal), args.name)
        self.loop = Loop()
        self.client = KioskClient(args.url, args.token, timeout=(1.0, 2.0))
        self.outbox = Outbox(args.outbox)
        self.sim_printer = SimulatedPrinter()
        self.printer = open_printer(self.sim_printer.port, write_timeout=1.0, status_timeout=0.2)
        self.receipts = ReceiptPrinter(
            self.printer,
            DEFAULTS.clinic_name,
            DEFAULTS.long_wait_min,
            profile=DEFAULTS.printer_profile,
            width=DEFAULTS.printer_width,
            now=lambda: datetime.now().astimezone(),
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
        self.queue: deque[dict] = deque()
        self.person: Person | None = None
        self._last_shown: tuple = (None, None)
        self.quiescing = False

    def now_iso(self) -> str:
        return datetime.now(UTC).isoformat()

    def show(self, screen: str) -> None:
        session = self.flow.session
        again = (session, screen) == self._last_shown
        self._last_shown = (session, screen)
        p = self.person
        if p is not None and screen != v.WELCOME and p.session is None:
            p.session = session
            self.journal.write(e="start", session=session, patient=p.data["key"])
        if again:
            return
        if p is not None and screen not in (v.WELCOME, v.LOOKING_UP, v.CHECKING_IN):
            self.journal.write(e="screen", session=session, patient=p.data["key"], screen=screen)
        if screen == v.DONE and self.flow.arrival and p is not None:
            self.journal.write(
                e="done", session=session, patient=p.data["key"], arrival=self.flow.arrival["id"]
            )
        elif screen == v.HANDOFF and p is not None:
            self.journal.write(
                e="handoff", session=session, patient=p.data["key"], reason=self.flow.reason
            )
        if screen == v.WELCOME:
            if p is not None:
                self.journal.write(e="welcome", patient=p.data["key"])
            self.person = None
            self.loop.call_later(0.05, self._next)
            return
        if p is not None:
            action = p.act(screen, self.flow)
            if action is not None:
                think = (keys_on(screen, p.data) * p.data["typing_s"] + 2.0) * self.scale
                self._later(think, screen, session, action)

    def _later(self, delay: float, screen: str, session, action) -> None:
        def touch():
            if self.flow.state == screen and self.flow.session == session:
                self.ctl.touched()
                action()

        self.loop.call_later(delay, touch)

    def _next(self) -> None:
        if self.person is not None or self.flow.state != v.WELCOME or not self.queue:
            return
        self.person = Person(self.ctl, self.queue.popleft())
        self.journal.write(e="begin", patient=self.person.data["key"])
        self.person.begin()()

    def _receipt_result(self, _arrival, result) -> None:
        if not result.printed:
            self.journal.write(e="receipt_failed", state=result.state)
            self.heartbeat.nudge()

    def command(self, line: str) -> bool:
        word, _, rest = line.strip().partition(" ")
        if word == "patient":
            data = json.loads(rest)
            self.journal.write(e="arrive", patient=data["key"])
            self.loop.call_soon(lambda: (self.queue.append(data), self._next()))
        elif word == "printer":
            self.sim_printer.set_state(rest)
        elif word == "stop":
            return False
        return True

    def run(self) -> int:
        self.journal.write(e="boot")
        self.sender.start()
        self.heartbeat.start()
        threading.Thread(target=self.loop.run, name="ui", daemon=True).start()
        self.loop.call_soon(lambda: self.show(v.WELCOME))
        for line in sys.stdin:
            if not self.command(line):
                break
        return self.stop()

    def stop(self) -> int:
        self.quiescing = True
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.outbox.unsent_count():
            time.sleep(0.1)
        self.loop.stopped = True
        self.heartbeat.stop(timeout=5)
        self.sender.stop(timeout=5)
        self.receipts.stop(timeout=5)
        self.printer.close()
        self.sim_printer.close()
        left = self.outbox.unsent_count()
        self.outbox.close()
        self.journal.write(e="stopped", unsent=left, queued=len(self.queue))
        self.journal.close()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name in ("--name", "--url", "--token", "--outbox", "--journal"):
        parser.add_argument(name, required=True)
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--heartbeat-s", type=float, default=0.5)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    return DayKiosk(args).run()


if __name__ == "__main__":
    sys.exit(main())
