// The lobby board: who is waiting (longest wait on top), how long, their ticket, and the
// buttons that say a patient was called in or seen. Those called in or seen fold away
// below a count, most recent first. Rows are kept by arrival id and patched in place,
// so keyboard focus and the fold's open state survive every update.
import { $, clockTime, duration, minutesSince, post } from "./util.js";

// Cell classes and the labels the narrow (stacked) layout shows before each value.
// The booked time and provider sit under the name, so that the board fits half a
// 1366 px screen with long names and long providers.
const CELLS = [
  ["ticket", "Ticket"],
  ["patient", ""],
  ["time arrived", "Arrived"],
  ["wait", "Waiting"],
  ["board-actions", ""],
];
const WAIT_CELL = 3;
const ACTIONS_CELL = 4;
// A word longer than this would not fit the name column on half a 1366 px screen: it
// may break anywhere (names otherwise wrap at word boundaries only).
const LONG_WORD = 18;

const rows = new Map(); // arrival id -> { tr, arrival, json }

const instant = (iso) => (iso ? Date.parse(iso) : 0);

// Same order as the server's rules/board.py.
function byWait(a, b) {
  return instant(a.wait_from) - instant(b.wait_from)
    || instant(a.arrived_at) - instant(b.arrived_at) || a.id - b.id;
}

function movedAt(a) {
  return instant(a.seen_at || a.called_in_at || a.arrived_at);
}

function byMostRecent(a, b) {
  return movedAt(b) - movedAt(a) || b.id - a.id;
}

// Wait so far, in words and a colour class: fine, getting long (half the limit), long.
// No-break spaces keep "1 h 12 min" together when the cell wraps.
function waitState(a) {
  const mins = minutesSince(a.wait_from);
  const text = duration(mins).replace(/ /g, "\u00a0");
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
    cell.textContent = "Seen " + clockTime(a.seen_at);
  } else {
    const state = waitState(a);
    cell.className = state.cls;
    cell.textContent = state.text;
  }
}

function fillName(cell, name) {
  const words = name.split(" ");
  if (!words.some((w) => w.length > LONG_WORD)) {
    cell.textContent = name;
    return;
  }
  cell.replaceChildren(...words.flatMap((w, i) => {
    const part = w.length > LONG_WORD ? document.createElement("span") : null;
    if (part) {
      part.className = "long-word";
      part.textContent = w;
    }
    const piece = part || document.createTextNode(w);
    return i ? [document.createTextNode(" "), piece] : [piece];
  }));
}

function boardButton(a, status, label) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.className = "board-" + status;
  b.dataset.focusKey = a.id + ":" + b.className;
  b.dataset.says = label + ": " + a.display_name;
  b.setAttribute("aria-label", b.dataset.says);
  b.addEventListener("click", () => setArrival(a.id, status, b));
  return b;
}

function span(cls, text) {
  const el = document.createElement("span");
  el.className = cls;
  if (text) el.textContent = text;
  return el;
}

function makeRow(a) {
  const tr = document.createElement("tr");
  tr.dataset.arrivalId = String(a.id);
  for (const [cls, label] of CELLS) {
    const td = document.createElement("td");
    td.className = cls;
    if (label) td.dataset.label = label;
    tr.append(td);
  }
  const booking = span("booking", "Booked ");
  booking.append(span("time booked"), " · ", span("provider"));
  const name = span("name");
  name.dir = "auto"; // a right-to-left name keeps its own direction
  tr.children[1].append(name, booking);
  return tr;
}

function fillRow(tr, a, before) {
  tr.className = "arrival " + a.status;
  const cells = tr.children;
  cells[0].textContent = String(a.ticket);
  fillName(cells[1].querySelector(".name"), a.display_name);
  cells[1].querySelector(".booked").textContent = a.time;
  cells[1].querySelector(".provider").textContent = a.provider;
  cells[2].textContent = clockTime(a.arrived_at);
  fillWait(cells[WAIT_CELL], a);
  // Buttons are only remade when what they do or say changes (focus stays on them).
  if (!before || before.status !== a.status || before.display_name !== a.display_name) {
    const buttons = [];
    if (a.status === "waiting") {
      buttons.push(boardButton(a, "call", "Call in"));
      buttons.push(boardButton(a, "called_in", "Called in"));
    }
    if (a.status !== "seen") buttons.push(boardButton(a, "seen", "Seen"));
    cells[ACTIONS_CELL].replaceChildren(...buttons);
  }
}

