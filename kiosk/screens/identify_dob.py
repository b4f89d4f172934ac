from datetime import date

from kivy.properties import StringProperty

from kiosk import dob, words
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


def language_order(clinic_order: str) -> str:
    """The session's language's date order (kiosk.words.language_order, current language)."""
    return words.language_order(clinic_order, _)


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
        placeholders = {word: _(word) for word in words.PLACEHOLDERS}
        return dob.show(digits, self.language_order(), placeholders)

    def submit(self, controller) -> None:
        born = dob.parse(self.ids.keypad.digits, self.language_order(), date.today())
        if born is None:
            self.problem = _(words.DOB_PROBLEM)
            controller.said_error(words.DOB_PROBLEM)
            return
        controller.enter_dob(born.isoformat())
