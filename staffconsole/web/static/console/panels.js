// The kiosk strip and the "Dealt with today" history: small lists redrawn whole.
import { $, clockTime } from "./util.js";

export function renderKiosks(kiosks) {
  const items = kiosks.map((k) => {
    const li = document.createElement("li");
    // printer_ok is null while the kiosk is not heard from: unknown, not a fault.
    const printerClass = k.printer_ok === null ? " printer-unknown"
      : k.printer_ok ? "" : " printer-fault";
    li.className = "kiosk-item " + (k.online ? "online" : "offline") + printerClass;
    const name = document.createElement("strong");
    name.textContent = k.name;
    const state = document.createElement("span");
    state.className = "kiosk-state";
    state.textContent = k.online ? "Online" : k.last_seen_at ? "Offline" : "Never connected";
    const printer = document.createElement("span");
    printer.className = "printer-state";
    printer.textContent = k.printer_label;
    li.append(name, " ", state, " · ", printer);
    if (k.app_version) {  // what it runs, by its last heartbeat: upgrades show here
      const version = document.createElement("span");
      version.className = "kiosk-version";
      version.textContent = "version " + k.app_version;
      li.append(" · ", version);
    }
    return li;
  });
  $("kiosks").replaceChildren(...items);
  $("kiosk-strip").hidden = kiosks.length === 0;
}

export function renderHistory(history) {
  const items = history.map((h) => {
    const li = document.createElement("li");
    li.className = "history-item";
    const head = document.createElement("strong");
    head.textContent = clockTime(h.resolved_at) + " " + h.kind_label + " — " + h.outcome_label;
    const summary = document.createElement("span");
    summary.className = "history-summary";
    summary.textContent = h.summary;
    const by = document.createElement("span");
    by.className = "history-by";
    by.textContent = "by " + h.resolved_by + (h.note ? " · " + h.note : "");
    li.append(head, summary, by);
    return li;
  });
  $("history").replaceChildren(...items);
  $("history-count").textContent = String(history.length);
  $("no-history").hidden = history.length > 0;
}
