"""The check-in flow, path by path, by plain calls (no Kivy, no clock, no I/O)."""

from __future__ import annotations

import pytest

from kiosk import flow as f
from seen import vocabulary

MARIA = {"appointment": 7, "display_name": "María José O.", "time": "10:30", "provider": "Dr. Lee"}
MARIO = {"appointment": 8, "display_name": "Mario O.", "time": "11:00", "provider": "Dr. Ng"}
ARRIVAL = {
    "id": 3,
    "appointment": 7,
    "display_name": "María José O.",
    "time": "10:30",
    "provider": "Dr. Lee",
    "arrived_at": "2026-11-22T15:20:00+00:00",
    "ticket": 12,
}


def emitted(effects, kind=None):
    return [e for e in effects if isinstance(e, f.Emit) and (kind is None or e.type == kind)]


def shown(effects):
    return [e.screen for e in effects if isinstance(e, f.Show)]


def at_state(state: str) -> f.Flow:
    """A flow driven by the happy path up to `state`."""
    flow = f.Flow()
    path = {
        vocabulary.IDENTIFY_NAME: [f.Start("s1")],
        vocabulary.IDENTIFY_DOB: [f.Start("s1"), f.EnterName("O'Brien-Okafor")],
        vocabulary.IDENTIFY_CODE: [f.Start("s1"), f.UseCode()],
        vocabulary.WALK_IN: [f.Start("s1"), f.WalkIn()],
        vocabulary.LOOKING_UP: [f.Start("s1"), f.EnterName("Okafor"), f.EnterDob("1980-04-02")],
        vocabulary.CHOOSE: [
            f.Start("s1"),
            f.EnterName("Okafor"),
            f.EnterDob("1980-04-02"),
            f.LookupOk((MARIA, MARIO), "s1"),
        ],
        vocabulary.CONFIRM: [
            f.Start("s1"),
            f.EnterName("Okafor"),
            f.EnterDob("1980-04-02"),
            f.LookupOk((MARIA,), "s1"),
        ],
        vocabulary.CHECKING_IN: [
            f.Start("s1"),
            f.EnterName("Okafor"),
            f.EnterDob("1980-04-02"),
            f.LookupOk((MARIA,), "s1"),
            f.ConfirmYes(),
        ],
        vocabulary.DONE: [
            f.Start("s1"),
            f.EnterName("Okafor"),
            f.EnterDob("1980-04-02"),
            f.LookupOk((MARIA,), "s1"),
            f.ConfirmYes(),
            f.CheckinOk(ARRIVAL, "s1"),
        ],
    }[state]
    for event in path:
        assert flow.handle(event), f"{event} was ignored on the way to {state}"
    assert flow.state == state
    return flow


def test_happy_path_emits_every_step_and_prints():
    flow = f.Flow()
    effects = flow.handle(f.Start("s1"))
    assert [e.type for e in emitted(effects)] == ["session.started", "session.step"]
    assert shown(effects) == ["identify_name"]
    flow.handle(f.EnterName("  Okafor  "))
    effects = flow.handle(f.EnterDob("1980-04-02"))
    assert f.Lookup("s1", "Okafor", "1980-04-02") in effects
    effects = flow.handle(f.LookupOk((MARIA,), "s1"))
    assert shown(effects) == ["confirm"] and flow.chosen == MARIA
    effects = flow.handle(f.ConfirmYes())
    assert f.Checkin("s1", 7) in effects and flow.state == vocabulary.CHECKING_IN
    effects = flow.handle(f.CheckinOk(ARRIVAL, "s1"))
    assert f.PrintReceipt(ARRIVAL) in effects
    assert emitted(effects, "session.checked_in")[0].data == {"appointment": 7, "arrival": 3}
    assert shown(effects) == ["done"]
    assert flow.first_name == "María José"
    assert all(e.session == "s1" for e in emitted(effects))


