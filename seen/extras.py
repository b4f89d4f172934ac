"""Which optional parts of the install are missing, said plainly instead of a traceback.

`pip install seen-checkin` alone installs neither role: the kiosk needs the `kiosk`
extra (Kivy, pyserial, requests, pyusb), the server the `console` extra (FastAPI, uvicorn...).
The two commands check for theirs before importing anything that needs them.
"""

from __future__ import annotations

import importlib.util

# What each extra brings, by import name (pyproject.toml [project.optional-dependencies]).
EXTRAS = {
    "console": (
        "fastapi",
        "uvicorn",
        "sqlalchemy",
        "psycopg",
        "alembic",
        "jinja2",
        "argon2",
        "multipart",
        "cryptography",
        "prometheus_client",
    ),
    "kiosk": ("kivy", "serial", "requests", "usb"),
}


def missing(extra: str) -> list[str]:
    """The import names of `extra` that this Python cannot find."""
    return [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]


def message(command: str, extra: str, absent: list[str]) -> str:
    return (
        f"{command}: this install lacks the '{extra}' part ({', '.join(absent)} not found); "
        f"install it with: pip install 'seen-checkin[{extra}]'"
    )
