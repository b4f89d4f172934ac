// The lobby display: "Now calling 12 — Room 3", the calls before it and each provider's
// wait. Ticket numbers only: the server sends no names. Live through server-sent events
// like the console; a red banner says so when it is not, and it reconnects by itself.
//
// The token comes in the URL fragment (never sent to the server, so never in a log); it
// is posted once for a cookie and dropped from the address bar.
//
// Sound: a chime per new call (Web Audio), and, when the clinic turned it on
// (lobby_speech_languages), the number and room spoken with the browser's own
// speechSynthesis in each language. Browsers play sound only after a click or with
// Chromium's --autoplay-policy=no-user-gesture-required (a screen on the wall has no
// mouse): hence "Turn on sound". Tests read window.lobbySound.log.
const site = document.body.dataset.site;
const STALE_MS = 10 * 1000; // about three missed heartbeats (pings every 3 s)
const RETRY_MS = 3 * 1000;
const $ = (id) => document.getElementById(id);

const SAY = {
  en: (t, room) => "Number " + t + (room ? ", please go to " + room : ""),
  es: (t, room) => "Número " + t + (room ? ", por favor pase a " + room : ""),
};

export const LobbySound = {
  ctx: null,
  log: [], // {at, ticket, room, played, spoken: [languages]}
  enable() {
    start();
    $("sound-on").hidden = audible();
  },
};
window.lobbySound = LobbySound;

function audible() {
  return Boolean(LobbySound.ctx) && LobbySound.ctx.state === "running";
}

function start() {
  try {
    if (!LobbySound.ctx) LobbySound.ctx = new AudioContext();
    if (LobbySound.ctx.state === "suspended") {
      LobbySound.ctx.resume().then(() => { $("sound-on").hidden = audible(); });
    }
  } catch (e) { /* no audio on this machine: the screen still shows the call */ }
}

// Two rising tones, the "ding-dong" people know from waiting rooms.
function chime() {
  if (!audible()) return false;
  const ctx = LobbySound.ctx;
  [[659, 0], [880, 0.45]].forEach(([f, at]) => {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = f;
    gain.gain.setValueAtTime(0.0001, ctx.currentTime + at);
    gain.gain.exponentialRampToValueAtTime(0.4, ctx.currentTime + at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + at + 0.9);
    osc.connect(gain).connect(ctx.destination);
    osc.start(ctx.currentTime + at);
    osc.stop(ctx.currentTime + at + 1);
  });
  return true;
}

function speak(call, languages) {
  const spoken = [];
  if (!("speechSynthesis" in window)) return spoken;
  for (const lang of languages) {
    if (!SAY[lang]) continue;
    const u = new SpeechSynthesisUtterance(SAY[lang](call.ticket, call.room));
    u.lang = lang;
    window.speechSynthesis.speak(u);
    spoken.push(lang);
  }
  return spoken;
}

function announce(call, languages) {
  const played = chime();
  const spoken = speak(call, languages);
  LobbySound.log.push({ at: Date.now(), ticket: call.ticket, room: call.room, played, spoken });
  if (LobbySound.log.length > 200) LobbySound.log.shift();
}

let lastCallId = null; // the newest call shown; null until the first state arrives

// The clock shows the clinic's time and the server's clock: a screen's own zone and
// clock are often wrong (a TV on UTC, no network time).
let zone = { name: "", offsetMin: 0 };
let clockOffset = 0; // server time minus this screen's time, from the last state

function clinicTime(ms) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (zone.name) {
    try {
      return new Date(ms).toLocaleTimeString([], { ...options, timeZone: zone.name });
    } catch (e) { /* a zone this browser does not know: use the offset below */ }
  }
  return new Date(ms + zone.offsetMin * 60000).toLocaleTimeString([], { ...options, timeZone: "UTC" });
}

function render(state) {
  zone = { name: state.timezone || "", offsetMin: state.utc_offset_min || 0 };
  clockOffset = Date.parse(state.generated_at) - Date.now();
  const call = state.now_calling;
  $("now-empty").hidden = Boolean(call);
  $("now-call").hidden = !call;
  if (call) {
    $("now-ticket").textContent = String(call.ticket);
    $("now-room").textContent = call.room || "";
  }
  if (call && lastCallId !== null && call.id !== lastCallId) {
    const el = $("now-call");
    el.classList.remove("fresh");
    void el.offsetWidth; // restart the flash
    el.classList.add("fresh");
    announce(call, state.speech || []);
  }
  lastCallId = call ? call.id : 0;
  $("recent").replaceChildren(...state.recent.map((c) => {
    const li = document.createElement("li");
    li.textContent = String(c.ticket);
    if (c.room) {
      const room = document.createElement("span");
      room.className = "room";
      room.textContent = c.room;
      li.append(room);
    }
    return li;
  }));
  $("waits").replaceChildren(...state.providers.map((p) => {
    const tr = document.createElement("tr");
    const cells = [p.provider, String(p.waiting), p.wait_text];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 1) td.className = "count";
      if (i === 2 && p.late) td.className = "late";
      tr.append(td);
    });
    return tr;
  }));
  $("waits-empty").hidden = state.providers.length > 0;
}

let source = null;
let lastEventAt = 0;
let live = false;

function setLive(on) {
  live = on;
  $("not-live").hidden = on;
  document.body.classList.toggle("live", on);
}

function heard() {
  lastEventAt = Date.now();
  if (!live) setLive(true);
}

function connect() {
  if (source) source.close();
  source = new EventSource("/api/v1/lobby/stream?site=" + encodeURIComponent(site));
  source.addEventListener("display", (e) => {
    heard();
    render(JSON.parse(e.data));
  });
  source.addEventListener("ping", heard);
  source.addEventListener("revoked", () => {
    source.close();
    notSetUp();
  });
  source.onerror = () => {
    setLive(false);
    if (source.readyState === EventSource.CLOSED) {
      source = null;
      setTimeout(check, RETRY_MS);
    }
  };
}

function notSetUp() {
  setLive(false);
  $("board").hidden = true;
  $("setup").hidden = false;
}

// Why the stream closed: not set up (401/403) or the server away (retry).
async function check() {
  try {
    const r = await fetch("/api/v1/lobby/state?site=" + encodeURIComponent(site));
    if (r.status === 401 || r.status === 403) {
      notSetUp();
      setTimeout(check, 30 * 1000); // a token may be set up again meanwhile
      return;
    }
    $("board").hidden = false;
    $("setup").hidden = true;
  } catch (e) { /* server away */ }
  connect();
}

async function exchange() {
  const m = location.hash.match(/token=([^&]+)/);
  if (!m) return;
  history.replaceState(null, "", location.pathname + location.search); // drop the token
  try {
    await fetch("/api/v1/lobby/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: decodeURIComponent(m[1]) }),
    });
  } catch (e) { /* server away: the stream's retry will say */ }
}

setInterval(() => {
  // A stream that stopped sending (a frozen server, a cut cable) is not live either.
  if (live && Date.now() - lastEventAt > STALE_MS) {
    setLive(false);
    connect();
  }
  $("clock").textContent = clinicTime(Date.now() + clockOffset);
}, 1000);

$("sound-on").addEventListener("click", () => LobbySound.enable());
start(); // allowed at once where the browser permits sound without a click
setTimeout(() => { $("sound-on").hidden = audible(); }, 500);
setLive(false);
exchange().then(check);
