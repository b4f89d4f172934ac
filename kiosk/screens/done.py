from kivy.properties import BooleanProperty, StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class DoneScreen(KioskScreen):
    message = StringProperty("")
    ticket = StringProperty("")
    receipt = StringProperty("")
    # The printer cannot report paper-out: the patient is the one who can tell us.
    ask_about_slip = BooleanProperty(False)

    def refresh(self, flow, config) -> None:
        self.message = _("You're checked in, {name}. Please take a seat.").format(
            name=flow.first_name
        )
        ticket = (flow.arrival or {}).get("ticket", "")
        self.ask_about_slip = False
        if flow.receipt_failed:
            # The check-in stands; only the slip is missing, and the patient should know.
            self.ticket = _("Your number is {ticket}.").format(ticket=ticket)
            self.receipt = _("Sorry, your receipt could not print. You are still checked in.")
        elif not flow.printer_checks:
            # Sent, but nothing would tell us if it never came out: no promise that it did.
            self.ticket = _("Your number is {ticket}. Your slip is printing.").format(ticket=ticket)
            self.receipt = _("If it doesn't come out, please ask at the front desk.")
            self.ask_about_slip = True
        else:
            self.ticket = _("Your number is {ticket}. Please take your receipt.").format(
                ticket=ticket
            )
            self.receipt = ""

    def clear(self) -> None:
        self.message = self.ticket = self.receipt = ""
        self.ask_about_slip = False
