from kivy.properties import StringProperty

from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen

COMING = N_("Someone from the front desk is coming to you. You don't need to do anything else.")
GO_TO_DESK = N_("Please go to the front desk and let them know you're here.")
TELL_DESK = N_("Please let the front desk know you've arrived.")

# reason -> (heading, what happens next). "Sorry" where the system, not the patient, failed.
WORDS = {
    "no_match": (N_("Sorry, we couldn't find your appointment."), COMING),
    "not_me": (N_("Thank you for telling us."), COMING),
    "help": (N_("Help is on the way."), COMING),
    "timed_out": (N_("We've asked someone to help you."), COMING),
    "offline": (N_("Sorry, the check-in system isn't working right now."), TELL_DESK),
    "checkin_unconfirmed": (N_("Sorry, we couldn't finish checking you in."), COMING),
    "reported_problem": (N_("Sorry about that. Thank you for telling us."), COMING),
    "walk_in": (N_("Thank you. The front desk will help you."), COMING),
    "slip_not_printed": (
        N_("Sorry, your slip didn't print. You are still checked in."),
        COMING,
    ),
}


def words(reason: str | None, someone_coming: bool) -> tuple[str, str]:
    """(heading, next step) in English. "Coming" only when the server has the hand-off and
    someone watches the console (flow.someone_coming); otherwise: go to the desk."""
    heading, next_step = WORDS.get(reason, WORDS["help"])
    if not someone_coming and next_step == COMING:
        next_step = GO_TO_DESK
    return heading, next_step


class HandoffScreen(KioskScreen):
    heading = StringProperty("")
    next_step = StringProperty("")

    def refresh(self, flow, config) -> None:
        heading, next_step = words(flow.reason, flow.someone_coming)
        self.heading, self.next_step = _(heading), _(next_step)

    def clear(self) -> None:
        self.heading = self.next_step = ""
