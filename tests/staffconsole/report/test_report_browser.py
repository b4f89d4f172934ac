"""The report page in Chromium against a real server over the seeded week: charts, print, CSV."""

from __future__ import annotations

import csv
import io

import pytest
from helpers.accessibility import violations
from helpers.week import ADMIN_PASSWORD, FIRST, LAST, NAMES, ZONE_NAME
from support import REPO, start_server

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture
def server(week, db_path, tmp_path):
    served = start_server(tmp_path, db=db_path, env={"SEEN_CLINIC_TIMEZONE": ZONE_NAME})
    served.cli("user", "add", "maria", "--role", "admin", input=ADMIN_PASSWORD + "\n")
    yield served
    served.stop()


def test_an_admin_reads_prints_and_downloads_the_week(server, browser, week):
    _, ledger = week
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/login")
        page.get_by_label("Username").fill("maria")
        page.get_by_label("Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/console")
        page.get_by_role("link", name="Report").click()
        page.wait_for_url(f"{server.url}/console/report")
        assert page.get_by_role("link", name="Today").get_attribute("aria-current") == "page"

        page.locator("input[name=from]").fill(FIRST.isoformat())
        page.locator("input[name=to]").fill(LAST.isoformat())
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**/console/report?from=2026-11-16&to=2026-11-22")
        assert page.locator("#report-title").text_content().endswith("16 Nov – 22 Nov 2026")
        assert page.locator("#fig-handoffs").text_content() == str(len(ledger.handoffs))
        # Charts are images with a name, drawn with real size, with their numbers beside them.
        chart = page.get_by_role("img", name="Hand-offs by reason")
        box = chart.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        table = page.get_by_role("table", name="Hand-offs by reason")
        first_row = table.locator("tbody tr").first
        assert int(first_row.locator("td").text_content()) == max(
            sum(1 for h in ledger.handoffs if h["reason"] == r)
            for r in {h["reason"] for h in ledger.handoffs}
        )
        assert page.locator("#causes li").count() == 5
        assert violations(page) == []  # axe-core: WCAG 2.2 A/AA and best practices
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        assert (ARTIFACTS / "report.png").stat().st_size > 30_000

        page.emulate_media(media="print")
        assert page.locator(".report-nav").is_hidden()
        assert page.get_by_role("img", name="Hand-offs by step reached").is_visible()
        page.emulate_media(media="screen")

        with page.expect_download() as plain:
            page.locator("#csv-link").click()
        text = plain.value.path().read_text(encoding="utf-8")
        assert plain.value.suggested_filename == "seen-handoffs-2026-11-16-2026-11-22.csv"
        assert len(list(csv.DictReader(io.StringIO(text)))) == len(ledger.handoffs)
        assert not any(name in text for name in NAMES)
        with page.expect_download() as named:
            page.locator("#csv-names-link").click()
        assert "O'Brien-Núñez" in named.value.path().read_text(encoding="utf-8")
    finally:
        context.close()
