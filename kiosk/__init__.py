"""Seen kiosk: the patient's check-in screen (Kivy), its pure flow, outbox and client."""

from seen.version import VERSION as __version__

__all__ = ["__version__"]
