"""Fault-injection tests: the campaign's counts go to the terminal summary, so CI logs show
them whether or not pytest captures output (-s or not)."""

from __future__ import annotations

import pytest

_REPORTS: list[str] = []


@pytest.fixture
def fault_report():
    """Call with a list of lines; they are printed in pytest's terminal summary."""
    return _REPORTS.extend


def pytest_terminal_summary(terminalreporter):
    if _REPORTS:
        terminalreporter.section("fault injection")
        for line in _REPORTS:
            terminalreporter.write_line(line)
