"""The periodic task that applies the alert rules at the app's clock.

The server does not trust a kiosk to report its own failure: a session that goes
quiet without an outcome, a kiosk that stops its heartbeats, a printer fault, a
long wait, a crowded lobby and an unwatched console all become alerts on their
own; then the escalation ladder runs over every unresolved alert. Once an hour (and
at the first pass) it also deletes what the retention settings say is too old.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from seen.vocabulary import kind_label
from staffconsole.auth.displays import list_displays
from staffconsole.auth.kiosks import list_kiosks
from staffconsole.clock import ClinicClock
from staffconsole.rules import alerting, escalation
from staffconsole.rules.certificate import CERTIFICATE_CAUSE, certificate_alert
from staffconsole.rules.display_dark import display_dark_alert, display_dark_cause
from staffconsole.store import alerts as store_alerts
from staffconsole.store import arrivals, retention
from staffconsole.store.alerts import list_alerts, open_or_update_alert
from staffconsole.store.engine import Database
from staffconsole.store.schema import open_db, write
from staffconsole.store.sessions import sessions_awaiting_outcome
from staffconsole.watch import webhook

log = logging.getLogger("staffconsole.watch.watchdog")

PURGE_EVERY = timedelta(hours=1)  # retention is counted in days: hourly is plenty


def _raise(db: Database, fields: dict | None) -> bool:
    """Open or update the alert for fields' cause; False when nothing would change."""
    if fields is None:
        return False
    existing = store_alerts.unresolved_for_cause(db, fields["cause"])
    if existing and (existing["kind"], existing["summary"], existing["severity"]) == (
        fields["kind"],
        fields["summary"],
        fields["severity"],
    ):
        return False
    open_or_update_alert(db, fields)
    return True


def state_rule(db: Database, cause: str, fields: dict | None, now: datetime) -> bool:
    """A condition alert: raised while fields is not None, cleared by itself after.

    If a person resolved it while the fault was still there, the same fault is not
    raised again (that would undo their click every second) until it has cleared.
    """
    if fields is None:
        if store_alerts.clear_alert(db, cause, now) is not None:
            return True
        last = store_alerts.last_for_cause(db, cause)
        if last and not last["data"].get("fault_gone_at"):
            store_alerts.mark_fault_gone(db, last["id"], now)
        return False
    if store_alerts.unresolved_for_cause(db, cause) is None:
        last = store_alerts.last_for_cause(db, cause)
        if (
            last
            and last["resolved_by"] != store_alerts.SYSTEM
            and not last["data"].get("fault_gone_at")
            and last["summary"] == fields["summary"]
        ):
            return False
    return _raise(db, fields)


def display_rules(db: Database, now: datetime, dark_after_s: float, started_at) -> int:
    """Lobby displays that stopped streaming raise display_dark; it clears when they return."""
    changed = 0
    for display in list_displays(db):
        cause = display_dark_cause(display["id"])
        fields = (
            None
            if display["revoked_at"]
            else display_dark_alert(display, now, dark_after_s, started_at)
        )
        changed += state_rule(db, cause, fields, now)
    return changed


def run_rules(
    db: Database,
    clock: ClinicClock,
    settings,
    presence: tuple | None = None,
    escalated: list | None = None,
    started_at: datetime | None = None,
    certificate_not_after: datetime | None = None,
) -> int:
    """One pass of every rule at the clock's now; returns how many alerts it raised, changed
    or cleared. Long waits and the lobby are the clinic's day's (the clock's zone).

    presence: (console pages open, since when none is) from the hub; None skips the
    no_console rule. Alerts escalated in this pass are appended to `escalated`.
    started_at: when this server process started; no kiosk is called offline until the
    offline threshold has passed since then (None: no such grace).
    certificate_not_after: when the HTTPS certificate this server serves ends (None:
    plain HTTP); within 30 days it is a certificate_expiry alert.
    """
    changed = 0
    now = clock.now()
    zone = clock.zone
    today = zone.day(now)
    with write(db):
        waiting = sessions_awaiting_outcome(db)
        for session in alerting.due_unresponsive(waiting, now, settings.session_deadline_s):
            fields = alerting.unresponsive_alert(
                session, session["kiosk_name"], now, settings.session_deadline_s
            )
            open_or_update_alert(db, fields)
            changed += 1

        online = 0
        for kiosk in list_kiosks(db):
            offline_cause = alerting.kiosk_offline_cause(kiosk["id"])
            printer_cause = alerting.printer_cause(kiosk["id"])
            if kiosk["revoked_at"]:
                changed += state_rule(db, offline_cause, None, now)
                changed += state_rule(db, printer_cause, None, now)
                continue
            beat, missed = settings.heartbeat_interval_s, settings.heartbeats_missed_offline
            is_online = alerting.kiosk_online(kiosk, now, beat, missed)
            online += is_online
            # During the restart grace a silent kiosk is neither raised nor cleared: an
            # alert from before the restart stays until the kiosk is heard from again.
            if is_online or not alerting.restart_grace(started_at, now, beat, missed):
                fields = alerting.kiosk_offline_alert(kiosk, now, beat, missed, started_at)
                changed += state_rule(db, offline_cause, fields, now)
            changed += state_rule(db, printer_cause, alerting.printer_alert(kiosk, now), now)

        changed += display_rules(db, now, settings.display_dark_s, started_at)

        board = arrivals.list_board(db, today)
        for arrival in board:
            cause = alerting.arrival_cause(arrival["id"])
            # Raised once: after a person resolves it, the same wait is not raised again.
            if store_alerts.any_for_cause(db, cause):
                continue
            changed += _raise(
                db, alerting.long_wait_alert(arrival, now, settings.long_wait_min, zone)
            )
        changed += state_rule(
            db,
            alerting.LOBBY_CAUSE,
            alerting.lobby_busy_alert(
                board, now, settings.lobby_busy_waiting, settings.lobby_busy_median_min, zone
            ),
            now,
        )

        changed += state_rule(
            db, CERTIFICATE_CAUSE, certificate_alert(certificate_not_after, now), now
        )

        if presence is not None:
            listeners, absent_since = presence
            if store_alerts.unresolved_for_cause(db, alerting.CONSOLE_CAUSE) is None:
                changed += _raise(
                    db,
                    alerting.no_console_alert(
                        listeners, absent_since, online, now, settings.console_absent_s
                    ),
                )

        timings = escalation.Timings.from_settings(settings)
        for alert in list_alerts(db):
            step = escalation.next_step(alert, now, timings)
            if step is None:
                continue
            updated = store_alerts.apply_step(db, alert["id"], step, now)
            changed += 1
            if step == escalation.ESCALATE and escalated is not None:
                escalated.append(updated)
    return changed


