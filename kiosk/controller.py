"""Runs the flow's effects: events to the outbox, server calls in worker threads,
receipts to the printer queue, screens to the view, and the screen timers.

No Kivy here: the app passes in `timers` (Kivy's Clock behind two methods) and a
`show(screen)` callable, so the controller is tested with plain fakes.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from kiosk import flow as f
from kiosk.client import ClientError
from seen import vocabulary

log = logging.getLogger(__name__)


class Timers(Protocol):
    def call_soon(self, fn: Callable[[], None]) -> None:
        """Run fn on the UI thread (from any thread)."""

    def call_later(self, seconds: float, fn: Callable[[], None]) -> Any:
        """Run fn on the UI thread after seconds; returns a handle with .cancel()."""


def utcnow_iso() -> str:
    return datetime.now(UTC).isoformat()


def in_thread(fn: Callable[[], None]) -> None:
    threading.Thread(target=fn, daemon=True).start()


class Controller:
    """The one place screens call; it feeds the flow and carries out what it returns."""

    def __init__(
        self,
        flow: f.Flow,
        client,
        outbox,
        receipts,
        timers: Timers,
        config,
        show: Callable[[str], None],
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
        now_iso: Callable[[], str] = utcnow_iso,
        run: Callable[[Callable[[], None]], None] = in_thread,
        present: Callable[[str, bool], None] = lambda _language, _large: None,
    ) -> None:
        self.flow = flow
        self.client = client
        self.outbox = outbox
        self.receipts = receipts
        self.timers = timers
        self.config = config
        self.show = show
        self.new_id = new_id
        self.now_iso = now_iso
        self.run = run
        self.present = present
        self._timer = None
        self.last_put_durable = True  # False after an event the disk would not take

    # -- what screens call ---------------------------------------------------------

    def start(self, language: str = "en") -> None:
        self.handle(f.Start(self.new_id(), language))

    def use_code(self) -> None:
        self.handle(f.UseCode())

    def enter_code(self, code: str) -> None:
        self.handle(f.EnterCode(code))

    def scanned(self, code: str) -> None:
        """A code from the scanner; at welcome it starts a session of its own."""
        self.handle(
            f.Scanned(code, self.new_id() if self.flow.state == vocabulary.WELCOME else None)
        )

    def walk_in_details(self, first_name: str, last_name: str, phone: str = "") -> None:
        self.handle(f.WalkInDetails(first_name, last_name, phone))

    def set_language(self, language: str) -> None:
        self.handle(f.SetLanguage(language))

    def toggle_large_text(self) -> None:
        self.handle(f.ToggleLargeText())

    def console_status(self, live: bool) -> None:
        self.handle(f.ConsoleStatus(bool(live)))

    def receipt_failed(self, session: str) -> None:
        self.handle(f.ReceiptFailed(session))

    def enter_name(self, text: str) -> None:
        self.handle(f.EnterName(text))

    def typed(self, field: str, text: str) -> None:
        self.handle(f.Typed(field, text))

    def enter_dob(self, iso_date: str) -> None:
        self.handle(f.EnterDob(iso_date))

    def choose(self, appointment: int) -> None:
        self.handle(f.Choose(appointment))

    def confirm_yes(self) -> None:
        self.handle(f.ConfirmYes())

    def confirm_no(self) -> None:
        self.handle(f.ConfirmNo())

    def help(self) -> None:
        # From welcome there is no session yet: help starts one, so the alert has an id.
        self.handle(f.Help(self.new_id() if self.flow.state == vocabulary.WELCOME else None))

    def report_problem(self) -> None:
        self.handle(f.ReportProblem())

    def walk_in(self) -> None:
        self.handle(f.WalkIn())

    def back(self) -> None:
        self.handle(f.Back())

    def still_here(self) -> None:
        self.handle(f.StillHere())

    def finish(self) -> None:
        self.handle(f.Finish())

    def touched(self) -> None:
        """Any touch on the screen: the patient is still there."""
        if self.flow.state in f.WATCHED:
            self._arm(self.config.inactivity_prompt_s, f.Idle())

    # -- the loop --------------------------------------------------------------------

    def handle(self, event) -> None:
        """Feed one input to the flow and run its effects (on the UI thread)."""
        before = self.flow.state
        effects = self.flow.handle(event)
        for effect in effects:
            self._run(effect)
        if effects and (self.flow.state != before or isinstance(event, f.Start)):
            self._arm_for_state()

    def _run(self, effect) -> None:
        if isinstance(effect, f.Emit):
            # put never raises (a full disk keeps the event in memory); False means a
            # power cut now would lose it, so nothing may promise the desk knows.
            self.last_put_durable = self.outbox.put(
                {
                    "id": self.new_id(),
                    "session": effect.session,
                    "type": effect.type,
                    "at": self.now_iso(),
                    "data": effect.data,
                }
            )
        elif isinstance(effect, f.Lookup):
            self.run(lambda: self._lookup(effect))
        elif isinstance(effect, f.Checkin):
            self.run(lambda: self._checkin(effect))
        elif isinstance(effect, f.PrintReceipt):
            # Queued: a printer fault never blocks this; a failure comes back to say so.
            session = self.flow.session
            self.receipts.submit(
                effect.arrival,
                on_failed=lambda: self.timers.call_soon(lambda: self.receipt_failed(session)),
                language=effect.language,
            )
        elif isinstance(effect, f.Show):
            self.show(effect.screen)
        elif isinstance(effect, f.Present):
            self.present(effect.language, effect.large_text)
        else:
            raise TypeError(f"unknown effect {effect!r}")

    def _lookup(self, effect: f.Lookup) -> None:
        try:
            if effect.code:
                matches = self.client.lookup_code(effect.session, effect.code)
            else:
                matches = self.client.lookup(effect.session, effect.last_name, effect.dob)
            answer = f.LookupOk(tuple(matches), effect.session)
        except ClientError as e:
            log.warning("lookup failed (%s): %s", e.kind, type(e).__name__)
            answer = f.LookupFailed(e.kind, effect.session)
        except Exception:
            log.exception("lookup: unexpected error")
            answer = f.LookupFailed("unconfirmed", effect.session)
        self.timers.call_soon(lambda: self.handle(answer))

    def _checkin(self, effect: f.Checkin) -> None:
        try:
            arrival = self.client.checkin(effect.session, effect.appointment)
            answer = f.CheckinOk(arrival, effect.session)
        except ClientError as e:
            log.warning("checkin failed (%s): %s", e.kind, type(e).__name__)
            answer = f.CheckinFailed(e.kind, effect.session)
        except Exception:
            log.exception("checkin: unexpected error")
            answer = f.CheckinFailed("unconfirmed", effect.session)
        self.timers.call_soon(lambda: self.handle(answer))

    # -- screen timers -----------------------------------------------------------------

    def _arm_for_state(self) -> None:
        state, c = self.flow.state, self.config
        if state in f.WATCHED:
            self._arm(c.inactivity_prompt_s, f.Idle())
        elif state == vocabulary.STILL_THERE:
            self._arm(c.countdown_s, f.CountdownExpired())
        elif state == vocabulary.DONE:
            self._arm(c.done_return_s, f.Finish())
        elif state == vocabulary.HANDOFF:
            self._arm(c.handoff_return_s, f.Finish())
        else:
            self._disarm()

    def _arm(self, seconds: float, event) -> None:
        self._disarm()
        self._timer = self.timers.call_later(seconds, lambda: self.handle(event))

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
