// The idle lock (HIPAA's automatic logoff, without a blind desk). What a person does on
// the page (pointer, keys, scroll, showing the tab) is reported to the server, a few
// seconds apart at most; a minute before the idle limit the page warns; at the limit
// it locks: patient details leave the page, the count and kinds of open alerts stay,
// their sound and the Live state too, and the same person unlocks it here with their
// password or PIN. The server decides: it locks an idle session on its own as well.
import { $, announce, leave, post, reasonOf } from "./util.js";

const WARN_MS = 60 * 1000;
const ACTIVITY = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"];

let idleMs = 15 * 60 * 1000;
let lastReported = Date.now(); // loading the page counted as activity on the server
let trailing = null;
let locked = false;
let asked = false; // a lock request is on its way
let known = null; // alert ids the lock screen has shown (null: none yet)
let hooks = { restart: () => {}, clear: () => {} };

export function configure(consoleInfo) {
  if (consoleInfo && consoleInfo.idle_lock_s) idleMs = consoleInfo.idle_lock_s * 1000;
}

const warnMs = () => Math.min(WARN_MS, idleMs / 2);
const throttleMs = () => Math.min(30 * 1000, idleMs / 4);

function activity() {
  if (locked) return;
  const now = Date.now();
  // While the warning shows, tell the server at once: it must not lock a moment later.
  if (!$("lock-warning").hidden || now - lastReported >= throttleMs()) {
    report();
  } else if (!trailing) {
    trailing = setTimeout(report, lastReported + throttleMs() - now);
  }
}

async function report() {
  clearTimeout(trailing);
  trailing = null;
  lastReported = Date.now();
  hideWarning();
  try {
    await post("/api/v1/console/activity", {});
  } catch (e) { /* not live: the banner says so; the next activity tries again */ }
}

function showWarning(secondsLeft) {
  const box = $("lock-warning");
  if (box.hidden) {
    box.hidden = false;
    announce("This console locks in one minute without activity.");
  }
  $("lock-countdown").textContent = String(secondsLeft);
}

function hideWarning() {
  $("lock-warning").hidden = true;
}

function tick() {
  if (locked) return;
  const idle = Date.now() - lastReported;
  if (idle >= idleMs) {
    lockNow();
  } else if (idle >= idleMs - warnMs()) {
    showWarning(Math.ceil((idleMs - idle) / 1000));
  }
}

// The page's own clock ran out (or the person pressed Lock): hide everything now, and
// ask the server, whose stream then sends the lock screen's counts.
async function lockNow() {
  enterLock();
  if (asked) return;
  asked = true;
  try {
    await post("/api/v1/console/lock", {});
  } catch (e) { /* the server locks an idle session by itself too */ }
  asked = false;
}

function enterLock() {
  const entering = !locked;
  if (entering) hooks.clear();
  locked = true;
  hideWarning();
  clearTimeout(trailing);
  $("console-main").hidden = true;
  $("lock").hidden = false;
  document.body.classList.add("locked"); // the header's Report, PIN and Lock step aside
  if (entering) $("unlock-secret").focus();
}

// The server says the session is locked (or was, when the page loaded).
export function show(body) {
  enterLock();
  $("lock-user").textContent = body.user;
  $("unlock-hint").textContent = body.reason === "lifetime"
    ? "After a long day, only your password unlocks it."
    : "Locked after a while without activity. Type your password or PIN.";
  $("unlock-label").textContent = body.reason === "lifetime" ? "Password" : "Password or PIN";
  const open = body.alerts.filter((a) => a.status === "open");
  // Only what came while locked is news; the first count is what was already there.
  const fresh = known ? body.alerts.filter((a) => !known.has(a.id)) : [];
  known = new Set(body.alerts.map((a) => a.id));
  const n = body.alerts.length;
  $("lock-summary").textContent = n === 0 ? "Nobody is waiting for help."
    : n + (n === 1 ? " alert needs" : " alerts need") + " attention" +
      (open.length ? " — " + open.length + " not yet acknowledged" : "") + ".";
  const counts = new Map();
  [...body.alerts].sort((a, b) => b.severity - a.severity).forEach((a) => {
    const entry = counts.get(a.kind) || { label: a.kind_label, n: 0, priority: a.priority };
    entry.n += 1;
    counts.set(a.kind, entry);
  });
  $("lock-kinds").replaceChildren(...[...counts.values()].map((c) => {
    const li = document.createElement("li");
    li.className = "lock-kind " + c.priority;
    li.textContent = c.n + " × " + c.label;
    return li;
  }));
  if (fresh.length) {
    announce("New while locked: " + fresh.map((a) => a.kind_label).join("; ") + ".");
  }
}

// A snapshot came: the session is unlocked (here or in another tab).
export function hide() {
  if (!locked) return;
  locked = false;
  known = null;
  lastReported = Date.now();
  $("lock").hidden = true;
  $("console-main").hidden = false;
  document.body.classList.remove("locked");
  $("unlock-error").textContent = "";
}

// An action answered 423: the server locked first; the stream will say so too.
export function checkNow() {
  fetch("/api/v1/console/session", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((info) => { if (info.locked) enterLock(); })
    .catch(() => {});
}

async function unlock(e) {
  e.preventDefault();
  const field = $("unlock-secret");
  const error = $("unlock-error");
  error.textContent = "";
  let r;
  try {
    r = await post("/api/v1/console/unlock", { secret: field.value });
  } catch (err) {
    error.textContent = "Could not reach the server; try again.";
    return;
  }
  field.value = "";
  if (!r.ok) {
    error.textContent = await reasonOf(r);
    field.focus();
    return;
  }
  hooks.restart(); // a fresh stream: the full snapshot, now allowed again
}

// -- the PIN a person sets for the lock screen ------------------------------------

async function savePin(e) {
  e.preventDefault();
  const form = $("pin-form");
  const message = $("pin-message");
  if (form.elements.pin.value !== form.elements.again.value) {
    message.textContent = "The two PINs differ. Type the same PIN twice.";
    return;
  }
  let r;
  try {
    r = await post("/api/v1/console/pin", {
      password: form.elements.password.value, pin: form.elements.pin.value,
    });
  } catch (err) {
    message.textContent = "Could not reach the server; try again.";
    return;
  }
  if (!r.ok) {
    message.textContent = await reasonOf(r);
    return;
  }
  form.reset();
  $("pin-dialog").close();
  announce("Your PIN is set. It unlocks this console.");
}

export function init(callbacks) {
  hooks = { ...hooks, ...callbacks };
  ACTIVITY.forEach((name) => document.addEventListener(name, activity, { passive: true }));
  // Scrolling any list counts; scroll events do not bubble, so listen while capturing.
  document.addEventListener("scroll", activity, { capture: true, passive: true });
  document.addEventListener("visibilitychange", () => { if (!document.hidden) activity(); });
  setInterval(tick, 1000);
  $("unlock-form").addEventListener("submit", unlock);
  $("lock-now").addEventListener("click", lockNow);
  $("stay").addEventListener("click", report);
  $("switch-user").addEventListener("click", async () => {
    try {
      await post("/logout", {});
    } finally {
      leave("signed_out");
    }
  });
  $("set-pin").addEventListener("click", () => {
    $("pin-message").textContent = "";
    $("pin-dialog").showModal();
  });
  $("pin-cancel").addEventListener("click", () => $("pin-dialog").close());
  $("pin-form").addEventListener("submit", savePin);
}
