// The receptionists' live page: one EventSource, the page's state, the banner whenever
// the page is not live, and the lock. Rendering lives in alerts.js, board.js and
// panels.js; when to chime in sound.js; the lock screen in lock.js.
//
// The stream sends `snapshot` (everything) on connect and after unlocking, `patch`
// (per section: items upserted, ids removed) after each change, `locked` (kinds and
// urgency only) while locked, and `ping` every few seconds.
import { $, clinic, leave, onLeave, onLocked, post, setClinicZone, setServerTime } from "./util.js";
import { clearErrors, forgetAlerts, renderAlerts, setOutcomes, tickAlerts } from "./alerts.js";
import { renderBoard, setRooms, tickBoard } from "./board.js";
import { renderHistory, renderKiosks } from "./panels.js";
import * as lock from "./lock.js";
import * as sound from "./sound.js";

const STREAM = "/api/v1/console/stream";
const STALL_MS = 8000; // the server sends a heartbeat every 3 s: three missed is a stall
const RETRY_MS = 3000;
const SECTIONS = ["alerts", "arrivals", "kiosks", "history"];

let source = null;
let stallTimer = null;
let retryTimer = null;
let live = false;

// The page's copy of the server's state: section -> Map(id -> item).
const state = Object.fromEntries(SECTIONS.map((name) => [name, new Map()]));

onLeave(() => { if (source) source.close(); });
onLocked(() => lock.checkNow());

// -- connection state ---------------------------------------------------------

function setLive(isLive, text) {
  $("not-live").hidden = isLive;
  if (!isLive) $("not-live").textContent = text || "Not live — reconnecting";
  const el = $("live");
  el.textContent = isLive ? "Live" : "Not live";
  el.className = isLive ? "live on" : "live off";
  document.body.classList.toggle("offline", !isLive);
  if (isLive && !live) clearErrors(); // "could not reach the server" is no longer true
  live = isLive;
  sound.setLive(isLive);
}

function armStall() {
  clearTimeout(stallTimer);
  stallTimer = setTimeout(() => {
    setLive(false, "Not live — the server has stopped answering");
    reconnect();
  }, STALL_MS);
}

function connect() {
  clearTimeout(retryTimer);
  source = new EventSource(STREAM);
  source.addEventListener("snapshot", (e) => {
    armStall();
    applySnapshot(JSON.parse(e.data));
    setLive(true);
  });
  source.addEventListener("patch", (e) => {
    armStall();
    applyPatch(JSON.parse(e.data));
    setLive(true);
  });
  source.addEventListener("locked", (e) => {
    armStall();
    showLocked(JSON.parse(e.data));
    setLive(true);
  });
  source.addEventListener("ping", armStall);
  source.addEventListener("signed_out", () => leave("expired"));
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

// After unlocking, a fresh stream brings the full snapshot at once.
function restart() {
  if (source) source.close();
  connect();
}

// The stream cannot tell us its status code; ask a cheap endpoint that does not
// count as activity, and go to the sign-in page if the session is gone.
function checkSignedIn() {
  return fetch("/api/v1/console/session", { credentials: "same-origin" })
    .then((r) => { if (r.status === 401) leave("expired"); })
    .catch(() => {});
}

// -- state ----------------------------------------------------------------------

function applySnapshot(snap) {
  setServerTime(snap.generated_at);
  setOutcomes(snap.console.outcomes);
  setRooms(snap.console.rooms);
  setClinicZone(snap.console);
  sound.configure(snap.console);
  lock.configure(snap.console);
  SECTIONS.forEach((name) => {
    state[name] = new Map((snap[name] || []).map((item) => [item.id, item]));
  });
  lock.hide();
  render(SECTIONS);
}

function applyPatch(patch) {
  setServerTime(patch.generated_at);
  const changed = SECTIONS.filter((name) => patch[name]);
  changed.forEach((name) => {
    const items = state[name];
    patch[name].remove.forEach((id) => items.delete(id));
    patch[name].upsert.forEach((item) => items.set(item.id, item));
  });
  render(changed);
}

// Locking forgets every patient detail the page held; the lock screen gets counts only.
function forget() {
  SECTIONS.forEach((name) => { state[name] = new Map(); });
  forgetAlerts();
  renderBoard([]);
  renderHistory([]);
}

function showLocked(body) {
  setServerTime(body.generated_at);
  lock.show(body);
  setTitle(body.alerts);
  sound.update(body.alerts);
}

function render(changed) {
  const alerts = [...state.alerts.values()];
  if (changed.includes("alerts")) {
    renderAlerts(alerts);
    setTitle(alerts);
    sound.update(alerts);
  }
  if (changed.includes("arrivals")) renderBoard([...state.arrivals.values()]);
  if (changed.includes("kiosks")) {
    renderKiosks([...state.kiosks.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }
  if (changed.includes("history")) {
    renderHistory([...state.history.values()].sort(
      (a, b) => b.resolved_at.localeCompare(a.resolved_at) || b.id - a.id));
  }
}

function setTitle(alerts) {
  const waiting = alerts.filter((a) => a.status === "open").length;
  document.title = (waiting ? "(" + waiting + ") " : "") + "Seen — " + clinic;
}

// Times tick on without a new snapshot.
setInterval(() => {
  tickAlerts();
  tickBoard();
}, 15000);

$("logout").addEventListener("click", async () => {
  try {
    await post("/logout", {});
  } finally {
    leave("signed_out");
  }
});

sound.initSound();
lock.init({ restart, clear: forget });
setLive(false, "Not live — connecting");
connect();
