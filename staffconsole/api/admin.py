"""The admins' page: staff logins and kiosks, as `staffconsole user` and `kiosk` do (HTTP edge).

The same calls as the command line (auth.users, auth.kiosks, staff_sessions.unlock_sign_in),
each audited under the same action names with the admin as actor. The guard rails are the
store's (the last enabled admin stays, kiosk names are unique) plus one of the page's own:
an admin cannot disable, remove or demote the login they are signed in with.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from seen.vocabulary import printer_label
from staffconsole.api.deps import (
    Admin,
    AdminWriting,
    Clock,
    Db,
    Now,
    staff_session,
    to_sign_in,
)
from staffconsole.auth import kiosks, staff_sessions, users
from staffconsole.auth.password_policy import MAX_LENGTH as MAX_PASSWORD
from staffconsole.auth.roster import staff_roster
from staffconsole.auth.staff_sessions import NotSignedIn, StaffSession
from staffconsole.clock import ClinicZone, parse
from staffconsole.errors import Conflict
from staffconsole.store.audit import audited, staff_actor
from staffconsole.web import templates

router = APIRouter()

BASE = "/api/v1/console/admin"
MAX_USERNAME = 200
MAX_KIOSK_NAME = 200  # auth.kiosks says the real limit, with its reason
Role = Literal[users.ROLES]  # type: ignore[valid-type]
# What the calls answer besides the shared ones (api/openapi.py adds 401, 403, 423...).
ANSWERS: dict[int | str, dict] = {
    404: {"description": "no login or kiosk of that name"},
    409: {"description": "already so, a name taken, the last admin, or your own login"},
}
HASHING = {**ANSWERS, 429: {"description": "the server is hashing many passwords: try again"}}


class UserBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=MAX_USERNAME)


class NewUserBody(UserBody):
    role: Role
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)


class PasswordBody(UserBody):
    password: str = Field(min_length=1, max_length=MAX_PASSWORD)


class RoleBody(UserBody):
    role: Role


class KioskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_KIOSK_NAME)


class RenameBody(KioskBody):
    new_name: str = Field(min_length=1, max_length=MAX_KIOSK_NAME)


# -- the page ---------------------------------------------------------------------


@router.get("/console/admin", include_in_schema=False)
def admin_page(request: Request, db: Db, now: Now) -> Response:
    try:
        session = staff_session(request, db, now, touch=True)
    except NotSignedIn as e:
        return to_sign_in(e)  # locked: to the console, whose lock screen unlocks it
    if session.role != "admin":
        raise HTTPException(403, "Only an admin may manage logins and kiosks.")
    response = templates.TemplateResponse(
        request,
        "admin.html",
        {
            "clinic_name": request.app.state.settings.clinic_name,
            "username": session.username,
            "csrf_token": session.csrf_token,
            "roles": users.ROLES,
        },
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _shown(stamp: str | None, zone: ClinicZone) -> str | None:
    """A stored UTC instant as the clinic's wall time, for people: "22 Nov 2026 15:04"."""
    if not stamp:
        return None
    local = zone.local(parse(stamp))
    return f"{local.day} {local:%b %Y %H:%M}"


# -- staff logins -------------------------------------------------------------------


def _not_yourself(session: StaffSession, username: str, doing: str) -> None:
    """An admin's own login is not theirs to take away on this page (one wrong click)."""
    if username.strip() == session.username:
        raise Conflict(
            f"You are signed in as {session.username!r}: you cannot {doing} your own login. "
            "Ask another admin to do it."
        )


def _change(db, session: StaffSession, now, action: str, username: str, change, detail=None):
    with audited(db, staff_actor(session.username), action, username.strip(), detail, now):
        return change()


@router.get(f"{BASE}/users")
def list_users(session: Admin, db: Db, clock: Clock, now: Now):
    """Every staff login: role, disabled or not, last sign-in, a paused sign-in (audited).

    The `_shown` fields are the same instants as the clinic's wall time.
    """
    found = staff_roster(db, now)
    for user in found:
        user["last_sign_in_shown"] = _shown(user["last_sign_in_at"], clock.zone)
        user["paused_until_shown"] = _shown(user["paused_until"], clock.zone)
    with audited(db, staff_actor(session.username), "user.list", None, {"count": len(found)}, now):
        pass  # nothing changes but the log, as for `staffconsole user list`
    return {"users": found, "you": session.username}


@router.post(f"{BASE}/users", responses=HASHING)
def add_user(body: NewUserBody, session: AdminWriting, db: Db, now: Now):
    """A new login; the password must pass the policy (12+ characters, not a common one)."""
    login = users.new_user(body.username, body.password, body.role)  # slow: before the lock
    detail = {"role": login.role}
    with audited(db, staff_actor(session.username), "user.add", login.username, detail, now):
        user = users.save_user(db, login, now)
    return {"user": {"username": user["username"], "role": user["role"]}}


def _user(user: dict) -> dict:
    return {"username": user["username"], "role": user["role"], "disabled": bool(user["disabled"])}


@router.post(f"{BASE}/users/disable", responses=ANSWERS)
def disable_user(body: UserBody, session: AdminWriting, db: Db, now: Now):
    """Stop a login working; it is signed out everywhere at once."""
    _not_yourself(session, body.username, "disable")
    user = _change(
        db,
        session,
        now,
        "user.disable",
        body.username,
        lambda: users.set_disabled(db, body.username, True),
    )
    return {"user": _user(user)}


