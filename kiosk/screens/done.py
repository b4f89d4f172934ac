from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen


class DoneScreen(KioskScreen):
    message = StringProperty("")
    ticket = StringProperty("")

    def refresh(self, flow, config) -> None:
        self.message = f"You're checked in, {flow.first_name}. Please take a seat."
        arrival = flow.arrival or {}
        self.ticket = f"Your number is {arrival.get('ticket', '')}. Please take your receipt."

    def clear(self) -> None:
        self.message = self.ticket = ""
