"""Alert rules as pure functions of (state, now): what to raise and what it says.

An alert's `cause` says what it is about (`session:<id>`); there is at most one
unresolved alert per cause, so a late hand-off updates the watchdog's alert
instead of adding a second card for the same patient. Summaries are plain
words a receptionist can act on: where, what happened, who to look for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from seen.vocabulary import ALERT_KINDS, HANDOFF_REASONS, PRINTER_STATES, screen_label
from staffconsole.clock import ClinicZone, iso, parse


def alert_fields(kind: str, cause: str, summary: str, data: dict, *, at: datetime, **ids) -> dict:
    """The fields of one alert of `kind` (its severity from the vocabulary), as the store
    opens or updates it; `ids` are the kiosk_id and session_id it has, if any."""
    return {
        "kind": kind,
        "cause": cause,
        "severity": ALERT_KINDS[kind].severity,
        "summary": summary,
        "data": data,
        **ids,
        "at": iso(at),
    }


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def session_cause(session_id: str) -> str:
    return f"session:{session_id}"


def _dob_words(text: str) -> str:
    # "4 Feb 1980": unambiguous whichever day/month order the kiosk keypad used.
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return f"born {text}"
    return f"born {day.day} {_MONTHS[day.month - 1]} {day.year}"


def describe_entered(entered: Mapping[str, str] | None, with_first_name: bool = False) -> str:
    """What the patient typed, for staff: "'Okafor', born 4 Feb 1980"; "" if nothing."""
    entered = entered or {}
    parts = []
    # A walk-in gives a first name too; for everyone else the last name is what the
    # desk looks up, so only walk-in summaries show both.
    keys = ("first_name", "last_name") if with_first_name else ("last_name",)
    name = " ".join(
        entered[key] for key in keys if isinstance(entered.get(key), str) and entered[key]
    )
    if name:
        parts.append(f"'{name}'")
    if entered.get("dob"):
        parts.append(_dob_words(entered["dob"]))
    if entered.get("code"):
        parts.append(f"code '{entered['code']}'")
    if entered.get("phone"):
        parts.append(f"phone {entered['phone']}")
    return ", ".join(parts)


def _screen(step: str | None) -> str:
    if not step:
        return "an unknown screen"
    return f"the {screen_label(step)} screen"


# The kiosk's own words on its done screen (kiosk/screens/done.kv), quoted so the desk
# knows which button the patient pressed.
REPORT_PROBLEM_BUTTON = "Something's not right"
_TIMES = {2: "twice", 3: "three times"}


def describe_shown(shown: Mapping | None) -> str:
    """The appointment the kiosk showed, as the console may say it: "10:30 with Dr. Lee"."""
    shown = shown or {}
    time, provider = shown.get("time"), shown.get("provider")
    if not time:
        return ""
    return f"{time} with {provider}" if provider else str(time)


def describe_attempts(
    attempts: Iterable[Mapping] | None, entered: Mapping | None, with_first_name: bool = False
) -> str:
    """ "tried twice: 'Obrian', born 30 Nov 1957, then 'O Brien', born 30 Nov 1957"; or "".

    `attempts` are the earlier tries, oldest first; `entered` is the last one.
    """
    tries = [describe_entered(a, with_first_name) for a in attempts or ()]
    tries = [t for t in tries if t]
    if not tries:
        return ""
    last = describe_entered(entered, with_first_name)
    if last:
        tries.append(last)
    count = _TIMES.get(len(tries), f"{len(tries)} times")
    return f"tried {count}: " + ", then ".join(tries)


def handoff_summary(
    reason: str,
    kiosk_name: str,
    step: str | None,
    entered: Mapping[str, str] | None,
    *,
    shown: Mapping | None = None,
    attempts: Iterable[Mapping] | None = None,
) -> str:
    """One plain sentence for a hand-off alert.

    `shown`: the appointment the kiosk had shown (time and provider, never more);
    `attempts`: earlier tries of the same patient, which the desk may need to find them.
    """
    ticket = (shown or {}).get("ticket")
    sentence = _handoff_sentence(reason, kiosk_name, step, entered, describe_shown(shown), ticket)
    tried = describe_attempts(attempts, entered, with_first_name=reason == "walk_in")
    return f"{sentence}; {tried}" if tried else sentence


def _handoff_sentence(
    reason: str,
    kiosk_name: str,
    step: str | None,
    entered: Mapping | None,
    shown: str,
    ticket: int | None = None,
) -> str:
    who = describe_entered(entered)
    typed = f" after typing {who}" if who else ""
    paren = f" ({who})" if who else ""
    if reason == "no_match":
        return (
            f"Someone at {kiosk_name} typed {who} and got no match"
            if who
            else f"Someone at {kiosk_name} got no match"
        )
    if reason == "not_me":
        found = f" ({shown})" if shown else ""
        return (
            f"Someone at {kiosk_name} said the appointment found for {who}{found} is not theirs"
            if who
            else f"Someone at {kiosk_name} said the appointment found{found} is not theirs"
        )
    if reason == "help":
        return f"Someone at {kiosk_name} asked for help on {_screen(step)}{typed}"
    if reason == "timed_out":
        showing = f"; it was showing the appointment at {shown}" if shown else ""
        return f"Someone at {kiosk_name} stopped answering on {_screen(step)}{typed}{showing}"
    if reason == "offline":
        return (
            f"{kiosk_name} could not reach the server while someone was checking in"
            f"{paren}; they were told to come to the desk"
        )
    if reason == "checkin_unconfirmed":
        return (
            f"Someone at {kiosk_name} tried to check in{paren} but the arrival was not "
            "confirmed; check them in at the desk"
        )
    if reason == "reported_problem":
        return f'Someone at {kiosk_name} pressed "{REPORT_PROBLEM_BUTTON}" after checking in{paren}'
    if reason == "slip_not_printed":
        number = f", {ticket} ({shown})" if ticket else ""
        return (
            f"Someone at {kiosk_name} is checked in{paren} but no slip came out of its "
            f"printer; give them their number{number}"
        )
    if reason == "walk_in":
        walker = describe_entered(entered, with_first_name=True)
        return f"A walk-in at {kiosk_name} asked to be seen" + (f" ({walker})" if walker else "")
    raise ValueError(f"unknown hand-off reason {reason!r}")


def handoff_alert(
    reason: str,
    session: Mapping,
    kiosk_name: str,
    entered: Mapping[str, str] | None,
    now: datetime,
    *,
    shown: Mapping | None = None,
    attempts: Iterable[Mapping] | None = None,
) -> dict:
    """The alert fields for a hand-off from a kiosk session (`session` has id, kiosk_id, step)."""
    if reason not in HANDOFF_REASONS:
        raise ValueError(f"unknown hand-off reason {reason!r}")
    step = session.get("step")
    data = {"reason": reason, "step": step, "entered": dict(entered or {})}
    if shown:
        data["shown"] = {"time": shown.get("time"), "provider": shown.get("provider")}
        if shown.get("ticket"):
            data["shown"]["ticket"] = shown["ticket"]
    if attempts:
        data["attempts"] = [dict(attempt) for attempt in attempts]
    return alert_fields(
        reason,
        session_cause(session["id"]),
        handoff_summary(reason, kiosk_name, step, entered, shown=shown, attempts=attempts),
        data,
        kiosk_id=session.get("kiosk_id"),
        session_id=session["id"],
        at=now,
    )


def due_unresponsive(
    sessions: Iterable[Mapping], now: datetime, deadline_s: float
) -> list[Mapping]:
    """Sessions with no outcome whose deadline passed and that no alert covers yet.

    Each session mapping has `last_event_at`, `outcome` and `alerted_at` (the last
    update of an alert for this session, or None). An alert updated after the last
    event already covers the silence; a newer event starts the clock again.
    """
    deadline = timedelta(seconds=deadline_s)
    due = []
    for session in sessions:
        if session.get("outcome"):
            continue
        last = parse(session["last_event_at"])
        if now - last < deadline:
            continue
        alerted = session.get("alerted_at")
        if alerted and parse(alerted) >= last:
            continue
        due.append(session)
    return due


def unresponsive_alert(session: Mapping, kiosk_name: str, now: datetime, deadline_s: float) -> dict:
    """The alert fields for a session that went silent without an outcome."""
    who = describe_entered(session.get("entered"))
    typed = f" after typing {who}" if who else ""
    silent_s = int((now - parse(session["last_event_at"])).total_seconds())
    return alert_fields(
        "unresponsive_session",
        session_cause(session["id"]),
        (
            f"A check-in at {kiosk_name} went silent on {_screen(session.get('step'))}"
            f"{typed}; nothing heard for {silent_s} s"
        ),
        {
            "step": session.get("step"),
            "entered": dict(session.get("entered") or {}),
            "last_event_at": session["last_event_at"],
            "deadline_s": deadline_s,
        },
        kiosk_id=session.get("kiosk_id"),
        session_id=session["id"],
        at=now,
    )


# -- lobby, kiosks and the console: alerts about the state of things -------------

LOBBY_CAUSE = "lobby"
CONSOLE_CAUSE = "console"


def kiosk_offline_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:offline"


def printer_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:printer"


def arrival_cause(arrival_id: int) -> str:
    return f"arrival:{arrival_id}"


def kiosk_online(kiosk: Mapping, now: datetime, heartbeat_s: float, missed: int) -> bool:
    """Heard from within `missed` heartbeat periods (a kiosk never heard from is not online)."""
    seen = kiosk.get("last_seen_at")
    if not seen:
        return False
    return now - parse(seen) <= timedelta(seconds=heartbeat_s * missed)


def restart_grace(
    started_at: datetime | None, now: datetime, heartbeat_s: float, missed: int
) -> bool:
    """True while this server has run for less than the offline threshold.

    Heartbeats sent while the server was down were lost, so until a kiosk has had the
    same `missed` periods to be heard from as it would have had anyway, its silence may
    be the server's own and says nothing about the kiosk. started_at None: no grace.
    """
    if started_at is None:
        return False
    return now - started_at < timedelta(seconds=heartbeat_s * missed)


def kiosk_offline_alert(
    kiosk: Mapping,
    now: datetime,
    heartbeat_s: float,
    missed: int,
    started_at: datetime | None = None,
) -> dict | None:
    """The alert for a kiosk that stopped its heartbeats, or None while it is fine.

    A kiosk that never sent one (just added, not installed yet) is not offline, nor is
    one during the restart grace after the server (started at started_at) came up.
    """
    if not kiosk.get("last_seen_at") or kiosk_online(kiosk, now, heartbeat_s, missed):
        return None
    if restart_grace(started_at, now, heartbeat_s, missed):
        return None
    return alert_fields(
        "kiosk_offline",
        kiosk_offline_cause(kiosk["id"]),
        (
            f"{kiosk['name']} is offline: no heartbeat for {missed} periods. "
            "Patients there cannot check in; check its power and network"
        ),
        {"last_seen_at": kiosk["last_seen_at"]},
        kiosk_id=kiosk["id"],
        at=now,
    )


def printer_alert(kiosk: Mapping, now: datetime) -> dict | None:
    """The alert for a kiosk's printer fault (from its last heartbeat), or None when fine."""
    known = PRINTER_STATES.get(kiosk.get("printer_state"))
    if known is None or not known.needs_attention:
        return None
    state = known.name
    detail = (kiosk.get("printer_detail") or "").strip()
    return alert_fields(
        "printer",
        printer_cause(kiosk["id"]),
        (
            f"The receipt printer at {kiosk['name']} {known.problem}"
            + (f" ({detail})" if detail else "")
        ),
        {"state": state, "detail": detail},
        kiosk_id=kiosk["id"],
        at=now,
    )


