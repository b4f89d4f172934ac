"""After one look-up found nothing: the name and date as typed, to look at once more."""

from datetime import date

from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.screens.identify_dob import language_order

ORDER_FORMATS = {"MDY": "%m/%d/%Y", "DMY": "%d/%m/%Y", "YMD": "%Y/%m/%d"}


def shown_date(iso: str, order: str) -> str:
    """The date as the patient typed it, in the clinic's field order ("" if not a date)."""
    try:
        born = date.fromisoformat(iso)
    except ValueError:
        return ""
    return born.strftime(ORDER_FORMATS.get(order, "%Y-%m-%d")).replace("/", " / ")


class CheckTypedScreen(KioskScreen):
    name_typed = StringProperty("")
    date_typed = StringProperty("")

    def refresh(self, flow, config) -> None:
        # Only what the patient typed themselves: nothing from the server is shown.
        self.name_typed = _("Last name: {name}").format(name=flow.last_name)
        # In the order the patient typed it (day first in Spanish), not the clinic's.
        self.date_typed = _("Date of birth: {date}").format(
            date=shown_date(flow.dob, language_order(config.date_order))
        )

    def clear(self) -> None:
        self.name_typed = self.date_typed = ""
