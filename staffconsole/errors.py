"""Named failures of the store; the HTTP and CLI edges turn them into 4xx / exit codes."""


class StoreError(Exception):
    """Base class: a store call refused the request; str(error) is safe to show."""


class NotFound(StoreError):
    """The thing asked for does not exist (or is not today's)."""


class Conflict(StoreError):
    """The request clashes with the current state (exists already, cancelled, resolved)."""


class Invalid(StoreError, ValueError):
    """A value is not acceptable (empty name, unknown role or outcome)."""
