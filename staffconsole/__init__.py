"""Seen staff console: the server, its storage and alert rules, and the receptionists' page."""

__version__ = "0.1.0"
