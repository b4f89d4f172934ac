from kiosk.screens.base import KioskScreen


class IdentifyNameScreen(KioskScreen):
    def refresh(self, flow, config) -> None:
        # Coming back from the date screen keeps what was typed.
        self.ids.keyboard.text = flow.last_name

    def pad(self):
        return self.ids.keyboard

    def clear(self) -> None:
        self.ids.keyboard.clear()
