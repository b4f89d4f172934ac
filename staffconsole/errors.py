"""Named failures of the store.

The HTTP edge turns them into 4xx answers in one place (api/errors.py), the command line
into exit codes in one place (cli.EXIT_CODES).
"""


class StoreError(Exception):
    """Base class: a store call refused the request; str(error) is safe to show."""


class NotFound(StoreError):
    """The thing asked for does not exist (or is not today's)."""


class Conflict(StoreError):
    """The request clashes with the current state (exists already, cancelled, resolved)."""


class Refused(StoreError):
    """The caller may not do this (a kiosk naming what it was not offered, or another's session)."""


class Invalid(StoreError, ValueError):
    """A value is not acceptable (empty name, unknown role or outcome)."""
