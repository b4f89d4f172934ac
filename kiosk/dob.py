"""Date of birth from keypad digits, in the clinic's field order. Pure."""

from __future__ import annotations

from datetime import date

FIELDS = {"M": ("MM", 2), "D": ("DD", 2), "Y": ("YYYY", 4)}
DIGITS = 8


def template(order: str, words: dict[str, str] | None = None) -> str:
    """The empty entry as shown to the patient: "MM / DD / YYYY" for MDY.

    `words` gives a language's placeholders ({"YYYY": "AAAA"} in Spanish)."""
    return show("", order, words)


def show(digits: str, order: str, words: dict[str, str] | None = None) -> str:
    """The entry so far, typed digits over the template: "04 / 0D / YYYY"."""
    parts, rest = [], digits
    for part in order:
        placeholder, size = FIELDS[part]
        placeholder = (words or {}).get(placeholder, placeholder)
        typed, rest = rest[:size], rest[size:]
        parts.append(typed + placeholder[len(typed) :])
    return " / ".join(parts)


def parse(digits: str, order: str, today: date) -> date | None:
    """The date the 8 digits stand for, or None if they are not a real past date."""
    if len(digits) != DIGITS or not digits.isdigit():
        return None
    values, rest = {}, digits
    for part in order:
        size = FIELDS[part][1]
        values[part], rest = int(rest[:size]), rest[size:]
    try:
        born = date(values["Y"], values["M"], values["D"])
    except ValueError:
        return None
    if born > today or born.year < today.year - 130:
        return None
    return born
