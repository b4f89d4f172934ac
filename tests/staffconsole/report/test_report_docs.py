"""The report is documented: the guide, its screenshot, the CLI and every cause's advice."""

from __future__ import annotations

from support import REPO

from seen.vocabulary import CAUSE_OUTCOMES, HANDOFF_KINDS
from staffconsole.cli import build_parser
from staffconsole.report import figures

GUIDE = REPO / "docs" / "console.md"
ARCHITECTURE = REPO / "docs" / "architecture.md"


def test_the_guide_has_a_report_section_with_its_screenshot():
    text = GUIDE.read_text(encoding="utf-8")
    assert "## Report" in text and "(img/report.png)" in text
    assert (REPO / "docs" / "img" / "report.png").stat().st_size > 30_000
    for outcome in CAUSE_OUTCOMES:
        assert figures.cause_label(outcome) in text


def test_every_cli_option_is_documented():
    text = ARCHITECTURE.read_text(encoding="utf-8") + GUIDE.read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices["report"]
    for action in sub._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag not in ("--help", "--db", "--config"):
                assert flag in text, f"staffconsole report {flag} is not documented"


def test_every_cause_has_advice():
    for key in (*CAUSE_OUTCOMES, *HANDOFF_KINDS, "printer"):
        assert figures.advice(key).endswith("."), key
