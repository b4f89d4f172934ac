"""Console calls beyond alerts: the lobby board's buttons, walk-ins at the desk, the audit log.

"Call in" also puts the ticket on the lobby displays (api/lobby_display.py).

HTTP edge only; the store does the work (and the audit entries for arrivals).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field

from staffconsole.api.deps import Admin, Clock, Db, Now, StaffWriting, parse_alert_id
from staffconsole.api.lobby_display import router as display_router
from staffconsole.config import split_list
from staffconsole.store import arrivals as store_arrivals
from staffconsole.store import calls as store_calls
from staffconsole.store.alerts import get_alert
from staffconsole.store.audit import list_audit, staff_actor
from staffconsole.web.snapshot import shape_alert, shape_board_row

router = APIRouter()
router.include_router(display_router)  # the lobby display's page and stream


@router.get("/api/v1/console/audit")
def audit_log(session: Admin, db: Db, limit: int = 200):
    """The newest audit entries (admins only): who signed in, acted on alerts, changed kiosks."""
    return {"entries": list_audit(db, limit=max(1, min(limit, 5000)))}


class WalkInBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    dob: str = Field("", max_length=10)


@router.post("/api/v1/console/alerts/{alert_id}/check-in")
def check_in_walk_in(
    alert_id: str,
    body: WalkInBody,
    request: Request,
    session: StaffWriting,
    db: Db,
    clock: Clock,
    now: Now,
):
    """A walk-in's alert becomes an arrival at the desk (provider "Walk-in"); resolves it.

    Its appointment is on the clinic's day, at the clinic's time now.
    """
    number = parse_alert_id(alert_id)
    arrival = store_arrivals.check_in_walk_in(
        db,
        number,
        first_name=body.first_name,
        last_name=body.last_name,
        dob=body.dob,
        by=staff_actor(session.username),
        now=now,
        zone=clock.zone,
    )
    request.app.state.hub.notify("arrivals", "alerts", "history")
    return {
        "arrival": shape_board_row(arrival, request.app.state.settings.long_wait_min, clock.zone),
        "alert": shape_alert(get_alert(db, number)),
    }


def _arrival_number(arrival_id: str) -> int:
    if not arrival_id.isascii() or not arrival_id.isdigit() or len(arrival_id) > 18:
        raise HTTPException(404, f"No arrival with id {arrival_id[:40]!r}.")
    return int(arrival_id)


class CallBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    room: str = Field("", max_length=store_calls.MAX_ROOM)


@router.post("/api/v1/console/arrivals/{arrival_id}/call")
def call_in(
    arrival_id: str,
    body: CallBody,
    request: Request,
    session: StaffWriting,
    db: Db,
    clock: Clock,
    now: Now,
):
    """The board's "Call in": marks the arrival called in and calls its ticket (and the
    room, one of the lobby_rooms setting's) on the lobby displays; audited."""
    settings = request.app.state.settings
    arrival, call = store_calls.call_in(
        db,
        _arrival_number(arrival_id),
        body.room,
        staff_actor(session.username),
        now,
        split_list(settings.lobby_rooms),
    )
    request.app.state.hub.notify("arrivals", "alerts", "history")
    return {"arrival": shape_board_row(arrival, settings.long_wait_min, clock.zone), "call": call}


# After /call: this one's {status} would take "call" for itself.
@router.post("/api/v1/console/arrivals/{arrival_id}/{status}")
def arrival_status(
    arrival_id: str,
    status: Literal["called_in", "seen"],
    request: Request,
    session: StaffWriting,
    db: Db,
    clock: Clock,
    now: Now,
):
    """The lobby board's "Called in" and "Seen" buttons; ends the arrival's long_wait alert."""
    if not arrival_id.isascii() or not arrival_id.isdigit() or len(arrival_id) > 18:
        raise HTTPException(404, f"No arrival with id {arrival_id[:40]!r}.")
    by = staff_actor(session.username)
    arrival = store_arrivals.set_status(db, int(arrival_id), status, by, now)
    request.app.state.hub.notify("arrivals", "alerts", "history")
    long_wait = request.app.state.settings.long_wait_min
    return {"arrival": shape_board_row(arrival, long_wait, clock.zone)}
