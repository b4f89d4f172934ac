"""Staff logins: usernames, roles and argon2id password hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from staffconsole.auth import passwords
from staffconsole.auth.password_policy import check_password
from staffconsole.clock import iso
from staffconsole.errors import Conflict, Invalid, NotFound
from staffconsole.store.engine import Database
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
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return NewUser(username, hash_chosen_password(username, password), role)


def hash_chosen_password(username: str, password: str) -> str:
    """Check a password a person chose against the policy, then hash it (slow)."""
    check_password(password, username)
    return passwords.hash_password(password)


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


# -- when people leave, change jobs or forget (issue 17) -------------------------------


def list_users(db: Database) -> list[dict]:
    """Every login, without its hashes."""
    return list(
        db.query("SELECT username, role, created_at, disabled FROM staff_users ORDER BY username")
    )


def _existing(db: Database, username: str) -> dict:
    user = user_by_name(db, username.strip())
    if user is None:
        raise NotFound(f"no user named {username.strip()!r}")
    return user


def _end_sessions(db: Database, user_id: int) -> int:
    """Sign the user out everywhere (their console pages go to the sign-in page)."""
    return db.execute("DELETE FROM staff_sessions WHERE user_id = ?", [user_id]).rowcount


def _keep_an_admin(db: Database, user: dict) -> None:
    """Refuse to take away the last usable admin: nobody could manage logins after it."""
    if user["role"] != "admin" or user["disabled"]:
        return
    others = db.execute(
        "SELECT count(*) FROM staff_users WHERE role = 'admin' AND disabled = 0 AND id != ?",
        [user["id"]],
    ).fetchone()[0]
    if not others:
        raise Conflict(f"{user['username']!r} is the last admin; make another admin first")


def set_disabled(db: Database, username: str, disabled: bool) -> dict:
    """Disable (and sign out everywhere) or enable a login; its history stays."""
    with write(db):
        user = _existing(db, username)
        if bool(user["disabled"]) == disabled:
            raise Conflict(
                f"{user['username']!r} is already {'disabled' if disabled else 'enabled'}"
            )
        if disabled:
            _keep_an_admin(db, user)
            _end_sessions(db, user["id"])
        db.execute("UPDATE staff_users SET disabled = ? WHERE id = ?", [int(disabled), user["id"]])
        return user_by_name(db, user["username"])


def set_password(db: Database, username: str, password_hash: str) -> dict:
    """A new password (already hashed, before the write lock); other sessions end."""
    with write(db):
        user = _existing(db, username)
        db.execute(
            "UPDATE staff_users SET password_hash = ?, pin_hash = NULL WHERE id = ?",
            [password_hash, user["id"]],
        )
        _end_sessions(db, user["id"])
        return user_by_name(db, user["username"])


def set_role(db: Database, username: str, role: str) -> dict:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    with write(db):
        user = _existing(db, username)
        if user["role"] == role:
            raise Conflict(f"{user['username']!r} is already {role}")
        if role != "admin":
            _keep_an_admin(db, user)
        db.execute("UPDATE staff_users SET role = ? WHERE id = ?", [role, user["id"]])
        _end_sessions(db, user["id"])  # a page keeps its role: sign in again to get the new one
        return user_by_name(db, user["username"])


def remove_user(db: Database, username: str) -> dict:
    """Delete a login. Audit rows and alerts keep the username they were written with."""
    with write(db):
        user = _existing(db, username)
        _keep_an_admin(db, user)
        _end_sessions(db, user["id"])
        db.execute("DELETE FROM staff_users WHERE id = ?", [user["id"]])
        return user
