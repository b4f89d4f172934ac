from kivy.properties import BooleanProperty, StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.words import done_lines


class DoneScreen(KioskScreen):
    message = StringProperty("")
    ticket = StringProperty("")
    receipt = StringProperty("")
    # The printer cannot report paper-out: the patient is the one who can tell us.
    ask_about_slip = BooleanProperty(False)

    def refresh(self, flow, config) -> None:
        self.message, self.ticket, self.receipt, self.ask_about_slip = done_lines(flow, _)

    def clear(self) -> None:
        self.message = self.ticket = self.receipt = ""
        self.ask_about_slip = False
