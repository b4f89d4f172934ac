"""The Kivy App: the only place that wires flow, client, outbox, printer and screens.

Call kiosk.window.configure_window(config) before importing this module: importing
Kivy's window here creates it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.metrics import Metrics
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import i18n, keys, sdnotify, tactile
from kiosk.client import KioskClient
from kiosk.controller import Controller
from kiosk.flow import Flow
from kiosk.heartbeat import Heartbeat
from kiosk.outbox import Outbox
from kiosk.printing import ReceiptPrinter, open_configured_printer
from kiosk.scanner import ScanBuffer
from kiosk.screens import SCREENS
from kiosk.sender import Sender
from kiosk.speech import open_speaker, phrases
from kiosk.speech.jack import JackWatch, switch_path
from kiosk.speech.mode import SpeechMode
from kiosk.widgets.keyboard import LetterKeyboard
from kiosk.widgets.keypad import DigitKeypad
from seen.vocabulary import WELCOME

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
LARGE_TEXT_SCALE = 1.3
ENTER_KEYS = (13, 271)  # Return, keypad Enter
BACKSPACE = 8
# A scanner types a whole code in well under a second; a person, even quickly, slower.
SCAN_GAP_S = 0.15
MIN_SCAN_LENGTH = 4


class KivyTimers:
    """The controller's timers on Kivy's clock (callbacks run on the UI thread)."""

    def call_soon(self, fn) -> None:
        Clock.schedule_once(lambda _dt: fn(), 0)

    def call_later(self, seconds: float, fn):
        return Clock.schedule_once(lambda _dt: fn(), seconds)


def load_kv() -> None:
    from kivy.factory import Factory

    for cls in (LetterKeyboard, DigitKeypad):
        Factory.register(cls.__name__, cls=cls)
    from kiosk.widgets import buttons

    Factory.register("BigButton", cls=buttons.BigButton)
    Factory.register("QuietButton", cls=buttons.QuietButton)
    Factory.register("FittingButton", cls=buttons.FittingButton)
    Builder.load_file(str(HERE / "widgets" / "widgets.kv"))
    for name in SCREENS:
        Builder.load_file(str(HERE / "screens" / f"{name}.kv"))


class KioskApp(App):
    """The patient's check-in screen."""

    title = "Seen check-in"
    language = StringProperty("en")
    high_contrast = BooleanProperty(False)  # the "Larger text" toggle: bigger and starker

    def __init__(self, kiosk_config, **kwargs) -> None:
        super().__init__(**kwargs)
        self.kiosk_config = kiosk_config
        # Status "none": the printer is never asked, so paper-out is never seen.
        self.flow = Flow(printer_checks=kiosk_config.printer_status != "none")
        self.controller: Controller | None = None
        self.screens: ScreenManager | None = None
        self.scans = ScanBuffer(max_gap_s=SCAN_GAP_S)
        self._last_key = 0.0
        self._before_burst = None
        self._swallow_text: str | None = None  # a speech key's own character
        self.focus = tactile.Focus()  # the keypad's place among the screen's choices

    def build(self):
        c = self.kiosk_config
        load_kv()
        Window.clearcolor = (1, 1, 1, 1)
        self.client = KioskClient(c.server_url, c.token, ca_file=c.ca_file)
        # A full or failing disk must not stop the kiosk: events wait in memory instead.
        self.outbox = Outbox(c.outbox_path, must_open=False)
        self.printer = open_configured_printer(c)
        # A receipt that did not print reaches the console at once, not at the next beat.
        self.receipts = ReceiptPrinter(
            self.printer,
            c.clinic_name,
            c.long_wait_min,
            profile=c.printer_profile,
            width=c.printer_width,
            on_result=self._receipt_result,
        )
        self.sender = Sender(
            self.outbox,
            self.client,
            max_server_errors=c.outbox_max_server_errors,
            retention_s=c.outbox_retention_h * 3600,
        )
        timers = KivyTimers()
        self.heartbeat = Heartbeat(
            self.client,
            self.printer,
            c.heartbeat_s,
            on_status=lambda reachable, live: timers.call_soon(
                lambda: self.controller.console_status(live, reachable)
            ),
            outbox=self.outbox,
            on_printer=lambda state: timers.call_soon(
                lambda: self.controller.printer_report(state)
            ),
        )
        self._timers = timers
        voices = {"en": c.speech_voice_en, "es": c.speech_voice_es}
        self.speaker = open_speaker(c.speech_engine, c.speech_volume, voices)
        self.controller = Controller(
            self.flow,
            self.client,
            self.outbox,
            self.receipts,
            timers,
            c,
            show=self.show,
            present=self.present,
            speech=SpeechMode(self.speaker, c),
        )
        # Headphones plugged in or pulled out, seen on the watcher's threads, acted on here.
        self.jack = JackWatch(
            c.headphones_cards,
            switch_path(c.headphones_switch),
            lambda plugged: timers.call_soon(lambda: self.controller.headphones(plugged)),
            c.headphones_poll_s,
        )
        self.screens = ScreenManager(transition=NoTransition())
        # Only welcome is built before the first frame; the rest follow, one a frame, once
        # it is up (start-up time on a Pi; docs/performance.md). show() builds any still missing.
        self.screens.add_widget(SCREENS[WELCOME](name=WELCOME))
        Window.bind(
            on_touch_down=self._touched,
            on_textinput=self._typed,
            on_key_down=self._key_down,
            on_key_up=self._key_up,
            on_request_close=self._refuse_close,
        )
        self.present("en", False)
        self.show(WELCOME)
        return self.screens

    def present(self, language: str, large_text: bool) -> None:
        """Switch the words and the text size of every screen (kv rules watch these)."""
        i18n.set_language(language)
        Metrics.fontscale = LARGE_TEXT_SCALE if large_text else 1.0
        self.high_contrast = large_text
        self.language = language
        Window.clearcolor = (0, 0, 0, 1) if large_text else (1, 1, 1, 1)

    def _typed(self, _window, text: str) -> None:
        # A USB keyboard types into the field on screen, as the on-screen keys do; a burst
        # that ends in Enter like a scanner's is a code, and the field gets back its text.
        if self._swallow_text is not None and text == self._swallow_text:
            self._swallow_text = None  # a speech key's "-" or "*" is not typed
            return
        now = time.monotonic()
        if now - self._last_key > SCAN_GAP_S:
            self._before_burst = keys.snapshot(self.screens.current_screen)
        self._last_key = now
        self.scans.feed(text, now)
        if keys.type_into(self.screens.current_screen, text):
            self.focus.reset()  # typing by keyboard: Enter is Next again, not the walked key
            self.controller.touched()

    def _key_down(self, _window, key: int, _scancode=None, _text=None, modifiers=()) -> bool:
        if key in keys.SPEECH_KEYS:
            self._swallow_text = keys.SPEECH_KEY_TEXT.get(key)
            self.controller.speech_key(keys.SPEECH_KEYS[key])
            return True
        if key in tactile.MOVE_KEYS:
            self._move_focus(key, "shift" in (modifiers or ()))
            return True
        if key in ENTER_KEYS:
            code = self.scans.enter(time.monotonic())
            if code and len(code) >= MIN_SCAN_LENGTH:
                keys.restore(self._before_burst)
                self.controller.scanned(code)
            elif self.controller.accepts_touch():  # as a tap: not just after a change by itself
                self._enter()
            return True
        if key == BACKSPACE:
            keys.delete(self.screens.current_screen)
            return True
        return key == 27  # Escape: swallowed, never "back" or "exit" on a kiosk

    def _move_focus(self, key: int, backwards: bool) -> None:
        screen = self.screens.current_screen
        where = self.focus.move(screen, phrases.choices(self.flow), key, backwards)
        if where is not None:
            label, index, count = where
            self.controller.focus_moved(label, index, count, place=self.focus.ring == "choices")

    def _enter(self) -> None:
        """Enter presses the focused choice or key; else it is Next (or, in speech mode at
        welcome, Check in: a blind patient has no other way to begin)."""
        screen = self.screens.current_screen
        if self.focus.press() or keys.press_next(screen):
            return
        if self.flow.state == WELCOME and self.controller.speaking:
            self.controller.start(self.flow.language)

    def _key_up(self, _window, _key, *_args) -> bool:
        # On key up, after the key's text went to the screen it was pressed on: a key that
        # wakes "Are you still there?" is never typed into the field it returns to.
        self.controller.key_released()
        return False

    def _refuse_close(self, *_args, **_kwargs) -> bool:
        return True  # only stopping the process ends the kiosk; no key or gesture does

    def open_settings(self, *_args) -> bool:
        return False  # Kivy opens its settings panel on F1; a patient must never see it

    def show(self, name: str) -> None:
        """Put the flow's screen up; at welcome, every screen forgets the patient first."""
        if name == WELCOME:
            for screen in self.screens.screens:
                screen.clear()
        if not self.screens.has_screen(name):
            self.screens.add_widget(SCREENS[name](name=name))
        screen = self.screens.get_screen(name)
        screen.refresh(self.flow, self.kiosk_config)
        self.screens.current = name
        self.focus.reset()  # a new screen (or the same redrawn): its choices from the start

    def _receipt_result(self, _arrival, result) -> None:
        # Called on the printing thread. Screens may also listen (telling the patient).
        self._timers.call_soon(lambda: self.controller.printer_report(result.state))
        if not result.printed and result.state != "none":
            self.heartbeat.nudge()

    def _touched(self, _window, _touch) -> bool:
        if not self.controller.accepts_touch():
            return True  # just after the screen changed by itself: meant for the last one
        self.controller.touched()
        return False  # let the touch reach the widgets

    def _build_next_screen(self, _dt=None) -> None:
        for name, cls in SCREENS.items():
            if not self.screens.has_screen(name):
                self.screens.add_widget(cls(name=name))
                Clock.schedule_once(self._build_next_screen, 0)
                return

    def on_start(self) -> None:
        Clock.schedule_once(self._build_next_screen, 0.2)
        self.sender.start()
        self.heartbeat.start()
        self.jack.start()
        # Under systemd (seen-kiosk.service): ready now, then a ping from the UI loop itself,
        # so a frozen screen stops the pings and gets the kiosk restarted.
        sdnotify.ready()
        interval = sdnotify.watchdog_interval()
        if interval:
            sdnotify.watchdog()
            Clock.schedule_interval(lambda _dt: sdnotify.watchdog(), interval)

    def on_stop(self) -> None:
        sdnotify.stopping()
        self.heartbeat.stop(timeout=2)
        self.jack.stop(timeout=2)
        self.sender.stop(timeout=2)
        self.receipts.stop(timeout=2)
        self.speaker.close()
        self.printer.close()
        self.outbox.close()


def run(config) -> None:
    """Run the kiosk until the window closes."""
    KioskApp(config).run()
