"""Kiosk API v1 (HTTP edge only): look-up, check-in, events, heartbeat.

Bad input is a 422 that says what is wrong, never a 500. Every call moves the
session's deadline by the server's clock; every committed change wakes the console.
A kiosk token reaches only that kiosk's own sessions (403 otherwise), and a check-in
only an appointment a look-up offered to the same session (store/offers.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, model_validator

from seen.vocabulary import (
    ABANDON_REASONS,
    EVENT_TYPES,
    HANDOFF_REASONS,
    PRINTER_STATES,
    SESSION_ABANDONED,
    SESSION_HANDED_OFF,
    SESSION_STEP,
)
from staffconsole.api import faults
from staffconsole.api.deps import LocalNow, Now, Today, get_db, kiosk_from_request
from staffconsole.clock import iso
from staffconsole.rules import alerting, lookup_limits
from staffconsole.store import alerts as store_alerts
from staffconsole.store import appointments as store_appointments
from staffconsole.store import offers as store_offers
from staffconsole.store import sessions as store_sessions
from staffconsole.store.engine import Database
from staffconsole.watch import watchdog

MAX_DATA_CHARS = 4000


def _real_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError("dob must be a real date (YYYY-MM-DD)") from None
    return text


def _timestamp(text: str) -> str:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("must be an ISO 8601 date and time") from None
    return text


Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
LastName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Dob = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_real_date)]
Timestamp = Annotated[
    str, StringConstraints(min_length=10, max_length=40), AfterValidator(_timestamp)
]
AppointmentId = Annotated[int, Field(strict=True, ge=1, le=2**62)]


Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class LookupIn(BaseModel):
    """Either last_name and dob, or an appointment code (typed or scanned)."""

    session: Id
    last_name: LastName | None = None
    dob: Dob | None = None
    code: Code | None = None

    @model_validator(mode="after")
    def _one_way_to_find(self) -> LookupIn:
        by_name = self.last_name is not None or self.dob is not None
        if by_name and self.code is not None:
            raise ValueError("give either last_name and dob, or code, not both")
        if self.code is None and (self.last_name is None or self.dob is None):
            raise ValueError("give last_name and dob, or code")
        return self


class Match(BaseModel):
    appointment: int
    display_name: str
    time: str
    provider: str


class LookupOut(BaseModel):
    matches: list[Match]


class CheckinIn(BaseModel):
    session: Id
    appointment: AppointmentId


class Arrival(BaseModel):
    id: int
    appointment: int
    display_name: str
    time: str
    provider: str
    arrived_at: str
    ticket: int


class CheckinOut(BaseModel):
    arrival: Arrival


def _check_handoff(data: dict) -> None:
    if data.get("reason") not in HANDOFF_REASONS:
        raise ValueError(f"data.reason must be one of {', '.join(HANDOFF_REASONS)}")
    _check_data(data)


def _check_data(data: dict) -> None:
    """What any event may carry: the step, the appointment shown, tries, what was typed."""
    step = data.get("step")
    if step is not None and not (isinstance(step, str) and 0 < len(step) <= 64):
        raise ValueError("data.step must be a screen name of 1 to 64 characters")
    appointment = data.get("appointment")
    if appointment is not None and not (
        type(appointment) is int and 1 <= appointment <= 2**62  # not bool, not "12"
    ):
        raise ValueError(
            "data.appointment must be the id (a whole number) of the appointment shown"
        )
    _check_attempts(data.get("attempts"))
    _check_entered(data.get("entered", {}))


def _check_entered(entered: object) -> None:
    """data.entered (any event type): what the patient has typed, as text fields."""
    if entered is None:
        return
    if not isinstance(entered, dict):
        # ValueError, not TypeError: pydantic turns only ValueError into a 422 with this text.
        raise ValueError("data.entered must be an object")  # noqa: TRY004
    # Lenient on purpose: a hand-off refused here would never reach a person, so a
    # half-typed date or a field this server does not know yet is kept, not rejected.
    for key, value in entered.items():
        if value is not None and not (isinstance(value, str) and len(value) <= 100):
            raise ValueError(f"data.entered.{key} must be text of at most 100 characters")


MAX_ATTEMPTS = 5
# What one try may hold: the kiosk sends last_name, first_name and dob.
ENTERED_KEYS = ("first_name", "last_name", "dob", "code", "phone")


def _check_attempts(attempts: object) -> None:
    """data.attempts: earlier tries, oldest first, each like data.entered (text fields)."""
    if attempts is None:
        return
    if not isinstance(attempts, list):
        raise ValueError("data.attempts must be a list of earlier tries")  # noqa: TRY004
    if len(attempts) > MAX_ATTEMPTS:
        raise ValueError(f"data.attempts holds at most {MAX_ATTEMPTS} earlier tries")
    for n, attempt in enumerate(attempts):
        if not isinstance(attempt, dict):
            raise ValueError(f"data.attempts[{n}] must be an object")  # noqa: TRY004
        # Lenient like data.entered: a field this server does not know yet is kept.
        if len(attempt) > len(ENTERED_KEYS):
            raise ValueError(f"data.attempts[{n}] has more fields than a try can hold")
        for key, value in attempt.items():
            if value is not None and not (isinstance(value, str) and len(value) <= 100):
                raise ValueError(f"data.attempts[{n}].{key} must be text of at most 100 characters")


class Event(BaseModel):
    id: Id
    session: Id
    type: Literal[EVENT_TYPES]  # type: ignore[valid-type]
    at: Timestamp
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _data_fits_type(self) -> Event:
        try:
            size = len(json.dumps(self.data, allow_nan=False))
        except ValueError:
            raise ValueError("data must not hold NaN or Infinity (not JSON)") from None
        if size > MAX_DATA_CHARS:
            raise ValueError(f"data is larger than {MAX_DATA_CHARS} characters")
        if self.type == SESSION_HANDED_OFF:
            _check_handoff(self.data)
        else:
            if self.type == SESSION_ABANDONED and self.data.get("reason") not in ABANDON_REASONS:
                raise ValueError(f"data.reason must be one of {', '.join(ABANDON_REASONS)}")
            # Any event may carry what was typed so far (so a crash still tells the desk).
            _check_data(self.data)
        if self.type == SESSION_STEP:
            step = self.data.get("step")
            if not (isinstance(step, str) and 0 < len(step) <= 64):
                raise ValueError("data.step must be a screen name of 1 to 64 characters")
        return self


class EventsIn(BaseModel):
    events: list[Event] = Field(min_length=1, max_length=500)


class EventsOut(BaseModel):
    accepted: list[str]
    duplicate: list[str]


class Printer(BaseModel):
    state: Literal[tuple(PRINTER_STATES)]  # type: ignore[valid-type]
    detail: Annotated[str, StringConstraints(max_length=200)] = ""


class OutboxState(BaseModel):
    """Events the kiosk's outbox set aside (the server refused them, or failed them too
    often) and events only in its memory (its disk is full)."""

    held: Annotated[int, Field(strict=True, ge=0, le=10**9)] = 0
    newest_held: Id | None = None
    unsaved: Annotated[int, Field(strict=True, ge=0, le=10**9)] = 0
    # Events not yet delivered (the outbox's depth, for /metrics); older kiosks send none.
    unsent: Annotated[int, Field(strict=True, ge=0, le=10**9)] | None = None


class HeartbeatIn(BaseModel):
    at: Timestamp
    app_version: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)
    ]
    printer: Printer
    outbox: OutboxState | None = None  # older kiosks send none


class HeartbeatOut(BaseModel):
    server_time: str
    console_live: bool


_AUTH = {401: {"description": "missing, malformed, unknown or revoked kiosk token"}}
_OTHERS = {403: {"description": "the session was started by another kiosk"}}
router = APIRouter(prefix="/api/v1/kiosk", tags=["kiosk"], responses=_AUTH)

Kiosk = Annotated[dict, Depends(kiosk_from_request)]
Db = Annotated[Database, Depends(get_db)]


@router.post(
    "/lookup",
    response_model=LookupOut,
    responses={**_OTHERS, 429: {"description": "too many look-ups from this kiosk just now"}},
)
def lookup(
    body: LookupIn,
    request: Request,
    kiosk: Kiosk,
    db: Db,
    now: Now,
    today: Today,
    local_now: LocalNow,
) -> dict:
    """Today's booked appointments for a last name and date of birth, or for a code."""
    _check_rate(request, kiosk, db, now)
    if body.code is not None:
        store_sessions.touch_session(db, kiosk, body.session, now, entered={"code": body.code})
        matches = store_appointments.lookup_code(db, body.code, today)
    else:
        store_sessions.touch_session(
            db,
            kiosk,
            body.session,
            now,
            entered={"last_name": body.last_name, "dob": body.dob},
        )
        matches = store_appointments.lookup(db, body.last_name, body.dob, today)
    settings = request.app.state.settings
    late = settings.lookup_late_hours
    shown = [
        m
        for m in matches
        if lookup_limits.within_window(f"{today.isoformat()}T{m['time']}", local_now, late)
    ]
    # What this session may now check in (and nothing else): store/offers.py.
    store_offers.record_offers(
        db,
        kiosk["id"],
        body.session,
        [m["appointment"] for m in shown],
        now,
        settings.checkin_offer_minutes,
    )
    return {"matches": shown}


