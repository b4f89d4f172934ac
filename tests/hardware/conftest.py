"""Fixtures for hardware tests: a simulated printer on a real pty and a printer opened on it."""

from __future__ import annotations

import pytest

from hardware.printer import SerialPrinter
from hardware.simulator import SimulatedPrinter


@pytest.fixture
def sim():
    with SimulatedPrinter() as printer:
        yield printer


@pytest.fixture
def printer(sim):
    # A short status timeout keeps the "no answer" cases fast.
    opened = SerialPrinter(sim.port, status_timeout=0.2)
    yield opened
    opened.close()
