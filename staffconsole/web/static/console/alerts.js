// The "Needs attention" list: one card per unresolved alert, filled with textContent
// only (patient-entered text is untrusted). Cards are kept between updates so an open
// resolve form, and the keyboard focus inside it, survive.
import { $, ago, post, reasonOf } from "./util.js";

const cards = new Map(); // alert id -> <li>
let outcomes = [];

export function setOutcomes(list) { outcomes = list; }

export function renderAlerts(alerts) {
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

export function tickAlerts() {
  document.querySelectorAll(".ago[data-since]").forEach((el) => {
    el.textContent = ago(el.dataset.since);
  });
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
    error.textContent = "Not done: " + (await reasonOf(r));
    return;
  }
  if (action === "resolve" || action === "check-in") closeForm(card);
  // The stream brings the new state; nothing else to do here.
}
