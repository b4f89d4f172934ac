"""What the screens say, as plain functions of the flow: shown on screen and spoken in
speech mode from the same place, so speech never says more than the screen shows.

No Kivy. Each function takes `t`, a language's gettext (`kiosk.i18n._` for the screen,
`functools.partial(kiosk.i18n.in_language, "es")` for speech in Spanish), or returns the
English msgids for the caller to translate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from kiosk.i18n import N_

Translate = Callable[[str], str]

# -- welcome ---------------------------------------------------------------------------
# Said before anyone types, when a check-in could not reach anyone now (from heartbeats).
UNREACHABLE = N_("Sorry, check-in isn't working right now. Please check in at the front desk.")
NO_CONSOLE = N_("If you need help, please go to the front desk.")


def notice(reachable: bool, console_live: bool) -> str:
    """The welcome's warning in English ("" when the server and a console are reachable)."""
    if not reachable:
        return UNREACHABLE
    return "" if console_live else NO_CONSOLE


# -- hand-off --------------------------------------------------------------------------
COMING = N_("Someone from the front desk is coming to you. You don't need to do anything else.")
GO_TO_DESK = N_("Please go to the front desk and let them know you're here.")
TELL_DESK = N_("Please let the front desk know you've arrived.")
# reason -> (heading, what happens next). "Sorry" where the system, not the patient, failed.
HANDOFF_WORDS = {
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


def handoff_words(reason: str | None, someone_coming: bool) -> tuple[str, str]:
    """(heading, next step) in English. "Coming" only when the server has the hand-off and
    someone watches the console (flow.someone_coming); otherwise: go to the desk."""
    heading, next_step = HANDOFF_WORDS.get(reason, HANDOFF_WORDS["help"])
    if not someone_coming and next_step == COMING:
        next_step = GO_TO_DESK
    return heading, next_step


# -- date of birth -----------------------------------------------------------------------
# The fields' placeholders, in the patient's language ("AAAA" for año in Spanish).
PLACEHOLDERS = (N_("MM"), N_("DD"), N_("YYYY"))
# The clinic's orders: a catalogue translates each to its language's order.
ORDERS = (N_("MDY"), N_("DMY"))
DOB_PROBLEM = N_("That date doesn't look right. Please check it.")


def language_order(clinic_order: str, t: Translate) -> str:
    """The order patients of the session's language write a date in: the catalogue
    translates the clinic's order ("MDY" is "DMY" in Spanish)."""
    order = t(clinic_order)
    return order if sorted(order) == ["D", "M", "Y"] else clinic_order


ORDER_FORMATS = {"MDY": "%m/%d/%Y", "DMY": "%d/%m/%Y", "YMD": "%Y/%m/%d"}


def shown_date(iso: str, order: str) -> str:
    """The date as the patient typed it, in the clinic's field order ("" if not a date)."""
    try:
        born = date.fromisoformat(iso)
    except ValueError:
        return ""
    return born.strftime(ORDER_FORMATS.get(order, "%Y-%m-%d")).replace("/", " / ")


def check_typed_lines(last_name: str, dob: str, clinic_order: str, t: Translate):
    """(name line, date line) of "check what you typed": only what the patient typed."""
    name = t(N_("Last name: {name}")).format(name=last_name)
    # In the order the patient typed it (day first in Spanish), not the clinic's.
    born = t(N_("Date of birth: {date}")).format(
        date=shown_date(dob, language_order(clinic_order, t))
    )
    return name, born


# -- matches and the result ----------------------------------------------------------------
def describe(match: dict, t: Translate) -> str:
    """One choice on "which appointment is yours?"."""
    return t(N_("{name}, {time} with {provider}")).format(
        name=match["display_name"], time=match["time"], provider=match["provider"]
    )


def appointment_when(match: dict, t: Translate) -> str:
    """Confirm's line under the name."""
    return t(N_("{time} with {provider}")).format(
        time=match.get("time", ""), provider=match.get("provider", "")
    )


def done_lines(flow, t: Translate) -> tuple[str, str, str, bool]:
    """(message, ticket line, receipt line, ask "my slip didn't print") of the done screen."""
    message = t(N_("You're checked in, {name}. Please take a seat.")).format(name=flow.first_name)
    ticket = (flow.arrival or {}).get("ticket", "")
    if flow.receipt_failed:
        # The check-in stands; only the slip is missing, and the patient should know.
        return (
            message,
            t(N_("Your number is {ticket}.")).format(ticket=ticket),
            t(N_("Sorry, your receipt could not print. You are still checked in.")),
            False,
        )
    if not flow.printer_checks:
        # Sent, but nothing would tell us if it never came out: no promise that it did.
        return (
            message,
            t(N_("Your number is {ticket}. Your slip is printing.")).format(ticket=ticket),
            t(N_("If it doesn't come out, please ask at the front desk.")),
            True,
        )
    return (
        message,
        t(N_("Your number is {ticket}. Please take your receipt.")).format(ticket=ticket),
        "",
        False,
    )


def display_line(locations: dict[str, str], language: str, t: Translate) -> str:
    """Where the now-calling display is, for the slip and the done screen; "" without one.

    `locations` maps a language to the clinic's words for the place (the kiosk settings
    display_location, display_location_es); English's being set says there is a display.
    """
    if not locations.get("en"):
        return ""
    where = locations.get(language) or ""
    if where:
        return t(N_("Watch {where}: your number will be called there.")).format(where=where)
    return t(N_("Watch the lobby screen: your number will be called there."))
