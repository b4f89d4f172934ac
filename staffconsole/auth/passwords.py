"""Staff passwords: argon2id hashes only, never the password itself."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; two calls give different text)."""
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`; False for a mismatch or a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older, weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
