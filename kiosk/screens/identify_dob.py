from datetime import date

from kivy.properties import StringProperty

from kiosk import dob
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class IdentifyDobScreen(KioskScreen):
    order = StringProperty("MDY")
    problem = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.order = config.date_order
        self.problem = ""

    def pad(self):
        return self.ids.keypad

    def clear(self) -> None:
        self.ids.keypad.clear()
        self.problem = ""

    def shown(self, digits: str) -> str:
        return dob.show(digits, self.order)

    def submit(self, controller) -> None:
        born = dob.parse(self.ids.keypad.digits, self.order, date.today())
        if born is None:
            self.problem = _("That date doesn't look right. Please check it.")
            return
        controller.enter_dob(born.isoformat())
