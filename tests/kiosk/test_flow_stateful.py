"""The kiosk flow under random input sequences (hypothesis stateful testing).

Any input may come at any time, in any order: taps, typed text, late or stale server
answers, timers, the scanner. After every step the flow must keep its promises:
"checked in" only after the server's CheckinOk for this session; every session that
left the welcome screen ends in an arrival or a hand-off before it ends; help is one
tap away on every screen; nothing about a patient stays once back at welcome.
"""

from __future__ import annotations

import copy
import itertools

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from kiosk import flow as f
from seen import vocabulary

MATCHES = [
    {"appointment": n, "display_name": f"Pat {n}.", "time": "10:30", "provider": "Dr. Lee"}
    for n in (7, 8, 9)
]
ARRIVAL = {
    "id": 3,
    "appointment": 7,
    "display_name": "Pat 7.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "arrived_at": "2026-11-22T15:20:00+00:00",
    "ticket": 12,
}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


class KioskFlow(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.flow = f.Flow()
        self.ids = (f"s{n}" for n in itertools.count())
        self.outcomes: dict[str, set[str]] = {}  # session -> outcomes emitted
        self.last_event = None
        self.last_state = vocabulary.WELCOME
        self.effects: list = []

    def feed(self, event) -> None:
        self.last_state, self.last_event = self.flow.state, event
        session_before = self.flow.session
        self.effects = self.flow.handle(event)
        for effect in self.effects:
            if isinstance(effect, f.Emit):
                assert effect.session, f"event {effect.type} without a session"
                outcomes = self.outcomes.setdefault(effect.session, set())
                if effect.type == "session.ended":
                    assert outcomes & {"session.checked_in", "session.handed_off"}, (
                        f"session {effect.session} ended with neither an arrival nor a hand-off"
                    )
                outcomes.add(effect.type)
        started = [e for e in self.effects if isinstance(e, f.Emit) and e.type == "session.started"]
        if started and session_before and session_before != self.flow.session:
            previous = self.outcomes.get(session_before, set())
            assert (
                previous & {"session.checked_in", "session.handed_off", "session.ended"}
                or self.last_state == vocabulary.WELCOME
            ), "a session was dropped for a new one"

    def session_or_stale(self, stale: bool) -> str | None:
        return "stale-session" if stale else self.flow.session

    # -- the patient -------------------------------------------------------------------

    @rule(language=st.sampled_from(["en", "es", "xx"]))
    def start(self, language):
        self.feed(f.Start(next(self.ids), language))

    @rule(name=TEXT)
    def enter_name(self, name):
        self.feed(f.EnterName(name))

    @rule(field=st.sampled_from(["last_name", "dob", "code", "first_name", "phone"]), text=TEXT)
    def typed(self, field, text):
        self.feed(f.Typed(field, text))

    @rule(dob=st.dates().map(lambda d: d.isoformat()))
    def enter_dob(self, dob):
        self.feed(f.EnterDob(dob))

    @rule(code=TEXT)
    def enter_code(self, code):
        self.feed(f.EnterCode(code))

    @rule(code=TEXT, fresh=st.booleans())
    def scanned(self, code, fresh):
        self.feed(f.Scanned(code, next(self.ids) if fresh else None))

    @rule(appointment=st.sampled_from([7, 8, 9, 99]))
    def choose(self, appointment):
        self.feed(f.Choose(appointment))

    @rule(
        event=st.sampled_from(
            [
                f.ConfirmYes(),
                f.ConfirmNo(),
                f.ReportProblem(),
                f.WalkIn(),
                f.Back(),
                f.Idle(),
                f.StillHere(),
                f.CountdownExpired(),
                f.Finish(),
                f.UseCode(),
                f.ToggleLargeText(),
                f.ReceiptFailed(),
                f.TryAgain(),
                f.StartOver(),
                f.SendTyped(),
                f.HandoffDelivered(),
            ]
        )
    )
    def tap(self, event):
        self.feed(event)

    @rule(fresh=st.booleans())
    def help(self, fresh):
        self.feed(f.Help(next(self.ids) if fresh else None))

    @rule(first=TEXT, last=TEXT, phone=TEXT)
    def walk_in_details(self, first, last, phone):
        self.feed(f.WalkInDetails(first, last, phone))

    @rule(language=st.sampled_from(["en", "es"]))
    def set_language(self, language):
        self.feed(f.SetLanguage(language))

    @rule(live=st.booleans())
    def console_status(self, live):
        self.feed(f.ConsoleStatus(live))

    # -- what usually comes next (so deep screens are reached often) ---------------------

    def natural_next(self, n: int):
        session = self.flow.session
        return {
            vocabulary.WELCOME: f.Start(next(self.ids)),
            vocabulary.IDENTIFY_NAME: f.EnterName("Okafor"),
            vocabulary.IDENTIFY_DOB: f.EnterDob("1980-02-04"),
            vocabulary.IDENTIFY_CODE: f.EnterCode("K7"),
            vocabulary.LOOKING_UP: f.LookupOk(tuple(MATCHES[:n]), session),
            vocabulary.CHOOSE: f.Choose(8),
            vocabulary.CONFIRM: f.ConfirmYes(),
            vocabulary.CHECKING_IN: [
                f.CheckinOk(ARRIVAL, session),
                f.CheckinFailed(f.FAILURE_KINDS[n % 3], session),
            ][n % 2],
            vocabulary.DONE: f.Finish(),
            vocabulary.HANDOFF: f.Finish(),
            vocabulary.STILL_THERE: f.StillHere(),
            vocabulary.WALK_IN: f.WalkInDetails("Ann", "Lee"),
            vocabulary.CHECK_TYPED: f.TryAgain(),
        }[self.flow.state]

    @rule(n=st.integers(0, 3))
    def advance(self, n):
        self.feed(self.natural_next(n))

    @rule(n=st.integers(0, 3))
    def advance_again(self, n):
        self.feed(self.natural_next(n))

    @rule(n=st.integers(0, 3))
    def advance_once_more(self, n):
        self.feed(self.natural_next(n))

    # -- the server (answers may be late, for a session that is over) -------------------

    @rule(n=st.integers(0, 3), stale=st.booleans())
    def lookup_ok(self, n, stale):
        self.feed(f.LookupOk(tuple(MATCHES[:n]), self.session_or_stale(stale)))

    @rule(kind=st.sampled_from(f.FAILURE_KINDS), stale=st.booleans())
    def lookup_failed(self, kind, stale):
        self.feed(f.LookupFailed(kind, self.session_or_stale(stale)))

    @rule(stale=st.booleans())
    def checkin_ok(self, stale):
        self.feed(f.CheckinOk(ARRIVAL, self.session_or_stale(stale)))

    @rule(kind=st.sampled_from(f.FAILURE_KINDS), stale=st.booleans())
    def checkin_failed(self, kind, stale):
        self.feed(f.CheckinFailed(kind, self.session_or_stale(stale)))

    # -- the promises --------------------------------------------------------------------

    @invariant()
    def checked_in_only_after_the_servers_ok(self):
        done_now = f.Show(vocabulary.DONE) in self.effects and self.last_state != vocabulary.DONE
        printed = any(isinstance(e, f.PrintReceipt) for e in self.effects)
        confirmed = [
            e for e in self.effects if isinstance(e, f.Emit) and e.type == "session.checked_in"
        ]
        if done_now or printed or confirmed:
            assert isinstance(self.last_event, f.CheckinOk), self.last_event
            assert self.last_state == vocabulary.CHECKING_IN
            assert self.last_event.session in (None, self.flow.session)

    @invariant()
    def help_is_one_tap_away(self):
        if self.flow.state == vocabulary.HANDOFF:
            assert self.flow.reason in vocabulary.HANDOFF_REASONS  # a person is already coming
            return
        trial = copy.deepcopy(self.flow)
        effects = trial.handle(f.Help("help-session"))
        assert trial.state == vocabulary.HANDOFF and trial.reason == "help", self.flow.state
        assert any(isinstance(e, f.Emit) and e.type == "session.handed_off" for e in effects)

    @invariant()
    def welcome_forgets_the_patient(self):
        if self.flow.state == vocabulary.WELCOME:
            assert self.flow.session is None
            assert not (
                self.flow.last_name
                or self.flow.dob
                or self.flow.code
                or self.flow.matches
                or self.flow.chosen
                or self.flow.arrival
                or self.flow.attempts
                or self.flow.sent_entered
            )

    @invariant()
    def a_session_outside_welcome_has_started(self):
        if self.flow.state != vocabulary.WELCOME:
            assert "session.started" in self.outcomes.get(self.flow.session, set())


KioskFlow.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_kiosk_flow = KioskFlow.TestCase