def wait_starts(arrival: Mapping, zone: ClinicZone) -> datetime:
    """A wait counts from the later of arrival and appointment time (early is not waiting).

    Appointment starts are the clinic's wall times: `zone` says which instant they are.
    """
    start = zone.instant(datetime.fromisoformat(arrival["start"]))
    return max(parse(arrival["arrived_at"]), start)


def long_wait_alert(
    arrival: Mapping, now: datetime, long_wait_min: float, zone: ClinicZone
) -> dict | None:
    """The alert for a patient still waiting long_wait_min past wait_starts, or None."""
    if arrival.get("status", "waiting") != "waiting":
        return None
    since = wait_starts(arrival, zone)
    if now - since < timedelta(minutes=long_wait_min):
        return None
    return alert_fields(
        "long_wait",
        arrival_cause(arrival["id"]),
        (
            f"{arrival['display_name']} (booked {arrival['time']} with "
            f"{arrival['provider']}) has waited more than {long_wait_min:g} min "
            "and has not been called in"
        ),
        # wait_from lets the console say how long the patient has waited, not "just now".
        {"arrival": arrival["id"], "long_wait_min": long_wait_min, "wait_from": iso(since)},
        kiosk_id=arrival.get("kiosk_id"),
        at=now,
    )


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def lobby_busy_alert(
    arrivals: Iterable[Mapping],
    now: datetime,
    max_waiting: int,
    max_median_min: float,
    zone: ClinicZone,
) -> dict | None:
    """The alert for a crowded lobby (more than max_waiting, or a long median wait), or None."""
    waits = [
        max(0.0, (now - wait_starts(a, zone)).total_seconds() / 60)
        for a in arrivals
        if a.get("status", "waiting") == "waiting"
    ]
    if not waits:
        return None
    middle = median(waits)
    if len(waits) <= max_waiting and middle <= max_median_min:
        return None
    people = "patient is" if len(waits) == 1 else "patients are"
    return alert_fields(
        "lobby_busy",
        LOBBY_CAUSE,
        (f"The lobby is busy: {len(waits)} {people} waiting, median wait {int(middle)} min"),
        {"waiting": len(waits), "median_min": int(middle)},
        at=now,
    )


