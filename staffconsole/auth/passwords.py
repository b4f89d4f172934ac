"""Staff passwords: argon2id hashes only, never the password itself.

Each check costs 64 MiB and a few hundred milliseconds on purpose, so anyone who can
reach the sign-in page could exhaust a small box by asking many at once. Checks run a
few at a time (`hash_slots`); a request that finds no slot free within a moment is
told to try again (HashingBusy, a 429) instead of queueing: a waiting request would
hold one of the server's worker threads, which kiosks need too.
"""

from __future__ import annotations

import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended costs
SLOT_WAIT_S = 0.25  # how long a check waits for a free slot before HashingBusy
_slots = threading.BoundedSemaphore(2)


class HashingBusy(Exception):
    """Every password-hashing slot is taken; try again in a moment."""

    def __str__(self) -> str:
        return "Many people are signing in at once. Please try again in a moment."


def set_hash_slots(count: int) -> None:
    """How many password checks may run at once (setting `password_hash_slots`)."""
    global _slots
    _slots = threading.BoundedSemaphore(count)


def _slot():
    slots = _slots  # the one acquired is the one released, even if reconfigured between
    if not slots.acquire(timeout=SLOT_WAIT_S):
        raise HashingBusy()
    return slots


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (salted; two calls give different text)."""
    slots = _slot()
    try:
        return _hasher.hash(password)
    finally:
        slots.release()


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`; False for a mismatch or a bad hash.

    Raises HashingBusy when no slot comes free within SLOT_WAIT_S.
    """
    slots = _slot()
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    finally:
        slots.release()


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with older, weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