def notify_escalated(escalated: list, settings) -> int:
    """POST each escalated alert to the webhook, if one is set; returns how many went."""
    if not settings.escalation_webhook_url:
        return 0
    sent = 0
    for alert in escalated:
        body = webhook.payload(
            alert,
            kind_label(alert["kind"]),
            settings.clinic_name,
            settings.escalate_after_s,
        )
        sent += webhook.send(settings.escalation_webhook_url, body)
    return sent


def _tick(
    settings,
    hub,
    clock: ClinicClock,
    started_at: datetime | None = None,
    certificate_not_after: datetime | None = None,
) -> int:
    escalated: list = []
    db = open_db(settings.db_path)
    try:
        presence = hub.presence() if hub else None
        changed = run_rules(
            db, clock, settings, presence, escalated, started_at, certificate_not_after
        )
    finally:
        db.close()
    # After the commit, and outside the write lock: a slow webhook must not hold kiosks up.
    notify_escalated(escalated, settings)
    return changed


def purge_due(last: datetime | None, now: datetime) -> bool:
    """True at the first pass and once PURGE_EVERY has gone by since the last purge."""
    return last is None or now - last >= PURGE_EVERY


def run_retention(db: Database, clock: ClinicClock, settings) -> retention.Purged:
    """Delete what is older than the retention settings at the clock's now; logs counts."""
    purged = retention.purge(db, clock.now(), retention.Limits.from_settings(settings))
    if purged.total:
        log.info(
            "retention: typed text emptied in %d session(s) and %d event(s); %d event(s) "
            "and %d audit row(s) of reads deleted; %d HL7 message(s) for no destination dropped",
            purged.sessions_blanked,
            purged.events_blanked,
            purged.events_deleted,
            purged.audit_reads_deleted,
            purged.hl7_unsent_deleted,
        )
    return purged


def _purge(settings, clock: ClinicClock) -> None:
    db = open_db(settings.db_path)
    try:
        run_retention(db, clock, settings)
    finally:
        db.close()


async def watch(app) -> None:
    """Run the rules every watchdog_interval_s until cancelled; a failed pass is logged, not fatal."""
    settings = app.state.settings
    hub = app.state.hub
    purged_at: datetime | None = None
    while True:
        await asyncio.sleep(settings.watchdog_interval_s)
        now = app.state.clock.now()
        if purge_due(purged_at, now):
            purged_at = now  # a failed purge is tried again in an hour, not every second
            try:
                await asyncio.to_thread(_purge, settings, app.state.clock)
            except Exception as e:  # noqa: BLE001
                log.error("retention purge failed: %s: %s", type(e).__name__, e)
        try:
            changed = await asyncio.to_thread(
                _tick,
                settings,
                hub,
                app.state.clock,
                app.state.started_at,
                app.state.certificate_not_after,
            )
        # Keep watching: one failed pass (a locked database) is no reason to stop for good.
        except Exception as e:  # noqa: BLE001
            log.error("watchdog pass failed: %s: %s", type(e).__name__, e)
            continue
        if changed:
            hub.notify()


def start(app) -> asyncio.Task:
    return asyncio.create_task(watch(app), name="seen-watchdog")


async def stop(task: asyncio.Task) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
