"""Staff logins: usernames, roles and argon2id password hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from staffconsole.auth import passwords
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid
from staffconsole.store.schema import first_row as row
from staffconsole.store.schema import write

ROLES = ("receptionist", "admin")


@dataclass(frozen=True)
class NewUser:
    """A staff login checked and hashed, ready for save_user."""

    username: str
    password_hash: str
    role: str


def new_user(username: str, password: str, role: str) -> NewUser:
    """Check a login and hash its password (slow on purpose: before any write lock)."""
    username = username.strip()
    if not username or len(username) > 200 or any(c.isspace() for c in username):
        raise Invalid("a username must be 1 to 200 characters without spaces")
    if not password:
        raise Invalid("the password must not be empty")
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return NewUser(username, passwords.hash_password(password), role)


def save_user(db: Database, user: NewUser, now: datetime) -> dict:
    """Store a new login; joins the caller's transaction if one is open."""
    with write(db):
        if user_by_name(db, user.username):
            raise Conflict(f"a user named {user.username!r} already exists")
        db.execute(
            "INSERT INTO staff_users (username, password_hash, role, created_at) "
            "VALUES (?, ?, ?, ?)",
            [user.username, user.password_hash, user.role, iso(now)],
        )
        return user_by_name(db, user.username)


def add_user(db: Database, username: str, password: str, role: str, now: datetime) -> dict:
    """Create a staff login; the password is kept only as an argon2id hash."""
    return save_user(db, new_user(username, password, role), now)


def user_by_name(db: Database, username: str) -> dict | None:
    return row(db, "SELECT * FROM staff_users WHERE username = ?", [username])
