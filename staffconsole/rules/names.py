"""Patient names: the matching key and the only form the kiosk ever shows.

Matching must forgive what a touchscreen keyboard cannot type and what people
type differently: accents, case, curly apostrophes, hyphen-or-space, doubled
spaces. The original spelling is kept for display; only `normalise` is compared.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

# Apostrophe look-alikes: dropped, so "O’Brien", "O'Brien" and "OBrien" all match.
_APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02bb\u0060\u00b4\u2032"
# Dash look-alikes: read as a space, so "Te-Rangi" matches "Te Rangi".
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d_"
# Letters that NFKD does not split into base letter + mark.
_LETTERS = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ŀ": "l",
}

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


def compact(text: str) -> str:
    """The key with no spaces: "O'Brien-Núñez", "O BRIEN NUNEZ" and "OBRIEN-NUNEZ" agree.

    A touchscreen patient types a space, a hyphen or nothing where an apostrophe or a
    hyphen is; dropping every gap makes all three one key.
    """
    return normalise(text).replace(" ", "")


# A swap in a name shorter than this leaves too little of it ("Ng"/"Gn", "Le"/"El").
MIN_SWAP_LENGTH = 4


def one_swap(a: str, b: str) -> bool:
    """True when b is a with exactly one pair of adjacent, different letters swapped."""
    if len(a) != len(b) or len(a) < MIN_SWAP_LENGTH:
        return False
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 2 or differ[1] != differ[0] + 1:
        return False
    i = differ[0]
    return a[i] == b[i + 1] and a[i + 1] == b[i] and a[i].isalpha() and a[i + 1].isalpha()


EXACT = "exact"  # the same key (accents, case, apostrophes as before)
SPACING = "spacing"  # the same letters, gaps aside
SWAPPED = "swapped"  # one adjacent pair of letters swapped


def last_name_match(typed: str, typed_dob: str, stored: str, stored_dob: str) -> str | None:
    """How a typed last name and date of birth match a stored one, or None.

    The date of birth must always be the same, exactly: it is what makes a forgiving
    name safe. The caller lists every patient that matches in any way, so a forgiving
    match that finds two patients goes to the patient's "choose" screen, never silently
    to one of them.
    """
    if not typed_dob or typed_dob != stored_dob:
        return None
    key, other = normalise(typed), normalise(stored)
    if not key or not other:
        return None
    if key == other:
        return EXACT
    key, other = key.replace(" ", ""), other.replace(" ", "")
    if key == other:
        return SPACING
    if one_swap(key, other):
        return SWAPPED
    return None


def display_name(first: str, last: str) -> str:
    """First name and the last name's initial: "María José O."."""
    first = " ".join(first.split())
    initial = next((char for char in last if char.isalnum()), "")
    if not initial:
        return first
    initial = initial.upper() + "."
    return f"{first} {initial}" if first else initial


# --- dates of birth -----------------------------------------------------------

ISO_DATE = "%Y-%m-%d"
EARLIEST_BIRTH_YEAR = 1880
_FORMAT_WORDS = (
    ("%Y", "YYYY"),
    ("%m", "MM"),
    ("%d", "DD"),
    ("%H", "HH"),
    ("%M", "mm"),
    ("%S", "SS"),
    ("%y", "YY"),
    ("%b", "Mon"),
    ("%B", "Month"),
)


def format_words(fmt: str) -> str:
    """A strftime format as people read it: "%d/%m/%Y" -> "DD/MM/YYYY"."""
    for code, words in _FORMAT_WORDS:
        fmt = fmt.replace(code, words)
    return fmt


def parse_date(text: str, fmt: str = ISO_DATE) -> date:
    """A date written in `fmt` or as ISO (always unambiguous); ValueError otherwise."""
    text = " ".join(text.split())
    for candidate in dict.fromkeys((fmt, ISO_DATE)):
        try:
            return datetime.strptime(text, candidate).date()
        except ValueError:
            continue
    raise ValueError(f"is not a real date in {format_words(fmt)} form")


def normalise_dob(text: str, fmt: str = ISO_DATE) -> str:
    """The matching form of a date of birth: ISO `YYYY-MM-DD`, whatever the file wrote.

    The reason in a ValueError never repeats the date itself (it is patient data).
    """
    born = parse_date(text, fmt)
    if born.year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"is before {EARLIEST_BIRTH_YEAR}")
    return born.isoformat()


def split_display(text: str) -> tuple[str, str]:
    """("First names", "Last") from a "First Middle Last" display string (FHIR `display`).

    The last word is taken as the family name: right for "Peter James Chalmers", a
    guess for others, which is why a Patient resource's own name wins when there is one.
    """
    words = text.split()
    if not words:
        return "", ""
    return " ".join(words[:-1]), words[-1]
