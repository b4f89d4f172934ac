"""Buttons sized for a finger: at least 15 mm (about 90 px on the 1280x800 panel)."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp, sp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.button import Button

from kiosk.i18n import _


class BigButton(Button):
    """A high-contrast button; `kiosk_id` names it for tests when it has no kv id."""

    kiosk_id = StringProperty("")
    focused = BooleanProperty(False)  # the keypad's focus is here (kiosk.tactile): a ring


class WordKey(BigButton):
    """A key labelled with a word ("space", "Delete"), re-labelled when the language changes."""

    word = StringProperty("")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        app = App.get_running_app()
        if app is not None and hasattr(app, "language"):
            app.bind(language=self._relabel)
        self.bind(word=self._relabel)
        self._relabel()

    def _relabel(self, *_args) -> None:
        self.text = _(self.word)


class QuietButton(BigButton):
    """A secondary action (help, back, "I don't have an appointment")."""


class FittingButton(QuietButton):
    """A quiet button showing typed text (a walk-in's name): a long name gets smaller
    letters, down to a floor, rather than spilling out of the button."""

    base_sp = NumericProperty(28)
    FLOOR_SP = 14

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._refit = Clock.create_trigger(self._fit)
        self.bind(text=self._refit, size=self._refit, base_sp=self._refit)
        app = App.get_running_app()
        if app is not None and hasattr(app, "high_contrast"):
            app.bind(high_contrast=self._refit)  # larger text: a new scale

    def _fit(self, *_args) -> None:
        size = sp(self.base_sp)
        self.font_size = size
        self.texture_update()
        while self.texture_size[1] > self.height - dp(8) and size > sp(self.FLOOR_SP):
            size *= 0.9
            self.font_size = size
            self.texture_update()
