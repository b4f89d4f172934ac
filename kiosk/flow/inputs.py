"""What the check-in flow is told: a patient's tap, a server's answer, a timer.

Small frozen dataclasses; `Flow.handle` takes one at a time. Answers from the server
name the session that asked, so a late answer for a session that is over is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a server call failed (kiosk.client's error kinds).
FAILURE_KINDS = ("offline", "unconfirmed", "rejected")


@dataclass(frozen=True)
class Start:
    session: str
    language: str = "en"  # the welcome screen's language buttons start in that language


@dataclass(frozen=True)
class EnterName:
    last_name: str


@dataclass(frozen=True)
class Typed:
    """What the patient has typed so far, before Next: kept for a hand-off, nothing shown."""

    field: str  # one of ENTERED_FIELDS
    text: str


@dataclass(frozen=True)
class EnterDob:
    dob: str  # ISO YYYY-MM-DD, already checked to be a real date by the keypad


@dataclass(frozen=True)
class UseCode:
    """The patient has an appointment code to type instead of name and date of birth."""


@dataclass(frozen=True)
class EnterCode:
    code: str


@dataclass(frozen=True)
class Scanned:
    """A code read by the barcode/QR scanner; from welcome it needs a new session id."""

    code: str
    session: str | None = None


@dataclass(frozen=True)
class WalkInDetails:
    first_name: str
    last_name: str
    phone: str = ""


@dataclass(frozen=True)
class SetLanguage:
    language: str


@dataclass(frozen=True)
class ToggleLargeText:
    pass


@dataclass(frozen=True)
class ConsoleStatus:
    """Whether anyone watches the staff console and the server answers (from heartbeats)."""

    live: bool
    reachable: bool = True  # False: the last heartbeat failed or hung


@dataclass(frozen=True)
class HandoffDelivered:
    """The server has accepted the session's hand-off event: the desk has the alert."""

    session: str | None = None


@dataclass(frozen=True)
class SendTyped:
    """The patient paused typing: tell the server what is typed so far (if it changed)."""


@dataclass(frozen=True)
class TryAgain:
    """From "check what you typed": type the name and date again."""


@dataclass(frozen=True)
class StartOver:
    """The patient wants to begin again: the session ends quietly, welcome shows."""


@dataclass(frozen=True)
class PrinterReport:
    """The printer's state, as the heartbeat or a printed slip last found it."""

    state: str  # a seen.vocabulary printer state


@dataclass(frozen=True)
class SlipNotPrinted:
    """From done: the patient says no slip came out (a printer that cannot tell us)."""


@dataclass(frozen=True)
class ReceiptFailed:
    """The receipt for the session's arrival could not print."""

    session: str | None = None


@dataclass(frozen=True)
class LookupOk:
    matches: tuple[dict, ...]
    session: str | None = None  # the session that asked; a stale answer is ignored


@dataclass(frozen=True)
class LookupFailed:
    kind: str  # one of FAILURE_KINDS
    session: str | None = None


@dataclass(frozen=True)
class Choose:
    appointment: int


@dataclass(frozen=True)
class ConfirmYes:
    pass


@dataclass(frozen=True)
class ConfirmNo:
    pass


@dataclass(frozen=True)
class CheckinOk:
    arrival: dict
    session: str | None = None


@dataclass(frozen=True)
class CheckinFailed:
    kind: str  # one of FAILURE_KINDS
    session: str | None = None


@dataclass(frozen=True)
class Help:
    session: str | None = None  # needed only from welcome, where no session exists yet


@dataclass(frozen=True)
class ReportProblem:
    pass


@dataclass(frozen=True)
class WalkIn:
    pass


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Idle:
    pass


@dataclass(frozen=True)
class StillHere:
    pass


@dataclass(frozen=True)
class CountdownExpired:
    pass


@dataclass(frozen=True)
class Finish:
    pass


# Answers from the server or the printer: ignored when they name a session that is over.
ANSWERS = (LookupOk, LookupFailed, CheckinOk, CheckinFailed, ReceiptFailed, HandoffDelivered)
