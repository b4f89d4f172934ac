"""What a lobby display shows: ticket numbers, rooms and waits, never a name.

Built from the store for each change; the payload holds only tickets, rooms, times,
provider names and counts, so a display (a screen anyone in the lobby can read, and a
browser anyone could open the developer tools of) learns nothing about who is waiting.
"""

from __future__ import annotations

from datetime import datetime

from staffconsole.clock import ClinicZone, iso, parse
from staffconsole.config import split_list
from staffconsole.rules import alerting
from staffconsole.rules.lobby_wait import CallIn, estimate
from staffconsole.store import arrivals as store_arrivals
from staffconsole.store.calls import calls_since

RECENT_CALLS = 5  # the one now calling and the four before it


def provider_waits(board: list[dict], now: datetime, zone: ClinicZone) -> list[dict]:
    """Per provider with anyone waiting or called today: how many wait, and the estimate."""
    waiting: dict[str, int] = {}
    called: dict[str, list[CallIn]] = {}
    for arrival in board:
        provider = arrival["provider"]
        if arrival["status"] == "waiting":
            waiting[provider] = waiting.get(provider, 0) + 1
        elif arrival["called_in_at"]:
            called.setdefault(provider, []).append(
                CallIn(alerting.wait_starts(arrival, zone), parse(arrival["called_in_at"]))
            )
    out = []
    for provider in sorted(waiting):
        guess = estimate(called.get(provider, []), now)
        out.append(
            {
                "provider": provider,
                "waiting": waiting[provider],
                "wait_min": guess.minutes,
                "late": guess.late,
                "wait_text": guess.text,
            }
        )
    return out


def build_display(db, *, now: datetime, zone: ClinicZone, settings, seq: int) -> dict:
    """The whole display: the call now, the ones before it, and each provider's wait."""
    calls = calls_since(db, zone.midnight(zone.day(now)), RECENT_CALLS)
    board = store_arrivals.list_board(db, zone.day(now), zone)
    offset = zone.local(now).utcoffset()
    return {
        "seq": seq,
        "generated_at": iso(now),
        # The wall clock shows clinic time whatever the screen's own zone (often UTC).
        "timezone": zone.name,
        "utc_offset_min": int(offset.total_seconds() // 60) if offset is not None else 0,
        "clinic_name": settings.clinic_name,
        "now_calling": calls[0] if calls else None,
        "recent": calls[1:],
        "providers": provider_waits(board, now, zone),
        "speech": list(split_list(settings.lobby_speech_languages)),
    }
