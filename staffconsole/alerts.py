"""Alert rules as pure functions of (state, now): what to raise and what it says.

An alert's `cause` says what it is about (`session:<id>`); there is at most one
unresolved alert per cause, so a late hand-off updates the watchdog's alert
instead of adding a second card for the same patient. Summaries are plain
words a receptionist can act on: where, what happened, who to look for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from staffconsole.clock import iso, parse

HANDOFF_REASONS = ("no_match", "not_me", "help", "timed_out", "offline",
                   "checkin_unconfirmed", "reported_problem", "walk_in")
KINDS = HANDOFF_REASONS + ("unresponsive_session", "long_wait", "lobby_busy",
                           "kiosk_offline", "printer", "no_console")

# Higher is more urgent; the console orders open alerts by it. Someone who may
# believe they are checked in but are not (unconfirmed, reported problem) comes first.
SEVERITY = {
    "checkin_unconfirmed": 90,
    "reported_problem": 85,
    "help": 80,
    "no_console": 75,
    "unresponsive_session": 70,
    "offline": 65,
    "kiosk_offline": 60,
    "not_me": 55,
    "no_match": 50,
    "long_wait": 45,
    "timed_out": 40,
    "walk_in": 35,
    "printer": 30,
    "lobby_busy": 25,
}

OUTCOMES = ("checked_in_at_desk", "redirected", "patient_left", "false_alarm", "other")

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def session_cause(session_id: str) -> str:
    return f"session:{session_id}"


def _dob_words(text: str) -> str:
    # "4 Feb 1980": unambiguous whichever day/month order the kiosk keypad used.
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return f"born {text}"
    return f"born {day.day} {_MONTHS[day.month - 1]} {day.year}"


def describe_entered(entered: Mapping[str, str] | None) -> str:
    """What the patient typed, for staff: "'Okafor', born 4 Feb 1980"; "" if nothing."""
    entered = entered or {}
    parts = []
    if entered.get("last_name"):
        parts.append(f"'{entered['last_name']}'")
    if entered.get("dob"):
        parts.append(_dob_words(entered["dob"]))
    if entered.get("code"):
        parts.append(f"code '{entered['code']}'")
    if entered.get("phone"):
        parts.append(f"phone {entered['phone']}")
    return ", ".join(parts)


# The kiosk's screen names, as a receptionist would say them.
SCREENS = {"welcome": "welcome", "identify_name": "name", "identify_dob": "date of birth",
           "looking_up": "searching", "choose": "choose appointment", "confirm": "confirm",
           "checking_in": "checking in", "done": "done", "handoff": "see the desk",
           "still_there": "are you still there"}


def _screen(step: str | None) -> str:
    if not step:
        return "an unknown screen"
    return f"the {SCREENS.get(step, step.replace('_', ' '))} screen"


def handoff_summary(reason: str, kiosk_name: str, step: str | None,
                    entered: Mapping[str, str] | None) -> str:
    """One plain sentence for a hand-off alert."""
    who = describe_entered(entered)
    typed = f" after typing {who}" if who else ""
    paren = f" ({who})" if who else ""
    if reason == "no_match":
        return (f"Someone at {kiosk_name} typed {who} and got no match" if who
                else f"Someone at {kiosk_name} got no match")
    if reason == "not_me":
        return (f"Someone at {kiosk_name} said the appointment found for {who} is not theirs"
                if who else f"Someone at {kiosk_name} said the appointment found is not theirs")
    if reason == "help":
        return f"Someone at {kiosk_name} asked for help on {_screen(step)}{typed}"
    if reason == "timed_out":
        return f"Someone at {kiosk_name} stopped answering on {_screen(step)}{typed}"
    if reason == "offline":
        return (f"{kiosk_name} could not reach the server while someone was checking in"
                f"{paren}; they were told to come to the desk")
    if reason == "checkin_unconfirmed":
        return (f"Someone at {kiosk_name} tried to check in{paren} but the arrival was not "
                "confirmed; check them in at the desk")
    if reason == "reported_problem":
        return f"Someone at {kiosk_name} pressed \"this isn't right\" after checking in{paren}"
    if reason == "walk_in":
        return f"A walk-in at {kiosk_name} asked to be seen{paren}"
    raise ValueError(f"unknown hand-off reason {reason!r}")


def handoff_alert(reason: str, session: Mapping, kiosk_name: str,
                  entered: Mapping[str, str] | None, now: datetime) -> dict:
    """The alert fields for a hand-off from a kiosk session (`session` has id, kiosk_id, step)."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown hand-off reason {reason!r}")
    step = session.get("step")
    return {
        "kind": reason,
        "cause": session_cause(session["id"]),
        "severity": SEVERITY[reason],
        "summary": handoff_summary(reason, kiosk_name, step, entered),
        "data": {"reason": reason, "step": step, "entered": dict(entered or {})},
        "kiosk_id": session.get("kiosk_id"),
        "session_id": session["id"],
        "at": iso(now),
    }


def due_unresponsive(sessions: Iterable[Mapping], now: datetime,
                     deadline_s: float) -> list[Mapping]:
    """Sessions with no outcome whose deadline passed and that no alert covers yet.

    Each session mapping has `last_event_at`, `outcome` and `alerted_at` (the last
    update of an alert for this session, or None). An alert updated after the last
    event already covers the silence; a newer event starts the clock again.
    """
    deadline = timedelta(seconds=deadline_s)
    due = []
    for session in sessions:
        if session.get("outcome"):
            continue
        last = parse(session["last_event_at"])
        if now - last < deadline:
            continue
        alerted = session.get("alerted_at")
        if alerted and parse(alerted) >= last:
            continue
        due.append(session)
    return due


def unresponsive_alert(session: Mapping, kiosk_name: str, now: datetime,
                       deadline_s: float) -> dict:
    """The alert fields for a session that went silent without an outcome."""
    who = describe_entered(session.get("entered"))
    typed = f" after typing {who}" if who else ""
    silent_s = int((now - parse(session["last_event_at"])).total_seconds())
    return {
        "kind": "unresponsive_session",
        "cause": session_cause(session["id"]),
        "severity": SEVERITY["unresponsive_session"],
        "summary": (f"A check-in at {kiosk_name} went silent on {_screen(session.get('step'))}"
                    f"{typed}; nothing heard for {silent_s} s"),
        "data": {"step": session.get("step"), "entered": dict(session.get("entered") or {}),
                 "last_event_at": session["last_event_at"], "deadline_s": deadline_s},
        "kiosk_id": session.get("kiosk_id"),
        "session_id": session["id"],
        "at": iso(now),
    }
