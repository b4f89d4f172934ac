"""docs/security.md keeps up with the code: its settings rows and alert kinds."""

from __future__ import annotations

import re

from support import REPO

from staffconsole.config import settings_table_markdown

DOC = REPO / "docs" / "security.md"
SECURITY_SETTINGS = (
    "console_idle_logoff_min",
    "cookie_secure",
    "lookup_rate_max",
    "lookup_rate_window_s",
    "lookup_late_hours",
    "checkin_offer_minutes",
    "checkin_rate_max",
    "checkin_rate_window_s",
    "max_body_bytes",
    "metrics_port",
    "typed_text_retention_days",
    "event_retention_days",
    "audit_read_retention_days",
)


def test_security_settings_rows_match_the_code():
    text = DOC.read_text(encoding="utf-8")
    rows = {line.split("`")[1]: line for line in settings_table_markdown().splitlines()[2:]}
    for name in SECURITY_SETTINGS:
        assert rows[name] in text, f"docs/security.md is out of date for {name}"


def test_the_fuzz_figures_are_filled_in():
    text = DOC.read_text(encoding="utf-8")
    assert "FUZZ_SOAK_FIGURES" not in text
    assert "| CI (`make test`) | 150 |" in text


def test_every_test_the_doc_names_exists():
    text = DOC.read_text(encoding="utf-8")
    named = set(re.findall(r"`(tests/[\w/]+(?:\.py|/))`", text))
    assert len(named) > 10
    missing = sorted(path for path in named if not (REPO / path).exists())
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"
    assert "@LIMITS@" not in text
