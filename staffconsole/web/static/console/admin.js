// The admins' page: staff logins and kiosks. Every name is put in as text (never HTML);
// every change is a POST with the session's CSRF token (util.post), answered with the
// server's plain reason when it is refused.
import { $, onLocked, post, reasonOf, leave } from "./util.js";

const API = "/api/v1/console/admin";
let you = "";

// A locked session (idle) unlocks on the console page, which has the lock screen.
onLocked(() => window.location.assign("/console"));

function say(text) {
  $("admin-status").textContent = text;
}

async function getJson(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  if (r.status === 401) leave("expired");
  if (r.status === 423) window.location.assign("/console");
  if (!r.ok) throw new Error(await reasonOf(r));
  return r.json();
}

// POST, then the reason in `errorEl` if refused; returns the JSON answer or null.
async function change(url, body, errorEl) {
  errorEl.textContent = "";
  let r;
  try {
    r = await post(url, body);
  } catch (e) {
    errorEl.textContent = "Could not reach the server. Nothing was changed; try again.";
    return null;
  }
  if (!r.ok) {
    errorEl.textContent = await reasonOf(r);
    return null;
  }
  return r.json();
}

// Rows are drawn afresh after each change: keep the keyboard where it was (the same
// button in the new row), or put it on the status line when that button is gone.
function redraw(tbody, items, draw) {
  const focused = document.activeElement;
  const label = tbody.contains(focused) ? focused.getAttribute("aria-label") : null;
  tbody.replaceChildren(...items.map(draw));
  if (label === null) return;
  const same = [...tbody.querySelectorAll("button")].find((b) => b.getAttribute("aria-label") === label);
  (same || $("admin-status")).focus();
}

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

// The buttons of a row, in a box of their own (a flex cell would break the table).
function actionsCell(row) {
  const box = document.createElement("div");
  box.className = "row-actions";
  cell(row, "").appendChild(box);
  return box;
}

function button(parent, label, name, onClick, className) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.setAttribute("aria-label", label + " " + name);
  if (className) b.className = className;
  b.addEventListener("click", onClick);
  parent.appendChild(b);
  return b;
}

// -- dialogs -------------------------------------------------------------------------

document.querySelectorAll("dialog [data-close]").forEach((b) => {
  b.addEventListener("click", () => b.closest("dialog").close());
});

let confirmAction = null;
let returnFocus = null;

function openDialog(dialog, focus) {
  returnFocus = document.activeElement;
  dialog.querySelectorAll(".error").forEach((el) => { el.textContent = ""; });
  dialog.showModal();
  if (focus) focus.focus();
}

document.querySelectorAll("dialog").forEach((d) => {
  d.addEventListener("close", () => {
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    else $("admin-status").focus();
  });
});

function confirmFirst(heading, text, yes, action) {
  $("confirm-heading").textContent = heading;
  $("confirm-text").textContent = text;
  $("confirm-yes").textContent = yes;
  confirmAction = action;
  openDialog($("confirm-dialog"), $("confirm-yes"));
}

$("confirm-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!confirmAction) return;
  const done = await confirmAction($("confirm-error"));
  if (done) {
    confirmAction = null;
    $("confirm-dialog").close();
  }
});

// -- staff logins ----------------------------------------------------------------------

async function loadUsers() {
  let answer;
  try {
    answer = await getJson(API + "/users");
  } catch (e) {
    $("users-error").textContent = "Could not load the staff logins: " + e.message;
    return;
  }
  you = answer.you;
  redraw($("user-rows"), answer.users, userRow);
}

function userRow(user) {
  const row = document.createElement("tr");
  row.dataset.username = user.username;
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = user.username;
  if (user.username === you) name.append(" (you)");
  row.appendChild(name);
  cell(row, user.role);
  cell(row, user.disabled ? "Disabled" : "Active");
  cell(row, user.last_sign_in_shown || "Not known");
  cell(
    row,
    user.paused_until_shown
      ? "Paused until " + user.paused_until_shown + " (" + user.failed_tries + " wrong tries)"
      : "No",
    user.paused_until_shown ? "paused" : "",
  );
  const actions = actionsCell(row);
  const who = user.username;
  const act = (path, body, message) => async () => {
    const done = await change(API + "/users/" + path, { username: who, ...body }, $("users-error"));
    if (done) { say(message); await loadUsers(); }
  };
  if (user.paused_until_shown) {
    button(actions, "Unlock sign-in", who, act("unlock", {}, "Sign-in for " + who + " unpaused."));
  }
  button(actions, "Reset password", who, () => askPassword(who));
  if (user.username !== you) {
    if (user.disabled) {
      button(actions, "Enable", who, act("enable", {}, who + " can sign in again."));
    } else {
      button(actions, "Disable", who, act("disable", {}, who + " is disabled and signed out everywhere."));
    }
    const other = user.role === "admin" ? "receptionist" : "admin";
    button(actions, "Make " + other, who,
      act("set-role", { role: other }, who + " is now " + other + " (signed out to pick it up)."));
    button(actions, "Remove", who, () => confirmFirst(
      "Remove " + who + "?",
      "The login is deleted; the audit log and past alerts keep the name. " +
        "To stop it for now, Disable instead.",
      "Remove " + who,
      async (errorEl) => {
        const done = await change(API + "/users/remove", { username: who }, errorEl);
        if (done) { say(who + " removed."); await loadUsers(); }
        return done;
      },
    ), "quiet");
  }
  return row;
}

