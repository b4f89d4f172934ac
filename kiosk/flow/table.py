"""The check-in's screens and the table of what each input does on each screen.

`TRANSITIONS[(screen, type of input)]` names the step of `kiosk.flow.machine.Flow` that
runs; an input with no row is ignored. The groups of screens say where the patient is
watched for inactivity, types, may scan, or may ask for help.
"""

from __future__ import annotations

from kiosk.flow.inputs import (
    Back,
    CheckinFailed,
    CheckinOk,
    Choose,
    ConfirmNo,
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
    SCREENS,
    STILL_THERE,
    WALK_IN,
    WELCOME,
)

STATES = tuple(SCREENS)
# Screens where the patient is expected to act, so silence there means they may have left.
WATCHED = (IDENTIFY_NAME, IDENTIFY_DOB, CHOOSE, CONFIRM, IDENTIFY_CODE, WALK_IN, CHECK_TYPED)
# Screens where the patient types; each has "Start over".
TYPING = (IDENTIFY_NAME, IDENTIFY_DOB, IDENTIFY_CODE, WALK_IN)
# Where a code read by the scanner is taken (it types like a keyboard, ending in Enter).
SCAN_READY = (IDENTIFY_NAME, IDENTIFY_DOB, IDENTIFY_CODE)

# Every screen but hand-off (a person is already coming) has an "I need help" button.
_HELP = (
    IDENTIFY_NAME,
    IDENTIFY_DOB,
    LOOKING_UP,
    CHOOSE,
    CONFIRM,
    CHECKING_IN,
    DONE,
    STILL_THERE,
    IDENTIFY_CODE,
    WALK_IN,
    CHECK_TYPED,
)
# Screens of a session, where language and text size can be changed.
_IN_SESSION = tuple(state for state in STATES if state != WELCOME)

TRANSITIONS: dict[tuple[str, type], str] = {
    (WELCOME, Start): "_start",
    (WELCOME, Help): "_help_at_welcome",
    (IDENTIFY_NAME, EnterName): "_enter_name",
    (IDENTIFY_NAME, Typed): "_typed",
    (IDENTIFY_DOB, Typed): "_typed",
    (IDENTIFY_NAME, WalkIn): "_walk_in",
    (IDENTIFY_CODE, WalkIn): "_walk_in",
    (IDENTIFY_NAME, UseCode): "_use_code",
    (IDENTIFY_CODE, EnterCode): "_enter_code",
    (IDENTIFY_CODE, Typed): "_typed",
    (IDENTIFY_CODE, Back): "_back_to_name",
    (WELCOME, Scanned): "_scanned_at_welcome",
    (WALK_IN, Typed): "_typed",
    (WALK_IN, WalkInDetails): "_walk_in_details",
    (WALK_IN, Back): "_back_to_name",
    (DONE, ReceiptFailed): "_receipt_failed",
    (IDENTIFY_DOB, EnterDob): "_enter_dob",
    (IDENTIFY_DOB, Back): "_back_to_name",
    (LOOKING_UP, LookupOk): "_lookup_ok",
    (LOOKING_UP, LookupFailed): "_lookup_failed",
    (CHOOSE, Choose): "_choose",
    (CHOOSE, ConfirmNo): "_not_me",
    (CONFIRM, ConfirmYes): "_confirm_yes",
    (CONFIRM, ConfirmNo): "_not_me",
    (CHECKING_IN, CheckinOk): "_checkin_ok",
    (CHECKING_IN, CheckinFailed): "_checkin_failed",
    (STILL_THERE, StillHere): "_still_here",
    (STILL_THERE, CountdownExpired): "_timed_out",
    (DONE, ReportProblem): "_report_problem",
    (DONE, SlipNotPrinted): "_slip_not_printed",
    (DONE, Finish): "_finish",
    (HANDOFF, Finish): "_finish",
    (HANDOFF, HandoffDelivered): "_handoff_delivered",
    (CHECK_TYPED, TryAgain): "_try_again",
    **{(state, StartOver): "_start_over" for state in TYPING},
    **{(state, SendTyped): "_send_typed" for state in TYPING},
    **{(state, Help): "_help" for state in _HELP},
    **{(state, Idle): "_idle" for state in WATCHED},
    **{(state, Scanned): "_scanned" for state in SCAN_READY},
    **{(state, SetLanguage): "_set_language" for state in _IN_SESSION},
    **{(state, ToggleLargeText): "_toggle_large_text" for state in _IN_SESSION},
    **{(state, ConsoleStatus): "_console_status" for state in STATES},
    **{(state, PrinterReport): "_printer_report" for state in STATES},
}
