"""The controller with hand-written fakes: a manual clock, a scripted server, a real outbox."""

from __future__ import annotations

import threading

from hardware.printer import PrinterStatus
from kiosk import flow as f
from kiosk.client import Offline, Unconfirmed
from kiosk.config import KioskConfig, load_config
from kiosk.controller import Controller
from kiosk.outbox import Outbox
from kiosk.printing import ReceiptPrinter

DEFAULTS = KioskConfig()  # the declared settings' defaults

MARIA = {"appointment": 7, "display_name": "Maria O.", "time": "10:30", "provider": "Dr. Lee"}
ARRIVAL = {**MARIA, "id": 3, "arrived_at": "2026-11-22T15:20:00+00:00", "ticket": 12}


class ManualTimers:
    """Timers that fire only when the test advances time."""

    def __init__(self):
        self.now = 0.0
        self.due: list[list] = []  # [when, fn, cancelled]

    def call_soon(self, fn):
        fn()

    def call_later(self, seconds, fn):
        entry = [self.now + seconds, fn, False]
        self.due.append(entry)

        class Handle:
            def cancel(self_inner):
                entry[2] = True

        return Handle()

    def advance(self, seconds):
        self.now += seconds
        for entry in sorted(self.due, key=lambda e: e[0]):
            if entry[0] <= self.now and not entry[2]:
                entry[2] = True
                entry[1]()


class ScriptedServer:
    def __init__(self, matches=(MARIA,), checkin=ARRIVAL):
        self.matches, self.checkin_answer = matches, checkin
        self.calls = []

    def lookup_code(self, session, code):
        self.calls.append(("lookup_code", session, code))
        return list(self.matches)

    def lookup(self, session, last_name, dob):
        self.calls.append(("lookup", session, last_name, dob))
        if isinstance(self.matches, Exception):
            raise self.matches
        return list(self.matches)

    def checkin(self, session, appointment):
        self.calls.append(("checkin", session, appointment))
        if isinstance(self.checkin_answer, Exception):
            raise self.checkin_answer
        return self.checkin_answer


class ListReceipts:
    def __init__(self):
        self.arrivals = []

    def submit(self, arrival, on_failed=None, language="en"):
        self.arrivals.append(arrival)
        self.language = language
        self.on_failed = on_failed


def make(tmp_path, server=None, receipts=None):
    ids = iter(f"id{n}" for n in range(1000))
    shown = []
    config = load_config(None, environ={})
    timers = ManualTimers()
    box = Outbox(tmp_path / "o.db")
    controller = Controller(
        f.Flow(),
        server or ScriptedServer(),
        box,
        receipts or ListReceipts(),
        timers,
        config,
        show=shown.append,
        new_id=lambda: next(ids),
        now_iso=lambda: "2026-11-22T15:20:00+00:00",
        run=lambda fn: fn(),
    )
    return controller, timers, box, shown


def types(box):
    return [e["type"] for e in box.pending(1000)]


def test_checkin_by_calls(tmp_path):
    receipts = ListReceipts()
    c, timers, box, shown = make(tmp_path, receipts=receipts)
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")
    c.confirm_yes()
    assert shown == [
        "identify_name",
        "identify_dob",
        "looking_up",
        "confirm",
        "checking_in",
        "done",
    ]
    assert receipts.arrivals == [ARRIVAL]
    assert types(box) == [
        "session.started",
        "session.step",
        "session.progress",  # what was typed, as the screen changes
        "session.step",
        "session.progress",
        "session.step",
        "session.step",
        "session.step",
        "session.checked_in",
        "session.step",
    ]
    assert {e["session"] for e in box.pending(1000)} == {"id0"}
    timers.advance(c.config.done_return_s)
    assert shown[-1] == "welcome" and types(box)[-1] == "session.ended"


def test_inactivity_prompt_countdown_then_timed_out(tmp_path):
    c, timers, box, shown = make(tmp_path)
    c.start()
    c.typed("last_name", "Oka")  # with nothing typed the first screen ends quietly instead
    timers.advance(44)
    c.touched()  # a touch restarts the wait
    timers.advance(44)
    assert shown[-1] == "identify_name"
    timers.advance(1)
    assert shown[-1] == "still_there"
    timers.advance(c.config.countdown_s)
    assert shown[-1] == "handoff"
    handoff = next(e for e in box.pending(100) if e["type"] == "session.handed_off")
    assert handoff["data"]["reason"] == "timed_out"
    timers.advance(c.config.handoff_return_s)
    assert shown[-1] == "welcome"


