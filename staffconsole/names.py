"""Patient names: the matching key and the only form the kiosk ever shows.

Matching must forgive what a touchscreen keyboard cannot type and what people
type differently: accents, case, curly apostrophes, hyphen-or-space, doubled
spaces. The original spelling is kept for display; only `normalise` is compared.
"""

from __future__ import annotations

import unicodedata

# Apostrophe look-alikes: dropped, so "O’Brien", "O'Brien" and "OBrien" all match.
_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\u2032"
# Dash look-alikes: read as a space, so "Te-Rangi" matches "Te Rangi".
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d_"
# Letters that NFKD does not split into base letter + mark.
_LETTERS = {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae",
            "œ": "oe", "þ": "th", "ŀ": "l"}

_TABLE = str.maketrans({**{c: None for c in _APOSTROPHES}, **{c: " " for c in _DASHES}})


def normalise(text: str) -> str:
    """The matching key of a name: no accents, casefolded, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed:
        if unicodedata.combining(char):
            continue
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width joiners, soft hyphens, bidi marks
            continue
        kept.append(" " if category.startswith("Z") or char in "\t\r\n\v\f" else char)
    folded = "".join(kept).casefold().translate(_TABLE)
    folded = "".join(_LETTERS.get(char, char) for char in folded)
    return " ".join(folded.split())


def display_name(first: str, last: str) -> str:
    """First name and the last name's initial: "María José O."."""
    first = " ".join(first.split())
    initial = next((char for char in last if char.isalnum()), "")
    if not initial:
        return first
    initial = initial.upper() + "."
    return f"{first} {initial}" if first else initial
