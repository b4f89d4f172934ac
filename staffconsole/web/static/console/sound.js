// The page's sound: one chime schedule for the whole page, after IEC 60601-1-8's alarm
// signals, so 30 waiting alerts do not make 30 clocks.
// - A new, returned or escalated alert chimes at once: one chime per update, however
//   many came together.
// - While anything is unacknowledged, one reminder every max(30 s, resound_s), counted
//   from the last chime.
// - The pattern is the highest priority's among unacknowledged alerts.
// - Losing the server has a pattern of its own, at once and every 30 s until back.
// - Pause silences audio only, for 2 minutes; the cards and counts keep updating.
// Browsers let a page make sound only after a click, hence "Turn on sound"; the choice
// is remembered in this browser so that the sign-in page's click carries it over.
//
// main.js calls configure(snap.console), update(alerts) with the whole current list
// after every change, and setLive(live) when the stream comes or goes.
import { $, clinic, onLeave } from "./util.js";

const PAUSE_MS = 2 * 60 * 1000;
const MIN_REMIND_MS = 30 * 1000; // also the floor for resound_s
const LOST_REMIND_MS = 30 * 1000;
const NEVER_LIVE_MS = 20 * 1000; // a page that never connects has lost the server too
const PROMPT_AFTER_MS = 1000; // a context allowed to run is running by then
const REMEMBER = "seen.sound";
const RANK = { low: 1, medium: 2, high: 3 };

// One tone: frequency (Hz, gliding to `to` if given), start and length (s), peak gain.
function pulses(notes, onsets, dur, gain, type) {
  return onsets.map((at, i) => ({ f: notes[i % notes.length], at, dur, gain, type }));
}

const PATTERNS = {
  // A fast burst of 5 in a 3 + 2 rhythm, with harmonics (triangle) to carry over talk.
  high: pulses([523, 440, 349, 440, 349], [0, 0.2, 0.4, 0.8, 1.0], 0.15, 0.5, "triangle"),
  // 3 slower pulses.
  medium: pulses([523, 440, 349], [0, 0.45, 0.9], 0.22, 0.35, "triangle"),
  // 2 soft tones.
  low: pulses([440, 349], [0, 0.6], 0.3, 0.15, "sine"),
  // Falling glides: unlike any alert, so nobody takes it for one more card.
  lost: [0, 0.6].map((at) => ({ f: 784, to: 392, at, dur: 0.45, gain: 0.35, type: "sine" })),
};

export const Sound = {
  ctx: null,
  pausedUntil: 0,
  requested: 0, // chimes asked for (tests read these)
  played: 0,
  log: [], // {at, pattern: "new" | "reminder" | "lost", priority, played}, the last 500
  enable() {
    try {
      localStorage.setItem(REMEMBER, "on");
    } catch (e) { /* storage off: sound stays on for this page only */ }
    startAudio();
    // The same click may ask for desktop notifications (optional; the page works without).
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
    announce("Sound on");
    showSound();
  },
};
window.seenSound = Sound;

let remindMs = 60 * 1000; // until configure() brings resound_s
let known = null; // alert id -> {status, escalated, returned} from the last update
let top = null; // highest priority among unacknowledged alerts, null when none
let lastChimeAt = 0;
let wasLive = false;
let lost = false;
let startedAt = 0;
let ctxSince = 0;
let mutedInPause = false;
let leaving = false;
let prompted = false;

function rank(priority) {
  return RANK[priority] || RANK.high; // an unknown priority is treated as the most urgent
}

function audible() {
  return Boolean(Sound.ctx) && Sound.ctx.state === "running";
}

function startAudio() {
  if (!Sound.ctx) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    Sound.ctx = new Ctx();
    ctxSince = Date.now();
    Sound.ctx.onstatechange = () => {
      showSound();
      if (audible()) audioTick();
    };
  }
  Sound.ctx.resume().then(showSound, () => {});
}

// A second clock from the audio thread: Chromium slows timers in a tab hidden for
// 5 minutes to one a minute, which would stretch 30 s reminders; a silent source's
// `ended` event is not a timer. setInterval stays for a context that never runs.
let audioTicking = false;
function audioTick() {
  if (audioTicking || !audible()) return;
  audioTicking = true;
  const ctx = Sound.ctx;
  const src = ctx.createConstantSource();
  const mute = ctx.createGain();
  mute.gain.value = 0;
  src.connect(mute).connect(ctx.destination);
  src.onended = () => {
    src.disconnect();
    audioTicking = false;
    tick();
    audioTick();
  };
  src.start();
  src.stop(ctx.currentTime + 1);
}

function play(tones) {
  const ctx = Sound.ctx;
  const t = ctx.currentTime + 0.02;
  tones.forEach(({ f, to, at, dur, gain, type }) => {
    const osc = ctx.createOscillator();
    const g = ctx.createGain();
    osc.type = type;
    osc.frequency.setValueAtTime(f, t + at);
    if (to) osc.frequency.exponentialRampToValueAtTime(to, t + at + dur);
    g.gain.setValueAtTime(0.0001, t + at);
    g.gain.exponentialRampToValueAtTime(gain, t + at + 0.015);
    g.gain.setValueAtTime(gain, t + at + dur - 0.04);
    g.gain.exponentialRampToValueAtTime(0.0001, t + at + dur);
    osc.connect(g).connect(ctx.destination);
    osc.start(t + at);
    osc.stop(t + at + dur + 0.02);
  });
}

