"""Buttons sized for a finger: at least 15 mm (about 90 px on the 1280x800 panel)."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty
from kivy.uix.button import Button

from kiosk.i18n import _


class BigButton(Button):
    """A high-contrast button; `kiosk_id` names it for tests when it has no kv id."""

    kiosk_id = StringProperty("")


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
