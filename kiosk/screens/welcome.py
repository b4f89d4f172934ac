from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen


class WelcomeScreen(KioskScreen):
    clinic_name = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.clinic_name = config.clinic_name