def _check_rate(request: Request, kiosk: dict, db: Database, now: datetime) -> None:
    """429 (and one lookup_rate alert) when this kiosk is over its look-up limit."""
    settings = request.app.state.settings
    limiter = request.app.state.lookup_limiter
    if limiter.allow(kiosk["id"], now):
        return
    fields = lookup_limits.lookup_rate_alert(
        kiosk, now, settings.lookup_rate_max, settings.lookup_rate_window_s
    )
    _, created = store_alerts.open_or_update_alert(db, fields)
    if created:
        request.app.state.hub.notify("alerts")
    raise HTTPException(
        429,
        lookup_limits.refusal(settings.lookup_rate_max, settings.lookup_rate_window_s),
        headers={"Retry-After": str(limiter.retry_after_s(kiosk["id"], now))},
    )


@router.post(
    "/checkin",
    response_model=CheckinOut,
    responses={
        403: {
            "description": "the appointment was not offered to this kiosk session by a "
            "recent look-up, or the session is another kiosk's"
        },
        404: {"description": "not one of today's appointments"},
        409: {"description": "the appointment was cancelled"},
        429: {"description": "too many check-ins from this kiosk just now"},
    },
)
def checkin(
    body: CheckinIn, request: Request, kiosk: Kiosk, db: Db, now: Now, today: Today
) -> dict:
    """Record the arrival of an appointment a look-up offered this session; answers only
    after it is committed (and audited). Repeats return the same."""
    _check_checkin_rate(request, db, kiosk, body, now)
    try:
        arrival = store_offers.checkin_offered(  # Refused 403, NotFound 404, Conflict 409
            db,
            kiosk,
            body.session,
            body.appointment,
            now,
            today,
            minutes=request.app.state.settings.checkin_offer_minutes,
        )
    except store_offers.NotOffered:
        _refusals_to_the_desk(request, db, kiosk, now)
        raise
    faults.exit_after_commit("checkin")  # test-only, off by default (staffconsole/api/faults.py)
    request.app.state.hub.notify("arrivals", "alerts")
    return {"arrival": arrival}


