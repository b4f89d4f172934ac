"""Seen staff console: the server, its storage and alert rules, and the receptionists' page."""

from seen.version import VERSION as __version__

__all__ = ["__version__"]
