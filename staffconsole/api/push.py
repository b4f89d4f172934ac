"""Push API v1 for practice-management systems (HTTP edge only).

`Authorization: Bearer <API token>` from `staffconsole apitoken add NAME` (scope
`push`); kiosk tokens are refused here, as API tokens are on the kiosk API. Every
change is audited as `api:<token name>`. Bad input is a 4xx that says why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from staffconsole.api.deps import Clock, Now, bearer_token, get_db
from staffconsole.auth import api_tokens
from staffconsole.auth.kiosks import kiosk_for_token
from staffconsole.clock import iso
from staffconsole.rules.names import display_name, normalise_dob
from staffconsole.store import arrivals as store_arrivals
from staffconsole.store import feed
from staffconsole.store.appointments import (
    appointment_by_external_id,
    cancel_appointment,
    upsert_appointment,
)
from staffconsole.store.audit import api_actor, audit_read, audited
from staffconsole.store.engine import Database


def _unauthorised(reason: str) -> HTTPException:
    return HTTPException(status_code=401, detail=reason, headers={"WWW-Authenticate": "Bearer"})


def push_token(request: Request, db: Annotated[Database, Depends(get_db)]) -> dict:
    """The calling system's API token row (scope push), or 401/403 saying why not."""
    token = bearer_token(request, "API token")
    found = api_tokens.token_for(db, token)
    if found is None:
        if kiosk_for_token(db, token) is not None:
            raise HTTPException(
                403,
                "this is a kiosk token; the push API needs an API token "
                "('staffconsole apitoken add NAME')",
            )
        raise _unauthorised("unknown API token: create one with 'staffconsole apitoken add'")
    if found["revoked_at"]:
        raise _unauthorised("this API token was revoked")
    if found["scope"] != "push":
        raise HTTPException(403, f"this API token's scope is {found['scope']}, not push")
    return found


def _dob(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        return normalise_dob(text)
    except ValueError as e:
        raise ValueError(f"dob {e}") from None


def _start(text: str) -> str:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            "start must be an ISO date and time like 2026-11-22T10:30 "
            "(clinic-local) or 2026-11-22T09:30:00Z"
        ) from None
    if len(text) <= 10:
        raise ValueError("start must have a time, not only a date")
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ExternalId = Annotated[
    str, Path(min_length=1, max_length=64, description="the appointment's id in your system")
]