def test_several_matches_go_through_choose():
    flow = at_state(vocabulary.CHOOSE)
    assert flow.handle(f.Choose(999)) == []  # not one of the matches
    effects = flow.handle(f.Choose(8))
    assert shown(effects) == ["confirm"] and flow.chosen == MARIO


HANDOFFS = [
    (vocabulary.LOOKING_UP, f.LookupFailed("offline", "s1"), "offline"),
    (vocabulary.LOOKING_UP, f.LookupFailed("unconfirmed", "s1"), "offline"),
    (vocabulary.LOOKING_UP, f.LookupFailed("rejected", "s1"), "no_match"),
    (vocabulary.CONFIRM, f.ConfirmNo(), "not_me"),
    (vocabulary.CHOOSE, f.ConfirmNo(), "not_me"),
    (vocabulary.CHECKING_IN, f.CheckinFailed("offline", "s1"), "offline"),
    (vocabulary.CHECKING_IN, f.CheckinFailed("unconfirmed", "s1"), "checkin_unconfirmed"),
    (vocabulary.CHECKING_IN, f.CheckinFailed("rejected", "s1"), "checkin_unconfirmed"),
    (vocabulary.DONE, f.ReportProblem(), "reported_problem"),
    (vocabulary.WALK_IN, f.WalkInDetails("Ann", "Lee"), "walk_in"),
]


@pytest.mark.parametrize(("state", "event", "reason"), HANDOFFS)
def test_each_handoff_reason(state, event, reason):
    flow = at_state(state)
    effects = flow.handle(event)
    (handoff,) = emitted(effects, "session.handed_off")
    assert handoff.data["reason"] == reason
    assert handoff.data["step"] == state
    assert shown(effects) == ["handoff"] and flow.reason == reason
    assert not [e for e in effects if isinstance(e, f.PrintReceipt)]


def test_handoff_carries_what_was_entered():
    flow = at_state(vocabulary.CONFIRM)
    (handoff,) = emitted(flow.handle(f.ConfirmNo()), "session.handed_off")
    assert handoff.data["entered"] == {"last_name": "Okafor", "dob": "1980-04-02"}
    assert handoff.data["appointment"] == flow_appointment()  # the one on screen
    assert "attempts" not in handoff.data  # only after a miss
    flow = at_state(vocabulary.IDENTIFY_NAME)
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["entered"] == {}


def flow_appointment() -> int:
    """The appointment the happy path's confirm screen shows."""
    return at_state(vocabulary.CONFIRM).chosen["appointment"]


def test_none_of_these_names_no_appointment():
    flow = at_state(vocabulary.CHOOSE)
    (handoff,) = emitted(flow.handle(f.ConfirmNo()), "session.handed_off")
    assert handoff.data["reason"] == "not_me" and "appointment" not in handoff.data


@pytest.mark.parametrize(
    "state",
    [
        vocabulary.IDENTIFY_NAME,
        vocabulary.IDENTIFY_DOB,
        vocabulary.LOOKING_UP,
        vocabulary.CHOOSE,
        vocabulary.CONFIRM,
        vocabulary.CHECKING_IN,
        vocabulary.DONE,
        vocabulary.IDENTIFY_CODE,
        vocabulary.WALK_IN,
    ],
)
def test_help_from_every_screen(state):
    flow = at_state(state)
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["reason"] == "help" and handoff.data["step"] == state
    assert flow.state == vocabulary.HANDOFF


def test_help_from_welcome_starts_a_session_for_the_alert():
    flow = f.Flow()
    assert flow.handle(f.Help()) == []  # no session id given: nothing to hand off
    effects = flow.handle(f.Help("s9"))
    assert [e.type for e in emitted(effects)] == [
        "session.started",
        "session.handed_off",
        "session.step",
    ]
    assert emitted(effects, "session.handed_off")[0].data["step"] == "welcome"
    assert {e.session for e in emitted(effects)} == {"s9"}


