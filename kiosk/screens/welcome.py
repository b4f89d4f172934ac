from kivy.properties import StringProperty

from kiosk.i18n import N_, _, in_language
from kiosk.screens.base import KioskScreen

# Said before anyone types, when a check-in could not reach anyone now (from heartbeats).
UNREACHABLE = N_("Sorry, check-in isn't working right now. Please check in at the front desk.")
NO_CONSOLE = N_("If you need help, please go to the front desk.")


def notice(reachable: bool, console_live: bool) -> str:
    """The welcome's warning in English ("" when the server and a console are reachable)."""
    if not reachable:
        return UNREACHABLE
    return "" if console_live else NO_CONSOLE


class WelcomeScreen(KioskScreen):
    clinic_name = StringProperty("")
    notice = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.clinic_name = config.clinic_name
        words = notice(flow.reachable, flow.console_live)
        # In Spanish too: welcome speaks both before anyone chooses a language.
        self.notice = f"{_(words)}\n{in_language('es', words)}" if words else ""
