from kivy.properties import StringProperty

from kiosk.i18n import _, in_language
from kiosk.screens.base import KioskScreen
from kiosk.words import notice


class WelcomeScreen(KioskScreen):
    clinic_name = StringProperty("")
    notice = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.clinic_name = config.clinic_name
        words = notice(flow.reachable, flow.console_live)
        # In Spanish too: welcome speaks both before anyone chooses a language.
        self.notice = f"{_(words)}\n{in_language('es', words)}" if words else ""
