"""What a check-in slip says. Pure: the caller gives `now`; hardware turns it into bytes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from hardware.escpos import Line
from kiosk.i18n import N_


def _local(arrived_at: str, now: datetime) -> datetime:
    """The arrival time on the clinic's clock (the zone of `now`), without a zone."""
    moment = datetime.fromisoformat(arrived_at)
    if moment.tzinfo is None:
        return moment
    local = moment.astimezone(now.tzinfo) if now.tzinfo else moment.astimezone()
    return local.replace(tzinfo=None)


def tell_desk_by(arrival: dict, now: datetime, long_wait_min: float) -> datetime:
    """When a patient not yet called should speak up: long_wait_min past the later of the
    appointment time and the arrival (the same rule as the server's long_wait alert)."""
    arrived = _local(arrival["arrived_at"], now)
    hour, minute = (int(part) for part in arrival["time"].split(":"))
    appointment = arrived.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return max(appointment, arrived) + timedelta(minutes=long_wait_min)


def build_receipt(
    arrival: dict,
    clinic_name: str,
    now: datetime,
    long_wait_min: float,
    translate: Callable[[str], str] = str,
) -> list[Line]:
    """The lines of the slip for one arrival (as the server's checkin returned it),
    in the patient's language when `translate` is that language's gettext."""
    arrived = _local(arrival["arrived_at"], now)
    by = tell_desk_by(arrival, now, long_wait_min)
    t = translate
    return [
        Line(clinic_name, bold=True, align="center"),
        Line(""),
        Line(arrival["display_name"], bold=True, double=True),
        Line(
            t(N_("Appointment: {time} with {provider}")).format(
                time=arrival["time"], provider=arrival["provider"]
            )
        ),
        Line(t(N_("Arrived: {time}")).format(time=f"{arrived:%H:%M}")),
        Line(""),
        Line(
            t(N_("Ticket {ticket}")).format(ticket=arrival["ticket"]),
            bold=True,
            double=True,
            align="center",
        ),
        Line(""),
        Line(
            t(N_("If you haven't been called by {time}, please tell the front desk.")).format(
                time=f"{by:%H:%M}"
            )
        ),
    ]
