"""The listener's and the sender's options from the server settings (hl7_* in config.py)."""

from __future__ import annotations

from staffconsole.clock import ClinicZone
from staffconsole.config import Settings, hl7_map
from staffconsole.hl7.listener import ListenOptions
from staffconsole.hl7.messages import Lookup
from staffconsole.hl7.sender import SendOptions


def listen_options(settings: Settings, port: int | None = None) -> ListenOptions:
    lookup = Lookup(
        providers=hl7_map(settings.hl7_provider_map),
        locations=hl7_map(settings.hl7_location_map),
        zone=ClinicZone(settings.clinic_timezone),
    )
    return ListenOptions(
        db_path=str(settings.db_path),
        host=settings.hl7_host,
        port=settings.hl7_port if port is None else port,
        lookup=lookup,
        max_bytes=settings.hl7_max_message_bytes,
        read_timeout_s=settings.hl7_read_timeout_s,
    )


def send_options(settings: Settings) -> SendOptions:
    return SendOptions(
        db_path=str(settings.db_path),
        destination=settings.hl7_destination,
        kind=settings.hl7_arrival_message,
        facility=settings.clinic_name,
        ack_timeout_s=settings.hl7_ack_timeout_s,
        retry_base_s=settings.hl7_retry_base_s,
        retry_max_s=settings.hl7_retry_max_s,
        stuck_alert_s=settings.hl7_stuck_alert_s,
        max_bytes=settings.hl7_max_message_bytes,
    )
