from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class DoneScreen(KioskScreen):
    message = StringProperty("")
    ticket = StringProperty("")
    receipt = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.message = _("You're checked in, {name}. Please take a seat.").format(
            name=flow.first_name
        )
        ticket = (flow.arrival or {}).get("ticket", "")
        if flow.receipt_failed:
            # The check-in stands; only the slip is missing, and the patient should know.
            self.ticket = _("Your number is {ticket}.").format(ticket=ticket)
            self.receipt = _("Sorry, your receipt could not print. You are still checked in.")
        else:
            self.ticket = _("Your number is {ticket}. Please take your receipt.").format(
                ticket=ticket
            )
            self.receipt = ""

    def clear(self) -> None:
        self.message = self.ticket = self.receipt = ""
