"""What the check-in flow asks for: events for the outbox, server calls, a receipt,
a screen, the language and text size. The controller carries them out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Emit:
    type: str
    data: dict
    session: str


@dataclass(frozen=True)
class Lookup:
    session: str
    last_name: str
    dob: str
    code: str = ""  # set: look up by code instead of name and date of birth


@dataclass(frozen=True)
class Checkin:
    session: str
    appointment: int


@dataclass(frozen=True)
class PrintReceipt:
    arrival: dict
    language: str = "en"  # the slip is in the language the patient chose


@dataclass(frozen=True)
class Show:
    screen: str


@dataclass(frozen=True)
class Present:
    """Language and text size for the screens (at start, on a switch, reset at welcome)."""

    language: str
    large_text: bool