// Put the rows in `list` into `body` in that order, moving only those out of place.
// moveBefore (where there is one) keeps a focused button focused while its row moves.
function place(body, list) {
  let cursor = body.firstElementChild;
  for (const a of list) {
    const tr = rows.get(a.id).tr;
    if (tr === cursor) {
      cursor = cursor.nextElementSibling;
      continue;
    }
    try {
      if (!tr.isConnected || !body.moveBefore) throw new Error("no state-keeping move");
      body.moveBefore(tr, cursor);
    } catch (e) {
      body.insertBefore(tr, cursor);
    }
  }
}

function visible(el) {
  return el && el.isConnected && !el.closest("[hidden]");
}

// Where the keyboard is on the board before an update, to put it back after.
function focusBefore() {
  const el = document.activeElement;
  if (!el || !el.dataset || !el.dataset.focusKey) return null;
  const tr = el.closest("tr");
  const list = [...$("board-waiting").children];
  return { el, key: el.dataset.focusKey, cls: el.className, index: list.indexOf(tr) };
}

function focusAfter(was) {
  if (!was || (document.activeElement === was.el && visible(was.el))) return;
  // The same button, or the one that replaced it; else, when its row left the waiting
  // list, the same button on the row that took its place (the next one to deal with).
  let target = visible(was.el) ? was.el
    : document.querySelector('[data-focus-key="' + was.key + '"]');
  if (!visible(target) && was.index >= 0) {
    const list = $("board-waiting").children;
    const row = list[Math.min(was.index, list.length - 1)];
    target = row && row.querySelector("button." + was.cls);
  }
  if (!visible(target)) target = $("board-fold");
  if (visible(target)) target.focus();
}

export function renderBoard(arrivals) {
  const was = focusBefore();
  const present = new Set();
  for (const a of arrivals) {
    present.add(a.id);
    let entry = rows.get(a.id);
    if (!entry) {
      entry = { tr: makeRow(a), arrival: null, json: "" };
      rows.set(a.id, entry);
    }
    const json = JSON.stringify(a);
    if (entry.json !== json) {
      fillRow(entry.tr, a, entry.arrival);
      entry.arrival = { ...a }; // a copy: main.js may patch its own objects in place
      entry.json = json;
    }
  }
  for (const [id, entry] of rows) {
    if (!present.has(id)) {
      entry.tr.remove();
      rows.delete(id);
    }
  }
  const all = [...rows.values()].map((e) => e.arrival);
  const waiting = all.filter((a) => a.status === "waiting").sort(byWait);
  const moved = all.filter((a) => a.status !== "waiting").sort(byMostRecent);
  // The fold first: rows leaving the waiting list go there without moving the others.
  place($("board-done"), moved);
  place($("board-waiting"), waiting);

  const called = moved.filter((a) => a.status === "called_in").length;
  $("board-fold").textContent = "Called in " + called + " · Seen " + (moved.length - called);
  $("board-fold-row").hidden = moved.length === 0;
  $("arrival-count").textContent = String(waiting.length);
  $("no-arrivals").hidden = all.length > 0;
  $("no-waiting").hidden = all.length === 0 || waiting.length > 0;
  $("arrivals").hidden = all.length === 0;
  focusAfter(was);
}

export function tickBoard() {
  for (const { tr, arrival } of rows.values()) {
    if (arrival.status === "waiting") fillWait(tr.children[WAIT_CELL], arrival);
  }
}

$("board-fold").addEventListener("click", (e) => {
  const open = e.currentTarget.getAttribute("aria-expanded") !== "true";
  e.currentTarget.setAttribute("aria-expanded", String(open));
  $("board-done").hidden = !open;
});

// "Call in" calls the ticket on the lobby displays, to the room chosen above the board
// (rooms come from the lobby_rooms setting; none configured: no choice shown).
export function setRooms(rooms) {
  const select = $("call-room");
  const keep = select.value;
  select.replaceChildren(new Option("No room", ""), ...(rooms || []).map((r) => new Option(r, r)));
  if ((rooms || []).includes(keep)) select.value = keep;
  $("call-room-row").hidden = !(rooms && rooms.length);
}

// aria-disabled rather than disabled while the call is out: a disabled button drops
// the keyboard's focus.
async function setArrival(id, status, button) {
  if (button.getAttribute("aria-disabled") === "true") return;
  button.setAttribute("aria-disabled", "true");
  let r;
  try {
    const body = status === "call" ? { room: $("call-room").value } : {};
    r = await post("/api/v1/console/arrivals/" + id + "/" + status, body);
  } catch (e) {
    r = null;
  }
  button.removeAttribute("aria-disabled");
  if (!r || !r.ok) {
    button.textContent = "Not done — try again";
    button.setAttribute("aria-label", "Not done, try again — " + button.dataset.says);
  }
}
