"""The check-in session as a table-driven state machine. No Kivy, no clock, no I/O.

`Flow.handle(input)` looks up (state, type of input) in TRANSITIONS, runs the
named step and returns the EFFECTS for the controller to carry out: events for
the outbox, calls to the server, a receipt to print and the screen to show.
An input with no row in the table is ignored (a late server answer after the
patient asked for help, a double tap), so nothing here can "check in" a patient
except CheckinOk while checking_in.

The session id comes from the caller (Start.session) so tests can fix it.
Everything about the patient is forgotten when the flow returns to welcome.
"""

from __future__ import annotations

from kiosk.flow.effects import Checkin, Emit, Lookup, Present, PrintReceipt, Show
from kiosk.flow.inputs import (
    ANSWERS,
    FAILURE_KINDS,
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
from kiosk.flow.machine import ATTEMPT_FIELDS, ENTERED_FIELDS, LANGUAGES, STATUS_ANSWERS, Flow
from kiosk.flow.table import SCAN_READY, STATES, TRANSITIONS, TYPING, WATCHED

__all__ = [
    "ANSWERS",
    "ATTEMPT_FIELDS",
    "ENTERED_FIELDS",
    "FAILURE_KINDS",
    "LANGUAGES",
    "SCAN_READY",
    "STATES",
    "STATUS_ANSWERS",
    "TRANSITIONS",
    "TYPING",
    "WATCHED",
    "Back",
    "Checkin",
    "CheckinFailed",
    "CheckinOk",
    "Choose",
    "ConfirmNo",
    "ConfirmYes",
    "ConsoleStatus",
    "CountdownExpired",
    "Emit",
    "EnterCode",
    "EnterDob",
    "EnterName",
    "Finish",
    "Flow",
    "HandoffDelivered",
    "Help",
    "Idle",
    "Lookup",
    "LookupFailed",
    "LookupOk",
    "Present",
    "PrintReceipt",
    "PrinterReport",
    "ReceiptFailed",
    "ReportProblem",
    "Scanned",
    "SendTyped",
    "SetLanguage",
    "Show",
    "SlipNotPrinted",
    "Start",
    "StartOver",
    "StillHere",
    "ToggleLargeText",
    "TryAgain",
    "Typed",
    "UseCode",
    "WalkIn",
    "WalkInDetails",
]
