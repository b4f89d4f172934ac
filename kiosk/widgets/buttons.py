"""Buttons sized for a finger: at least 15 mm (about 90 px on the 1280x800 panel)."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.button import Button


class BigButton(Button):
    """A high-contrast button; `kiosk_id` names it for tests when it has no kv id."""

    kiosk_id = StringProperty("")


class QuietButton(BigButton):
    """A secondary action (help, back, "I don't have an appointment")."""