@router.post(f"{BASE}/users/enable", responses=ANSWERS)
def enable_user(body: UserBody, session: AdminWriting, db: Db, now: Now):
    """Let a disabled login sign in again."""
    user = _change(
        db,
        session,
        now,
        "user.enable",
        body.username,
        lambda: users.set_disabled(db, body.username, False),
    )
    return {"user": _user(user)}


@router.post(f"{BASE}/users/reset-password", responses=HASHING)
def reset_password(body: PasswordBody, session: AdminWriting, db: Db, now: Now):
    """A new password the admin typed (the policy applies); the user's sessions end."""
    hashed = users.hash_chosen_password(body.username.strip(), body.password)  # slow: first
    user = _change(
        db,
        session,
        now,
        "user.reset_password",
        body.username,
        lambda: users.set_password(db, body.username, hashed),
    )
    return {"user": _user(user), "signed_out": True}


@router.post(f"{BASE}/users/set-role", responses=ANSWERS)
def set_role(body: RoleBody, session: AdminWriting, db: Db, now: Now):
    """Receptionist or admin; the login is signed out to pick the new role up."""
    if body.role != "admin":
        _not_yourself(session, body.username, "take admin away from")
    user = _change(
        db,
        session,
        now,
        "user.set_role",
        body.username,
        lambda: users.set_role(db, body.username, body.role),
        {"role": body.role},
    )
    return {"user": _user(user)}


@router.post(f"{BASE}/users/remove", responses=ANSWERS)
def remove_user(body: UserBody, session: AdminWriting, db: Db, now: Now):
    """Delete a login; audit rows and alerts keep the name they were written with."""
    _not_yourself(session, body.username, "remove")
    user = _change(
        db,
        session,
        now,
        "user.remove",
        body.username,
        lambda: users.remove_user(db, body.username),
    )
    return {"removed": user["username"]}


@router.post(f"{BASE}/users/unlock", responses=ANSWERS)
def unlock_user(body: UserBody, session: AdminWriting, db: Db, now: Now):
    """End a sign-in pause after wrong passwords (the failures no longer count)."""
    key = staff_sessions.attempt_key(body.username)
    with audited(db, staff_actor(session.username), "user.unlock", key, None, now) as entry:
        counting = staff_sessions.unlock_sign_in(db, body.username, now)
        entry.detail["failures"] = counting
    return {"username": key, "failures": counting}


# -- kiosks ---------------------------------------------------------------------------


def _kiosk(kiosk: dict, zone: ClinicZone) -> dict:
    """What the page shows of a kiosk: never its token's hash."""
    state = kiosk["printer_state"]
    return {
        "name": kiosk["name"],
        "created_at": kiosk["created_at"],
        "revoked_at": kiosk["revoked_at"],
        "last_seen_at": kiosk["last_seen_at"],
        "last_seen_shown": _shown(kiosk["last_seen_at"], zone),
        "app_version": kiosk["app_version"],
        "printer_state": state,
        "printer_label": printer_label(state) if state else None,
        "printer_detail": kiosk["printer_detail"],
    }


@router.get(f"{BASE}/kiosks")
def list_kiosks(session: Admin, db: Db, clock: Clock):
    """Every kiosk: last heartbeat, the version it reported, its printer, revoked or not."""
    return {"kiosks": [_kiosk(k, clock.zone) for k in kiosks.list_kiosks(db)]}


@router.post(f"{BASE}/kiosks", responses=ANSWERS)
def add_kiosk(
    body: KioskBody,
    request: Request,
    response: Response,
    session: AdminWriting,
    db: Db,
    clock: Clock,
    now: Now,
):
    """Register a kiosk (or re-issue a revoked one); its token is in this answer only."""
    name = " ".join(body.name.split())
    with audited(db, staff_actor(session.username), "kiosk.add", name, None, now):
        token = kiosks.add_kiosk(db, body.name, now)
    request.app.state.hub.notify("kiosks")
    found = next(k for k in kiosks.list_kiosks(db) if k["name"] == name)
    response.headers["Cache-Control"] = "no-store"  # the token: in no cache, ever
    return {"kiosk": _kiosk(found, clock.zone), "token": token}


@router.post(f"{BASE}/kiosks/rename", responses=ANSWERS)
def rename_kiosk(
    body: RenameBody, request: Request, session: AdminWriting, db: Db, clock: Clock, now: Now
):
    """A kiosk's new name; its token and history stay."""
    new_name = " ".join(body.new_name.split())
    detail = {"from": " ".join(body.name.split())}
    with audited(db, staff_actor(session.username), "kiosk.rename", new_name, detail, now):
        kiosk = kiosks.rename_kiosk(db, body.name, body.new_name)
    request.app.state.hub.notify("kiosks")
    return {"kiosk": _kiosk(kiosk, clock.zone)}


@router.post(f"{BASE}/kiosks/revoke", responses=ANSWERS)
def revoke_kiosk(
    body: KioskBody, request: Request, session: AdminWriting, db: Db, clock: Clock, now: Now
):
    """Stop a kiosk's token working (lost or stolen); its history stays."""
    with audited(db, staff_actor(session.username), "kiosk.revoke", None, None, now) as entry:
        kiosk = kiosks.revoke_kiosk(db, body.name, now)
        entry.target = kiosk["name"]
    request.app.state.hub.notify("kiosks")
    return {"kiosk": _kiosk(kiosk, clock.zone)}
