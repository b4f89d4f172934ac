from datetime import date

from kivy.properties import StringProperty

from kiosk import dob
from kiosk.i18n import N_, _
from kiosk.screens.base import KioskScreen

# The fields' placeholders, in the patient's language ("AAAA" for año in Spanish).
PLACEHOLDERS = (N_("MM"), N_("DD"), N_("YYYY"))
# The clinic's orders: a catalogue translates each to its language's order.
ORDERS = (N_("MDY"), N_("DMY"))


def language_order(clinic_order: str) -> str:
    """The order patients of the session's language write a date in: the catalogue
    translates the clinic's order ("MDY" is "DMY" in Spanish)."""
    order = _(clinic_order)
    return order if sorted(order) == ["D", "M", "Y"] else clinic_order


class IdentifyDobScreen(KioskScreen):
    order = StringProperty("MDY")  # the clinic's date_order (the order in English)
    problem = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.order = config.date_order
        self.problem = ""

    def pad(self):
        return self.ids.keypad

    def clear(self) -> None:
        self.ids.keypad.clear()
        self.problem = ""

    def language_order(self) -> str:
        return language_order(self.order)

    def shown(self, digits: str, *_watched) -> str:
        words = {word: _(word) for word in PLACEHOLDERS}
        return dob.show(digits, self.language_order(), words)

    def submit(self, controller) -> None:
        born = dob.parse(self.ids.keypad.digits, self.language_order(), date.today())
        if born is None:
            self.problem = _("That date doesn't look right. Please check it.")
            return
        controller.enter_dob(born.isoformat())
