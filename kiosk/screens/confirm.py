from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen


class ConfirmScreen(KioskScreen):
    who = StringProperty("")
    when = StringProperty("")

    def refresh(self, flow, config) -> None:
        match = flow.chosen or {}
        self.who = match.get("display_name", "")
        self.when = _("{time} with {provider}").format(
            time=match.get("time", ""), provider=match.get("provider", "")
        )

    def clear(self) -> None:
        self.who = self.when = ""
