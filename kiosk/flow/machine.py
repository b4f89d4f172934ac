"""The check-in session's state, changed only by `Flow.handle(input)`, which runs the
step the table names and returns the effects. No Kivy, no clock, no I/O.

Everything about the patient is forgotten when the flow returns to welcome; what is
about the kiosk (console, server, printer) is kept across sessions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.flow.effects import Checkin, Emit, Lookup, Present, PrintReceipt, Show
from kiosk.flow.inputs import (
    ANSWERS,
    Back,
    CheckinFailed,
    CheckinOk,
    Choose,
    ConfirmYes,
    ConsoleStatus,
    CountdownExpired,
    EnterCode,
    EnterDob,
    EnterName,
    Finish,
    HandoffDelivered,
    Help,
    Idle,
    LookupFailed,
    LookupOk,
    PrinterReport,
    ReceiptFailed,
    ReportProblem,
    Scanned,
    SendTyped,
    SetLanguage,
    SlipNotPrinted,
    Start,
    StartOver,
    StillHere,
    ToggleLargeText,
    TryAgain,
    Typed,
    UseCode,
    WalkIn,
    WalkInDetails,
)
from kiosk.flow.table import TRANSITIONS, TYPING
from seen.vocabulary import (
    CHECK_TYPED,
    CHECKING_IN,
    CHOOSE,
    CONFIRM,
    DONE,
    HANDOFF,
    IDENTIFY_CODE,
    IDENTIFY_DOB,
    IDENTIFY_NAME,
    LOOKING_UP,
    SESSION_ABANDONED,
    SESSION_CHECKED_IN,
    SESSION_ENDED,
    SESSION_HANDED_OFF,
    SESSION_PROGRESS,
    SESSION_STARTED,
    SESSION_STEP,
    STILL_THERE,
    WALK_IN,
    WELCOME,
)

LANGUAGES = ("en", "es")
# What a hand-off may tell the desk the patient typed (data.entered), in this order.
ENTERED_FIELDS = ("first_name", "last_name", "dob", "code", "phone")
# What an earlier, missed attempt tells the desk (data.attempts, a list of these).
ATTEMPT_FIELDS = ("first_name", "last_name", "dob")

# Printer states only a status answer gives: the printer tells us when paper runs out.
# ("no_status" says it cannot; other states, like a write error, say nothing either way.)
STATUS_ANSWERS = ("ok", "paper_near_end", "paper_out", "cover_open")


@dataclass
class Flow:
    """One kiosk's check-in state; `handle` is the only way it changes."""

    state: str = WELCOME
    session: str | None = None
    last_name: str = ""
    dob: str = ""
    code: str = ""
    first_name_typed: str = ""  # walk-in only: what the patient typed as first name
    phone: str = ""
    matches: tuple[dict, ...] = ()
    chosen: dict | None = None
    arrival: dict | None = None
    reason: str | None = None
    covered: str | None = None  # the screen under "Are you still there?"
    walk_in: bool = False  # the hand-off came from the walk-in screen
    receipt_failed: bool = False
    language: str = "en"
    large_text: bool = False
    console_live: bool = True  # kept across sessions: it is about the clinic, not the patient
    reachable: bool = True  # the server answered the last heartbeat (kept across sessions too)
    # The printer reports paper-out, so a slip sent and not refused came out (kept too).
    # False: done says the slip "is printing" and offers "My slip didn't print".
    printer_checks: bool = True
    handoff_delivered: bool = False  # the server accepted this session's hand-off
    attempts: tuple[dict, ...] = ()  # earlier name-and-date attempts that found nothing
    sent_entered: dict = field(default_factory=dict)  # what the server last heard was typed
    _effects: list[Any] = field(default_factory=list, repr=False)

    def handle(self, event: Any) -> list[Any]:
        """Apply one input; return the effects to run, in order ([] when ignored)."""
        step = TRANSITIONS.get((self.state, type(event)))
        if step is None:
            return []
        if isinstance(event, ANSWERS) and event.session not in (None, self.session):
            return []  # a server answer for a session that is over
        self._effects = []
        getattr(self, step)(event)
        return self._effects

    # -- what the screens show ---------------------------------------------------

    @property
    def first_name(self) -> str:
        """The first name(s) from the arrival's display name ("María José O." -> "María José")."""
        name = (self.arrival or self.chosen or {}).get("display_name", "")
        return name.rsplit(" ", 1)[0] if " " in name else name

    @property
    def someone_coming(self) -> bool:
        """True only when the desk surely has the hand-off and someone watches the console."""
        return self.handoff_delivered and self.console_live and self.reachable

    @property
    def can_reach_desk(self) -> bool:
        return self.reachable and self.console_live

    @property
    def entered(self) -> dict:
        if self.walk_in:  # the desk's walk-in form: all three, even an empty phone
            return {
                "first_name": self.first_name_typed,
                "last_name": self.last_name,
                "phone": self.phone,
            }
        values = {
            "first_name": self.first_name_typed,
            "last_name": self.last_name,
            "dob": self.dob,
            "code": self.code,
            "phone": self.phone,
        }
        return {key: value for key, value in values.items() if value}

    # -- helpers -------------------------------------------------------------------

    def _emit(self, kind: str, **data) -> None:
        self._effects.append(Emit(kind, data, self.session))

    def _go(self, state: str) -> None:
        if state != WELCOME and self.state in TYPING:
            self._send_typed(None)  # leaving a typing screen: what was typed goes now
        self.state = state
        if state != WELCOME:
            self._emit(SESSION_STEP, step=state)
        self._effects.append(Show(state))

    def _hand_off(self, reason: str, step: str | None = None) -> None:
        self.reason = reason
        data = {"reason": reason, "step": step or self.state, "entered": self.entered}
        if (step or self.state) == CONFIRM and self.chosen:
            # The one appointment on screen, so the desk's card can say which was found.
            data["appointment"] = self.chosen["appointment"]
        if self.attempts:
            data["attempts"] = [dict(attempt) for attempt in self.attempts]
        self._emit(SESSION_HANDED_OFF, **data)
        self.sent_entered = self.entered
        self._go(HANDOFF)

    def _attempt(self) -> dict:
        values = {"first_name": self.first_name_typed, "last_name": self.last_name, "dob": self.dob}
        return {key: values[key] for key in ATTEMPT_FIELDS if values[key]}

    def _abandon(self, reason: str, step: str | None = None) -> None:
        """End the session with no alert (nobody to help); the server counts it."""
        self._emit(SESSION_ABANDONED, reason=reason, step=step or self.state)
        self._forget()
        self._present("en", False)
        self._go(WELCOME)

    def _refresh(self) -> None:
        """Show the current screen again (new words or data), without a step event."""
        self._effects.append(Show(self.state))

    def _present(self, language: str, large_text: bool) -> None:
        self.language, self.large_text = language, large_text
        self._effects.append(Present(language, large_text))

    def _forget(self) -> None:
        self.session = None
        self.last_name = self.dob = self.code = self.first_name_typed = self.phone = ""
        self.matches = ()
        self.chosen = self.arrival = None
        self.reason = self.covered = None
        self.walk_in = self.receipt_failed = self.handoff_delivered = False
        self.attempts = ()
        self.sent_entered = {}

    # -- steps (named in TRANSITIONS) -------------------------------------------------

    def _begin(self, session: str, language: str = "en") -> None:
        self._forget()
        self.session = session
        self._present(language if language in LANGUAGES else "en", False)
        self._emit(SESSION_STARTED)

    def _start(self, event: Start) -> None:
        self._begin(event.session, event.language)
        self._go(IDENTIFY_NAME)

    def _use_code(self, event: UseCode) -> None:
        self._go(IDENTIFY_CODE)

    def _look_up_code(self, code: str) -> None:
        self.code = code
        self._go(LOOKING_UP)
        self._effects.append(Lookup(self.session, "", "", code=code))

    def _enter_code(self, event: EnterCode) -> None:
        code = "".join(event.code.split())[:64]
        if code:
            self._look_up_code(code)

    def _scanned(self, event: Scanned) -> None:
        code = "".join(event.code.split())[:64]
        if code:
            self._look_up_code(code)

    def _scanned_at_welcome(self, event: Scanned) -> None:
        code = "".join(event.code.split())[:64]
        if code and event.session:
            self._begin(event.session)
            self._look_up_code(code)

    def _walk_in_details(self, event: WalkInDetails) -> None:
        first, last = " ".join(event.first_name.split()), " ".join(event.last_name.split())
        if not (first or last):
            return  # Send is disabled until a name is typed
        self.first_name_typed, self.last_name = first[:100], last[:100]
        self.phone = "".join(event.phone.split())[:30]
        self.walk_in = True
        self._hand_off("walk_in")

    def _set_language(self, event: SetLanguage) -> None:
        if event.language in LANGUAGES and event.language != self.language:
            self._present(event.language, self.large_text)
            self._refresh()

    def _toggle_large_text(self, event: ToggleLargeText) -> None:
        self._present(self.language, not self.large_text)
        self._refresh()

    def _console_status(self, event: ConsoleStatus) -> None:
        if (event.live, event.reachable) != (self.console_live, self.reachable):
            self.console_live, self.reachable = event.live, event.reachable
            if self.state in (HANDOFF, WELCOME):
                self._refresh()  # "go to the front desk" instead of "someone is coming"

    def _printer_report(self, event: PrinterReport) -> None:
        if event.state == "no_status":
            checks = False
        elif event.state in STATUS_ANSWERS:
            checks = True
        else:
            return  # says nothing about whether the printer can report
        if checks != self.printer_checks:
            self.printer_checks = checks
            if self.state == DONE:
                self._refresh()

    def _handoff_delivered(self, event: HandoffDelivered) -> None:
        self.handoff_delivered = True
        self._refresh()

    def _send_typed(self, event: SendTyped | None) -> None:
        # The same fields a hand-off carries, sent only when they changed.
        entered = self.entered
        if entered and entered != self.sent_entered:
            self.sent_entered = entered
            self._emit(SESSION_PROGRESS, step=self.state, entered=entered)

    def _try_again(self, event: TryAgain) -> None:
        self.attempts = (*self.attempts, self._attempt())
        self._go(IDENTIFY_NAME)

    def _start_over(self, event: StartOver) -> None:
        self._abandon("start_over")

    def _receipt_failed(self, event: ReceiptFailed) -> None:
        self.receipt_failed = True
        self._refresh()

    def _enter_name(self, event: EnterName) -> None:
        name = " ".join(event.last_name.split())
        if not name:
            return  # the Next button is disabled when empty; a stray call changes nothing
        self.last_name = name
        self._go(IDENTIFY_DOB)

    def _typed(self, event: Typed) -> None:
        # A half-typed name, date or code still helps the front desk find the patient.
        attribute = {"first_name": "first_name_typed"}.get(event.field, event.field)
        if event.field in ENTERED_FIELDS:
            setattr(self, attribute, " ".join(event.text.split())[:100])

    def _walk_in(self, event: WalkIn) -> None:
        self._go(WALK_IN)

    def _enter_dob(self, event: EnterDob) -> None:
        self.dob = event.dob
        self._go(LOOKING_UP)
        self._effects.append(Lookup(self.session, self.last_name, self.dob))

    def _back_to_name(self, event: Back) -> None:
        self._go(IDENTIFY_NAME)

    def _lookup_ok(self, event: LookupOk) -> None:
        self.matches = tuple(event.matches)
        if not self.matches and not self.code and not self.attempts:
            self._go(CHECK_TYPED)  # one miss: let the patient look at what they typed
        elif not self.matches:
            self._hand_off("no_match")
        elif len(self.matches) == 1:
            self.chosen = self.matches[0]
            self._go(CONFIRM)
        else:
            self._go(CHOOSE)

    def _lookup_failed(self, event: LookupFailed) -> None:
        # Whatever went wrong, the patient cannot be found now: a person takes over.
        # A refusal (e.g. 429, too many look-ups) comes from a server that is up and
        # alerted, so the patient hears "we couldn't find it, someone is coming", not
        # "the system isn't working".
        self._hand_off("no_match" if event.kind == "rejected" else "offline")

    def _choose(self, event: Choose) -> None:
        for match in self.matches:
            if match["appointment"] == event.appointment:
                self.chosen = match
                self._go(CONFIRM)
                return

    def _not_me(self, event) -> None:
        self._hand_off("not_me")

    def _confirm_yes(self, event: ConfirmYes) -> None:
        self._go(CHECKING_IN)
        self._effects.append(Checkin(self.session, self.chosen["appointment"]))

    def _checkin_ok(self, event: CheckinOk) -> None:
        self.arrival = dict(event.arrival)
        self._emit(
            SESSION_CHECKED_IN,
            appointment=self.arrival.get("appointment"),
            arrival=self.arrival.get("id"),
        )
        self._effects.append(PrintReceipt(self.arrival, self.language))
        self._go(DONE)

    def _checkin_failed(self, event: CheckinFailed) -> None:
        # Offline: the request surely did not arrive. Anything else: it may have; a person checks.
        self._hand_off("offline" if event.kind == "offline" else "checkin_unconfirmed")

    def _help(self, event: Help) -> None:
        self._hand_off("help", step=self.covered if self.state == STILL_THERE else None)

    def _help_at_welcome(self, event: Help) -> None:
        if event.session is None:
            return  # no session to hand off: the controller always passes one
        self._begin(event.session)
        self._hand_off("help")

    def _report_problem(self, event: ReportProblem) -> None:
        self._hand_off("reported_problem")

    def _slip_not_printed(self, event: SlipNotPrinted) -> None:
        # Checked in all the same: the desk gives the number the slip would have shown.
        self._hand_off("slip_not_printed")

    def _idle(self, event: Idle) -> None:
        self.covered = self.state
        self._go(STILL_THERE)

    def _still_here(self, event: StillHere) -> None:
        covered, self.covered = self.covered, None
        self._go(covered)

    def _timed_out(self, event: CountdownExpired) -> None:
        if self.covered == IDENTIFY_NAME and not self.entered and not self.attempts:
            self._abandon("walked_away", step=self.covered)  # nothing to tell the desk
        else:
            self._hand_off("timed_out", step=self.covered)

    def _finish(self, event: Finish) -> None:
        self._emit(SESSION_ENDED)
        self._forget()
        self._present("en", False)
        self._go(WELCOME)
