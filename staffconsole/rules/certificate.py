"""The server's own HTTPS certificate nearing its end: a desk alert and an admin's banner.

Pure: given when the certificate the server loaded at start-up ends (None: plain HTTP)
and now. That certificate is the one every kiosk checks, and `tls init` never lets it
outlive the clinic CA, so its end is the first day kiosks would refuse the server.
"""

from __future__ import annotations

from datetime import datetime

from seen.cert_expiry import WARN_DAYS, expires_soon, expiry_words
from staffconsole.clock import iso
from staffconsole.rules.alerting import alert_fields

CERTIFICATE_CAUSE = "server:certificate"


def certificate_alert(
    not_after: datetime | None, now: datetime, warn_days: int = WARN_DAYS
) -> dict | None:
    """The alert while the served certificate ends within warn_days, else None.

    The summary names the days left, so after a person resolves it the next day's count
    raises it again: a daily reminder until the certificate is renewed.
    """
    if not_after is None or not expires_soon(not_after, now, warn_days):
        return None
    words = expiry_words("The server's HTTPS certificate", not_after, now)
    return alert_fields(
        "certificate_expiry",
        CERTIFICATE_CAUSE,
        (
            f"{words}: from then every kiosk refuses the server and patients cannot check "
            "in. Tell clinic IT to renew it"
        ),
        {"not_after": iso(not_after)},
        at=now,
    )


def certificate_banner(not_after: datetime | None, now: datetime, folder: str) -> str | None:
    """What the console shows admins while the certificate ends within WARN_DAYS; folder
    holds it (and the CA), for the command to run."""
    if not_after is None or not expires_soon(not_after, now):
        return None
    words = expiry_words("The server's HTTPS certificate", not_after, now)
    return (
        f"{words}: on that day every kiosk refuses the server. Renew it on the server with "
        f"staffconsole tls renew --dir {folder}, then restart the server (kiosks need nothing)."
    )
