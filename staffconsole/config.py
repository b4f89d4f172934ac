"""Server settings, each declared once with its type, default and a one-line help.

Sources, later ones winning: defaults, the `[server]` table of a TOML file,
environment variables `SEEN_<NAME>`, then explicit overrides (command-line flags).
The loader and its errors are seen.settings'; docs/settings.md lists them all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from seen.log_setup import LOG_FORMATS
from seen.settings import Role, Setting, load, markdown_table, not_empty, settings_class


def _http_url_or_empty(value) -> str | None:
    ok = not value or value.startswith(("http://", "https://"))
    return None if ok else "must be empty or start with http:// or https://"


def _round_trips(fmt: str, sample: datetime) -> str | None:
    """A strftime format is usable when what it writes reads back as the same moment."""
    try:
        ok = datetime.strptime(sample.strftime(fmt), fmt) == sample
    except ValueError:
        ok = False
    return None if ok else "must be a strftime format with day, month and year, e.g. %d/%m/%Y"


def _date_format(value) -> str | None:
    return _round_trips(value, datetime(1987, 11, 30))


def _datetime_format(value) -> str | None:
    reason = _round_trips(value, datetime(1987, 11, 30, 17, 45))
    return reason and reason.replace("%d/%m/%Y", "%d/%m/%Y %H:%M").replace(
        "day, month and year", "day, month, year, hour and minute"
    )


def _timezone(value) -> str | None:
    if not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as Europe/Paris, or empty for the server's"
    return None


def hl7_map(value: str) -> dict[str, str]:
    """ "ID=Name,ID2=Other name" as a dict (hl7_provider_map, hl7_location_map)."""
    pairs = (item.split("=", 1) for item in value.split(",") if item.strip())
    return {key.strip(): name.strip() for key, name in pairs}


def _hl7_map(value) -> str | None:
    items = [item for item in value.split(",") if item.strip()]
    if all(
        "=" in item and item.split("=", 1)[0].strip() and item.split("=", 1)[1].strip()
        for item in items
    ):
        return None
    return "must be ID=Name pairs separated by commas, e.g. 1234=Dr. Lee,ROOM2=Nurse Kim"


def _host_port_or_empty(value) -> str | None:
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if host and port.isdigit() and 0 < int(port) < 65536:
        return None
    return "must be empty or HOST:PORT, e.g. 10.0.0.5:6661"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "db_path", str, "seen.db", "SQLite database file (created if missing)", check=not_empty
    ),
    Setting("host", str, "127.0.0.1", "address the server listens on", check=not_empty),
    Setting("port", int, 8400, "TCP port the server listens on", minimum=1, maximum=65535),
    Setting("clinic_name", str, "Seen Clinic", "clinic name shown on the console", check=not_empty),
    Setting(
        "session_deadline_s",
        int,
        120,
        "seconds after a kiosk session's last event before it is an unresponsive_session alert",
        greater_than=0,
    ),
    Setting(
        "watchdog_interval_s", float, 1.0, "seconds between watchdog rule passes", greater_than=0
    ),
    Setting(
        "heartbeat_interval_s", float, 10.0, "seconds between kiosk heartbeats", greater_than=0
    ),
    Setting(
        "heartbeats_missed_offline",
        int,
        3,
        "missed heartbeats after which a kiosk counts as offline",
        greater_than=0,
    ),
    Setting(
        "long_wait_min",
        float,
        15.0,
        "minutes past the later of appointment time and arrival that make a long wait",
        greater_than=0,
    ),
    Setting(
        "console_idle_logoff_min",
        float,
        15.0,
        "minutes without activity on the console page (pointer, keys, scroll) before it "
        "locks: patient details hidden, alerts still counted and sounded; the same person "
        "unlocks it with their password or PIN",
        greater_than=0,
    ),
    Setting(
        "console_session_hours",
        float,
        12.0,
        "hours after typing the password before only the password (not a PIN) unlocks the "
        "console; a session untouched this long is signed out",
        greater_than=0,
    ),
    Setting(
        "password_hash_slots",
        int,
        2,
        "password checks (argon2id, 64 MiB each) that may run at once; a sign-in that finds "
        "none free within a moment is told to try again (429), so a flood of sign-ins "
        "cannot exhaust the server's memory",
        greater_than=0,
    ),
    Setting(
        "console_session_absolute_hours",
        float,
        24.0,
        "hours after signing in before the session ends whatever happens (a copied cookie "
        "stops working); the next sign-in starts a new session",
        greater_than=0,
    ),
    Setting(
        "cookie_secure",
        bool,
        False,
        "send the console session cookie only over HTTPS (turn on behind TLS)",
    ),
    Setting(
        "lobby_busy_waiting",
        int,
        10,
        "more patients than this waiting (arrived, not called in) is a lobby_busy alert",
        greater_than=0,
    ),
    Setting(
        "lobby_busy_median_min",
        int,
        30,
        "a median wait of more than this many minutes is a lobby_busy alert",
        greater_than=0,
    ),
    Setting(
        "console_absent_s",
        int,
        60,
        "seconds with no console page open, while kiosks are online, before a no_console "
        "alert (and kiosks send patients to the front desk)",
        greater_than=0,
    ),
    Setting(
        "resound_s",
        float,
        60.0,
        "how often the console page reminds while alerts are unacknowledged (at least 30 s)",
        greater_than=0,
    ),
    Setting(
        "escalate_after_s",
        int,
        180,
        "seconds an alert may stay unacknowledged before it is escalated",
        greater_than=0,
    ),
    Setting(
        "ack_timeout_s",
        int,
        600,
        "seconds an acknowledged alert may stay unresolved before it is new again",
        greater_than=0,
    ),
    Setting(
        "escalation_webhook_url",
        str,
        "",
        "URL that receives a JSON POST for each escalated alert (empty: none)",
        check=_http_url_or_empty,
    ),
    Setting(
        "schedule_date_format",
        str,
        "%Y-%m-%d",
        "how schedule CSV files write dates of birth (strftime codes, e.g. %d/%m/%Y); "
        "ISO dates are always accepted",
        check=_date_format,
    ),
    Setting(
        "schedule_datetime_format",
        str,
        "%Y-%m-%dT%H:%M",
        "how schedule CSV files write appointment starts (e.g. %d/%m/%Y %H:%M); "
        "ISO is always accepted",
        check=_datetime_format,
    ),
    Setting(
        "clinic_timezone",
        str,
        "",
        "IANA time zone of the clinic (e.g. Europe/Paris): its today and every local time "
        "(look-ups, console, waits, imports); empty: the server's own",
        check=_timezone,
    ),
    Setting(
        "tls_cert",
        str,
        "",
        "PEM server certificate (from `staffconsole tls init`); with tls_key, serve HTTPS",
    ),
    Setting("tls_key", str, "", "PEM private key of tls_cert"),
    Setting(
        "allow_plain_http",
        bool,
        False,
        "serve plain HTTP on an address other than loopback (without tls_cert the server "
        "refuses to start there): only when something else encrypts the traffic",
    ),
    Setting(
        "lookup_rate_max",
        int,
        30,
        "look-ups one kiosk may make in lookup_rate_window_s; more are refused (429) and "
        "raise a lookup_rate alert",
        greater_than=0,
    ),
    Setting(
        "lookup_rate_window_s",
        int,
        600,
        "seconds over which a kiosk's look-ups are counted",
        greater_than=0,
    ),
    Setting(
        "checkin_offer_minutes",
        float,
        10.0,
        "a kiosk check-in must name an appointment a look-up offered to the same kiosk "
        "session within this many minutes; others are refused (403)",
        greater_than=0,
    ),
    Setting(
        "checkin_rate_max",
        int,
        30,
        "check-ins one kiosk may make in checkin_rate_window_s; more are refused (429)",
        greater_than=0,
    ),
    Setting(
        "checkin_rate_window_s",
        int,
        600,
        "seconds over which a kiosk's check-ins are counted",
        greater_than=0,
    ),
    Setting(
        "lookup_late_hours",
        float,
        0.0,
        "a look-up does not offer today's appointments that started more than this many "
        "hours ago (0: any of today's)",
        minimum=0,
    ),
    Setting(
        "limit_concurrency",
        int,
        512,
        "most connections open at once (uvicorn's limit_concurrency): before it is reached "
        "the connections idle or still sending their request head are closed, busiest client "
        "first; a request arriving past it gets 503",
        greater_than=0,
    ),
    Setting(
        "max_connections_per_client",
        int,
        32,
        "most connections one client address may have still sending a request head (a real "
        "client sends its head at once; a kiosk keeps one or two connections in all); past "
        "it that address's oldest such connections are closed (0: no cap; raise it behind a "
        "reverse proxy, where every client has the proxy's address)",
        minimum=0,
    ),
    Setting(
        "request_body_timeout_s",
        float,
        30.0,
        "seconds a request may take to send its body once its head is complete; slower "
        "ones get 408 and are closed, so a client trickling a body cannot hold a socket "
        "and a request slot (kiosk bodies are a few kB; 0: no limit)",
        minimum=0,
    ),
    Setting(
        "request_head_timeout_s",
        float,
        10.0,
        "seconds a connection may take to send a complete request head (from connecting, or "
        "from the first byte of the next request on a kept-alive one); slower ones get 408 "
        "and are closed, so byte-by-byte senders cannot hold sockets; over TLS the "
        "handshake gets as long again (0: no limit, and asyncio's 60 s for a handshake)",
        minimum=0,
    ),
    Setting(
        "timeout_keep_alive_s",
        int,
        5,
        "seconds an idle kept-alive connection stays open between requests "
        "(uvicorn's timeout_keep_alive)",
        greater_than=0,
    ),
    Setting(
        "open_files_reserve",
        int,
        256,
        "file descriptors kept in reserve under the process's open-file limit "
        "(RLIMIT_NOFILE): a connection given a descriptor past the limit less this closes "
        "idle or incomplete connections of the busiest client, so accepting does not fail "
        "for everybody (0: no gate)",
        minimum=0,
    ),
    Setting(
        "backlog",
        int,
        64,
        "connections the kernel queues before the server accepts them (uvicorn's backlog), "
        "which is also how many asyncio accepts in one go: keep open_files_reserve at three "
        "times this or more, so a burst cannot run out of files before the gate sees it",
        greater_than=0,
    ),
    Setting(
        "max_request_head_bytes",
        int,
        16384,
        "largest request line and headers accepted; larger ones get 400 "
        "(uvicorn's h11_max_incomplete_event_size)",
        minimum=1024,
    ),
    Setting(
        "resource_error_log_interval_s",
        float,
        60.0,
        'a repeated out-of-resource error ("Too many open files" on accept), or a warning '
        "uvicorn writes for each refused request, is logged once per this many seconds, "
        "with how many were suppressed since",
        greater_than=0,
    ),
    Setting(
        "max_body_bytes",
        int,
        4 * 1024 * 1024,
        "largest request body accepted; larger ones get 413",
        greater_than=0,
    ),
    Setting(
        "log_format",
        str,
        "text",
        "log lines on stderr: text (level, logger, message) or json (one object a line); "
        "under systemd each line starts with its journald priority",
        choices=LOG_FORMATS,
    ),
    Setting(
        "metrics_port",
        int,
        0,
        "also serve /metrics (Prometheus) without sign-in on this port of 127.0.0.1 only, "
        "for a scraper on the server itself; 0: only the main port's /metrics, for admins "
        "and API tokens of scope metrics",
        minimum=0,
        maximum=65535,
    ),
    Setting(
        "typed_text_retention_days",
        int,
        30,
        "days after a kiosk session's last event before what the patient typed (kept with "
        "the session and its events) is deleted; the session itself stays for the report",
        minimum=1,
    ),
    Setting(
        "event_retention_days",
        int,
        30,
        "days a kiosk event is kept after it arrived (at least 2: a kiosk may resend an "
        "event for a day); abandoned-session marks stay, empty, for the report",
        minimum=2,
    ),
    Setting(
        "audit_read_retention_days",
        int,
        365,
        "days the audit rows of reads (read.*: console views, push API reads; report "
        "exports, user listings) are kept; audit rows of changes, arrivals and alerts are "
        "kept for good (the report covers any period)",
        minimum=1,
    ),
    # -- HL7 v2 over MLLP (staffconsole/hl7, docs/schedule.md) --------------------------
    Setting(
        "hl7_port",
        int,
        0,
        "TCP port of the HL7 v2 MLLP listener that staffconsole serve runs beside the web "
        "server (schedule messages in); 0: no listener",
        minimum=0,
        maximum=65535,
    ),
    Setting("hl7_host", str, "127.0.0.1", "address the HL7 MLLP listener binds", check=not_empty),
    Setting(
        "hl7_max_message_bytes",
        int,
        1024 * 1024,
        "largest HL7 message taken; a larger one is refused (AR) and the connection closed",
        greater_than=0,
    ),
    Setting(
        "hl7_read_timeout_s",
        float,
        60.0,
        "seconds an MLLP connection may stay silent (or hold half a message) before it is closed",
        greater_than=0,
    ),
    Setting(
        "hl7_destination",
        str,
        "",
        "HOST:PORT of the practice system's MLLP listener that is sent each arrival; "
        "empty: arrivals are queued but not sent, and dropped after a day",
        check=_host_port_or_empty,
    ),
    Setting(
        "hl7_arrival_message",
        str,
        "SIU^S14",
        "what an arrival is sent as: SIU^S14 with filler status Arrived, or ADT^A10",
        choices=("SIU^S14", "ADT^A10"),
    ),
    Setting(
        "hl7_provider_map",
        str,
        "",
        "AIP-3 provider ids and the names shown for them, ID=Name,ID=Name (unlisted ids: "
        "the name in AIP-3)",
        check=_hl7_map,
    ),
    Setting(
        "hl7_location_map",
        str,
        "",
        "AIL-3 locations and the names shown for them when a message has no AIP, LOC=Name,LOC=Name",
        check=_hl7_map,
    ),
    Setting(
        "hl7_ack_timeout_s",
        float,
        10.0,
        "seconds the arrival sender waits for the receiver's ACK before trying again later",
        greater_than=0,
    ),
    Setting(
        "hl7_retry_base_s",
        float,
        2.0,
        "first wait before resending an arrival the receiver did not take; doubles each try",
        greater_than=0,
    ),
    Setting(
        "hl7_retry_max_s",
        float,
        300.0,
        "longest wait between tries of one arrival message",
        greater_than=0,
    ),
    Setting(
        "hl7_stuck_alert_s",
        int,
        900,
        "seconds the oldest queued arrival message may wait before an hl7_queue_stuck alert",
        greater_than=0,
    ),
)

SERVER = Role("server", "SEEN_", SETTINGS, foreign_prefixes=("SEEN_KIOSK_",))

Settings = settings_class("Settings", SERVER, "The server's settings; build with load_settings().")


def load_settings(
    path: str | Path | None = None,
    environ: Mapping[str, str] = os.environ,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings from defaults, an optional TOML file, SEEN_* variables and overrides."""
    return Settings(**load(SERVER, path, environ, overrides))


def settings_table_markdown() -> str:
    """The settings as a Markdown table, for the docs."""
    return markdown_table(SERVER)
