"""axe-core in the browser tests: the WCAG 2.2 A and AA rules and axe's best practices.

axe-playwright-python carries axe.min.js, so nothing is downloaded; the script is
injected through Playwright (not a <script> tag), which the page's CSP allows.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page) -> list[str]:
    """One line per violated rule: its id, impact, help and the first few elements."""
    options = {"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]}
    found = _AXE.run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:4])
        for v in found
    ]


def fits_width(page) -> bool:
    """Nothing makes the page scroll sideways (WCAG 1.4.10 reflow)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
