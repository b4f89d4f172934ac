"""Seen kiosk: the patient's check-in screen (Kivy), its pure flow, outbox and client."""

__version__ = "0.1.0"
