"""The words a receptionist reads for each alert kind, status, outcome and printer state."""

from __future__ import annotations

from staffconsole.rules import alerting

KIND_LABELS = {
    "no_match": "Kiosk could not find the appointment",
    "not_me": "Patient said the match was not them",
    "help": "Patient asked for help",
    "timed_out": "Patient stopped partway",
    "offline": "Kiosk could not reach the server",
    "checkin_unconfirmed": "Check-in not confirmed",
    "reported_problem": "Patient reported a problem",
    "walk_in": "Walk-in patient",
    "unresponsive_session": "Kiosk went quiet mid check-in",
    "long_wait": "Long wait",
    "lobby_busy": "Lobby is busy",
    "kiosk_offline": "Kiosk offline",
    "printer": "Receipt printer needs attention",
    "no_console": "Nobody is watching the console",
    "lookup_rate": "Too many look-ups from a kiosk",
}

STATUS_LABELS = {"open": "New", "acknowledged": "Seen", "resolved": "Resolved"}

OUTCOME_LABELS = {
    "checked_in_at_desk": "Checked in at the desk",
    "redirected": "Sent to the right place",
    "patient_left": "Patient left",
    "false_alarm": "False alarm",
    "other": "Other",
    "no_appointment": "Patient had no appointment",
    "name_differs": "Name differs in our system",
    "dob_differs": "Date of birth differs in our system",
    "wrong_day": "Appointment is on another day",
    "kiosk_fault": "Kiosk fault",
}

# Outcomes staff do not pick: set by the lobby board or by the alert clearing itself.
SYSTEM_OUTCOME_LABELS = {
    alerting.CLEARED: "Cleared by itself",
    "called_in": "Patient called in",
    "seen": "Patient seen",
}

PRINTER_LABELS = {
    "ok": "Printer OK",
    "paper_near_end": "Paper nearly out",
    "paper_out": "Out of paper",
    "cover_open": "Cover open",
    "offline": "Printer offline",
    "error": "Printer error",
    "disconnected": "Printer disconnected",
    "none": "No printer",
}
