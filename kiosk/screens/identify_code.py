from kiosk.screens.base import KioskScreen


class IdentifyCodeScreen(KioskScreen):
    def refresh(self, flow, config) -> None:
        self.ids.keyboard.text = flow.code

    def pad(self):
        return self.ids.keyboard

    def clear(self) -> None:
        self.ids.keyboard.clear()
