from kivy.app import App
from kivy.properties import OptionProperty, StringProperty

from kiosk.screens.base import KioskScreen

FIELDS = ("first_name", "last_name", "phone")


class WalkInScreen(KioskScreen):
    """First name, last name and an optional phone; one keyboard types into the chosen field."""

    field = OptionProperty("first_name", options=FIELDS)
    first_name = StringProperty("")
    last_name = StringProperty("")
    phone = StringProperty("")

    def refresh(self, flow, config) -> None:
        # A last name typed before "I don't have an appointment" is kept.
        self.first_name, self.last_name = flow.first_name_typed, flow.last_name
        self.phone = flow.phone
        self.select("first_name")

    def select(self, field: str) -> None:
        self.field = field
        if field == "phone":
            self.ids.keypad.digits = self.phone
        else:
            self.ids.keyboard.text = getattr(self, field)

    def keyed(self, text: str) -> None:
        setattr(self, self.field, text)
        controller = App.get_running_app().controller
        if controller is not None:
            controller.typed(self.field, text)

    def clear(self) -> None:
        self.first_name = self.last_name = self.phone = ""
        self.ids.keyboard.clear()
        self.ids.keypad.clear()
        self.field = "first_name"
