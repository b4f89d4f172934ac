// Small shared helpers for the console page: element lookup, the server's clock,
// times in words, and POST with the session's CSRF token.

export const $ = (id) => document.getElementById(id);
export const csrf = document.querySelector('meta[name="csrf-token"]').content;
export const clinic = document.querySelector('meta[name="clinic-name"]').content;

let clockOffset = 0; // server time minus browser time, from the last snapshot

export function setServerTime(iso) {
  clockOffset = Date.parse(iso) - Date.now();
}

export function serverNow() {
  return Date.now() + clockOffset;
}

export function minutesSince(iso) {
  return Math.max(0, Math.floor((serverNow() - Date.parse(iso)) / 60000));
}

export function duration(mins) {
  return mins < 60 ? mins + " min" : Math.floor(mins / 60) + " h " + (mins % 60) + " min";
}

export function ago(iso) {
  const mins = minutesSince(iso);
  return mins < 1 ? "just now" : duration(mins) + " ago";
}

// Times show in the clinic's zone, not the browser's (a desk PC may run on UTC).
let clinicZone = { name: "", offsetMin: null };

export function setClinicZone(consoleInfo) {
  clinicZone = { name: consoleInfo.timezone || "", offsetMin: consoleInfo.utc_offset_min };
}

export function clockTime(iso) {
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  if (clinicZone.name) {
    try {
      return new Date(iso).toLocaleTimeString([], { ...options, timeZone: clinicZone.name });
    } catch (e) { /* a zone this browser does not know: use the offset below */ }
  }
  if (clinicZone.offsetMin === null || clinicZone.offsetMin === undefined) {
    return new Date(iso).toLocaleTimeString([], options);
  }
  const shifted = new Date(Date.parse(iso) + clinicZone.offsetMin * 60000);
  return shifted.toLocaleTimeString([], { ...options, timeZone: "UTC" });
}

// Before the page goes to sign-in, main.js closes the stream (a hook, so that
// modules below main need not import it).
const beforeLeave = [];
export function onLeave(fn) { beforeLeave.push(fn); }
export function leave(reason) {
  beforeLeave.forEach((fn) => fn());
  window.location.assign("/login?reason=" + encodeURIComponent(reason));
}

// A 423 says the session locked (idle) before the page knew: main.js shows the lock.
const whenLocked = [];
export function onLocked(fn) { whenLocked.push(fn); }

export async function post(url, body) {
  const r = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify(body),
  });
  if (r.status === 401) leave("expired");
  if (r.status === 423) whenLocked.forEach((fn) => fn());
  return r;
}

// One polite live region for the page: screen readers hear each message once.
export function announce(text) {
  const region = document.getElementById("announce");
  if (!region || !text) return;
  region.textContent = "";
  // A new text node in a later frame is announced even when the words repeat.
  requestAnimationFrame(() => { region.textContent = text; });
}

// The reason a failed POST gives, for a short message on the page.
export async function reasonOf(r) {
  try {
    const detail = (await r.json()).detail;
    return typeof detail === "string" ? detail : JSON.stringify(detail);
  } catch (e) {
    return r.statusText;
  }
}
