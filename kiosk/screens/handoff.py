from kivy.properties import StringProperty

from kiosk.i18n import _
from kiosk.screens.base import KioskScreen
from kiosk.words import handoff_words


class HandoffScreen(KioskScreen):
    heading = StringProperty("")
    next_step = StringProperty("")

    def refresh(self, flow, config) -> None:
        heading, next_step = handoff_words(flow.reason, flow.someone_coming)
        self.heading, self.next_step = _(heading), _(next_step)

    def clear(self) -> None:
        self.heading = self.next_step = ""