def test_still_here_cancels_the_countdown(tmp_path):
    c, timers, box, shown = make(tmp_path)
    c.start()
    timers.advance(45)
    c.still_here()
    timers.advance(20)  # past the countdown, but inside the new 45 s wait
    assert shown[-1] == "identify_name" and "session.handed_off" not in types(box)


def test_a_key_on_the_countdown_is_still_here(tmp_path):
    c, timers, box, shown = make(tmp_path)
    c.start()
    c.typed("last_name", "Oka")
    timers.advance(44)
    c.key_released()  # a key while typing restarts the wait, as a touch does
    timers.advance(44)
    assert shown[-1] == "identify_name"
    timers.advance(1)
    assert shown[-1] == "still_there"
    c.key_released()
    assert shown[-1] == "identify_name" and c.flow.entered == {"last_name": "Oka"}
    timers.advance(20)  # past the countdown, but inside the new 45 s wait
    assert shown[-1] == "identify_name" and "session.handed_off" not in types(box)


def test_lookup_offline_hands_off(tmp_path):
    c, _, _box, shown = make(tmp_path, ScriptedServer(matches=Offline("down")))
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")
    assert shown[-1] == "handoff" and c.flow.reason == "offline"


def test_checkin_unconfirmed_hands_off_never_done(tmp_path):
    receipts = ListReceipts()
    c, _, _box, shown = make(tmp_path, ScriptedServer(checkin=Unconfirmed("timeout")), receipts)
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")
    c.confirm_yes()
    assert shown[-1] == "handoff" and c.flow.reason == "checkin_unconfirmed"
    assert "done" not in shown and receipts.arrivals == []


def test_help_from_welcome_gets_a_session(tmp_path):
    c, _, box, shown = make(tmp_path)
    c.help()
    assert shown == ["handoff"]
    assert types(box)[:2] == ["session.started", "session.handed_off"]


class BrokenPrinter:
    def __init__(self):
        self.tried = threading.Event()

    def status(self):
        return PrinterStatus("ok", "")

    def print_bytes(self, data):
        self.tried.set()
        raise OSError("device gone")


def test_a_printer_fault_never_blocks_the_checkin(tmp_path):
    printer = BrokenPrinter()
    receipts = ReceiptPrinter(
        printer, "Clinic", 15, profile=DEFAULTS.printer_profile, width=DEFAULTS.printer_width
    )
    c, _, _box, shown = make(tmp_path, receipts=receipts)
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")
    c.confirm_yes()
    assert shown[-1] == "done"
    assert printer.tried.wait(5)
    receipts.stop()
    assert receipts.failed == 1 and receipts.printed == 0


def test_a_failed_receipt_is_said_on_the_done_screen(tmp_path):
    printer = BrokenPrinter()
    receipts = ReceiptPrinter(
        printer, "Clinic", 15, profile=DEFAULTS.printer_profile, width=DEFAULTS.printer_width
    )
    c, _timers, _box, shown = make(tmp_path, receipts=receipts)
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")
    c.confirm_yes()
    receipts.stop()  # the failure came back through timers.call_soon before this returns
    assert c.flow.receipt_failed and shown[-2:] == ["done", "done"]


class PaperOut:
    def __init__(self):
        self.data = b""

    def status(self):
        return PrinterStatus("paper_out", "")

    def print_bytes(self, data):
        self.data += data


def test_a_printer_out_of_paper_is_not_sent_the_slip(tmp_path):
    printer, failed = PaperOut(), threading.Event()
    receipts = ReceiptPrinter(
        printer, "Clinic", 15, profile=DEFAULTS.printer_profile, width=DEFAULTS.printer_width
    )
    receipts.submit(ARRIVAL, on_failed=failed.set)
    assert failed.wait(5)
    receipts.stop()
    assert printer.data == b"" and receipts.failed == 1


def test_code_and_scanner_look_up_by_code(tmp_path):
    server = ScriptedServer()
    c, _, box, shown = make(tmp_path, server)
    c.scanned("QX7-42")  # from welcome: a session of its own
    assert shown[:2] == ["looking_up", "confirm"]
    assert server.calls == [("lookup_code", "id0", "QX7-42")]
    assert types(box)[0] == "session.started"
    c.confirm_no()
    c.finish()
    c.start()
    c.use_code()
    c.enter_code("ab 12")
    assert server.calls[-1][0] == "lookup_code" and server.calls[-1][2] == "ab12"


def test_walk_in_hands_off_with_the_details(tmp_path):
    c, _, box, shown = make(tmp_path)
    c.start()
    c.walk_in()
    assert shown[-1] == "walk_in"
    c.walk_in_details("Seán", "O'Brien", "555 0100")
    handoff = next(e for e in box.pending(100) if e["type"] == "session.handed_off")
    assert handoff["data"] == {
        "reason": "walk_in",
        "step": "walk_in",
        "entered": {"first_name": "Seán", "last_name": "O'Brien", "phone": "5550100"},
    }


