"""docs/console.md keeps up with the code: every alert kind, outcome and console setting."""

from __future__ import annotations

from support import REPO

from seen.vocabulary import ALERT_KINDS, OUTCOMES, STAFF_OUTCOMES
from staffconsole.config import settings_table_markdown

DOC = REPO / "docs" / "console.md"
CONSOLE_SETTINGS = (
    "long_wait_min",
    "lobby_busy_waiting",
    "lobby_busy_median_min",
    "heartbeat_interval_s",
    "heartbeats_missed_offline",
    "console_absent_s",
    "resound_s",
    "escalate_after_s",
    "ack_timeout_s",
    "escalation_webhook_url",
    "console_idle_logoff_min",
    "cookie_secure",
)


def test_every_alert_title_and_outcome_is_explained():
    text = DOC.read_text(encoding="utf-8")
    kinds = [kind.label for kind in ALERT_KINDS.values()]
    for label in [*kinds, *(OUTCOMES[name].label for name in STAFF_OUTCOMES)]:
        assert label in text, f"docs/console.md does not mention {label!r}"


def test_console_settings_rows_match_the_code():
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in settings_table_markdown().splitlines()[2:]}
    for name in CONSOLE_SETTINGS:
        assert rows[name] in text, f"docs/console.md is out of date for {name}"


def test_the_screenshot_is_there():
    assert "(img/console.png)" in DOC.read_text(encoding="utf-8")
    assert (REPO / "docs" / "img" / "console.png").stat().st_size > 10_000