class AppointmentIn(BaseModel):
    """One appointment as the practice system has it. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    first_name: Text
    last_name: Text
    dob: Annotated[str | None, AfterValidator(_dob)] = Field(
        None, description="YYYY-MM-DD; null when unknown (the patient then checks in by code)"
    )
    start: Annotated[str, StringConstraints(max_length=40), AfterValidator(_start)] = Field(
        description="clinic-local `2026-11-22T10:30`, or with an offset (moved to clinic time)"
    )
    provider: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    status: Literal["booked", "cancelled"] = "booked"
    code: Annotated[
        str | None, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
    ] = Field(None, description="what the patient types or scans at the kiosk")


class AppointmentOut(BaseModel):
    external_id: str
    start: str
    provider: str
    status: str
    code: str | None
    display_name: str


class AppointmentResult(BaseModel):
    result: Literal["added", "changed", "unchanged"]
    appointment: AppointmentOut


class ArrivalOut(BaseModel):
    id: int
    appointment: str = Field(description="the appointment's external_id")
    status: str
    arrived_at: str
    called_in_at: str | None
    seen_at: str | None
    ticket: int
    start: str
    provider: str
    kiosk: str | None


class ArrivalsOut(BaseModel):
    arrivals: list[ArrivalOut]
    cursor: str = Field(description="pass as ?cursor= next time; nothing is missed")
    more: bool = Field(description="true: call again at once with the new cursor")


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["called_in", "seen"]


class StatusOut(BaseModel):
    id: int
    status: str
    called_in_at: str | None
    seen_at: str | None


_ERRORS = {
    401: {"description": "missing, malformed, unknown or revoked API token"},
    403: {"description": "a kiosk token, or a token without the push scope"},
}
router = APIRouter(prefix="/api/v1", tags=["push"], responses=_ERRORS)

Token = Annotated[dict, Depends(push_token)]
Db = Annotated[Database, Depends(get_db)]


def _public(found: dict) -> dict:
    return {
        "external_id": found["external_id"],
        "start": found["start"],
        "provider": found["provider"],
        "status": found["status"],
        "code": found["code"],
        "display_name": display_name(found["first_name"], found["last_name"]),
    }


@router.put(
    "/appointments/{external_id}",
    response_model=AppointmentResult,
    responses={201: {"description": "added"}, 200: {"description": "changed or same"}},
)
def put_appointment(
    external_id: ExternalId,
    body: AppointmentIn,
    request: Request,
    response: Response,
    token: Token,
    db: Db,
    clock: Clock,
    now: Now,
) -> dict:
    """Add or replace one appointment by your id; sending the same again changes nothing."""
    if not external_id.strip():
        raise HTTPException(422, "external_id must not be blank")
    values = {
        "external_id": external_id.strip(),
        "first_name": body.first_name,
        "last_name": body.last_name,
        "dob": body.dob or "",
        "start": clock.zone.local_start(datetime.fromisoformat(body.start)),
        "provider": body.provider,
        "status": body.status,
        "code": body.code,
    }
    if values["dob"] and values["dob"] > values["start"][:10]:
        raise HTTPException(422, "dob is after the appointment")
    detail = {"via": "push api", "status": body.status}
    target = values["external_id"]
    with audited(db, api_actor(token["name"]), "appointment", target, detail, now) as entry:
        result = upsert_appointment(db, **values, source="push")
        entry.action = f"appointment.{result}"  # added or changed; a repeat writes no row
        if result == "unchanged":
            entry.drop()
    if result != "unchanged":
        request.app.state.hub.notify("arrivals", "alerts")
    response.status_code = 201 if result == "added" else 200
    return {
        "result": result,
        "appointment": _public(appointment_by_external_id(db, values["external_id"])),
    }


@router.get(
    "/appointments/{external_id}",
    response_model=AppointmentOut,
    responses={404: {"description": "no appointment with this id"}},
)
def get_appointment(external_id: ExternalId, token: Token, db: Db, now: Now) -> dict:
    """One appointment as Seen has it (audited as a read)."""
    found = appointment_by_external_id(db, external_id.strip())
    if found is None:
        raise HTTPException(404, f"no appointment with external_id {external_id!r}")
    audit_read(db, api_actor(token["name"]), "appointment", found["external_id"], {}, now)
    return _public(found)


@router.delete(
    "/appointments/{external_id}",
    response_model=AppointmentResult,
    responses={404: {"description": "no appointment with this id"}},
)
def delete_appointment(
    external_id: ExternalId, request: Request, token: Token, db: Db, now: Now
) -> dict:
    """Cancel an appointment. It is kept, cancelled, so its arrival and alerts keep history."""
    external_id = external_id.strip()
    actor = api_actor(token["name"])
    detail = {"via": "push api"}
    with audited(db, actor, "appointment.cancelled", external_id, detail, now) as entry:
        result = cancel_appointment(db, external_id)  # NotFound: 404 (api/errors.py)
        if result != "changed":
            entry.drop()
    if result == "changed":
        request.app.state.hub.notify("arrivals", "alerts")
    return {"result": result, "appointment": _public(appointment_by_external_id(db, external_id))}


def _since(text: str | None) -> str | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(
            422, "since must be an ISO 8601 date and time, e.g. 2026-11-22T08:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise HTTPException(
            422, "since must carry a UTC offset (Z or +01:00): arrival times are kept in UTC"
        )
    return iso(moment)


@router.get("/arrivals", response_model=ArrivalsOut)
def arrivals(
    token: Token,
    db: Db,
    now: Now,
    since: Annotated[
        str | None, Query(max_length=40, description="first call: arrivals from this ISO time on")
    ] = None,
    cursor: Annotated[
        str | None,
        Query(
            max_length=18,
            pattern=r"^\d{1,18}$",  # fits SQLite's 64-bit integers
            description="later calls: the cursor of the previous answer",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=feed.MAX_PAGE)] = feed.MAX_PAGE,
) -> dict:
    """Arrivals (check-ins, called in, seen) since a time or after a cursor, oldest change first.

    Audited as a read (how many rows, and where the page started), never the rows.
    """
    if (since is None) == (cursor is None):
        raise HTTPException(
            422,
            "give exactly one of since= (an ISO time, first call) or "
            "cursor= (from the previous answer)",
        )
    page = feed.changes(
        db, cursor=int(cursor) if cursor else None, since=_since(since), limit=limit
    )
    detail = {"count": len(page["arrivals"]), "since": since, "cursor": cursor}
    audit_read(db, api_actor(token["name"]), "arrivals", None, detail, now)
    return page


@router.post(
    "/arrivals/{arrival_id}/status",
    response_model=StatusOut,
    responses={
        404: {"description": "no arrival with this id"},
        409: {"description": "a move backwards (seen -> called_in)"},
    },
)
def arrival_status(
    arrival_id: Annotated[int, Path(ge=1, le=2**62)],
    body: StatusIn,
    request: Request,
    token: Token,
    db: Db,
    now: Now,
) -> dict:
    """The patient was called in or seen: the console's lobby board and long-wait alert follow."""
    # set_status audits the move as api:<token name>; NotFound 404, Conflict 409.
    by = api_actor(token["name"])
    arrival = store_arrivals.set_status(db, arrival_id, body.status, by, now)
    request.app.state.hub.notify("arrivals", "alerts", "history")
    return {key: arrival[key] for key in ("id", "status", "called_in_at", "seen_at")}