def test_help_from_still_there_names_the_covered_screen():
    flow = at_state(vocabulary.CONFIRM)
    flow.handle(f.Idle())
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["step"] == "confirm"


def test_inactivity_prompt_then_still_here_returns_to_the_same_screen():
    flow = at_state(vocabulary.IDENTIFY_DOB)
    effects = flow.handle(f.Idle())
    assert shown(effects) == ["still_there"] and flow.covered == vocabulary.IDENTIFY_DOB
    effects = flow.handle(f.StillHere())
    assert shown(effects) == ["identify_dob"] and flow.last_name == "O'Brien-Okafor"


def test_countdown_expired_hands_off_timed_out():
    flow = at_state(vocabulary.CONFIRM)
    flow.handle(f.Idle())
    (handoff,) = emitted(flow.handle(f.CountdownExpired()), "session.handed_off")
    assert handoff.data == {
        "reason": "timed_out",
        "step": "confirm",
        "entered": {"last_name": "Okafor", "dob": "1980-04-02"},
        "appointment": flow_appointment(),
    }


@pytest.mark.parametrize(
    "state", [vocabulary.WELCOME, vocabulary.LOOKING_UP, vocabulary.CHECKING_IN, vocabulary.DONE]
)
def test_idle_is_ignored_where_the_patient_is_not_asked_anything(state):
    flow = at_state(state) if state != vocabulary.WELCOME else f.Flow()
    assert flow.handle(f.Idle()) == [] and flow.state == state


def test_never_checked_in_without_checkin_ok():
    """No input but CheckinOk while checking_in reaches done."""
    for state in f.STATES:
        for event in [
            f.LookupOk((MARIA,), "s1"),
            f.ConfirmYes(),
            f.Finish(),
            f.Help(),
            f.StillHere(),
            f.CountdownExpired(),
            f.CheckinFailed("unconfirmed", "s1"),
        ]:
            flow = f.Flow(
                state=state,
                session="s1",
                chosen=MARIA,
                matches=(MARIA,),
                covered=vocabulary.CONFIRM,
            )
            flow.handle(event)
            assert flow.state != vocabulary.DONE or state == vocabulary.DONE


def test_a_late_answer_for_an_old_session_is_ignored():
    flow = at_state(vocabulary.LOOKING_UP)
    assert flow.handle(f.LookupOk((MARIA,), "older-session")) == []
    flow = at_state(vocabulary.CHECKING_IN)
    assert flow.handle(f.CheckinOk(ARRIVAL, "older-session")) == []
    assert flow.state == vocabulary.CHECKING_IN


def test_a_late_answer_after_help_is_ignored():
    flow = at_state(vocabulary.CHECKING_IN)
    flow.handle(f.Help())
    assert flow.handle(f.CheckinOk(ARRIVAL, "s1")) == []
    assert flow.state == vocabulary.HANDOFF


def test_back_from_date_keeps_the_name():
    flow = at_state(vocabulary.IDENTIFY_DOB)
    assert shown(flow.handle(f.Back())) == ["identify_name"]
    assert flow.last_name == "O'Brien-Okafor"


def test_empty_name_does_not_advance():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    assert flow.handle(f.EnterName("   ")) == [] and flow.state == vocabulary.IDENTIFY_NAME


@pytest.mark.parametrize("state", [vocabulary.DONE, vocabulary.HANDOFF])
def test_finish_forgets_the_patient(state):
    flow = at_state(vocabulary.DONE)
    if state == vocabulary.HANDOFF:
        flow.handle(f.ReportProblem())
    effects = flow.handle(f.Finish())
    assert [e.type for e in emitted(effects)] == ["session.ended"]
    assert emitted(effects)[0].session == "s1"
    assert shown(effects) == ["welcome"]
    assert (
        flow.session,
        flow.last_name,
        flow.dob,
        flow.matches,
        flow.chosen,
        flow.arrival,
        flow.reason,
        flow.covered,
    ) == (None, "", "", (), None, None, None, None)
    assert flow.first_name == "" and flow.entered == {}


