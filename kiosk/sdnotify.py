"""The kiosk's name for seen.sdnotify (systemd's notify protocol, shared with the server)."""

from seen.sdnotify import notify, ready, stopping, watchdog, watchdog_interval

__all__ = ["notify", "ready", "stopping", "watchdog", "watchdog_interval"]
