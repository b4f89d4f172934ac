"""Runs the REAL kiosk app (or a bare Kivy app) and times it from inside, on the Kivy clock.

    python -m bench.kiosk_probe start CONFIG.toml RESULT.json      first frame of welcome
    python -m bench.kiosk_probe taps CONFIG.toml RESULT.json ROUNDS   tap -> screen drawn
    python -m bench.kiosk_probe speech CONFIG.toml RESULT.json ROUNDS  the same taps with
                                                                     speech mode on
    python -m bench.kiosk_probe bare - RESULT.json                  a bare app, one label

"Drawn" is the first window flip after the screen became current. Taps are real touch
down/up events through the window (hit-testing as for a finger), one check-in per round.
The result JSON has `first_frame` (wall time) and, for taps, `taps`: [[path, seconds]].
In speech mode (turned on at welcome before each round, as a patient would with the star
key) it also has `speech`: [[screen, seconds from the screen becoming current to its
first phrase's espeak-ng process starting, or null when none started before the next]].
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from kiosk.controller import TAP_GUARD_S

PATIENT_KEYS = "okafor"
PATIENT_DOB = "04021980"
# (tap, screen expected next, path name measured or None). Keys and digits are not timed.
ROUND = [
    ("start", "identify_name", "welcome -> name"),
    *[(f"key_{c}", "identify_name", None) for c in PATIENT_KEYS],
    ("next", "identify_dob", "name -> date of birth"),
    *[(f"digit_{d}", "identify_dob", None) for d in PATIENT_DOB],
    ("next", "confirm", "date of birth -> confirm (server look-up)"),
    ("yes", "done", "yes -> done (server check-in)"),
    ("finish", "welcome", "done -> welcome"),
]
SETTLE_S = 0.15  # between taps, as a quick patient
# A screen the server's answer brought (not the tap itself) ignores taps for the kiosk's
# tap guard (kiosk.controller.TAP_GUARD_S): a quick patient waits that long there.
AUTOMATIC = ("confirm", "done")


def _walk(widget):
    yield widget
    for child in widget.children:
        yield from _walk(child)


def _find(root, name: str):
    for widget in _walk(root):
        if getattr(widget, "kiosk_id", None) == name:
            return widget
        if name in getattr(widget, "ids", {}):
            return widget.ids[name]
    return None


class Probe:
    def __init__(self, app, result_path: Path, rounds: int, speech: bool = False) -> None:
        self.app, self.result_path = app, result_path
        self.steps = ROUND * rounds
        self.result = {"first_frame": None, "taps": [], "error": None}
        self.pending = None  # (screen, path, tap time)
        self.index = 0
        self.speech = speech
        self.changes: list[tuple[str, float]] = []  # (screen, when it became current)
        self.phrases: list[float] = []  # when each phrase's process started

    def watch_speech(self) -> None:
        self.app.screens.bind(
            current=lambda _m, name: self.changes.append((name, time.perf_counter()))
        )
        self.app.speaker.on_phrase = lambda _text: self.phrases.append(time.perf_counter())

    def flipped(self, *_args) -> None:
        from kivy.clock import Clock

        now = time.perf_counter()
        screens = getattr(self.app, "screens", None)
        if self.result["first_frame"] is None:
            if screens is None or screens.current == "welcome":
                self.result["first_frame"] = time.time()
                Clock.schedule_once(self.next_tap, 1.0)
            return
        if self.pending and screens.current == self.pending[0]:
            _screen, path, started = self.pending
            self.pending = None
            if path:
                self.result["taps"].append([path, now - started])
            settle = SETTLE_S + (TAP_GUARD_S if screens.current in AUTOMATIC else 0)
            Clock.schedule_once(self.next_tap, settle)

    def next_tap(self, _dt) -> None:
        if self.index >= len(self.steps):
            return self.finish()
        from kivy.tests.common import UnitTestTouch  # imports pytest: not before it is needed

        name, screen, path = self.steps[self.index]
        self.index += 1
        if (
            self.speech
            and self.app.screens.current == "welcome"
            and not self.app.controller.speaking
        ):
            self.app.controller.speech_key("toggle")  # speech mode ends with every session
        root = self.app.screens.current_screen
        widget = _find(root, name)
        if widget is None:
            self.result["error"] = f"no {name!r} on {self.app.screens.current!r}"
            return self.finish()
        x, y = widget.to_window(*widget.center)
        self.pending = (screen, path, time.perf_counter())
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.app.root.canvas.ask_update()  # a tap that stays on its screen still flips

    def speech_starts(self) -> list:
        """[screen, seconds to its first phrase] per screen change (welcome ends speech)."""
        starts = []
        ends = [when for _name, when in self.changes[1:]] + [float("inf")]
        for (name, when), until in zip(self.changes, ends, strict=True):
            if name == "welcome":
                continue
            first = next((t for t in self.phrases if when <= t < until), None)
            starts.append([name, None if first is None else first - when])
        return starts

    def finish(self, *_args) -> None:
        if self.speech:
            self.result["speech"] = self.speech_starts()
        self.result_path.write_text(json.dumps(self.result))
        self.app.stop()


def _bare_app():
    from kivy.app import App
    from kivy.uix.label import Label

    class BareApp(App):
        def build(self):
            return Label(text="Welcome", font_size=48)

    return BareApp()


def main(argv: list[str]) -> int:
    mode, config_path, result_path = argv[:3]
    rounds = int(argv[3]) if len(argv) > 3 else 0
    if mode == "bare":
        from kivy.config import Config

        # The kiosk's window size: the GL buffers are a fair part of the memory compared.
        Config.set("graphics", "width", "1280")
        Config.set("graphics", "height", "800")
        app = _bare_app()
    else:
        from kiosk.config import load_config
        from kiosk.window import configure_window

        config = load_config(config_path)
        configure_window(config)
        from kiosk.app import KioskApp

        app = KioskApp(config)
    from kivy.clock import Clock
    from kivy.core.window import Window

    probe = Probe(app, Path(result_path), rounds, speech=mode == "speech")
    Window.bind(on_flip=probe.flipped)
    if probe.speech:
        Clock.schedule_once(lambda _dt: probe.watch_speech(), 0)  # once build() made them
    Clock.schedule_once(lambda _dt: probe.finish(), 60 + 20 * rounds)  # never hang the bench
    app.run()
    return 0 if probe.result["error"] is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