def _refusals_to_the_desk(request: Request, db, kiosk: dict, now: datetime) -> None:
    """From the third refused check-in in the window on, one checkin_refused alert."""
    window_s = request.app.state.settings.checkin_rate_window_s
    refused = store_offers.recent_refusals(db, kiosk, now, window_s)
    if refused < alerting.CHECKIN_REFUSALS_ALERT:
        return
    store_alerts.open_or_update_alert(
        db, alerting.checkin_refused_alert(kiosk, now, refused, window_s)
    )
    request.app.state.hub.notify("alerts")


def _check_checkin_rate(request: Request, db, kiosk: dict, body, now: datetime) -> None:
    """429 when this kiosk is over its check-in limit (a sweep of ids stops here)."""
    settings = request.app.state.settings
    limiter = request.app.state.checkin_limiter
    if limiter.allow(kiosk["id"], now):
        return
    store_offers.audit_refusal(db, kiosk, body.session, body.appointment, "rate", now)
    _refusals_to_the_desk(request, db, kiosk, now)
    raise HTTPException(
        429,
        f"too many check-ins from this kiosk: at most {settings.checkin_rate_max} in "
        f"{settings.checkin_rate_window_s / 60:g} min; the patient should be helped at the "
        "front desk",
        headers={"Retry-After": str(limiter.retry_after_s(kiosk["id"], now))},
    )


