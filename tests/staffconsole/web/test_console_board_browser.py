"""The lobby board in Chromium against a real server with a busy day: 300 arrivals, of
whom 250 were seen, 20 called in and 30 still wait.

Waiting patients come first, longest wait on top; the rest are folded behind a count;
tickets show; the heading counts the waiting rows; "Called in" moves a row into the fold
in place, without a reload, keeping the keyboard's place; names wrap between words; and
the page reflows at 320 px without scrolling sideways.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers.console_page import PASSWORD, sign_in
from helpers.lobby import LONG_WORDS, ONE_LONG_WORD, clinic_at_midday, seed_lobby
from support import start_server

from staffconsole.clock import ClinicZone

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

# (minutes since arrival, minutes since the booked time): most came late, so they wait
# from arrival; a few came early and wait from their booked time, which puts the first
# to arrive (150 min ago, booked 60 min ago) well down the list.
WAITING = [(150, 60), (100, 20)] + [(4 * i + 5, 4 * i + 9) for i in range(28)]
SEEN, CALLED_IN = 250, 20

WORD_LINES = """(cell) => {
  const out = [];
  const walk = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      const r = document.createRange();
      r.setStart(node, m.index);
      r.setEnd(node, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].map((x) => Math.round(x.top)));
      out.push([m[0], tops.size]);
    }
  }
  return out;
}"""


def start_busy(tmp_path, env=None):
    zone_name = clinic_at_midday()
    db = tmp_path / "seen.db"
    lobby = seed_lobby(
        db,
        ClinicZone(zone_name),
        datetime.now(UTC),
        waiting=WAITING,
        seen=SEEN,
        called_in=CALLED_IN,
    )
    server = start_server(tmp_path, db=db, env={"SEEN_CLINIC_TIMEZONE": zone_name, **(env or {})})
    server.add_user("ana", PASSWORD)
    return server, lobby


@pytest.fixture
def busy(tmp_path):
    server, lobby = start_busy(tmp_path)
    yield server, lobby
    server.stop()


@pytest.fixture
def busy_without_alerts(tmp_path):
    """The same day with the long-wait and busy-lobby alerts out of reach: the alert
    cards' own reflow is not the board's."""
    server, lobby = start_busy(
        tmp_path,
        {
            "SEEN_LONG_WAIT_MIN": "1000",
            "SEEN_LOBBY_BUSY_WAITING": "1000",
            "SEEN_LOBBY_BUSY_MEDIAN_MIN": "1000",
        },
    )
    yield server, lobby
    server.stop()


def visible_rows(page, body: str) -> list:
    """(ticket, name) of each row of a board body that is actually shown."""
    rows = page.evaluate(
        """(id) => [...document.getElementById(id).rows]
            .filter((tr) => tr.checkVisibility())
            .map((tr) => [tr.cells[0].textContent, tr.querySelector('.name').textContent])""",
        body,
    )
    return [tuple(row) for row in rows]


def test_busy_day_board(busy, browser):
    server, lobby = busy
    context, page = sign_in(browser, server)
    try:
        page.evaluate("window.__sameDocument = true")
        waiting = sorted(lobby.having("waiting"), key=lambda p: (p.wait_from, p.arrived))
        moved = sorted(
            lobby.having("seen") + lobby.having("called_in"),
            key=lambda p: (p.moved, p.arrival),
            reverse=True,
        )
        assert len(waiting) == 30 and len(moved) == 270

        # Waiting first, longest wait on top, each with its ticket.
        shown = visible_rows(page, "board-waiting")
        assert shown == [(str(p.ticket), p.name) for p in waiting]
        assert waiting[0].arrived != min(p.arrived for p in waiting)  # not arrival order
        ticket_cells = page.locator("#board-waiting td.ticket")
        assert ticket_cells.first.is_visible()
        assert ticket_cells.first.text_content() == str(waiting[0].ticket)

        # The heading counts exactly the rows shown.
        assert page.locator("#arrivals-heading").text_content() == "Waiting 30"
        assert page.locator("#arrival-count").text_content() == str(len(shown))

        # The rest are folded away behind their count until the fold is opened.
        fold = page.locator("#board-fold")
        assert fold.text_content() == "Called in 20 · Seen 250"
        assert fold.get_attribute("aria-expanded") == "false"
        assert visible_rows(page, "board-done") == []
        assert page.locator("#board-done tr").count() == 270
        fold.click()
        assert fold.get_attribute("aria-expanded") == "true"
        assert visible_rows(page, "board-done") == [(str(p.ticket), p.name) for p in moved]
        assert (
            page.locator("#board-done tr")
            .first.locator("td.wait")
            .text_content()
            .startswith("Called in" if moved[0].status == "called_in" else "Seen")
        )

        # Another receptionist's click updates the rows in place: the same elements stay,
        # and the keyboard stays on the button it was on.
        page.evaluate(
            "document.querySelectorAll('#board-waiting tr').forEach((tr) => { tr.__kept = 1; })"
        )
        third = page.get_by_role("button", name=f"Seen: {waiting[2].name}")
        third.focus()
        page.evaluate("document.activeElement.__focused = 1")
        page.evaluate(
            """(id) => fetch('/api/v1/console/arrivals/' + id + '/called_in', {
                method: 'POST', headers: {'Content-Type': 'application/json',
                'X-CSRF-Token': document.querySelector('meta[name=csrf-token]').content},
                body: '{}'})""",
            waiting[5].arrival,
        )
        page.locator("#arrival-count", has_text="29").wait_for()
        assert page.evaluate("document.activeElement.__focused") == 1
        assert page.evaluate(
            "[...document.querySelectorAll('#board-waiting tr')].every((tr) => tr.__kept === 1)"
        )
        assert fold.get_attribute("aria-expanded") == "true"  # the fold stayed open
        assert page.get_by_role("button", name="Called in 21 · Seen 250").is_visible()

        # "Called in" from the keyboard on the top row: it goes into the fold (on top,
        # the most recent), the count drops, and the keyboard moves to the next patient.
        top = page.get_by_role("button", name=f"Called in: {waiting[0].name}")
        top.focus()
        page.keyboard.press("Enter")
        page.locator("#arrival-count", has_text="28").wait_for()
        assert page.locator("#arrivals-heading").text_content() == "Waiting 28"
        assert visible_rows(page, "board-waiting")[0][1] == waiting[1].name
        first_moved = page.locator("#board-done tr").first
        assert first_moved.locator(".name").text_content() == waiting[0].name
        assert first_moved.locator("td.wait").text_content().startswith("Called in ")
        assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
            f"Called in: {waiting[1].name}"
        )
        assert page.get_by_role("button", name="Called in 22 · Seen 250").is_visible()

        # The fold closes again and its rows hide.
        fold.click()
        assert visible_rows(page, "board-done") == []
        assert page.evaluate("window.__sameDocument") is True
    finally:
        context.close()


def test_names_wrap_between_words_at_1366(busy, browser):
    server, lobby = busy
    context, page = sign_in(browser, server, width=1366, height=768)
    try:
        long_name = next(p.name for p in lobby.patients if p.name.startswith(LONG_WORDS))
        cell = page.locator("#board-waiting .name", has_text=long_name)
        assert cell.evaluate("(c) => getComputedStyle(c).overflowWrap") != "anywhere"
        words = cell.evaluate(WORD_LINES)
        assert [w for w, _ in words] == long_name.split()
        assert [w for w, lines in words if lines != 1] == []  # no word broken across lines
        lines = cell.evaluate(
            "(c) => { const r = document.createRange(); r.selectNodeContents(c);"
            " return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size; }"
        )
        assert lines > 1  # it did wrap, so the check above means something

        # One word longer than any column may break, but nothing is pushed sideways.
        huge = page.locator("#board-waiting .name", has_text=ONE_LONG_WORD[:20])
        assert huge.locator(".long-word").text_content() == ONE_LONG_WORD
        frame = page.locator(".board-frame")
        assert frame.evaluate("(f) => f.scrollWidth <= f.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_board_reflows_at_320_px(busy_without_alerts, browser):
    server, lobby = busy_without_alerts
    context, page = sign_in(browser, server, width=320, height=640)
    try:
        waiting = sorted(lobby.having("waiting"), key=lambda p: (p.wait_from, p.arrived))
        page.locator("#board-waiting tr").first.wait_for()
        page.locator("#board-fold").click()
        page.locator("#board-done tr").first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # Nor does the board scroll sideways inside its own frame: its rows reflow.
        assert page.locator(".board-frame").evaluate("(f) => f.scrollWidth <= f.clientWidth")
        # Stacked: the ticket and the name side by side, the values below, each labelled.
        row = page.locator("#board-waiting tr").first
        assert page.locator("#alerts li").count() == 0
        assert row.locator(".name").text_content() == waiting[0].name
        assert row.locator("td.ticket").is_visible()
        label = row.locator("td.arrived").evaluate(
            "(td) => getComputedStyle(td, '::before').content"
        )
        assert label == '"Arrived: "'
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
        button = page.get_by_role("button", name=f"Called in: {waiting[0].name}")
        assert button.is_visible()
        button_box = button.bounding_box()
        assert button_box["x"] + button_box["width"] <= 320
    finally:
        context.close()


def test_render_board_takes_the_list_in_any_order(busy, browser):
    """main.js's side of the contract: the full list, in no particular order, maybe the
    same objects patched in place. One evaluate, so no snapshot can come in between."""
    server, lobby = busy
    context, page = sign_in(browser, server)
    try:
        waiting = sorted(lobby.having("waiting"), key=lambda p: (p.wait_from, p.arrived))
        page.locator("#board-waiting tr").first.wait_for()
        result = page.evaluate(
            """async () => {
                const board = await import('/static/console/board.js');
                const snap = await (await fetch('/api/v1/console/snapshot')).json();
                const names = () => [...document.querySelectorAll('#board-waiting .name')]
                    .map((el) => el.textContent);
                const before = names();
                const rows = [...document.querySelectorAll('#board-waiting tr')];
                const list = snap.arrivals.reverse();
                board.renderBoard(list);
                const reversed = names();
                const kept = [...document.querySelectorAll('#board-waiting tr')]
                    .every((tr, i) => tr === rows[i]);
                const id = Number(rows[0].dataset.arrivalId);
                const top = list.find((a) => a.id === id);
                top.status = 'called_in';
                top.called_in_at = snap.generated_at;
                board.renderBoard(list);
                const after = names();
                const count = document.getElementById('arrival-count').textContent;
                const moved = document.querySelector('#board-done tr');
                const buttons = () => [...moved.querySelectorAll('button')]
                    .map((b) => b.getAttribute('aria-label'));
                const calledButtons = buttons();
                // Patched again in place: seen now, so no buttons are left on the row.
                top.status = 'seen';
                top.seen_at = snap.generated_at;
                board.renderBoard(list);
                return {before, reversed, kept, after, count, calledButtons,
                        seenButtons: buttons(), moved: moved.querySelector('.name').textContent};
            }"""
        )
        assert result["before"] == [p.name for p in waiting]
        assert result["reversed"] == result["before"] and result["kept"]
        assert result["after"] == result["before"][1:]
        assert result["count"] == "29" and result["moved"] == waiting[0].name
        assert result["calledButtons"] == [f"Seen: {waiting[0].name}"]
        assert result["seenButtons"] == []
    finally:
        context.close()
