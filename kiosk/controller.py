"""Runs the flow's effects: events to the outbox, server calls in worker threads,
receipts to the printer queue, screens to the view, and the screen timers.

No Kivy here: the app passes in `timers` (Kivy's Clock behind two methods) and a
`show(screen)` callable, so the controller is tested with plain fakes.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from kiosk import flow as f
from kiosk.client import ClientError
from seen import vocabulary

log = logging.getLogger(__name__)

# A tap this soon after a screen changed by itself (a timer, a server answer) was aimed
# at the screen before: ignored, so a late tap on "OK" never starts a ghost session.
TAP_GUARD_S = 1.0
# What the patient types goes to the server after this much quiet (and on a screen change).
PROGRESS_QUIET_S = 1.5
# How often, and for how long, the hand-off screen looks whether the server has its event.
DELIVERY_POLL_S = 0.25
DELIVERY_WATCH_S = 30.0


def tap_ignored(now: float, changed_at: float | None, guard_s: float = TAP_GUARD_S) -> bool:
    """True for a tap within guard_s after the screen changed by itself."""
    return changed_at is not None and 0 <= now - changed_at < guard_s


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
        clock: Callable[[], float] = time.monotonic,
        speech=None,
    ) -> None:
        self.flow = flow
        self.client = client
        self.outbox = outbox
        self.receipts = receipts
        self.timers = timers
        self.config = config
        self.show = show
        self.speech = speech  # kiosk.speech.mode.SpeechMode, or None: no speech at all
        self.new_id = new_id
        self.now_iso = now_iso
        self.run = run
        self.present = present
        self.clock = clock
        self._timer = None
        self.last_put_durable = True  # False after an event the disk would not take
        self._typing_timer = None
        self._auto_changed_at: float | None = None

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

    def console_status(self, live: bool, reachable: bool = True) -> None:
        self.handle(f.ConsoleStatus(bool(live), bool(reachable)))

    def printer_report(self, state: str) -> None:
        self.handle(f.PrinterReport(state), automatic=True)

    def slip_not_printed(self) -> None:
        self.handle(f.SlipNotPrinted())

    def receipt_failed(self, session: str) -> None:
        self.handle(f.ReceiptFailed(session))

    def enter_name(self, text: str) -> None:
        self.handle(f.EnterName(text))

    def typed(self, field: str, text: str) -> None:
        self.handle(f.Typed(field, text))
        if self.speech is not None:
            self.speech.typed(self.flow, field, text)
        # Debounced: sent once the patient pauses, so a crash mid-typing still names them.
        if self._typing_timer is not None:
            self._typing_timer.cancel()
        self._typing_timer = self.timers.call_later(
            PROGRESS_QUIET_S, lambda: self.handle(f.SendTyped())
        )

    def speech_key(self, action: str) -> None:
        """A speech key (kiosk.keys.SPEECH_KEYS): speech on/off, repeat, stop, volume, or
        the language key (English <-> Spanish, the screen said again in the new voice)."""
        if action == "language":
            self.switch_language()
        elif self.speech is not None:
            self.speech.press(action, self.flow)

    def switch_language(self) -> None:
        """The language key: at welcome it begins in Spanish (as the Español button);
        in a session it swaps English and Spanish on the screen as it is."""
        if self.flow.state == vocabulary.WELCOME:
            self.start("es")
        else:
            self.set_language("es" if self.flow.language == "en" else "en")

    def headphones(self, plugged: bool) -> None:
        """Headphones plugged in (speech on, the screen said) or pulled out (speech off);
        either is the patient's hand, so it also answers "Are you still there?"."""
        # Plugged in: back to the screen first, so what is said whole is that screen;
        # pulled out: silent first, so nothing starts on the way back.
        if not plugged and self.speech is not None:
            self.speech.unplugged(self.flow)
        self.key_released()
        if plugged and self.speech is not None:
            self.speech.plugged(self.flow)

    def focus_moved(self, label: str, index: int, count: int, place: bool = True) -> None:
        """The keypad's focus moved (kiosk.tactile): speech mode says where it is."""
        if self.speech is not None:
            self.speech.focused(self.flow, label, index, count, place)

    @property
    def speaking(self) -> bool:
        """Speech mode is on (Enter at welcome then starts a check-in)."""
        return self.speech is not None and self.speech.on

    def said_error(self, message: str) -> None:
        """The screen shows an error (English msgid): speech mode says it too."""
        if self.speech is not None:
            self.speech.error(self.flow, message)

    def try_again(self) -> None:
        self.handle(f.TryAgain())

    def start_over(self) -> None:
        self.handle(f.StartOver())

    def accepts_touch(self) -> bool:
        """False in the first second after the screen changed by itself."""
        return not tap_ignored(self.clock(), self._auto_changed_at)

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

    def key_released(self) -> None:
        """A key let go on a USB keyboard: on "Are you still there?" it is "I'm still here"
        (the session goes on where it was); elsewhere it is a touch."""
        if self.flow.state == vocabulary.STILL_THERE:
            self.still_here()
        else:
            self.touched()

    # -- the loop --------------------------------------------------------------------

    def handle(self, event, automatic: bool = False) -> None:
        """Feed one input to the flow and run its effects (on the UI thread).

        automatic: the input came from a timer or the server, not the patient's hand.
        """
        before = self.flow.state
        effects = self.flow.handle(event)
        for effect in effects:
            self._run(effect)
        if automatic and self.flow.state != before:
            self._auto_changed_at = self.clock()
        if effects and (self.flow.state != before or isinstance(event, f.Start)):
            self._arm_for_state()

    def _run(self, effect) -> None:
        if isinstance(effect, f.Emit):
            event_id = self.new_id()
            # put never raises (a full disk keeps the event in memory); False means a
            # power cut now would lose it, so nothing may promise the desk knows.
            self.last_put_durable = self.outbox.put(
                {
                    "id": event_id,
                    "session": effect.session,
                    "type": effect.type,
                    "at": self.now_iso(),
                    "data": effect.data,
                }
            )
            if effect.type == vocabulary.SESSION_HANDED_OFF:
                self._watch_delivery(event_id, effect.session, self.clock() + DELIVERY_WATCH_S)
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
            if self.speech is not None:  # after show: the screen's fields are set by then
                self.speech.shown(self.flow)
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
        self.timers.call_soon(lambda: self.handle(answer, automatic=True))

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
        self.timers.call_soon(lambda: self.handle(answer, automatic=True))

    # -- has the desk got the hand-off? -----------------------------------------------------

    def _delivered(self, event_id: str) -> bool:
        """The server has accepted the event (the outbox no longer holds it as waiting)."""
        # An outbox that can say so itself (it may keep events in memory, e.g. on a full
        # disk, where pending() cannot see them) is asked; otherwise its tables are read.
        ask = getattr(self.outbox, "delivered", None)
        if callable(ask):
            return bool(ask(event_id))
        limit = 500
        waiting = self.outbox.pending(limit)
        if len(waiting) >= limit:
            return False  # too far behind to tell; "go to the desk" stays
        held = {held_id for held_id, _reason in self.outbox.held()}
        return event_id not in held and all(event["id"] != event_id for event in waiting)

    def _watch_delivery(self, event_id: str, session: str, until: float) -> None:
        # Polled on the UI thread: a local SQLite read, a few times a second, for a while.
        if self.flow.session != session or self.flow.state != vocabulary.HANDOFF:
            return  # the patient has moved on: nothing to reword
        try:
            delivered = self._delivered(event_id)
        except Exception:  # noqa: BLE001 - an unreadable outbox means "not known to be sent"
            log.warning("outbox unreadable while watching a hand-off")
            delivered = False
        if delivered:
            self.handle(f.HandoffDelivered(session))
        elif self.clock() < until:
            self.timers.call_later(
                DELIVERY_POLL_S, lambda: self._watch_delivery(event_id, session, until)
            )

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
        self._timer = self.timers.call_later(seconds, lambda: self.handle(event, automatic=True))

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
