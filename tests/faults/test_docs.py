"""docs/reliability.md keeps up with the campaign: every fault kind, the hook, the sizes."""

from __future__ import annotations

from faults.campaign import CI, SHARES, SOAK
from support import REPO

from staffconsole.api import faults

DOC = REPO / "docs" / "reliability.md"


def test_every_fault_kind_and_the_test_only_hook_are_described():
    text = DOC.read_text(encoding="utf-8")
    for kind in SHARES:
        assert f"`{kind}`" in text, f"docs/reliability.md does not describe {kind}"
    assert f"{faults.VARIABLE}=checkin" in text


def test_the_campaign_sizes_in_the_docs_are_the_real_ones():
    text = DOC.read_text(encoding="utf-8")
    for plan in (CI, SOAK):
        assert f"at least {plan.sessions:,}" in text and f"{plan.faults:,} faults" in text
        assert f"{plan.kiosks} kiosks" in text
