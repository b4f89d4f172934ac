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

  function waited(iso) {
    const mins = Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000));
    return mins < 60 ? mins + " min" : Math.floor(mins / 60) + " h " + (mins % 60) + " min";
  }

  function clockTime(iso) {
    return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function render(snap) {
    last = snap;
    clockOffset = Date.parse(snap.generated_at) - Date.now();
    outcomes = snap.console.outcomes;
    renderAlerts(snap.alerts);
    renderArrivals(snap.arrivals);
    const waiting = snap.alerts.filter((a) => a.status === "open").length;
    document.title = (waiting ? "(" + waiting + ") " : "") + "Seen — " + clinic;
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
    card.querySelector(".cancel").addEventListener("click", () => closeForm(card));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const data = new FormData(form);
      act(card, id, "resolve", { outcome: data.get("outcome"), note: data.get("note") || "" });
    });
    return card;
  }

  function closeForm(card) {
    card.querySelector(".resolve-form").hidden = true;
    card.querySelector(".actions").hidden = false;
    card.querySelector(".resolve").focus();
  }

  function fillCard(card, alert) {
    card.className = "alert " + alert.status;
    card.querySelector(".kind").textContent = alert.kind_label;
    card.querySelector(".status").textContent = alert.status_label;
    card.querySelector(".summary").textContent = alert.summary;
    card.querySelector(".kiosk").textContent = alert.kiosk || "Server";
    card.querySelector(".ago").textContent = ago(alert.opened_at);
    card.querySelector(".ago").dataset.since = alert.opened_at;
    card.querySelector(".ack-by").textContent =
      alert.acknowledged_by ? "· seen by " + alert.acknowledged_by : "";
    card.querySelector(".ack").hidden = alert.status !== "open";
  }

  function renderArrivals(arrivals) {
    const body = $("arrivals").querySelector("tbody");
    const rows = arrivals.map((a) => {
      const tr = document.createElement("tr");
      const waitCell = document.createElement("td");
      waitCell.className = "wait";
      waitCell.dataset.since = a.arrived_at;
      waitCell.textContent = waited(a.arrived_at);
      [a.display_name, a.time, a.provider, clockTime(a.arrived_at)].forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 1 || i === 3) td.className = "time";
        td.textContent = text;
        tr.append(td);
      });
      tr.append(waitCell);
      return tr;
    });
    body.replaceChildren(...rows);
    $("arrival-count").textContent = String(arrivals.length);
    $("no-arrivals").hidden = arrivals.length > 0;
    $("arrivals").hidden = arrivals.length === 0;
  }

  // Times tick on without a new snapshot.
  setInterval(() => {
    document.querySelectorAll(".ago[data-since]").forEach((el) => {
      el.textContent = ago(el.dataset.since);
    });
    document.querySelectorAll(".wait[data-since]").forEach((el) => {
      el.textContent = waited(el.dataset.since);
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
    if (action === "resolve") closeForm(card);
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
