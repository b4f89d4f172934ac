"""Which passwords a person may choose: long, not their username, not a common one.

Length beats complexity rules (NIST SP 800-63B): at least 12 characters, any
characters at all, checked against a list of passwords people really use (zxcvbn's
30,000, shipped in `data/`). A common word with a few digits or symbols stuck on
either end ("password1234!") or said twice counts as that common word.
"""

from __future__ import annotations

import gzip
import unicodedata
from functools import cache
from importlib import resources

from staffconsole.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 takes any length; this only stops a megabyte "password"
TRIMMED = 6  # characters stuck onto a common password that still leave it common


class WeakPassword(Invalid):
    """A password the policy refuses (too short, the username, or a common one)."""


@cache
def common_passwords() -> frozenset[str]:
    packed = resources.files("staffconsole.auth") / "data" / "common_passwords.txt.gz"
    return frozenset(gzip.decompress(packed.read_bytes()).decode("utf-8").split())


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _core(text: str) -> str:
    """The password without what is commonly stuck on its ends: digits, symbols, spaces."""
    start, end = 0, len(text)
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha():
        end -= 1
    return text[start:end]


def _is_common(folded: str) -> bool:
    common = common_passwords()
    squeezed = "".join(folded.split())
    if folded in common or squeezed in common:
        return True
    core = _core(squeezed)
    if core in common and len(squeezed) - len(core) <= TRIMMED:
        return True
    half, odd = divmod(len(squeezed), 2)
    return not odd and squeezed[:half] == squeezed[half:] and squeezed[:half] in common


def check_password(password: str, username: str) -> None:
    """Raise WeakPassword with a plain reason if `password` may not be chosen."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_LENGTH} characters long")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"the password must be at most {MAX_LENGTH} characters long")
    folded, name = _folded(password), _folded(username.strip())
    # A short username ("bo") is inside many good passphrases ("about"): it counts only
    # when the rest is digits and symbols ("bo-bo-2026").
    inside = len(name) >= 4 and (name in folded or name[::-1] in folded)
    only_name = not any(c.isalpha() for c in folded.replace(name, ""))
    if name and (inside or only_name):
        raise WeakPassword("the password must not contain the username")
    if _is_common(folded):
        raise WeakPassword("that password is on the list of commonly used passwords")
