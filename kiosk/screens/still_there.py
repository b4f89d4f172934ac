from kivy.clock import Clock
from kivy.properties import NumericProperty

from kiosk.screens.base import KioskScreen


class StillThereScreen(KioskScreen):
    """Shows the seconds left; the controller's own timer decides when they are up."""

    remaining = NumericProperty(0)
    _tick = None

    def refresh(self, flow, config) -> None:
        # Re-drawn in place (language, text size): the countdown keeps running.
        if self.manager is None or self.manager.current != self.name:
            self.remaining = config.countdown_s

    def on_enter(self, *args) -> None:
        self._tick = Clock.schedule_interval(self._count, 1.0)

    def on_leave(self, *args) -> None:
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _count(self, _dt) -> None:
        self.remaining = max(0, self.remaining - 1)