def test_language_and_text_size_are_presented_and_reset(tmp_path):
    presented = []
    c, timers, _box, shown = make(tmp_path)
    c.present = lambda language, large: presented.append((language, large))
    c.start("es")
    c.toggle_large_text()
    c.set_language("en")
    assert presented == [("es", False), ("es", True), ("en", True)]
    assert shown == ["identify_name", "identify_name", "identify_name"]
    c.help()
    timers.advance(c.config.handoff_return_s)
    assert presented[-1] == ("en", False) and shown[-1] == "welcome"


# -- issue 14: no ghost sessions, typing reaches the server, honest hand-off words ----------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def make_clocked(tmp_path, server=None):
    clock = Clock()
    c, timers, box, shown = make(tmp_path, server=server)
    c.clock = clock
    return c, timers, box, shown, clock


def test_tap_guard_rule():
    from kiosk.controller import tap_ignored

    assert not tap_ignored(10.0, None)
    assert tap_ignored(10.5, 10.0) and tap_ignored(10.0, 10.0)
    assert not tap_ignored(11.0, 10.0) and not tap_ignored(12.0, 10.0)


def test_taps_right_after_done_times_out_are_ignored(tmp_path):
    c, timers, _box, shown, clock = make_clocked(tmp_path)
    c.start()
    c.enter_name("Okafor")
    c.enter_dob("1980-04-02")  # the server's answer changes the screen by itself
    assert shown[-1] == "confirm" and not c.accepts_touch()
    clock.now += 1.0
    assert c.accepts_touch()
    c.confirm_yes()
    clock.now += 5
    assert c.accepts_touch()
    timers.advance(c.config.done_return_s)  # back to welcome by itself
    assert shown[-1] == "welcome" and not c.accepts_touch()
    clock.now += 0.9
    assert not c.accepts_touch()
    clock.now += 0.2
    assert c.accepts_touch()


def test_a_patient_tap_that_changes_the_screen_is_not_guarded(tmp_path):
    c, _timers, _box, _shown, _clock = make_clocked(tmp_path)
    c.start()
    c.use_code()
    assert c.accepts_touch()


def test_typing_is_sent_after_a_pause(tmp_path):
    c, timers, box, _shown, _clock = make_clocked(tmp_path)
    c.start()
    c.typed("last_name", "O")
    timers.advance(1.0)
    c.typed("last_name", "Ok")
    timers.advance(1.0)
    assert "session.progress" not in types(box)  # still typing
    timers.advance(0.6)
    (progress,) = [e for e in box.pending(100) if e["type"] == "session.progress"]
    assert progress["data"] == {"step": "identify_name", "entered": {"last_name": "Ok"}}


def test_handoff_words_wait_for_the_server_to_accept(tmp_path):
    c, timers, box, shown, _clock = make_clocked(tmp_path)
    c.console_status(True)
    c.start()
    c.help()
    assert shown[-1] == "handoff" and not c.flow.someone_coming
    timers.advance(0.3)
    assert not c.flow.someone_coming  # the outbox still holds it
    box.mark_sent([e["id"] for e in box.pending(100)])
    timers.advance(0.3)
    assert c.flow.someone_coming and shown[-1] == "handoff"


def test_a_held_handoff_never_says_someone_is_coming(tmp_path):
    c, timers, box, _shown, _clock = make_clocked(tmp_path)
    c.console_status(True)
    c.start()
    c.help()
    (handoff,) = [e for e in box.pending(100) if e["type"] == "session.handed_off"]
    box.hold(handoff["id"], "refused")
    timers.advance(0.3)
    assert not c.flow.someone_coming


def test_an_unreachable_server_is_told_to_the_flow(tmp_path):
    c, _timers, _box, shown, _clock = make_clocked(tmp_path)
    c.console_status(False, reachable=False)
    assert not c.flow.reachable and shown[-1:] == ["welcome"]


def test_an_outbox_that_knows_delivery_is_asked(tmp_path):
    c, timers, box, _shown, _clock = make_clocked(tmp_path)
    delivered = set()
    box.delivered = lambda event_id: event_id in delivered  # e.g. one keeping events in memory
    c.console_status(True)
    c.start()
    c.help()
    (handoff,) = [e for e in box.pending(100) if e["type"] == "session.handed_off"]
    box.mark_sent([handoff["id"]])  # its table says sent, but the outbox itself is asked
    timers.advance(0.3)
    assert not c.flow.someone_coming
    delivered.add(handoff["id"])
    timers.advance(0.3)
    assert c.flow.someone_coming
