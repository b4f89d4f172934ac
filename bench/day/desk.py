"""A receptionist's desk: a real Chromium page on the console, with an observer that
records what a person there could see, and the person's hands (scroll, clicks, unlock).

Looking away is the page hidden: `document.visibilityState` reports "hidden" and a
`visibilitychange` fires, as when another tab or window is in front (emulated: headless
Chromium keeps every page "visible"). The page's own scripts see exactly that.
"""

from __future__ import annotations

from bench.common import STAFF_PASSWORD, sign_in

# Before the page's scripts: the visibility switch, and the log bench.day.timeline reads.
OBSERVER_JS = """(() => {
  let away = false;
  Object.defineProperty(document, "visibilityState",
    {configurable: true, get: () => (away ? "hidden" : "visible")});
  Object.defineProperty(document, "hidden", {configurable: true, get: () => away});
  const log = [];
  const now = () => Date.now() / 1000;
  window.dayLog = log;
  window.daySetAway = (a) => {
    if (a === away) return;
    away = a;
    log.push([now(), "visible", null, !a]);
    document.dispatchEvent(new Event("visibilitychange"));
  };
  log.push([now(), "visible", null, true]);
  const shown = new Map();  // alert id -> in viewport (threshold 0.5)
  const io = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const id = e.target.dataset.alertId;
      const on = e.isIntersecting && e.intersectionRatio >= 0.5 && e.target.isConnected;
      if (shown.get(id) !== on) { shown.set(id, on); log.push([now(), "card", id, on]); }
    }
  }, {threshold: 0.5});
  const cards = new Map();  // alert id -> element observed
  let locked = false;
  const scan = () => {
    const present = new Set();
    for (const c of document.querySelectorAll("[data-alert-id]")) {
      const id = c.dataset.alertId;
      present.add(id);
      if (cards.get(id) !== c) {
        if (cards.get(id)) io.unobserve(cards.get(id));
        cards.set(id, c);
        io.observe(c);
      }
    }
    for (const [id, c] of cards) {
      if (!present.has(id)) {
        io.unobserve(c);
        cards.delete(id);
        if (shown.get(id)) { shown.set(id, false); log.push([now(), "card", id, false]); }
      }
    }
    const lock = document.getElementById("lock");
    const isLocked = !!lock && !lock.hidden;
    if (isLocked !== locked) { locked = isLocked; log.push([now(), "lock", null, locked]); }
  };
  const start = () => {
    new MutationObserver(scan).observe(document.documentElement,
      {childList: true, subtree: true, attributes: true, attributeFilter: ["hidden"]});
    scan();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();"""

# Cards in view that a person could act on: [id, acknowledge button shown].
ACTIONABLE_JS = """() => [...document.querySelectorAll("#alerts [data-alert-id], [data-alert-id]")]
  .filter((c) => { const r = c.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.top < window.innerHeight; })
  .map((c) => [c.dataset.alertId, !c.querySelector(".ack").hidden])"""

CALL_IN_JS = """async (id) => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const r = await fetch("/api/v1/console/arrivals/" + id + "/called_in", {method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: "{}"});
  return r.status;
}"""


class DeskPage:
    def __init__(self, browser, url: str, index: int) -> None:
        self.index = index
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.page.add_init_script(OBSERVER_JS)
        self.page.set_default_timeout(3000)
        sign_in(self.page, url)
        self.page.wait_for_selector("#sound-on", state="attached")
        if self.page.is_visible("#sound-on"):
            self.page.click("#sound-on")  # as the person does at the start of the day
        self.away = False
        self.chimes: dict[tuple, dict] = {}
        self.clicks = 0
        self.log: list = []

    def set_away(self, away: bool) -> None:
        if away != self.away:
            self.away = away
            self.page.evaluate("(a) => window.daySetAway(a)", away)

    def nudge(self) -> None:
        """A person at the desk moves the pointer now and then (no idle lock while there)."""
        self.page.mouse.move(600 + (self.clicks % 7), 300)
        self.clicks += 1

    def locked(self) -> bool:
        return self.page.evaluate("() => !document.getElementById('lock').hidden")

    def unlock(self) -> None:
        self.page.fill("#unlock-secret", STAFF_PASSWORD)
        self.page.click("#unlock-form button[type=submit]")

    def actionable(self) -> list[tuple[str, bool]]:
        return [tuple(x) for x in self.page.evaluate(ACTIONABLE_JS)]

    def acknowledge(self, alert: str) -> bool:
        return self._try(lambda: self.page.click(f'[data-alert-id="{alert}"] .ack', timeout=1500))

    def resolve(self, alert: str) -> bool:
        card = f'[data-alert-id="{alert}"]'

        def go():
            self.page.click(f"{card} .resolve", timeout=1500)
            self.page.check(f"{card} .resolve-form input[name=outcome] >> nth=0", timeout=1500)
            self.page.click(f"{card} .resolve-form button[type=submit]", timeout=1500)

        return self._try(go)

    def call_in(self, arrival: int) -> int:
        return self.page.evaluate(CALL_IN_JS, arrival)

    def collect_chimes(self) -> None:
        """seenSound.log keeps its last 500; gather it often enough to lose none."""
        for c in self.page.evaluate("() => (window.seenSound && window.seenSound.log) || []"):
            self.chimes[(c["at"], c["pattern"])] = c

    def drain_log(self) -> list:
        """The observer's rows since the last call (a reload starts a new log)."""
        return self.page.evaluate("() => (window.dayLog || []).splice(0)")

    def _try(self, action) -> bool:
        try:
            action()
            return True
        except Exception:  # noqa: BLE001 - the card went (another desk, a refresh): the hand finds nothing
            return False

    def close(self) -> None:
        self.context.close()
