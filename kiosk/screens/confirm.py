from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.words import appointment_when


class ConfirmScreen(KioskScreen):
    who = StringProperty("")
    when = StringProperty("")

    def refresh(self, flow, config) -> None:
        match = flow.chosen or {}
        self.who = match.get("display_name", "")
        self.when = appointment_when(match, _)

    def clear(self) -> None:
        self.who = self.when = ""
