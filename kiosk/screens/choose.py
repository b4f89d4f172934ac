from kivy.app import App
from kivy.metrics import dp

from kiosk import words
from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.widgets.buttons import BigButton


def _controller():
    return App.get_running_app().controller


def describe(match: dict) -> str:
    return words.describe(match, _)


class ChooseScreen(KioskScreen):
    def refresh(self, flow, config) -> None:
        self.clear()
        for index, match in enumerate(flow.matches):
            button = BigButton(
                text=describe(match), kiosk_id=f"choice_{index}", size_hint_y=None, height=dp(120)
            )
            appointment = match["appointment"]
            button.bind(on_release=lambda _b, a=appointment: _controller().choose(a))
            self.ids.choices.add_widget(button)

    def clear(self) -> None:
        self.ids.choices.clear_widgets()
