"""What every kiosk screen has: a refresh from the flow and a clear at welcome."""

from __future__ import annotations

from kivy.uix.screenmanager import Screen


class KioskScreen(Screen):
    """A screen shows what the flow says; it keeps no patient data of its own after clear()."""

    def refresh(self, flow, config) -> None:
        """Show the flow's current data (called just before the screen appears)."""

    def pad(self):
        """The on-screen keyboard or keypad a USB keyboard types into here (None: none)."""
        return

    def clear(self) -> None:
        """Forget anything about the patient (called when the flow returns to welcome)."""
