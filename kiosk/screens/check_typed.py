"""After one look-up found nothing: the name and date as typed, to look at once more."""

from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.words import check_typed_lines


class CheckTypedScreen(KioskScreen):
    name_typed = StringProperty("")
    date_typed = StringProperty("")

    def refresh(self, flow, config) -> None:
        # Only what the patient typed themselves: nothing from the server is shown.
        self.name_typed, self.date_typed = check_typed_lines(
            flow.last_name, flow.dob, config.date_order, _
        )

    def clear(self) -> None:
        self.name_typed = self.date_typed = ""
