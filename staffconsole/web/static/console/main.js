// The receptionists' live page: one EventSource, its state, and the banner whenever
// the page is not live. Rendering lives in alerts.js, board.js and panels.js; when to
// chime in sound.js.
import { $, clinic, leave, onLeave, post, setServerTime } from "./util.js";
import { renderAlerts, setOutcomes, tickAlerts } from "./alerts.js";
import { renderBoard, tickBoard } from "./board.js";
import { renderHistory, renderKiosks } from "./panels.js";
import * as sound from "./sound.js";

const STREAM = "/api/v1/console/stream";
const STALL_MS = 40000; // the server pings every ~15 s; silence this long means a stall
const RETRY_MS = 3000;

let source = null;
let stallTimer = null;
let retryTimer = null;

onLeave(() => { if (source) source.close(); });

// -- connection state ---------------------------------------------------------

function setLive(live, text) {
  $("not-live").hidden = live;
  if (!live) $("not-live").textContent = text || "Not live — reconnecting";
  const el = $("live");
  el.textContent = live ? "Live" : "Not live";
  el.className = live ? "live on" : "live off";
  document.body.classList.toggle("offline", !live);
  sound.setLive(live);
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
  source.addEventListener("signed_out", (e) => {
    let idle = true;
    try { idle = JSON.parse(e.data).idle !== false; } catch (err) { /* keep idle */ }
    leave(idle ? "idle" : "expired");
  });
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

// -- rendering ------------------------------------------------------------------

function render(snap) {
  setServerTime(snap.generated_at);
  setOutcomes(snap.console.outcomes);
  renderAlerts(snap.alerts);
  renderBoard(snap.arrivals);
  renderKiosks(snap.kiosks || []);
  renderHistory(snap.history || []);
  const waiting = snap.alerts.filter((a) => a.status === "open").length;
  document.title = (waiting ? "(" + waiting + ") " : "") + "Seen — " + clinic;
  sound.configure(snap.console);
  sound.update(snap.alerts);
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
setLive(false, "Not live — connecting");
connect();