def console_watched(
    listeners: int, left_at: datetime | None, now: datetime, grace_s: float
) -> bool:
    """Is someone watching? A page open now, or one closed less than grace_s ago.

    left_at is when the last page closed (None: none was open since the start).
    """
    if listeners > 0:
        return True
    return left_at is not None and now - left_at < timedelta(seconds=grace_s)


def no_console_alert(
    listeners: int, absent_since: datetime | None, kiosks_online: int, now: datetime, grace_s: float
) -> dict | None:
    """The alert when kiosks are running but no console has been open for grace_s.

    absent_since: when the last page closed, or when the server started.
    """
    if kiosks_online == 0 or listeners > 0 or absent_since is None:
        return None
    if now - absent_since < timedelta(seconds=grace_s):
        return None
    return alert_fields(
        "no_console",
        CONSOLE_CAUSE,
        (
            f"No console page was open for more than {grace_s:g} s while kiosks were "
            "running; the kiosks sent patients with any problem to the front desk"
        ),
        {"absent_since": iso(absent_since) if absent_since else None},
        at=now,
    )


def checked_in_note(ticket: int | None) -> str:
    """What the history says when an unconfirmed check-in turns out committed after all."""
    number = f" as number {ticket}" if ticket else ""
    return (
        f"Closed by Seen: the kiosk's check-in did reach the server; the patient is on "
        f"the arrivals list{number} and needs nothing more"
    )


