"""The words of the domain, declared once: screens, hand-off reasons, kiosk event types,
printer states, alert kinds, alert statuses and outcomes.

Identifiers and the English labels staff read. What a patient reads is translated and
lives with the kiosk (kiosk/i18n.py, assets/locale). Standard library only: the kiosk,
the server and the printer code all import this, and it imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- screens: the kiosk flow's states, and the step a hand-off reports ----------------

WELCOME = "welcome"
IDENTIFY_NAME = "identify_name"
IDENTIFY_DOB = "identify_dob"
IDENTIFY_CODE = "identify_code"
WALK_IN = "walk_in"
LOOKING_UP = "looking_up"
CHOOSE = "choose"
CONFIRM = "confirm"
CHECKING_IN = "checking_in"
DONE = "done"
HANDOFF = "handoff"
STILL_THERE = "still_there"
CHECK_TYPED = "check_typed"  # after a miss: the name and date as typed, to look again


@dataclass(frozen=True)
class Screen:
    name: str
    label: str  # as a receptionist says it: "the <label> screen"


SCREENS = {
    screen.name: screen
    for screen in (
        Screen(WELCOME, "welcome"),
        Screen(IDENTIFY_NAME, "name"),
        Screen(IDENTIFY_DOB, "date of birth"),
        Screen(IDENTIFY_CODE, "appointment code"),
        Screen(WALK_IN, "walk-in"),
        Screen(LOOKING_UP, "searching"),
        Screen(CHOOSE, "choose appointment"),
        Screen(CONFIRM, "confirm"),
        Screen(CHECKING_IN, "checking in"),
        Screen(DONE, "done"),
        Screen(HANDOFF, "see the desk"),
        Screen(STILL_THERE, "are you still there"),
        Screen(CHECK_TYPED, "check what you typed"),
    )
}

# -- what the kiosk sends ------------------------------------------------------------

SESSION_STARTED = "session.started"
SESSION_STEP = "session.step"  # data.step: a screen name
SESSION_HANDED_OFF = "session.handed_off"  # data.reason: a hand-off reason
SESSION_CHECKED_IN = "session.checked_in"
SESSION_ENDED = "session.ended"
# data.step, data.entered: what was typed so far, so a crash mid-typing still names the patient
SESSION_PROGRESS = "session.progress"
# data.step, data.reason (ABANDON_REASONS): ended with nobody to help; counted, not alerted
SESSION_ABANDONED = "session.abandoned"
EVENT_TYPES = (
    SESSION_STARTED,
    SESSION_STEP,
    SESSION_HANDED_OFF,
    SESSION_CHECKED_IN,
    SESSION_ENDED,
    SESSION_PROGRESS,
    SESSION_ABANDONED,
)
# Why a session ended without an outcome and without an alert.
ABANDON_REASONS = (
    "start_over",  # the patient tapped "Start over"
    "walked_away",  # the first screen timed out with nothing typed (a ghost or a change of mind)
)

# Why the kiosk handed a patient to a person; each is also an alert kind.
HANDOFF_REASONS = (
    "no_match",
    "not_me",
    "help",
    "timed_out",
    "offline",
    "checkin_unconfirmed",
    "reported_problem",
    "walk_in",
    "slip_not_printed",  # checked in, but a printer that cannot report gave no slip
)
# Alert kinds the server raises on its own, without a kiosk saying so.
SERVER_KINDS = (
    "unresponsive_session",
    "long_wait",
    "lobby_busy",
    "kiosk_offline",
    "printer",
    "no_console",
    "lookup_rate",
    "checkin_refused",  # a kiosk asked to check in appointments no look-up showed it
    "outbox_held",
    "outbox_unsaved",
    "certificate_expiry",  # the server's own HTTPS certificate ends within 30 days
    "hl7_queue_stuck",  # arrivals for the practice system have waited too long (staffconsole/hl7)
)

# -- printer states (from the receipt printer, through the kiosk's heartbeat) ------------


@dataclass(frozen=True)
class PrinterState:
    name: str
    label: str  # the console's kiosk list
    prints: bool  # a slip comes out whole, so the kiosk sends it
    problem: str = ""  # how a printer alert says it ("is out of paper"); "" raises none

    @property
    def needs_attention(self) -> bool:
        return bool(self.problem)


PRINTER_STATES = {
    state.name: state
    for state in (
        PrinterState("ok", "Printer OK", prints=True),
        PrinterState("paper_near_end", "Paper nearly out", True, "is nearly out of paper"),
        PrinterState("paper_out", "Out of paper", False, "is out of paper"),
        PrinterState("cover_open", "Cover open", False, "has its cover open"),
        PrinterState("offline", "Printer offline", False, "is offline"),
        PrinterState("error", "Printer error", False, "reports an error"),
        PrinterState("disconnected", "Printer disconnected", False, "is disconnected"),
        # A printer that cannot report (write-only link, clones): slips are sent on trust.
        PrinterState("no_status", "Printer gives no status", prints=True),
        PrinterState("none", "No printer", prints=False),  # none configured: nothing to fix
    )
}


# Not a state a kiosk reports: what the console says while it cannot hear the kiosk
# (offline, or never connected), rather than trusting the last report.
PRINTER_UNKNOWN = "unknown"
PRINTER_UNKNOWN_LABEL = "Printer state unknown"


def printable(state: str) -> bool:
    """True when a slip sent now comes out whole (an unknown state is not trusted)."""
    known = PRINTER_STATES.get(state)
    return known is not None and known.prints


# -- alert statuses and outcomes ---------------------------------------------------------

ALERT_STATUSES = {"open": "New", "acknowledged": "Seen", "resolved": "Resolved"}


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    by_staff: bool = True  # offered to staff; else set by the lobby board or the alert itself
    advice: str = ""  # a cause only: what the report suggests when it is common

    @property
    def cause(self) -> bool:
        """Names why the patient needed a person; the report counts a hand-off under it."""
        return bool(self.advice)


CLEARED = "cleared"  # what a self-clearing alert ends with when its fault goes away
# What a "check-in not confirmed" alert ends with when the check-in turns out committed.
CHECKED_IN_AFTER_ALL = "checked_in_after_all"

OUTCOMES = {
    outcome.name: outcome
    for outcome in (
        Outcome("checked_in_at_desk", "Checked in at the desk"),
        Outcome("redirected", "Sent to the right place"),
        Outcome("patient_left", "Patient left"),
        Outcome("false_alarm", "False alarm"),
        Outcome("other", "Other"),
        Outcome(
            "no_appointment",
            "Patient had no appointment",
            advice="Patients came without a booking the kiosk could see: check that "
            "same-day and phone bookings reach Seen before the patient does.",
        ),
        Outcome(
            "name_differs",
            "Name differs in our system",
            advice="The name on file is not the one patients type: check spelling, accents, "
            "hyphens and preferred or married names at registration.",
        ),
        Outcome(
            "dob_differs",
            "Date of birth differs in our system",
            advice="Dates of birth on file differ from what patients type: check them at the "
            "visit, and that the import reads day and month the right way round.",
        ),
        Outcome(
            "wrong_day",
            "Appointment is on another day",
            advice="Patients came on the wrong day: check what reminder letters and texts say "
            "about the date and time.",
        ),
        Outcome(
            "kiosk_fault",
            "Kiosk fault",
            advice="The kiosk itself failed: run kiosk doctor on it and tell clinic IT "
            "which step failed.",
        ),
        Outcome(CLEARED, "Cleared by itself", by_staff=False),
        Outcome(CHECKED_IN_AFTER_ALL, "Checked in after all", by_staff=False),
        Outcome("called_in", "Patient called in", by_staff=False),
        Outcome("seen", "Patient seen", by_staff=False),
    )
}
# What a receptionist may resolve an alert with, in the order the console offers them.
STAFF_OUTCOMES = tuple(name for name, outcome in OUTCOMES.items() if outcome.by_staff)
CAUSE_OUTCOMES = tuple(name for name, outcome in OUTCOMES.items() if outcome.cause)

# -- alert kinds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertKind:
    name: str
    severity: int  # higher is more urgent; the console orders open alerts by it
    label: str  # the alert's title on the console
    advice: str  # what the report suggests when this kind is common
    handoff: bool = False  # a patient's session ended with a person (the report counts it)
    clears_itself: bool = False  # ends on its own when the fault goes away
    # What a person may resolve it with. Today every kind offers every staff outcome; a
    # hand-off resolved with a cause outcome is counted under that cause in the report.
    outcomes: tuple[str, ...] = STAFF_OUTCOMES


# Someone who may believe they are checked in but are not (unconfirmed, reported
# problem) comes first.
ALERT_KINDS = {
    kind.name: kind
    for kind in (
        AlertKind(
            "checkin_unconfirmed",
            90,
            "Check-in not confirmed",
            "The server did not confirm check-ins in time: tell clinic IT.",
            handoff=True,
        ),
        AlertKind(
            "reported_problem",
            85,
            "Patient reported a problem",
            'Patients pressed "Something\'s not right" after checking in: read the notes on '
            "these alerts.",
            handoff=True,
        ),
        AlertKind(
            "help",
            80,
            "Patient asked for help",
            "Look at the step they reached (below): that screen needs plainer words.",
            handoff=True,
        ),
        AlertKind(
            "no_console",
            75,
            "Nobody is watching the console",
            "Kiosks ran while no console page was open: keep one open, where staff can see "
            "and hear it, all opening hours.",
        ),
        AlertKind(
            "unresponsive_session",
            70,
            "Kiosk went quiet mid check-in",
            "Kiosks went quiet mid check-in (crash, power or network): check the kiosk's "
            "power and logs.",
            handoff=True,
        ),
        AlertKind(
            "offline",
            65,
            "Kiosk could not reach the server",
            "The kiosk lost the server: check its network cable or Wi-Fi and the server.",
            handoff=True,
        ),
        AlertKind(
            "outbox_held",
            62,
            "Kiosk could not deliver events",
            "A kiosk set aside events the server would not take (one may be a patient "
            "asking for help): run kiosk doctor on it and tell clinic IT, with the "
            "server's log.",
        ),
        AlertKind(
            "outbox_unsaved",
            63,
            "Kiosk cannot save check-ins",
            "A kiosk's disk was full, so check-ins were kept only in its memory (a power "
            "cut would lose them): free space on its SD card and run kiosk doctor on it.",
            clears_itself=True,
        ),
        AlertKind(
            "kiosk_offline",
            60,
            "Kiosk offline",
            "Kiosks stopped sending heartbeats: check their power and network, and run "
            "kiosk doctor on them.",
            clears_itself=True,
        ),
        AlertKind(
            "not_me",
            55,
            "Patient said the match was not them",
            "The kiosk offered someone else's appointment: look for patients sharing a name "
            "and date of birth, and print the appointment code on letters.",
            handoff=True,
        ),
        AlertKind(
            "no_match",
            50,
            "Kiosk could not find the appointment",
            "No appointment matched what was typed: resolve these with the real cause "
            "(no appointment, name or date of birth differs) so it shows here.",
            handoff=True,
        ),
        AlertKind(
            "long_wait",
            45,
            "Long wait",
            "Patients waited long past their time: check that the lobby board is kept up "
            "to date and that clinicians running late tell the desk.",
        ),
        AlertKind(
            "timed_out",
            40,
            "Patient stopped partway",
            "The step reached (below) shows which screen is too slow or confusing.",
            handoff=True,
        ),
        AlertKind(
            "walk_in",
            35,
            "Walk-in patient",
            "People came without a booking: if there are many, say on the door and the "
            "phone line how to book.",
            handoff=True,
        ),
        AlertKind(
            "slip_not_printed",
            38,
            "Checked in, but no slip printed",
            'Patients pressed "My slip didn\'t print" at a printer that cannot report paper '
            "out: check its paper every morning, or fit a printer that answers status "
            "(docs/hardware.md).",
            handoff=True,
        ),
        AlertKind(
            "printer",
            30,
            "Receipt printer needs attention",
            "Receipt printer faults: keep a spare roll by each kiosk and check the paper "
            "every morning.",
            clears_itself=True,
        ),
        AlertKind(
            "lobby_busy",
            25,
            "Lobby is busy",
            "The lobby filled up: look at when these alerts came, and staff the desk or "
            "spread the bookings at those hours.",
            clears_itself=True,
        ),
        AlertKind(
            "certificate_expiry",
            27,
            "Server certificate expires soon",
            "The server's HTTPS certificate neared its end (kiosks refuse the server on that "
            "day): renew it a month ahead with staffconsole tls renew and restart the server.",
            clears_itself=True,
        ),
        AlertKind(
            "checkin_refused",
            47,
            "Check-ins refused at a kiosk",
            "A kiosk asked to check in appointments that no look-up had shown it, as a copied "
            "token sweeping ids would: check who is using it, and if nobody is, revoke its "
            "token (the admin page or staffconsole kiosk revoke) and add the kiosk again.",
        ),
        AlertKind(
            "hl7_queue_stuck",
            42,
            "Arrivals not reaching the practice system",
            "The practice system's HL7 interface did not take arrivals for a long time (they "
            "are kept and sent when it does): run staffconsole hl7 status and tell clinic IT.",
            clears_itself=True,
        ),
        AlertKind(
            "lookup_rate",
            20,
            "Too many look-ups from a kiosk",
            "A kiosk made more look-ups than a person types: check who was using it and "
            "that its token has not been copied.",
        ),
    )
}

# Alarm priority, after IEC 60601-1-8's high / medium / low: the console plays a
# distinct reminder pattern for the highest priority present. High is a patient who
# may believe they are checked in, or who asked for help; low is housekeeping.
ALARM_PRIORITIES = ("high", "medium", "low")


def alarm_priority(severity: int) -> str:
    if severity >= 80:
        return "high"
    if severity >= 50:
        return "medium"
    return "low"


HANDOFF_KINDS = tuple(name for name, kind in ALERT_KINDS.items() if kind.handoff)
SELF_CLEARING = tuple(name for name, kind in ALERT_KINDS.items() if kind.clears_itself)


# -- labels, for names that may come from an older database or a newer kiosk ---------------


def _words(name: str) -> str:
    return name.replace("_", " ")


def kind_label(kind: str) -> str:
    known = ALERT_KINDS.get(kind)
    return known.label if known else _words(kind).capitalize()


def outcome_label(outcome: str) -> str:
    known = OUTCOMES.get(outcome)
    return known.label if known else _words(outcome)


def screen_label(step: str) -> str:
    known = SCREENS.get(step)
    return known.label if known else _words(step)


def printer_label(state: str) -> str:
    if state == PRINTER_UNKNOWN:
        return PRINTER_UNKNOWN_LABEL
    known = PRINTER_STATES.get(state)
    return known.label if known else state
