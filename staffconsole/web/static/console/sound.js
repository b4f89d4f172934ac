// The page's sound. Browsers let a page make sound only after a click, hence the
// one-time "Turn on sound". Pausing silences the sound for 2 minutes; the cards stay.
//
// main.js calls update(alerts) with the whole current list after every change and
// setLive(live) when the stream comes or goes; this module decides when to chime.
import { $, clinic } from "./util.js";

const PAUSE_MS = 2 * 60 * 1000;

export const Sound = {
  ctx: null,
  pausedUntil: 0,
  requested: 0, // alarms asked for (tests read these)
  played: 0,
  enable() {
    if (!this.ctx) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      this.ctx = new Ctx();
    }
    this.ctx.resume();
    // The same click may ask for desktop notifications (optional; the page works without).
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission();
    }
    showSound();
  },
  alarm() {
    this.requested += 1;
    if (!this.ctx) {
      $("sound-on").classList.add("wanted");
      return;
    }
    if (Date.now() < this.pausedUntil) return;
    this.played += 1;
    // Two pairs of rising tones: noticeable over a phone call, unlike a phone ring.
    const t = this.ctx.currentTime;
    [[660, 0], [880, 0.25], [660, 0.6], [880, 0.85]].forEach(([freq, at]) => {
      const osc = this.ctx.createOscillator();
      const gain = this.ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t + at);
      gain.gain.exponentialRampToValueAtTime(0.4, t + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + at + 0.22);
      osc.connect(gain).connect(this.ctx.destination);
      osc.start(t + at);
      osc.stop(t + at + 0.25);
    });
  },
};
window.seenSound = Sound;

function showSound() {
  const on = Boolean(Sound.ctx);
  $("sound-on").hidden = on;
  $("sound-pause").hidden = !on;
  const left = Sound.pausedUntil - Date.now();
  if (!on) {
    $("sound-state").textContent = "Sound is off";
  } else if (left > 0) {
    const s = Math.ceil(left / 1000);
    $("sound-state").textContent = "Sound paused — " + Math.floor(s / 60) + ":" +
      String(s % 60).padStart(2, "0") + " left";
    $("sound-pause").textContent = "Resume sound";
  } else {
    $("sound-state").textContent = "Sound on";
    $("sound-pause").textContent = "Pause sound 2 min";
  }
}

export function initSound() {
  $("sound-on").addEventListener("click", () => Sound.enable());
  $("sound-pause").addEventListener("click", () => {
    Sound.pausedUntil = Date.now() < Sound.pausedUntil ? 0 : Date.now() + PAUSE_MS;
    showSound();
  });
  setInterval(showSound, 1000);
  showSound();
}

let known = null; // alert id -> {status, sounded_at, escalated} from the last update

// The server marks when an unacknowledged alert should sound again (sounded_at), so
// every console rings together; a new, returned or escalated alert rings at once.
export function update(alerts) {
  const now = new Map();
  let ring = false;
  alerts.forEach((a) => {
    now.set(a.id, { status: a.status, sounded_at: a.sounded_at, escalated: a.escalated });
    if (a.status !== "open") return;
    const before = known ? known.get(a.id) : undefined;
    const fresh = !before || before.status !== "open" || before.escalated !== a.escalated;
    if (fresh) notify(a);
    if (fresh || before.sounded_at !== a.sounded_at) ring = true;
  });
  known = now;
  if (ring) Sound.alarm();
}

export function setLive(live) { // eslint-disable-line no-unused-vars
}

export function configure(consoleInfo) { // eslint-disable-line no-unused-vars
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