def cleared_note(kind: str, kiosk_name: str | None) -> str:
    """What the history says when a self-clearing alert ends on its own."""
    where = kiosk_name or "the kiosk"
    if kind == "printer":
        return f"Cleared by itself: the printer at {where} reported OK again"
    if kind == "kiosk_offline":
        return f"Cleared by itself: {where} is sending heartbeats again"
    if kind == "outbox_unsaved":
        return f"Cleared by itself: {where} can save check-ins to its disk again"
    if kind == "lobby_busy":
        return "Cleared by itself: the lobby is no longer busy"
    if kind == "certificate_expiry":
        return "Cleared by itself: the server now serves a certificate valid for longer"
    if kind == "hl7_queue_stuck":
        return "Cleared by itself: the practice system takes arrivals again"
    return "Cleared by itself"


def lookup_rate_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:lookup_rate"


def checkin_refused_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:checkin_refused"


# Refused check-ins from one kiosk within the check-in window before the desk is told: a
# patient whose look-up went stale is one refusal (and is handed to the desk anyway).
CHECKIN_REFUSALS_ALERT = 3


def checkin_refused_alert(kiosk: Mapping, now: datetime, refused: int, window_s: float) -> dict:
    """The alert for a kiosk whose check-ins are being refused (`refused` in the window):
    not offered to its session, or over its check-in limit. No patient in it."""
    tries = "check-in" if refused == 1 else "check-ins"
    return alert_fields(
        "checkin_refused",
        checkin_refused_cause(kiosk["id"]),
        (
            f"{kiosk['name']} asked for {refused} {tries} in {window_s / 60:g} min that were "
            "refused (appointments it had not shown, or too many). If nobody there is "
            "checking in, its token may have been copied: revoke it"
        ),
        {"refused": refused, "window_s": window_s},
        at=now,
        kiosk_id=kiosk["id"],
    )


def outbox_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:outbox"


def outbox_held_alert(
    kiosk: Mapping, held: int, newest_held: str | None, last: Mapping | None, now: datetime
) -> dict | None:
    """The alert when a kiosk's heartbeat says it set events aside, or None.

    `last` is the newest alert for this cause, resolved or not. Raised again only for
    an event set aside after it (a new newest id), so a person's resolve is not undone
    every heartbeat; an unresolved one is updated when the count changes.
    """
    if held <= 0:
        return None
    if last is not None:
        same_event = last["data"].get("newest_held") == newest_held
        if same_event and (last["status"] == "resolved" or last["data"].get("held") == held):
            return None
    events = "event" if held == 1 else "events"
    return alert_fields(
        "outbox_held",
        outbox_cause(kiosk["id"]),
        (
            f"{kiosk['name']} could not deliver {held} {events} to the server (kept on the "
            "kiosk); a patient there may have asked for help: look in the lobby, then "
            "check the kiosk"
        ),
        {"held": held, "newest_held": newest_held},
        kiosk_id=kiosk["id"],
        at=now,
    )


def outbox_unsaved_cause(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}:outbox_unsaved"


def outbox_unsaved_alert(kiosk: Mapping, unsaved: int, now: datetime) -> dict | None:
    """The alert while a kiosk's heartbeat says events are only in its memory (its disk is
    full), or None: a condition alert, cleared by itself when the kiosk reports none."""
    if unsaved <= 0:
        return None
    events = "event" if unsaved == 1 else "events"
    return alert_fields(
        "outbox_unsaved",
        outbox_unsaved_cause(kiosk["id"]),
        (
            f"{kiosk['name']} cannot save check-ins to its disk (full?): {unsaved} {events} "
            "only in its memory, lost if it restarts; free space on the kiosk"
        ),
        {"unsaved": unsaved},
        kiosk_id=kiosk["id"],
        at=now,
    )
