from kivy.properties import BooleanProperty, StringProperty

from kiosk.config import display_locations
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.words import display_line, done_lines


class DoneScreen(KioskScreen):
    message = StringProperty("")
    ticket = StringProperty("")
    receipt = StringProperty("")
    # The printer cannot report paper-out: the patient is the one who can tell us.
    ask_about_slip = BooleanProperty(False)

    def refresh(self, flow, config) -> None:
        self.message, self.ticket, self.receipt, self.ask_about_slip = done_lines(flow, _)
        # Where the now-calling display is, under the number, when the clinic has one.
        where = display_line(display_locations(config), flow.language, _)
        if where:
            self.ticket = f"{self.ticket}\n{where}"

    def clear(self) -> None:
        self.message = self.ticket = self.receipt = ""
        self.ask_about_slip = False
