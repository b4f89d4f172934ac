from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen

COMING = "Someone from the front desk is coming to you. You don't need to do anything else."

# reason -> (heading, what happens next). "Sorry" where the system, not the patient, failed.
WORDS = {
    "no_match": ("Sorry, we couldn't find your appointment.", COMING),
    "not_me": ("Thank you for telling us.", COMING),
    "help": ("Help is on the way.", COMING),
    "timed_out": ("We've asked someone to help you.", COMING),
    "offline": ("Sorry, the check-in system isn't working right now.",
                "Please let the front desk know you've arrived."),
    "checkin_unconfirmed": ("Sorry, we couldn't finish checking you in.", COMING),
    "reported_problem": ("Sorry about that. Thank you for telling us.", COMING),
    "walk_in": ("Thank you. The front desk will help you.", COMING),
}


class HandoffScreen(KioskScreen):
    heading = StringProperty("")
    next_step = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.heading, self.next_step = WORDS.get(flow.reason, WORDS["help"])

    def clear(self) -> None:
        self.heading = self.next_step = ""