let passwordFor = "";

function askPassword(username) {
  passwordFor = username;
  $("password-user").textContent = username;
  $("reset-password").value = "";
  $("reset-again").value = "";
  openDialog($("password-dialog"), $("reset-password"));
}

$("password-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const password = $("reset-password").value;
  if (password !== $("reset-again").value) {
    $("password-error").textContent = "The two passwords are not the same.";
    return;
  }
  const body = { username: passwordFor, password };
  const done = await change(API + "/users/reset-password", body, $("password-error"));
  if (!done) return;
  $("password-dialog").close();
  if (passwordFor === you) { leave("expired"); return; } // their own: signed out too
  say("Password of " + passwordFor + " changed; they were signed out everywhere.");
  await loadUsers();
});

$("add-user").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const body = {
    username: form.username.value.trim(),
    role: form.role.value,
    password: form.password.value,
  };
  if (!body.username || !body.password) {
    $("add-user-error").textContent = "Type a username and a first password.";
    return;
  }
  const done = await change(API + "/users", body, $("add-user-error"));
  if (!done) return;
  form.reset();
  say("Login " + done.user.username + " added (" + done.user.role + ").");
  await loadUsers();
});

// -- kiosks ----------------------------------------------------------------------------

async function loadKiosks() {
  let answer;
  try {
    answer = await getJson(API + "/kiosks");
  } catch (e) {
    $("kiosks-error").textContent = "Could not load the kiosks: " + e.message;
    return;
  }
  redraw($("kiosk-rows"), answer.kiosks, kioskRow);
}

function kioskRow(kiosk) {
  const row = document.createElement("tr");
  row.dataset.kiosk = kiosk.name;
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = kiosk.name;
  row.appendChild(name);
  cell(row, kiosk.revoked_at ? "Revoked" : "Active");
  cell(row, kiosk.last_seen_shown || "Never");
  cell(row, kiosk.app_version || "Not reported");
  let printer = kiosk.printer_label || "Not reported";
  if (kiosk.printer_detail) printer += " (" + kiosk.printer_detail + ")";
  cell(row, printer);
  const actions = actionsCell(row);
  const which = kiosk.name;
  if (!kiosk.revoked_at) {
    button(actions, "Rename", which, () => askRename(which));
    button(actions, "Revoke", which, () => confirmFirst(
      "Revoke " + which + "?",
      "Its token stops working at once: the kiosk can no longer check anyone in. " +
        "Add it again to give it a new token.",
      "Revoke " + which,
      async (errorEl) => {
        const done = await change(API + "/kiosks/revoke", { name: which }, errorEl);
        if (done) { say("Kiosk " + which + " revoked: its token no longer works."); await loadKiosks(); }
        return done;
      },
    ), "quiet");
  }
  return row;
}

let renaming = "";

function askRename(name) {
  renaming = name;
  $("rename-old").textContent = name;
  $("rename-new").value = name;
  openDialog($("rename-dialog"), $("rename-new"));
  $("rename-new").select();
}

$("rename-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { name: renaming, new_name: $("rename-new").value };
  const done = await change(API + "/kiosks/rename", body, $("rename-error"));
  if (!done) return;
  $("rename-dialog").close();
  say("Kiosk " + renaming + " is now " + done.kiosk.name + "; its token still works.");
  await loadKiosks();
});

$("add-kiosk").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target;
  const name = form.name.value.trim();
  if (!name) {
    $("add-kiosk-error").textContent = "Type a name for the kiosk, e.g. Lobby kiosk 2.";
    return;
  }
  const done = await change(API + "/kiosks", { name }, $("add-kiosk-error"));
  if (!done) return;
  form.reset();
  showToken(done.kiosk.name, done.token);
  say("Kiosk " + done.kiosk.name + " added. Copy its token now: it is shown only this once.");
  await loadKiosks();
});

// The token lives only in this box until it is hidden: the server keeps its hash alone.
function showToken(kioskName, token) {
  $("new-token-kiosk").textContent = kioskName;
  $("new-token-value").value = token;
  $("copy-state").textContent = "";
  $("new-token").hidden = false;
  $("new-token-value").focus();
  $("new-token-value").select();
}

$("copy-token").addEventListener("click", async () => {
  const field = $("new-token-value");
  field.focus();
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    $("copy-state").textContent = "Copied. Paste it into the kiosk's config file.";
  } catch (e) {
    // No clipboard (a plain-http page): the token is selected for Ctrl+C.
    $("copy-state").textContent = "The token is selected: press Ctrl+C to copy it.";
  }
});

$("hide-token").addEventListener("click", () => {
  $("new-token-value").value = "";
  $("new-token-kiosk").textContent = "";
  $("new-token").hidden = true;
  say("Token hidden. It cannot be shown again.");
  $("new-kiosk").focus();
});

loadUsers();
loadKiosks();
