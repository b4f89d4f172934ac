"""Alert latency: a kiosk's hand-off leaving the kiosk -> the alert painted in the console.

Two consoles watch the same hand-offs in one headless Chromium: the real live page
(server-sent events) and a page that polls the snapshot every `poll_s` seconds, as peer
products do. Both timestamp in the page (performance.timeOrigin + performance.now(), at
the next animation frame after the card is added). A few kiosks then go silent (killed
mid-session); their alerts must be painted within the session deadline + 1 s.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    REPO,
    BenchError,
    Row,
    Server,
    launch_browser,
    ms,
    percentile,
    sign_in,
    wait_until,
)
from kiosk.client import KioskClient

DEADLINE_S = 3
WATCHDOG_S = 0.25
# `open`: alerts already open on both pages before the measured hand-offs (issue 20).
FULL = {"open": 200, "handoffs": 200, "poll_s": 20.0, "window_s": 60.0, "silent": 5}
TINY = {"open": 3, "handoffs": 5, "poll_s": 1.0, "window_s": 2.0, "silent": 1}
TARGET_P99_S = 0.100
# How many distinct already-open alerts (markers Bo0000q...) a page shows.
OPEN_SHOWN_JS = """(listId) => new Set(
  (document.getElementById(listId).textContent || "").match(/Bo\\d{4}q/g) || []).size"""

# Marks each card's first appearance; the marker (Bn0001q, Bs0001q) is in the summary.
OBSERVE_JS = """(listId) => {
  window.benchSeen = {};
  const note = (node) => {
    const m = /B[ns]\\d{4}q/.exec(node.textContent || "");
    if (!m || m[0] in window.benchSeen) return;
    const key = m[0];
    window.benchSeen[key] = {mutated: performance.timeOrigin + performance.now()};
    requestAnimationFrame(() => {
      window.benchSeen[key].painted = performance.timeOrigin + performance.now();
    });
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n.nodeType === 1) note(n);
  }).observe(document.getElementById(listId), {childList: true, subtree: true});
}"""

POLL_PAGE = """<!doctype html><meta charset="utf-8"><title>polling console</title>
<ol id="alerts"></ol>
<script>
const POLL_MS = %d;
async function poll() {
  const r = await fetch("/api/v1/console/snapshot", {credentials: "same-origin"});
  const snap = await r.json();
  const list = document.getElementById("alerts");
  const shown = new Set([...list.children].map((li) => li.dataset.id));
  for (const a of snap.alerts) {
    if (shown.has(String(a.id))) continue;
    const li = document.createElement("li");
    li.dataset.id = String(a.id);
    li.textContent = a.summary;
    list.appendChild(li);
  }
}
poll();
setInterval(poll, POLL_MS);
</script>"""


def _seen(page) -> dict:
    return page.evaluate("() => window.benchSeen")


def _painted(entry: dict) -> float:
    return (entry.get("painted") or entry["mutated"]) / 1000.0


def _handoff(session: str, marker: str) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "session": session,
        "type": "session.handed_off",
        "at": datetime.now(UTC).isoformat(),
        "data": {"reason": "help", "step": "identify_dob", "entered": {"last_name": marker}},
    }


def _send_handoffs(client: KioskClient, count: int, window_s: float) -> dict[str, float]:
    """Hand-offs at random (Poisson) times over the window; marker -> wall time sent."""
    rng = random.Random(8)
    sent = {}
    for i in range(count):
        marker = f"Bn{i:04d}q"
        event = _handoff(uuid.uuid4().hex, marker)
        sent[marker] = time.time()
        client.post_events([event])
        time.sleep(rng.expovariate(count / window_s))
    return sent


def _open_alerts(client: KioskClient, count: int, pages: list, poll_s: float) -> None:
    """`count` hand-offs left open, shown on every page before the measured ones."""
    for start in range(0, count, 50):
        batch = range(start, min(count, start + 50))
        client.post_events([_handoff(uuid.uuid4().hex, f"Bo{i:04d}q") for i in batch])
    for page in pages:
        wait_until(
            lambda page=page: page.evaluate(OPEN_SHOWN_JS, "alerts") >= count,
            poll_s + 60,
            f"{count} open alerts on the page",
            interval=0.25,
        )


def _silent_kiosks(server: Server, token: str, count: int) -> dict[str, float]:
    """Start kiosks that go quiet mid-session and kill them; marker -> last request sent."""
    sent = {}
    for i in range(count):
        marker = f"Bs{i:04d}q"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.silent_kiosk", server.url, token, marker],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        line = proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()
        if not line.strip():
            raise BenchError("the silent kiosk did not start its session")
        sent[marker] = float(line)
        time.sleep(0.4)
    return sent


def _latencies(sent: dict[str, float], seen: dict) -> list[float]:
    return [_painted(seen[m]) - t for m, t in sent.items()]


def run(tiny: bool = False) -> list[Row]:
    from playwright.sync_api import sync_playwright

    size = TINY if tiny else FULL
    with (
        tempfile.TemporaryDirectory(prefix="bench-alerts-") as tmp,
        Server(Path(tmp), session_deadline_s=DEADLINE_S, watchdog_interval_s=WATCHDOG_S) as server,
        sync_playwright() as p,
    ):
        server.add_user()
        token = server.add_kiosk("Bench kiosk")
        browser = launch_browser(p)
        try:
            context = browser.new_context()
            live = context.new_page()
            sign_in(live, server.url)
            live.wait_for_selector("#live.on")
            live.evaluate(OBSERVE_JS, "alerts")
            # The polling page in a browser of its own: a second tab would put the live page
            # in the background, where Chromium paints (and runs timers) about once a second.
            poll_browser = launch_browser(p)
            poller = poll_browser.new_page(storage_state=context.storage_state())
            poll_url = f"{server.url}/bench-poll"
            poller.route(
                poll_url,
                lambda route: route.fulfill(
                    body=POLL_PAGE % int(size["poll_s"] * 1000), content_type="text/html"
                ),
            )
            poller.goto(poll_url)
            poller.evaluate(OBSERVE_JS, "alerts")

            client = KioskClient(server.url, token)
            _open_alerts(client, size["open"], [live, poller], size["poll_s"])
            sent = _send_handoffs(client, size["handoffs"], size["window_s"])
            silent = _silent_kiosks(server, token, size["silent"])
            everyone = {**sent, **silent}
            wait_until(
                lambda: set(everyone) <= set(_seen(live)),
                DEADLINE_S + 30,
                "every alert on the live console",
                interval=0.25,
            )
            wait_until(
                lambda: set(sent) <= set(_seen(poller)),
                size["poll_s"] + 30,
                "every alert on the polling console",
                interval=0.25,
            )
            live_seen, poll_seen = _seen(live), _seen(poller)
            poll_browser.close()
        finally:
            browser.close()
    live_lat = _latencies(sent, live_seen)
    poll_lat = _latencies(sent, poll_seen)
    silent_lat = [v - DEADLINE_S for v in _latencies(silent, live_seen)]
    return _rows(live_lat, poll_lat, silent_lat, size)


def _rows(live: list[float], poll: list[float], silent: list[float], size: dict) -> list[Row]:
    rows = []
    for p in (50, 95, 99):
        lv, pv = percentile(live, p), percentile(poll, p)
        rows.append(
            Row(
                "alert_latency",
                f"hand-off -> alert painted p{p} (n={len(live)}, {size['open']} alerts "
                f"already open; baseline: {size['poll_s']:g} s polling page)",
                ms(lv),
                ms(pv),
                f"{pv / lv:.0f}x faster",
                f"p99 <= {TARGET_P99_S * 1000:g} ms" if p == 99 else "",
                lv <= TARGET_P99_S if p == 99 else None,
            )
        )
    worst = max(silent)
    rows.append(
        Row(
            "alert_latency",
            f"silent kiosk -> alert painted, minus the {DEADLINE_S} s deadline "
            f"(max of {len(silent)}; watchdog every {WATCHDOG_S} s)",
            ms(worst),
            "",
            "",
            "<= deadline + 1 s",
            worst <= 1.0,
        )
    )
    return rows
