// The "Needs attention" list: one card per unresolved alert, filled with textContent
// only (patient-entered text is untrusted). Cards are kept between updates so an open
// resolve form, and the keyboard focus inside it, survive.
//
// Order follows urgency: unacknowledged first, then acknowledged; within each the most
// severe, then the longest open. Escalated and returned alerts get a badge and a sound,
// not a jump. A card this page acknowledged stays where it is until the pointer and
// the focus leave it, so the person can go on to resolve it without hunting.
import { $, ago, announce, duration, minutesSince, post, reasonOf } from "./util.js";

const cards = new Map(); // alert id -> <li>
const pinned = new Map(); // alert id -> list position, while the person is still on it
let outcomes = [];
let previous = null; // id -> {status, returned} at the last render; null before the first
let last = []; // the alerts of the last render, to settle pinned cards
let focusAfter = null; // {index} where a resolved card was, to move focus on

export function setOutcomes(list) { outcomes = list; }

export function byUrgency(a, b) {
  return (a.status === "open" ? 0 : 1) - (b.status === "open" ? 0 : 1) ||
    b.severity - a.severity || a.opened_at.localeCompare(b.opened_at) || a.id - b.id;
}

function ordered(alerts) {
  const rest = alerts.filter((a) => !pinned.has(a.id)).sort(byUrgency);
  [...pinned.entries()].sort((x, y) => x[1] - y[1]).forEach(([id, index]) => {
    const alert = alerts.find((a) => a.id === id);
    if (alert) rest.splice(Math.min(index, rest.length), 0, alert);
    else pinned.delete(id);
  });
  return rest;
}

// New and returned alerts are announced once, by kind and kiosk (not the summary).
function announceChanges(alerts) {
  if (previous !== null) {
    const news = alerts.filter((a) => {
      const before = previous.get(a.id);
      return a.status === "open" && (!before || before.status !== "open" ||
        (a.returned && !before.returned));
    });
    if (news.length) {
      announce((news.length === 1 ? "New alert: " : news.length + " new alerts: ") +
        news.map((a) => (a.returned ? "back, not resolved — " : "") + a.kind_label +
          (a.kiosk ? " at " + a.kiosk : "")).join("; ") + ".");
    }
  }
  previous = new Map(alerts.map((a) => [a.id, { status: a.status, returned: a.returned }]));
}

// Locking empties the list; the lock screen announces what comes meanwhile, so the
// list after unlocking is not announced again.
export function forgetAlerts() {
  renderAlerts([]);
  previous = null;
}

export function renderAlerts(alerts) {
  announceChanges(alerts);
  last = alerts;
  const list = $("alerts");
  const seen = new Set();
  ordered(alerts).forEach((alert, index) => {
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
  const hadFocus = [...cards.entries()].find(([, card]) => card.contains(document.activeElement));
  for (const [id, card] of cards) {
    if (!seen.has(id)) {
      card.remove();
      cards.delete(id);
      pinned.delete(id);
    }
  }
  moveFocusOn(list, hadFocus && !seen.has(hadFocus[0]));
  $("alert-count").textContent = String(alerts.length);
  $("no-alerts").hidden = alerts.length > 0;
}

// After a resolve the card goes: the keyboard moves to the card that took its place
// (or the one above, or the list's heading), never to <body>.
function moveFocusOn(list, lostFocus) {
  if (!focusAfter) return;
  if (!lostFocus && document.activeElement !== document.body) {
    focusAfter = null;
    return;
  }
  const next = list.children[focusAfter.index] || list.children[focusAfter.index - 1];
  const target = next ? next.querySelector(".actions button:not([hidden])") : $("alerts-heading");
  focusAfter = null;
  if (target) target.focus();
}

// The person has moved on from an acknowledged card: it may settle into its place.
function settle(id) {
  if (!pinned.delete(id)) return;
  renderAlerts(last);
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
    label.append(input, " " + o.label);
    box.append(label);
  });
  card.querySelector(".ack").addEventListener("click", () => {
    pinned.set(id, [...card.parentNode.children].indexOf(card));
    // Keep the keyboard on the card: the Acknowledge button hides once it is done.
    card.querySelector(".resolve").focus();
    act(card, id, "acknowledge", {});
  });
  card.addEventListener("pointerleave", () => {
    if (!card.contains(document.activeElement)) settle(id);
  });
  card.addEventListener("focusout", (e) => {
    if (!card.contains(e.relatedTarget) && !card.matches(":hover")) settle(id);
  });
  card.querySelector(".resolve").addEventListener("click", () => {
    form.hidden = false;
    card.querySelector(".actions").hidden = true;
    // Nothing is chosen for the person: Enter alone must not pick an outcome.
    box.querySelector("input").focus();
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
  const when = card.querySelector(".ago");
  if (alert.waiting_since) {
    when.dataset.waiting = alert.waiting_since;
    delete when.dataset.since;
  } else {
    when.dataset.since = alert.opened_at;
  }
  fillWhen(when);
  card.querySelector(".ack-by").textContent = !alert.acknowledged_by ? "" :
    alert.returned ? "· seen by " + alert.acknowledged_by + " but not resolved" :
    "· seen by " + alert.acknowledged_by;
  card.querySelector(".ack").hidden = alert.status !== "open";
}

// A long wait says how long the patient has waited; other alerts how long ago they came.
function fillWhen(el) {
  el.textContent = el.dataset.waiting
    ? "waiting " + duration(minutesSince(el.dataset.waiting))
    : ago(el.dataset.since);
}

export function tickAlerts() {
  document.querySelectorAll("#alerts .ago").forEach(fillWhen);
}

// The connection is back: errors about reaching the server no longer hold.
export function clearErrors() {
  document.querySelectorAll("#alerts .error").forEach((el) => { el.textContent = ""; });
}

async function act(card, id, action, body) {
  const error = card.querySelector(".error");
  error.textContent = "";
  // Where the card is now: the stream may remove it before this request's answer comes.
  const list = card.parentNode;
  const index = [...list.children].indexOf(card);
  let r;
  try {
    r = await post("/api/v1/console/alerts/" + id + "/" + action, body);
  } catch (e) {
    error.textContent = "Could not reach the server; try again.";
    return;
  }
  if (!r.ok) {
    error.textContent = "Not done: " + (await reasonOf(r));
    return;
  }
  if (action === "resolve" || action === "check-in") {
    focusAfter = { index };
    if (card.isConnected) closeForm(card);
    else moveFocusOn(list, true); // already gone: the focus went with it
  }
  // The stream brings the new state; nothing else to do here.
}
