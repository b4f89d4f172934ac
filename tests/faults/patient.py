"""Simulated patients: what a person at the kiosk does on each screen, by script.

A patient is told each screen the kiosk shows and answers with the controller call
a finger would make (or None: they wait, or they have walked away). Pure apart
from the random choices, which come from the caller's Random.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from kiosk import flow as f
from seen import vocabulary

# Script -> weight. Every hand-off reason the flow knows is reached by some script.
SCRIPTS = {
    "checkin": 34,  # name and date of birth, confirm: checked in
    "code": 10,  # appointment code instead of name and date of birth
    "scan": 4,  # a code scanned at the welcome screen
    "still_here": 5,  # goes quiet, answers "Are you still there?", checks in
    "report_problem": 5,  # checked in, then "this isn't right"
    "no_match": 8,  # a typo in the date of birth
    "not_me": 7,  # "that is not me" on the confirm screen
    "help": 8,  # "I need help" on a random screen
    "help_at_welcome": 3,
    "walk_in": 5,  # no appointment
    "abandon": 11,  # walks away on a random screen: timed out
}
# Screens each script may stop at (abandon) or ask for help on (help).
_PATH = (vocabulary.IDENTIFY_NAME, vocabulary.IDENTIFY_DOB, vocabulary.CONFIRM)


@dataclass
class Person:
    """One booked appointment as the patient knows it."""

    appointment: int
    first_name: str
    last_name: str
    dob: str
    code: str


def pick_script(rand: random.Random) -> str:
    names = list(SCRIPTS)
    return rand.choices(names, weights=[SCRIPTS[n] for n in names])[0]


class Patient:
    """One session's person; `act(screen, flow)` is what they do there (a callable or None)."""

    def __init__(self, ctl, person: Person, script: str, rand: random.Random) -> None:
        self.ctl = ctl
        self.person = person
        self.script = script
        self.rand = rand
        self.stop_at = rand.choice(_PATH) if script in ("abandon", "help", "still_here") else None
        self.answered_still_there = False
        self.session: str | None = None  # known once the kiosk has left welcome

    def begin(self):
        """The first touch, on the welcome screen."""
        if self.script == "help_at_welcome":
            return self.ctl.help
        if self.script == "scan":
            return lambda: self.ctl.scanned(self.person.code)
        return lambda: self.ctl.start(self.rand.choice(f.LANGUAGES))

    def act(self, screen: str, state: f.Flow):
        p, ctl = self.person, self.ctl
        if screen == vocabulary.STILL_THERE:
            if self.script == "still_here" and not self.answered_still_there:
                self.answered_still_there = True
                return ctl.still_here
            return None  # gone: the countdown hands the session off
        if screen == self.stop_at and state.covered is None:
            if self.script == "help":
                return ctl.help
            if self.script == "abandon" or not self.answered_still_there:
                return None
        if screen == vocabulary.IDENTIFY_NAME:
            if self.script == "walk_in":
                return ctl.walk_in
            if self.script == "code":
                return ctl.use_code
            return lambda: (ctl.typed("last_name", p.last_name[:3]), ctl.enter_name(p.last_name))
        if screen == vocabulary.IDENTIFY_DOB:
            dob = p.dob
            if self.script == "no_match":
                dob = f"{int(dob[:4]) - 1}{dob[4:]}" if dob[5:] != "02-29" else "1900-01-01"
            return lambda: ctl.enter_dob(dob)
        if screen == vocabulary.CHECK_TYPED:
            return ctl.try_again  # looks again (the same typo): the second miss hands off
        if screen == vocabulary.IDENTIFY_CODE:
            return lambda: ctl.enter_code(p.code)
        if screen == vocabulary.WALK_IN:
            return lambda: ctl.walk_in_details(p.first_name, p.last_name, "0123 456 789")
        if screen == vocabulary.CHOOSE:
            mine = [m["appointment"] for m in state.matches]
            return lambda: ctl.choose(p.appointment if p.appointment in mine else mine[0])
        if screen == vocabulary.CONFIRM:
            return ctl.confirm_no if self.script == "not_me" else ctl.confirm_yes
        if screen == vocabulary.DONE:
            if self.script == "report_problem":
                return ctl.report_problem
            return ctl.finish if self.rand.random() < 0.5 else None  # or the timer ends it
        if screen == vocabulary.HANDOFF:
            return ctl.finish if self.rand.random() < 0.3 else None
        return None  # looking up, checking in: the patient waits
