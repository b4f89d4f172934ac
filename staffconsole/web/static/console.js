// The receptionists' live page: one EventSource, snapshots rendered with textContent only
// (patient-entered text is untrusted), and a banner whenever the page is not live.
"use strict";

(function () {
  const STREAM = "/api/v1/console/stream";
  const STALL_MS = 40000; // the server pings every ~15 s; silence this long means a stall
  const RETRY_MS = 3000;

  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const clinic = document.querySelector('meta[name="clinic-name"]').content;
  const $ = (id) => document.getElementById(id);

  let source = null;
  let stallTimer = null;
  let retryTimer = null;
  let clockOffset = 0; // server time minus browser time, from generated_at
  let outcomes = [];
  let last = null;
  const cards = new Map(); // alert id -> <li>, kept so an open resolve form survives updates
  let known = null; // alert id -> {status, sounded_at, escalated} from the last snapshot

  // -- sound ------------------------------------------------------------------
  // Browsers let a page make sound only after a click, hence the one-time
  // "Turn on sound". Pausing silences the sound for 2 minutes; the cards stay.

  const PAUSE_MS = 2 * 60 * 1000;
  const Sound = {
    ctx: null,
    pausedUntil: 0,
    requested: 0, // alarms asked for (tests read these)
    played: 0,
    enable() {
      if (!this.ctx) {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (!Ctx) return;
        this.ctx = new Ctx();
      }
      this.ctx.resume();
      showSound();
    },
    alarm() {
      this.requested += 1;
      if (!this.ctx) {
        $("sound-on").classList.add("wanted");
        return;
      }
      if (Date.now() < this.pausedUntil) return;
      this.played += 1;
      // Two rising tones: noticeable over a phone call, unlike any phone ring.
      const t = this.ctx.currentTime;
      [[660, 0], [880, 0.25], [660, 0.6], [880, 0.85]].forEach(([freq, at]) => {
        const osc = this.ctx.createOscillator();
        const gain = this.ctx.createGain();
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t + at);
        gain.gain.exponentialRampToValueAtTime(0.4, t + at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.22);
        osc.connect(gain).connect(this.ctx.destination);
        osc.start(t + at);
        osc.stop(t + at + 0.25);
      });
    },
  };
  window.seenSound = Sound;

  function showSound() {
    const on = Boolean(Sound.ctx);
    $("sound-on").hidden = on;
    $("sound-pause").hidden = !on;
    const left = Sound.pausedUntil - Date.now();
    if (!on) {
      $("sound-state").textContent = "Sound is off";
    } else if (left > 0) {
      const s = Math.ceil(left / 1000);
      $("sound-state").textContent = "Sound paused — " + Math.floor(s / 60) + ":" +
        String(s % 60).padStart(2, "0") + " left";
      $("sound-pause").textContent = "Resume sound";
    } else {
      $("sound-state").textContent = "Sound on";
      $("sound-pause").textContent = "Pause sound 2 min";
    }
  }

  $("sound-on").addEventListener("click", () => Sound.enable());
  $("sound-pause").addEventListener("click", () => {
    Sound.pausedUntil = Date.now() < Sound.pausedUntil ? 0 : Date.now() + PAUSE_MS;
    showSound();
  });
  setInterval(showSound, 1000);
  showSound();

  // -- connection state -------------------------------------------------------

  function setLive(live, text) {
    $("not-live").hidden = live;
    if (!live) $("not-live").textContent = text || "Not live — reconnecting";
    const el = $("live");
    el.textContent = live ? "Live" : "Not live";
    el.className = live ? "live on" : "live off";
    document.body.classList.toggle("offline", !live);
  }

  function armStall() {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => {
      setLive(false);
      reconnect();
    }, STALL_MS);
  }

  function connect() {
    clearTimeout(retryTimer);
    source = new EventSource(STREAM);
    source.addEventListener("snapshot", (e) => {
      armStall();
      render(JSON.parse(e.data));
      setLive(true);
    });
    source.addEventListener("ping", armStall);
    source.addEventListener("signed_out", () => leave("idle"));
    source.onerror = () => {
      setLive(false);
      if (source.readyState === EventSource.CLOSED) {
        checkSignedIn().then(reconnect);
      }
    };
    armStall();
  }

  function reconnect() {
    if (source) source.close();
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, RETRY_MS);
  }

  // The stream cannot tell us its status code; ask a cheap endpoint that does not
  // count as activity, and go to the sign-in page if the session is gone.
  function checkSignedIn() {
    return fetch("/api/v1/console/session", { credentials: "same-origin" })
      .then((r) => { if (r.status === 401) leave("expired"); })
      .catch(() => {});
  }

  function leave(reason) {
    if (source) source.close();
    window.location.assign("/login?reason=" + encodeURIComponent(reason));
  }

  // -- rendering --------------------------------------------------------------

  function serverNow() {
    return Date.now() + clockOffset;
  }

  function ago(iso) {
    const mins = Math.floor((serverNow() - Date.parse(iso)) / 60000);
    if (mins < 1) return "just now";
    if (mins < 60) return mins + " min ago";
    const h = Math.floor(mins / 60);
    return h + " h " + (mins % 60) + " min ago";
  }

  function clockTime(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit",
      hourCycle: "h23" });
  }

  function render(snap) {
    last = snap;
    clockOffset = Date.parse(snap.generated_at) - Date.now();
    outcomes = snap.console.outcomes;
    renderAlerts(snap.alerts);
    renderArrivals(snap.arrivals);
    renderKiosks(snap.kiosks || []);
    renderHistory(snap.history || []);
    const waiting = snap.alerts.filter((a) => a.status === "open").length;
    document.title = (waiting ? "(" + waiting + ") " : "") + "Seen — " + clinic;
    soundForChanges(snap.alerts);
  }

  // The server marks when an unacknowledged alert should sound again (sounded_at), so
  // every console rings together; a new, returned or escalated alert rings at once.
  function soundForChanges(alerts) {
    const now = new Map();
    let ring = false;
    alerts.forEach((a) => {
      now.set(a.id, { status: a.status, sounded_at: a.sounded_at, escalated: a.escalated });
      if (a.status !== "open") return;
      const before = known ? known.get(a.id) : undefined;
      if (!before || before.status !== "open" || before.sounded_at !== a.sounded_at ||
          before.escalated !== a.escalated) ring = true;
    });
    known = now;
    if (ring) Sound.alarm();
  }

  function renderAlerts(alerts) {
    const list = $("alerts");
    const seen = new Set();
    alerts.forEach((alert, index) => {
      seen.add(alert.id);
      let card = cards.get(alert.id);
      if (!card) {
        card = makeCard(alert.id);
        cards.set(alert.id, card);
      }
      fillCard(card, alert);
      // Move only when out of place: moving a node would blur a focused button.
      if (list.children[index] !== card) list.insertBefore(card, list.children[index] || null);
    });
    for (const [id, card] of cards) {
      if (!seen.has(id)) {
        card.remove();
        cards.delete(id);
      }
    }
    $("alert-count").textContent = String(alerts.length);
    $("no-alerts").hidden = alerts.length > 0;
  }

  function makeCard(id) {
    const card = $("alert-template").content.firstElementChild.cloneNode(true);
    card.dataset.alertId = String(id);
    const form = card.querySelector(".resolve-form");
    const box = card.querySelector(".outcomes");
    outcomes.forEach((o, i) => {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "outcome";
      input.value = o.value;
      input.required = true;
      if (i === 0) input.checked = true;
      label.append(input, " " + o.label);
      box.append(label);
    });
    card.querySelector(".ack").addEventListener("click", () => act(card, id, "acknowledge", {}));
    card.querySelector(".resolve").addEventListener("click", () => {
      form.hidden = false;
      card.querySelector(".actions").hidden = true;
      box.querySelector("input:checked").focus();
    });
    card.querySelector(".resolve-form .cancel").addEventListener("click", () => closeForm(card));
    const walkForm = card.querySelector(".walk-in-form");
    card.querySelector(".walk-in").addEventListener("click", () => {
      walkForm.hidden = false;
      card.querySelector(".actions").hidden = true;
      walkForm.elements.first_name.focus();
    });
    walkForm.querySelector(".cancel").addEventListener("click", () => closeForm(card));
    walkForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(walkForm);
      act(card, id, "check-in", {
        first_name: data.get("first_name"), last_name: data.get("last_name"),
        dob: data.get("dob") || "",
      });
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form);
      act(card, id, "resolve", { outcome: data.get("outcome"), note: data.get("note") || "" });
    });
    return card;
  }

  function closeForm(card) {
    card.querySelector(".resolve-form").hidden = true;
    card.querySelector(".walk-in-form").hidden = true;
    card.querySelector(".actions").hidden = false;
    card.querySelector(".resolve").focus();
  }

  function statusText(alert) {
    if (alert.escalated) return "Escalated";
    if (alert.returned) return "Back — not resolved";
    return alert.status_label;
  }

  function fillCard(card, alert) {
    card.className = "alert " + alert.status + (alert.escalated ? " escalated" : "") +
      (alert.returned ? " returned" : "");
    card.querySelector(".kind").textContent = alert.kind_label;
    card.querySelector(".status").textContent = statusText(alert);
    const walkIn = card.querySelector(".walk-in");
    walkIn.hidden = !alert.walk_in;
    if (alert.walk_in && card.querySelector(".walk-in-form").hidden) {
      const form = card.querySelector(".walk-in-form");
      form.elements.first_name.value = alert.walk_in.first_name;
      form.elements.last_name.value = alert.walk_in.last_name;
      if (/^\d{4}-\d{2}-\d{2}$/.test(alert.walk_in.dob)) form.elements.dob.value = alert.walk_in.dob;
      form.querySelector(".phone").textContent =
        alert.walk_in.phone ? "Phone given at the kiosk: " + alert.walk_in.phone : "";
    }
    card.querySelector(".summary").textContent = alert.summary;
    card.querySelector(".kiosk").textContent = alert.kiosk || "Server";
    card.querySelector(".ago").textContent = ago(alert.opened_at);
    card.querySelector(".ago").dataset.since = alert.opened_at;
    card.querySelector(".ack-by").textContent = !alert.acknowledged_by ? "" :
      alert.returned ? "· seen by " + alert.acknowledged_by + " but not resolved" :
      "· seen by " + alert.acknowledged_by;
    card.querySelector(".ack").hidden = alert.status !== "open";
  }

  // Wait so far, in words and a colour class: fine, getting long (half the limit), long.
  function waitState(a) {
    const mins = Math.max(0, Math.floor((serverNow() - Date.parse(a.wait_from)) / 60000));
    const text = mins < 60 ? mins + " min" : Math.floor(mins / 60) + " h " + (mins % 60) + " min";
    if (mins >= a.long_wait_min) return { text: text + " — long wait", cls: "wait long" };
    if (mins * 2 >= a.long_wait_min) return { text: text, cls: "wait soon" };
    return { text: text, cls: "wait ok" };
  }

  function fillWait(cell, a) {
    if (a.status === "called_in") {
      cell.className = "wait done";
      cell.textContent = "Called in " + clockTime(a.called_in_at);
    } else if (a.status === "seen") {
      cell.className = "wait done";
      cell.textContent = "Seen";
    } else {
      const state = waitState(a);
      cell.className = state.cls;
      cell.textContent = state.text;
    }
  }

  function boardButton(a, status, label) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.className = "board-" + status;
    b.setAttribute("aria-label", label + ": " + a.display_name);
    b.addEventListener("click", () => setArrival(a.id, status, b));
    return b;
  }

  function renderArrivals(arrivals) {
    const body = $("arrivals").querySelector("tbody");
    const focused = document.activeElement && document.activeElement.dataset.focusKey;
    const rows = arrivals.map((a) => {
      const tr = document.createElement("tr");
      tr.className = "arrival " + a.status;
      tr.dataset.arrivalId = String(a.id);
      [a.display_name, a.time, a.provider, clockTime(a.arrived_at)].forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 1 || i === 3) td.className = "time";
        td.textContent = text;
        tr.append(td);
      });
      const waitCell = document.createElement("td");
      fillWait(waitCell, a);
      waitCell.dataset.row = JSON.stringify(a);
      tr.append(waitCell);
      const actions = document.createElement("td");
      actions.className = "board-actions";
      if (a.status === "waiting") actions.append(boardButton(a, "called_in", "Called in"));
      if (a.status !== "seen") actions.append(boardButton(a, "seen", "Seen"));
      actions.querySelectorAll("button").forEach((b) => {
        b.dataset.focusKey = a.id + ":" + b.className;
      });
      tr.append(actions);
      return tr;
    });
    body.replaceChildren(...rows);
    // A snapshot redraws the board; keep the keyboard where it was.
    if (focused) {
      const again = body.querySelector('[data-focus-key="' + focused + '"]');
      if (again) again.focus();
    }
    $("arrival-count").textContent = String(arrivals.filter((a) => a.status !== "seen").length);
    $("no-arrivals").hidden = arrivals.length > 0;
    $("arrivals").hidden = arrivals.length === 0;
  }

  async function setArrival(id, status, button) {
    button.disabled = true;
    let r;
    try {
      r = await post("/api/v1/console/arrivals/" + id + "/" + status, {});
    } catch (e) {
      r = null;
    }
    button.disabled = false;
    if (!r || !r.ok) button.textContent = "Not done — try again";
  }

  function renderKiosks(kiosks) {
    const items = kiosks.map((k) => {
      const li = document.createElement("li");
      li.className = "kiosk-item " + (k.online ? "online" : "offline") +
        (k.printer_ok ? "" : " printer-fault");
      const name = document.createElement("strong");
      name.textContent = k.name;
      const state = document.createElement("span");
      state.className = "kiosk-state";
      state.textContent = k.online ? "Online" : k.last_seen_at ? "Offline" : "Never connected";
      const printer = document.createElement("span");
      printer.className = "printer-state";
      printer.textContent = k.printer_label;
      li.append(name, " ", state, " · ", printer);
      return li;
    });
    $("kiosks").replaceChildren(...items);
    $("kiosk-strip").hidden = kiosks.length === 0;
  }

  function renderHistory(history) {
    const items = history.map((h) => {
      const li = document.createElement("li");
      li.className = "history-item";
      const head = document.createElement("strong");
      head.textContent = clockTime(h.resolved_at) + " " + h.kind_label + " — " + h.outcome_label;
      const summary = document.createElement("span");
      summary.className = "history-summary";
      summary.textContent = h.summary;
      const by = document.createElement("span");
      by.className = "history-by";
      by.textContent = "by " + h.resolved_by + (h.note ? " · " + h.note : "");
      li.append(head, summary, by);
      return li;
    });
    $("history").replaceChildren(...items);
    $("history-count").textContent = String(history.length);
    $("no-history").hidden = history.length > 0;
  }

  // Times tick on without a new snapshot.
  setInterval(() => {
    document.querySelectorAll(".ago[data-since]").forEach((el) => {
      el.textContent = ago(el.dataset.since);
    });
    document.querySelectorAll("td[data-row]").forEach((el) => {
      fillWait(el, JSON.parse(el.dataset.row));
    });
  }, 15000);

  // -- actions ----------------------------------------------------------------

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    if (r.status === 401) leave("expired");
    return r;
  }

  async function act(card, id, action, body) {
    const error = card.querySelector(".error");
    error.textContent = "";
    let r;
    try {
      r = await post("/api/v1/console/alerts/" + id + "/" + action, body);
    } catch (e) {
      error.textContent = "Could not reach the server; try again.";
      return;
    }
    if (!r.ok) {
      let reason = r.statusText;
      try {
        const detail = (await r.json()).detail;
        reason = typeof detail === "string" ? detail : JSON.stringify(detail);
      } catch (e) { /* keep statusText */ }
      error.textContent = "Not done: " + reason;
      return;
    }
    if (action === "resolve" || action === "check-in") closeForm(card);
    // The stream brings the new state; nothing else to do here.
  }

  $("logout").addEventListener("click", async () => {
    try {
      await post("/logout", {});
    } finally {
      leave("signed_out");
    }
  });

  setLive(false, "Not live — connecting");
  connect();
})();