@router.post(
    "/events",
    response_model=EventsOut,
    responses={
        403: {
            "description": "an event names a session another kiosk started: nothing of the "
            "batch is kept (send the others alone)"
        }
    },
)
def events(body: EventsIn, request: Request, kiosk: Kiosk, db: Db, now: Now, today: Today) -> dict:
    """A batch of session events, each applied once (by id) in the order given."""
    batch = [event.model_dump() for event in body.events]

    def shown_for(session: dict, data: dict) -> dict | None:
        # The alert may name the appointment the kiosk says it showed only if a look-up
        # offered it to this session: a token cannot put any patient's on the desk's card.
        wanted = data.get("appointment")
        minutes = request.app.state.settings.checkin_offer_minutes
        if wanted is not None and not store_offers.was_offered(
            db, kiosk["id"], session["id"], wanted, now, minutes
        ):
            data = {key: value for key, value in data.items() if key != "appointment"}
        return store_appointments.shown_appointment(db, session, data, today)

    accepted, duplicate = store_sessions.record_events(db, kiosk, batch, now, shown_for)
    if accepted:
        # Most events are steps no page shows: only the alerts are rebuilt, and a stream
        # sends nothing when they did not change.
        request.app.state.hub.notify("alerts")
    return {"accepted": accepted, "duplicate": duplicate}


@router.post("/heartbeat", response_model=HeartbeatOut)
def heartbeat(body: HeartbeatIn, request: Request, kiosk: Kiosk, db: Db, now: Now) -> dict:
    """The kiosk is alive; its printer's state. Answers whether a console is watching."""
    changed = store_sessions.heartbeat(
        db,
        kiosk,
        app_version=body.app_version,
        printer_state=body.printer.state,
        printer_detail=body.printer.detail,
        now=now,
    )
    hub = request.app.state.hub
    if body.outbox is not None and _outbox_rule(db, kiosk, body.outbox, now):
        changed = True
    if body.outbox is not None and body.outbox.unsent is not None:
        request.app.state.metrics.outbox_reported(kiosk["id"], body.outbox.unsent)
    if changed:
        hub.notify("kiosks", "alerts")
    live = hub.console_watched(now, request.app.state.settings.console_absent_s)
    return {"server_time": iso(now), "console_live": live}


def _outbox_rule(db: Database, kiosk: dict, outbox: OutboxState, now: datetime) -> bool:
    """Raise, update or clear the outbox alerts the heartbeat calls for; True if any changed."""
    changed = False
    cause = alerting.outbox_cause(kiosk["id"])
    last = store_alerts.last_for_cause(db, cause)
    fields = alerting.outbox_held_alert(kiosk, outbox.held, outbox.newest_held, last, now)
    if fields is not None:
        store_alerts.open_or_update_alert(db, fields)
        changed = True
    # Events only in the kiosk's memory (its disk is full): raised while so, cleared after.
    unsaved = alerting.outbox_unsaved_alert(kiosk, outbox.unsaved, now)
    if watchdog.state_rule(db, alerting.outbox_unsaved_cause(kiosk["id"]), unsaved, now):
        changed = True
    return changed