function chime(pattern, priority) {
  const at = Date.now();
  lastChimeAt = at;
  Sound.requested += 1;
  const paused = at < Sound.pausedUntil;
  // Tones scheduled on a suspended context would all play at once when it resumes.
  const played = !paused && audible();
  if (played) {
    Sound.played += 1;
    play(PATTERNS[pattern === "lost" ? "lost" : priority]);
  } else if (paused) {
    mutedInPause = true;
  } else if (!Sound.ctx) {
    $("sound-on").classList.add("wanted");
  }
  Sound.log.push({ at, pattern, priority, played });
  if (Sound.log.length > 500) Sound.log.shift();
}

// -- pause ------------------------------------------------------------------------

function pause() {
  Sound.pausedUntil = Date.now() + PAUSE_MS;
  mutedInPause = false;
  announce("Sound paused for 2 minutes");
}

function resume() {
  Sound.pausedUntil = 0;
  announce("Sound resumed");
  // What chimed during the pause was not heard: say once that something still waits.
  if (mutedInPause && (lost || top)) chime(lost ? "lost" : "reminder", lost ? null : top);
  mutedInPause = false;
}

// -- what the page shows ------------------------------------------------------------

// Only changes of state go to the live region; the countdown ticks outside it.
function announce(text) {
  $("sound-announce").textContent = text;
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function showSound() {
  const on = Boolean(Sound.ctx);
  const running = audible();
  const blocked = on && !running && Date.now() - ctxSince >= PROMPT_AFTER_MS;
  $("sound-on").hidden = on;
  $("sound-resume").hidden = !blocked;
  $("sound-pause").hidden = !running;
  if (blocked && !prompted) announce("Sound is off. Click anywhere to turn sound back on");
  prompted = blocked;
  const left = Sound.pausedUntil - Date.now();
  if (!running) {
    setText($("sound-state"), "Sound is off");
  } else if (left > 0) {
    const s = Math.ceil(left / 1000);
    setText($("sound-state"), "Sound paused — " + Math.floor(s / 60) + ":" +
      String(s % 60).padStart(2, "0") + " left");
    setText($("sound-pause"), "Resume sound");
  } else {
    setText($("sound-state"), "Sound on");
    setText($("sound-pause"), "Pause sound 2 min");
  }
}

function tick() {
  if (leaving) return;
  const now = Date.now();
  if (Sound.pausedUntil && now >= Sound.pausedUntil) resume();
  if (!wasLive && !lost && now - startedAt >= NEVER_LIVE_MS) {
    lost = true;
    chime("lost", null);
  } else if (lost) {
    if (now - lastChimeAt >= LOST_REMIND_MS) chime("lost", null);
  } else if (top && now - lastChimeAt >= remindMs) {
    chime("reminder", top);
  }
  showSound();
}

// -- the contract with main.js ------------------------------------------------------

export function initSound() {
  startedAt = Date.now();
  $("sound-on").addEventListener("click", () => Sound.enable());
  $("sound-resume").addEventListener("click", startAudio);
  $("sound-pause").addEventListener("click", () => {
    if (Date.now() < Sound.pausedUntil) resume();
    else pause();
    showSound();
  });
  // A browser that keeps the remembered sound suspended lets it run after any click or key.
  const wake = () => {
    if (Sound.ctx && !audible()) startAudio();
  };
  document.addEventListener("pointerdown", wake, true);
  document.addEventListener("keydown", wake, true);
  onLeave(() => { leaving = true; }); // going to sign-in is not losing the server
  let remembered = false;
  try {
    remembered = localStorage.getItem(REMEMBER) === "on";
  } catch (e) { /* storage off */ }
  if (remembered) startAudio();
  setInterval(tick, 1000);
  showSound();
}

export function configure(consoleSettings) {
  const s = consoleSettings && Number(consoleSettings.resound_s);
  if (s > 0) remindMs = Math.max(MIN_REMIND_MS, s * 1000);
}

export function update(alerts) {
  const now = new Map();
  let fresh = false;
  let best = null;
  alerts.forEach((a) => {
    const state = { status: a.status, escalated: Boolean(a.escalated), returned: Boolean(a.returned) };
    now.set(a.id, state);
    if (a.status !== "open") return;
    const priority = RANK[a.priority] ? a.priority : "high";
    if (!best || rank(priority) > rank(best)) best = priority;
    const before = known ? known.get(a.id) : undefined;
    if (!before || before.status !== "open" || (state.escalated && !before.escalated) ||
        (state.returned && !before.returned)) {
      fresh = true;
      notify(a);
    }
  });
  known = now;
  top = best;
  if (fresh && !leaving) chime("new", top);
}

export function setLive(live) {
  if (leaving) return;
  if (live) {
    wasLive = true;
    lost = false;
  } else if (wasLive && !lost) {
    lost = true;
    chime("lost", null);
  }
}

// A desktop notification when the page is not in front: the kind and the kiosk only,
// never what a patient typed (notifications show on locked screens).
function notify(alert) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  if (!document.hidden && document.hasFocus()) return;
  try {
    new Notification((alert.escalated ? "Escalated: " : "") + alert.kind_label, {
      body: "Seen — " + (alert.kiosk || clinic), tag: "seen-alert-" + alert.id,
    });
  } catch (e) { /* some browsers allow notifications only from a service worker */ }
}
