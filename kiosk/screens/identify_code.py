from kiosk.screens.base import KioskScreen


class IdentifyCodeScreen(KioskScreen):
    def refresh(self, flow, config) -> None:
        self.ids.keyboard.text = flow.code

    def clear(self) -> None:
        self.ids.keyboard.clear()