def test_each_session_uses_the_id_it_was_given():
    flow = at_state(vocabulary.DONE)
    flow.handle(f.Finish())
    effects = flow.handle(f.Start("s2"))
    assert {e.session for e in emitted(effects)} == {"s2"}


def test_every_state_is_reachable_from_the_table():
    targets = {vocabulary.WELCOME} | {state for (state, _event) in f.TRANSITIONS}
    assert targets == set(f.STATES)


def test_half_typed_entries_reach_the_handoff():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    assert flow.handle(f.Typed("last_name", "Oka")) == []  # nothing shown, nothing sent
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["entered"] == {"last_name": "Oka"}
    flow = at_state(vocabulary.IDENTIFY_DOB)
    flow.handle(f.Typed("dob", "04 / 0D / YYYY"))
    flow.handle(f.Idle())
    (handoff,) = emitted(flow.handle(f.CountdownExpired()), "session.handed_off")
    assert handoff.data["entered"] == {"last_name": "O'Brien-Okafor", "dob": "04 / 0D / YYYY"}


def test_typing_is_ignored_off_the_entry_screens():
    flow = at_state(vocabulary.CONFIRM)
    flow.handle(f.Typed("last_name", "Other"))
    assert flow.last_name == "Okafor"


# -- every path, as a table: inputs from welcome -> screens shown, and how it ends ------------

