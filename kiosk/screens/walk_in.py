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
        redrawn = self.manager is not None and self.manager.current == self.name
        self.select(self.field if redrawn else "first_name")  # a language switch keeps it

    def on_kv_post(self, _base_widget) -> None:
        # ids are weak references: keep the pads alive while out of the tree.
        self._pads = tuple(self.ids[name].__self__ for name in ("keyboard", "keypad_box", "keypad"))
        self.ids.pad_area.remove_widget(self.ids.keypad_box)  # letters first

    def select(self, field: str) -> None:
        # Only one pad is in the tree: a hidden one would still catch touches.
        self.field = field
        keyboard, keypad_box, keypad = self._pads
        area = self.ids.pad_area.__self__
        shown, hidden = (keypad_box, keyboard) if field == "phone" else (keyboard, keypad_box)
        if hidden.parent is area:
            area.remove_widget(hidden)
        if shown.parent is None:
            area.add_widget(shown)
        if field == "phone":
            keypad.digits = self.phone
        else:
            keyboard.text = getattr(self, field)

    def pad(self):
        keyboard, _keypad_box, keypad = self._pads
        return keypad if self.field == "phone" else keyboard

    def keyed(self, text: str) -> None:
        setattr(self, self.field, text)
        controller = App.get_running_app().controller
        if controller is not None:
            controller.typed(self.field, text)

    def clear(self) -> None:
        self.first_name = self.last_name = self.phone = ""
        keyboard, _keypad_box, keypad = self._pads
        keyboard.clear()
        keypad.clear()
        self.select("first_name")
