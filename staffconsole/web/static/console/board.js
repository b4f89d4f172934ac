// The lobby board ("Arrived today"): who is here, how long they have waited, and the
// buttons that say a patient was called in or seen.
import { $, clockTime, duration, minutesSince, post } from "./util.js";

// Wait so far, in words and a colour class: fine, getting long (half the limit), long.
function waitState(a) {
  const mins = minutesSince(a.wait_from);
  const text = duration(mins);
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

export function renderBoard(arrivals) {
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

export function tickBoard() {
  document.querySelectorAll("td[data-row]").forEach((el) => {
    fillWait(el, JSON.parse(el.dataset.row));
  });
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
