"""`/metrics` in the Prometheus text format (the official client library), one registry
per app so that several apps in one process (the tests) keep their figures apart.

What it shows: unresolved alerts by kind and status, time from raised to acknowledged,
kiosks online, each kiosk's outbox depth (from its heartbeats) and request latency by
route template. Labels are kinds, statuses, kiosk names, methods, route templates and
status codes: never a path as sent, so never a name or an id a patient could be found by.

Who may read it: a signed-in admin, or a caller with an API token of scope `metrics`
(`staffconsole apitoken add NAME --scope metrics`: a scraper's credential, which opens
nothing else; a push token gets 403 here, as a metrics token does on the push API). With `metrics_port` set, also anyone on the server itself, on that port
of 127.0.0.1 (prometheus_client's own small server, started with the app).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.exposition import start_http_server

from seen.vocabulary import ALERT_KINDS
from staffconsole.api.deps import Db, Now, bearer_token, staff_session
from staffconsole.auth import api_tokens
from staffconsole.auth.kiosks import list_kiosks
from staffconsole.auth.staff_sessions import NotSignedIn
from staffconsole.rules.alerting import kiosk_online
from staffconsole.store import gauges
from staffconsole.store.schema import open_db

# Seconds from an alert raised to a person acknowledging it: the escalation ladder's
# scale (escalate at 3 min, return after 10).
ACK_BOUNDS = (10.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0)
UNRESOLVED = ("open", "acknowledged")
NOT_ALLOWED = "Only an admin or an API token may read the metrics."

router = APIRouter()
log = logging.getLogger("staffconsole.api.metrics")


class Metrics:
    """The app's registry: the request histogram, the outbox depths heartbeats report,
    and a collector that reads the database at each scrape."""

    def __init__(self, settings, clock) -> None:
        self.settings = settings
        self.clock = clock
        self.registry = CollectorRegistry()
        self.requests = Histogram(
            "seen_http_request_duration_seconds",
            "Seconds from a request to the start of its answer, by route template",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._outbox: dict[int, int] = {}  # kiosk id -> events not yet delivered
        self._lock = threading.Lock()
        self._local = None
        self.registry.register(_FromDatabase(self))

    def outbox_reported(self, kiosk_id: int, unsent: int) -> None:
        """A heartbeat's outbox depth (kept in memory: the next heartbeat renews it)."""
        with self._lock:
            self._outbox[kiosk_id] = unsent

    def outbox_depths(self) -> dict[int, int]:
        with self._lock:
            return dict(self._outbox)

    def text(self) -> bytes:
        return generate_latest(self.registry)

    def serve_locally(self, port: int) -> bool:
        """Serve the registry on 127.0.0.1:port too (0: not), until stop_local(). A port
        in use is logged, not fatal: check-ins matter more than a scraper's figures."""
        if not port:
            return False
        try:
            self._local = start_http_server(port, addr="127.0.0.1", registry=self.registry)
        except OSError as e:
            log.error("metrics_port = %d: cannot listen on 127.0.0.1: %s", port, e)
            return False
        return True

    @property
    def local_address(self) -> tuple[str, int] | None:
        """(address, port) of the local metrics server while it runs."""
        return self._local[0].server_address[:2] if self._local is not None else None

    def stop_local(self) -> None:
        if self._local is not None:
            server, thread = self._local
            server.shutdown()
            server.server_close()
            thread.join(5)
            self._local = None


class _FromDatabase:
    """The figures read from the tables at each scrape (so they survive a restart)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list:
        return []  # nothing to check at registration: the names are this module's

    def collect(self) -> Iterator[Metric]:
        settings = self.metrics.settings
        db = open_db(settings.db_path)
        try:
            counts = gauges.unresolved_by_kind(db)
            waits = gauges.time_to_acknowledge(db, ACK_BOUNDS)
            kiosks = [k for k in list_kiosks(db) if not k["revoked_at"]]
        finally:
            db.close()
        now = self.metrics.clock.now()

        open_alerts = GaugeMetricFamily(
            "seen_alerts_open",
            "Alerts not yet resolved, by kind and status (open: new; acknowledged)",
            labels=["kind", "status"],
        )
        for kind in sorted({*ALERT_KINDS, *(kind for kind, _ in counts)}):
            for status in UNRESOLVED:
                open_alerts.add_metric([kind, status], counts.get((kind, status), 0))
        yield open_alerts

        buckets = [(str(bound), n) for bound, n in zip(ACK_BOUNDS, waits.buckets, strict=True)]
        yield HistogramMetricFamily(
            "seen_alert_time_to_acknowledge_seconds",
            "Seconds from an alert raised to a person acknowledging it",
            buckets=[*buckets, ("+Inf", waits.count)],
            sum_value=waits.total_s,
        )

        beat, missed = settings.heartbeat_interval_s, settings.heartbeats_missed_offline
        online = [k for k in kiosks if kiosk_online(k, now, beat, missed)]
        yield GaugeMetricFamily("seen_kiosks", "Kiosks with a token in force", value=len(kiosks))
        yield GaugeMetricFamily(
            "seen_kiosks_online",
            "Kiosks heard from within the offline threshold",
            value=len(online),
        )
        depths = self.metrics.outbox_depths()
        outbox = GaugeMetricFamily(
            "seen_kiosk_outbox_unsent",
            "Events an online kiosk has not yet delivered, as its last heartbeat reported",
            labels=["kiosk"],
        )
        for kiosk in online:  # an offline kiosk's last figure would be stale: none shown
            if kiosk["id"] in depths:
                outbox.add_metric([kiosk["name"]], depths[kiosk["id"]])
        yield outbox


def _check_reader(request: Request, db, now) -> None:
    """An API token in force, or a signed-in admin; else 401 (no one) or 403 (not admin)."""
    if request.headers.get("authorization"):
        token = api_tokens.token_for(db, bearer_token(request, "API token"))
        if token is None or token["revoked_at"]:
            raise HTTPException(
                401, "unknown or revoked API token", headers={"WWW-Authenticate": "Bearer"}
            )
        if token["scope"] != "metrics":
            raise HTTPException(
                403,
                f"this API token's scope is {token['scope']}, not metrics: add one with "
                "staffconsole apitoken add NAME --scope metrics",
            )
        return
    try:
        # A scrape from an admin's browser is not activity at the console.
        session = staff_session(request, db, now, touch=False)
    except NotSignedIn:
        raise HTTPException(401, NOT_ALLOWED, headers={"WWW-Authenticate": "Bearer"}) from None
    if session.role != "admin":
        raise HTTPException(403, NOT_ALLOWED)


@router.get(
    "/metrics",
    tags=["health"],
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {"text/plain": {}}},
        401: {"description": "no admin session and no API token, or a revoked one"},
        403: {"description": "signed in, but not as an admin"},
    },
)
def metrics(request: Request, db: Db, now: Now) -> Response:
    """The server's figures for Prometheus (no patient data)."""
    _check_reader(request, db, now)
    body = request.app.state.metrics.text()
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