OK1 = f.LookupOk((MARIA,), "s1")
OK2 = f.LookupOk((MARIA, MARIO), "s1")
NAME_DOB = [f.Start("s1"), f.EnterName("Okafor"), f.EnterDob("1980-04-02")]
CODE = [f.Start("s1"), f.UseCode(), f.EnterCode("QX7-42")]
PATHS = {
    "name, one match, yes": (
        [*NAME_DOB, OK1, f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
        ["identify_name", "identify_dob", "looking_up", "confirm", "checking_in", "done"],
        "checked_in",
    ),
    "name, several, choose": (
        [*NAME_DOB, OK2, f.Choose(8), f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
        ["identify_name", "identify_dob", "looking_up", "choose", "confirm", "checking_in", "done"],
        "checked_in",
    ),
    "typed code": (
        [*CODE, OK1, f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
        ["identify_name", "identify_code", "looking_up", "confirm", "checking_in", "done"],
        "checked_in",
    ),
    "scanned at welcome": (
        [f.Scanned("QX7-42", "s1"), OK1, f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
        ["looking_up", "confirm", "checking_in", "done"],
        "checked_in",
    ),
    "scanned on the name screen": (
        [f.Start("s1"), f.Scanned("QX7-42"), OK1, f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
        ["identify_name", "looking_up", "confirm", "checking_in", "done"],
        "checked_in",
    ),
    "code, no match": (
        [*CODE, f.LookupOk((), "s1")],
        ["identify_name", "identify_code", "looking_up", "handoff"],
        "no_match",
    ),
    "name, no match twice": (
        [*NAME_DOB, f.LookupOk((), "s1"), f.TryAgain(), *NAME_DOB[1:], f.LookupOk((), "s1")],
        [
            "identify_name",
            "identify_dob",
            "looking_up",
            "check_typed",
            "identify_name",
            "identify_dob",
            "looking_up",
            "handoff",
        ],
        "no_match",
    ),
    "not me": (
        [*NAME_DOB, OK1, f.ConfirmNo()],
        ["identify_name", "identify_dob", "looking_up", "confirm", "handoff"],
        "not_me",
    ),
    "none of these": (
        [*NAME_DOB, OK2, f.ConfirmNo()],
        ["identify_name", "identify_dob", "looking_up", "choose", "handoff"],
        "not_me",
    ),
    "lookup offline": (
        [*NAME_DOB, f.LookupFailed("offline", "s1")],
        ["identify_name", "identify_dob", "looking_up", "handoff"],
        "offline",
    ),
    "checkin offline": (
        [*NAME_DOB, OK1, f.ConfirmYes(), f.CheckinFailed("offline", "s1")],
        ["identify_name", "identify_dob", "looking_up", "confirm", "checking_in", "handoff"],
        "offline",
    ),
    "checkin unconfirmed": (
        [*NAME_DOB, OK1, f.ConfirmYes(), f.CheckinFailed("unconfirmed", "s1")],
        ["identify_name", "identify_dob", "looking_up", "confirm", "checking_in", "handoff"],
        "checkin_unconfirmed",
    ),
    "reported problem": (
        [*NAME_DOB, OK1, f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1"), f.ReportProblem()],
        [
            "identify_name",
            "identify_dob",
            "looking_up",
            "confirm",
            "checking_in",
            "done",
            "handoff",
        ],
        "reported_problem",
    ),
    "walk-in": (
        [f.Start("s1"), f.WalkIn(), f.WalkInDetails("Ann", "Lee", "555")],
        ["identify_name", "walk_in", "handoff"],
        "walk_in",
    ),
    "walk-in from the code screen": (
        [f.Start("s1"), f.UseCode(), f.WalkIn(), f.WalkInDetails("Ann", "Lee")],
        ["identify_name", "identify_code", "walk_in", "handoff"],
        "walk_in",
    ),
    "help at welcome": ([f.Help("s1")], ["handoff"], "help"),
    "timed out": (
        [f.Start("s1"), f.UseCode(), f.Idle(), f.CountdownExpired()],
        ["identify_name", "identify_code", "still_there", "handoff"],
        "timed_out",
    ),
    "back from code, then name": (
        [
            f.Start("s1"),
            f.UseCode(),
            f.Back(),
            f.EnterName("Okafor"),
            f.EnterDob("1980-04-02"),
            OK1,
            f.ConfirmNo(),
        ],
        [
            "identify_name",
            "identify_code",
            "identify_name",
            "identify_dob",
            "looking_up",
            "confirm",
            "handoff",
        ],
        "not_me",
    ),
}


@pytest.mark.parametrize("name", PATHS)
def test_every_path(name):
    inputs, screens, outcome = PATHS[name]
    flow, effects = f.Flow(), []
    for event in inputs:
        got = flow.handle(event)
        assert got, f"{event} was ignored at {flow.state}"
        effects += got
    assert shown(effects) == screens
    handoffs = emitted(effects, "session.handed_off")
    if outcome == "checked_in":
        assert not handoffs and emitted(effects, "session.checked_in")
        assert f.PrintReceipt(ARRIVAL) in effects
    else:
        assert [h.data["reason"] for h in handoffs] == [outcome]
    assert {e.session for e in emitted(effects)} == {"s1"}
    steps = [e.data["step"] for e in emitted(effects, "session.step")]
    assert steps == [s for s in screens if s != "welcome"]


def test_code_lookup_and_what_a_code_hand_off_tells_the_desk():
    flow = at_state(vocabulary.IDENTIFY_CODE)
    assert flow.handle(f.EnterCode("   ")) == []
    effects = flow.handle(f.EnterCode(" qx7 42 "))
    assert f.Lookup("s1", "", "", code="qx742") in effects
    (handoff,) = emitted(flow.handle(f.LookupOk((), "s1")), "session.handed_off")
    assert handoff.data == {
        "reason": "no_match",
        "step": "looking_up",
        "entered": {"code": "qx742"},
    }


def test_a_scan_is_ignored_where_nothing_is_asked():
    for state in (vocabulary.CONFIRM, vocabulary.CHECKING_IN, vocabulary.DONE):
        flow = at_state(state)
        assert flow.handle(f.Scanned("QX7-42")) == [] and flow.state == state
    assert f.Flow().handle(f.Scanned("QX7-42")) == []  # welcome needs a session id


def test_walk_in_needs_a_name_and_sends_all_three_fields():
    flow = at_state(vocabulary.WALK_IN)
    assert flow.handle(f.WalkInDetails(" ", "")) == []
    flow.handle(f.Typed("first_name", "Se"))
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["entered"] == {"first_name": "Se"}  # help: only what was typed
    flow = at_state(vocabulary.WALK_IN)
    (handoff,) = emitted(flow.handle(f.WalkInDetails("Seán", "O'Brien-Ruiz")), "session.handed_off")
    assert handoff.data == {
        "reason": "walk_in",
        "step": "walk_in",
        "entered": {"first_name": "Seán", "last_name": "O'Brien-Ruiz", "phone": ""},
    }


def test_walk_in_back_returns_to_the_name_screen():
    flow = at_state(vocabulary.WALK_IN)
    assert shown(flow.handle(f.Back())) == ["identify_name"]


def test_language_and_large_text_switch_in_session_and_reset_after():
    flow = f.Flow()
    effects = flow.handle(f.Start("s1", "es"))
    assert f.Present("es", False) in effects and flow.language == "es"
    assert flow.handle(f.SetLanguage("es")) == []  # already Spanish
    assert flow.handle(f.SetLanguage("fr")) == []  # no catalogue
    effects = flow.handle(f.ToggleLargeText())
    assert effects == [f.Present("es", True), f.Show("identify_name")]
    assert not emitted(effects)  # a re-draw, not a step
    effects = flow.handle(f.SetLanguage("en"))
    assert effects == [f.Present("en", True), f.Show("identify_name")]
    flow.handle(f.Help())
    effects = flow.handle(f.Finish())
    assert f.Present("en", False) in effects
    assert (flow.language, flow.large_text) == ("en", False)
    assert f.Flow().handle(f.ToggleLargeText()) == []  # not at welcome: nobody's session


def test_console_status_redraws_only_a_hand_off():
    flow = at_state(vocabulary.CONFIRM)
    assert flow.handle(f.ConsoleStatus(False)) == [] and not flow.console_live
    flow.handle(f.ConfirmNo())
    assert flow.handle(f.ConsoleStatus(True)) == [f.Show("handoff")]
    flow.handle(f.Finish())
    assert flow.console_live  # about the clinic, not the patient: kept across sessions


def test_receipt_failure_is_shown_on_done_and_forgotten_after():
    flow = at_state(vocabulary.DONE)
    assert flow.handle(f.ReceiptFailed("old")) == []
    assert flow.handle(f.ReceiptFailed("s1")) == [f.Show("done")] and flow.receipt_failed
    flow.handle(f.Finish())
    assert not flow.receipt_failed


def test_a_printer_without_status_is_remembered_and_redraws_done():
    flow = at_state(vocabulary.CONFIRM)
    assert flow.handle(f.PrinterReport("no_status")) == [] and not flow.printer_checks
    flow.handle(f.ConfirmYes())
    flow.handle(f.CheckinOk(ARRIVAL, "s1"))
    assert flow.handle(f.PrinterReport("no_status")) == []  # nothing new: no redraw
    assert flow.handle(f.PrinterReport("ok")) == [f.Show("done")] and flow.printer_checks
    # A write error or an unplugged cable says nothing about whether it can report.
    flow.handle(f.PrinterReport("no_status"))
    for state in ("error", "disconnected", "offline", "none"):
        assert flow.handle(f.PrinterReport(state)) == [] and not flow.printer_checks
    flow.handle(f.Finish())
    assert not flow.printer_checks  # about the kiosk, not the patient: kept


def test_my_slip_didnt_print_hands_off_from_done_only():
    flow = at_state(vocabulary.DONE)
    effects = flow.handle(f.SlipNotPrinted())
    (handoff,) = emitted(effects, vocabulary.SESSION_HANDED_OFF)
    assert handoff.data["reason"] == "slip_not_printed" and handoff.data["step"] == "done"
    assert handoff.data["entered"] == {"last_name": "Okafor", "dob": "1980-04-02"}
    assert shown(effects) == ["handoff"] and flow.arrival == ARRIVAL  # still checked in
    for state in (vocabulary.CONFIRM, vocabulary.CHECKING_IN, vocabulary.IDENTIFY_NAME):
        assert at_state(state).handle(f.SlipNotPrinted()) == []


def test_the_receipt_is_printed_in_the_sessions_language():
    flow = f.Flow()
    for event in [
        f.Start("s1", "es"),
        f.EnterName("Okafor"),
        f.EnterDob("1980-04-02"),
        OK1,
        f.ConfirmYes(),
    ]:
        flow.handle(event)
    assert f.PrintReceipt(ARRIVAL, "es") in flow.handle(f.CheckinOk(ARRIVAL, "s1"))


# -- issue 14: look again after a miss, quiet ends, honest words, typing reaches the desk --


def missed_once() -> f.Flow:
    flow = at_state(vocabulary.LOOKING_UP)
    effects = flow.handle(f.LookupOk((), "s1"))
    assert shown(effects) == ["check_typed"] and not emitted(effects, "session.handed_off")
    return flow


def test_one_miss_shows_what_was_typed_then_try_again_keeps_the_name():
    flow = missed_once()
    assert (flow.last_name, flow.dob) == ("Okafor", "1980-04-02")  # the check screen shows these
    effects = flow.handle(f.TryAgain())
    assert shown(effects) == ["identify_name"] and flow.last_name == "Okafor"


def test_second_miss_hands_off_with_both_attempts():
    flow = missed_once()
    flow.handle(f.TryAgain())
    flow.handle(f.EnterName("O Brien"))
    flow.handle(f.EnterDob("1980-04-03"))
    (handoff,) = emitted(flow.handle(f.LookupOk((), "s1")), "session.handed_off")
    assert handoff.data["reason"] == "no_match"
    assert handoff.data["entered"] == {"last_name": "O Brien", "dob": "1980-04-03"}
    assert handoff.data["attempts"] == [{"last_name": "Okafor", "dob": "1980-04-02"}]


def test_walking_away_from_the_check_screen_hands_off_what_was_typed():
    flow = missed_once()
    flow.handle(f.Idle())
    (handoff,) = emitted(flow.handle(f.CountdownExpired()), "session.handed_off")
    assert handoff.data["reason"] == "timed_out" and handoff.data["step"] == "check_typed"
    assert handoff.data["entered"] == {"last_name": "Okafor", "dob": "1980-04-02"}


def test_get_help_from_the_check_screen():
    flow = missed_once()
    (handoff,) = emitted(flow.handle(f.Help()), "session.handed_off")
    assert handoff.data["step"] == "check_typed" and handoff.data["entered"]["last_name"]


def test_a_code_miss_still_hands_off_at_once():
    flow = at_state(vocabulary.IDENTIFY_CODE)
    flow.handle(f.EnterCode("ZZ9"))
    effects = flow.handle(f.LookupOk((), "s1"))
    assert shown(effects) == ["handoff"] and flow.reason == "no_match"


def test_a_first_screen_left_untouched_ends_quietly():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    flow.handle(f.Idle())
    effects = flow.handle(f.CountdownExpired())
    assert not emitted(effects, "session.handed_off")
    (abandoned,) = emitted(effects, "session.abandoned")
    assert abandoned.data == {"reason": "walked_away", "step": "identify_name"}
    assert abandoned.session == "s1"
    assert shown(effects) == ["welcome"] and flow.session is None


def test_a_first_screen_with_typing_is_still_handed_off():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    flow.handle(f.Typed("last_name", "Ok"))
    flow.handle(f.Idle())
    (handoff,) = emitted(flow.handle(f.CountdownExpired()), "session.handed_off")
    assert handoff.data["entered"] == {"last_name": "Ok"}


@pytest.mark.parametrize(
    "state",
    [
        vocabulary.IDENTIFY_NAME,
        vocabulary.IDENTIFY_DOB,
        vocabulary.IDENTIFY_CODE,
        vocabulary.WALK_IN,
    ],
)
def test_start_over_on_every_typing_screen(state):
    flow = at_state(state)
    effects = flow.handle(f.StartOver())
    (abandoned,) = emitted(effects, "session.abandoned")
    assert abandoned.data == {"reason": "start_over", "step": state}
    assert shown(effects) == ["welcome"] and flow.last_name == "" and flow.session is None
    assert f.Present("en", False) in effects


def test_typing_is_sent_when_asked_and_only_when_it_changed():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    assert flow.handle(f.Typed("last_name", "Oka")) == []  # the controller debounces
    (progress,) = emitted(flow.handle(f.SendTyped()), "session.progress")
    assert progress.data == {"step": "identify_name", "entered": {"last_name": "Oka"}}
    assert flow.handle(f.SendTyped()) == []  # nothing new
    flow.handle(f.Typed("last_name", "Okafor"))
    effects = flow.handle(f.EnterName("Okafor"))  # a screen change sends it too
    (progress,) = emitted(effects, "session.progress")
    assert progress.data["entered"] == {"last_name": "Okafor"}
    assert [e.type for e in emitted(effects)] == ["session.progress", "session.step"]


def test_nothing_typed_sends_no_progress():
    flow = at_state(vocabulary.IDENTIFY_NAME)
    assert flow.handle(f.SendTyped()) == []


def test_progress_carries_the_handoff_fields_only():
    flow = at_state(vocabulary.WALK_IN)
    flow.handle(f.Typed("first_name", "Ann"))
    flow.handle(f.Typed("phone", "555"))
    flow.handle(f.Typed("secret", "x"))
    (progress,) = emitted(flow.handle(f.SendTyped()), "session.progress")
    assert set(progress.data["entered"]) <= set(f.ENTERED_FIELDS)


def test_someone_is_coming_only_once_delivered_and_watched():
    flow = at_state(vocabulary.CONFIRM)
    flow.handle(f.ConsoleStatus(True))
    flow.handle(f.ConfirmNo())
    assert not flow.someone_coming  # not yet accepted by the server
    assert flow.handle(f.HandoffDelivered("other")) == []  # another session's
    assert shown(flow.handle(f.HandoffDelivered("s1"))) == ["handoff"]
    assert flow.someone_coming
    flow.handle(f.ConsoleStatus(True, reachable=False))
    assert not flow.someone_coming


def test_delivery_is_forgotten_with_the_session():
    flow = at_state(vocabulary.CONFIRM)
    flow.handle(f.ConfirmNo())
    flow.handle(f.HandoffDelivered("s1"))
    flow.handle(f.Finish())
    assert not flow.handoff_delivered and flow.attempts == () and flow.sent_entered == {}


def test_welcome_redraws_when_the_server_goes_away():
    flow = f.Flow()
    assert shown(flow.handle(f.ConsoleStatus(True, reachable=False))) == ["welcome"]
    assert not flow.can_reach_desk
    assert flow.handle(f.ConsoleStatus(True, reachable=False)) == []


def test_the_flow_imports_nothing_but_the_vocabulary():
    # Pure: no Kivy, no clock, no I/O; each module of the package holds one part.
    import grimp

    graph = grimp.build_graph("kiosk", "seen", include_external_packages=True)
    modules = {m for m in graph.modules if m.split(".")[:2] == ["kiosk", "flow"]}
    assert modules == {
        f"kiosk.flow{part}" for part in ("", ".inputs", ".effects", ".table", ".machine")
    }
    reached = set().union(*(graph.find_upstream_modules(m) for m in modules))
    assert reached - modules == {"seen.vocabulary", "__future__", "dataclasses", "typing"}
