"""Runs the REAL kiosk app in this process and plays a scripted scenario on the Kivy clock.

    python tests/helpers/kiosk_driver.py CONFIG.toml STEPS.json RESULT.json

Steps (one dict each, run in order, each on its own clock tick):
  {"tap": "start"}                 a widget on the current screen by kv id, kiosk_id or text,
                                   once the screen takes taps (as a patient who reads first)
  {"tap": "lang_es", "now": true}  the same at once, even in the second after the screen
                                   changed by itself (a late tap meant for the last screen)
  {"type": "Núñez"}                taps the letter keyboard's keys (space, - and ' too; an
                                   accented letter through the accents key), one per tick
  {"keypad": "04021980"}           taps the date keypad's digits
  {"wait_screen": "done", "timeout": 10}
  {"expect_text": "Maria O.", "timeout": 5}   a visible text containing this
  {"expect_absent": "Okafor"}     no widget on ANY screen holds this text (patient data gone)
  {"screenshot": "path.png"}
  {"check_targets": 90}            every visible button on the screen is at least 90x90 px
  {"sleep": 1.5}
  {"xdotool": ["type", "QX7-42"]}  runs xdotool on the display (real X key events, as a
                                   USB scanner or keyboard makes), pointer over the window
  {"xdotool_async": [...]}        the same without waiting, so the app sees keys as they come
                                   (a slow typist: ["type", "--delay", "1200", "Okafor"])
  {"signal": [PID, "SIGSTOP"]}     sends a signal to a process (a server that hangs)
  {"write_file": [PATH, "text"]}   replaces a stand-in file's text (a /proc/asound/cards)
  {"append_hex": [PATH, "0a0b"]}   appends bytes to a stand-in device (input_event records)
  {"wait_speaking": true, "timeout": 10}  until speech mode is on (or off)
  {"expect_running": true}         the app has not been asked to stop (after Escape etc.)
  {"check_lockdown": true}         the kiosk Config settings are in force
  {"font_size": ["help", 36, 99]}  a widget's font size in px is within [min, max]
  {"check_fit": true}              every shown text fits inside its widget, with a margin
  {"check_contrast": "name_field"} the field's drawn text contrasts 4.5:1 with its background
  {"check_catalogue": "es", "data": ["Okafor"]}  every shown text is the language's
                                   catalogue (or the listed patient data)
  {"check_colours": true}          every text's colour is AA (4.5:1) on its button or the page
  {"check_distinct": ["yes", "no"]} two buttons' fills differ 3:1 (WCAG non-text contrast),
                                   both the same size
  {"record_header": "welcome"}     the header's window rectangle goes in result["headers"]
A tap sends a real touch down/up through the window (UnitTestTouch), so hit-testing
runs as for a finger. The result JSON has ok, steps_done, failed_step, error, screen and
texts (visible on the final screen); the exit status is 0 only when every step passed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

SCENARIO_TIMEOUT_S = 120
KEY_IDS = {" ": "key_space", "-": "key_hyphen", "'": "key_apostrophe"}
LOOK_STEPS = (
    "check_colours",
    "check_fit",
    "check_contrast",
    "check_catalogue",
    "record_header",
    "check_distinct",
)


class StepFailed(Exception):
    """A scenario step could not be done; the message says why."""


def walk(widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def visible_texts(root) -> list[str]:
    from kivy.uix.label import Label

    texts = []
    for widget in walk(root):
        text = getattr(widget, "text", None)
        if (
            isinstance(widget, Label)
            and isinstance(text, str)
            and text.strip()
            and widget.opacity > 0
        ):
            texts.append(text.strip())
    return list(reversed(texts))  # children are stored last-added first


def find(root, name: str):
    for widget in walk(root):
        if getattr(widget, "kiosk_id", None) == name:
            return widget
        for key, value in getattr(widget, "ids", {}).items():
            if key == name:
                return value
    for widget in walk(root):
        if getattr(widget, "text", None) == name:
            return widget
    return None


class Runner:
    def __init__(self, app, steps: list[dict], result_path: Path) -> None:
        self.app = app
        self.steps = steps
        self.result_path = result_path
        self.index = 0
        self.step_started = None
        self.deadline = time.monotonic() + SCENARIO_TIMEOUT_S
        self.error = None
        self.typed = 0  # characters of the current "type" step already tapped
        self.background: list[subprocess.Popen] = []  # xdotool_async runs
        self.headers: dict[str, list | None] = {}

    @property
    def screen(self):
        return self.app.screens.current_screen

    def tick(self, _dt) -> None:
        from kivy.clock import Clock

        if self.index >= len(self.steps):
            return self.finish(True)
        step = self.steps[self.index]
        if self.step_started is None:
            self.step_started = time.monotonic()
        try:
            if time.monotonic() > self.deadline:
                raise StepFailed(f"scenario took longer than {SCENARIO_TIMEOUT_S} s")
            done = self.do(step)
        except StepFailed as e:
            self.error = str(e)
            return self.finish(False)
        except Exception:  # noqa: BLE001 - report the bug in the result, then stop
            self.error = traceback.format_exc()
            return self.finish(False)
        if done:
            self.index += 1
            self.step_started = None
        Clock.schedule_once(self.tick, 0.05)

    def waited(self, step: dict, default: float) -> bool:
        return time.monotonic() - self.step_started > float(step.get("timeout", default))

    def do(self, step: dict) -> bool:
        if "tap" in step:
            if not step.get("now") and not self.app.controller.accepts_touch():
                if self.waited(step, 5):
                    raise StepFailed("the screen never started taking taps")
                return False
            return self.tap(step["tap"])
        elif "type" in step:
            return self.type_one(step["type"])
        elif "xdotool" in step:
            subprocess.run(["xdotool", "mousemove", "640", "400"], check=True, timeout=10)
            subprocess.run(["xdotool", *step["xdotool"]], check=True, timeout=20)
        elif "xdotool_async" in step:
            subprocess.run(["xdotool", "mousemove", "640", "400"], check=True, timeout=10)
            self.background.append(subprocess.Popen(["xdotool", *step["xdotool_async"]]))
        elif "signal" in step:
            pid, name = step["signal"]
            os.kill(int(pid), getattr(signal, name))
        elif "write_file" in step:
            path, text = step["write_file"]
            Path(path).write_text(text, encoding="utf-8")
        elif "append_hex" in step:
            path, data = step["append_hex"]
            with open(path, "ab") as device:
                device.write(bytes.fromhex(data))
        elif "wait_speaking" in step:
            if self.app.controller.speaking == step["wait_speaking"]:
                return True
            if self.waited(step, 10):
                raise StepFailed(f"speech mode is not {'on' if step['wait_speaking'] else 'off'}")
            return False
        elif "expect_running" in step:
            if self.app.stopped:
                raise StepFailed("the app was asked to stop")
            return time.monotonic() - self.step_started >= 0.5  # let the keys be handled
        elif "check_lockdown" in step:
            self.check_lockdown()
        elif "font_size" in step:
            name, low, high = step["font_size"]
            widget = find(self.screen, name)
            if widget is None or not low <= widget.font_size <= high:
                size = None if widget is None else round(widget.font_size, 1)
                raise StepFailed(f"font size of {name!r} is {size}, not in [{low}, {high}]")
        elif any(key in step for key in LOOK_STEPS):
            self.look(step)
        elif "keypad" in step:
            for digit in step["keypad"]:
                self.tap(f"digit_{digit}")
        elif "wait_screen" in step:
            if self.app.screens.current == step["wait_screen"]:
                return True
            if self.waited(step, 10):
                raise StepFailed(
                    f"screen is {self.app.screens.current!r}, not {step['wait_screen']!r}"
                )
            return False
        elif "expect_text" in step:
            texts = visible_texts(self.screen)
            if any(step["expect_text"] in text for text in texts):
                return True
            if self.waited(step, 0):
                raise StepFailed(
                    f"no visible text contains {step['expect_text']!r}; visible: {texts}"
                )
            return False
        elif "expect_absent" in step:
            for screen in self.app.screens.screens:
                for widget in walk(screen):
                    for attr in ("text", "digits"):
                        value = getattr(widget, attr, None)
                        if isinstance(value, str) and step["expect_absent"] in value:
                            raise StepFailed(
                                f"{step['expect_absent']!r} is still in "
                                f"{type(widget).__name__}.{attr} on screen "
                                f"{screen.name!r}"
                            )
        elif "check_targets" in step:
            from kivy.uix.button import Button

            small = [
                f"{w.text!r} is {w.width:.0f}x{w.height:.0f} px"
                for w in walk(self.screen)
                if isinstance(w, Button)
                and w.opacity > 0
                and w.parent is not None
                and min(w.width, w.height) < step["check_targets"]
            ]
            if small:
                raise StepFailed("buttons too small for a finger: " + "; ".join(small))
        elif "screenshot" in step:
            if time.monotonic() - self.step_started < 0.3:
                return False  # let the screen finish drawing first
            self.screenshot(step["screenshot"])
        elif "sleep" in step:
            return time.monotonic() - self.step_started >= float(step["sleep"])
        else:
            raise StepFailed(f"unknown step {step!r}")
        return True

    def type_one(self, text: str) -> bool:
        """Tap the next character's key; True when the whole text is typed."""
        if self.typed >= len(text):
            self.typed = 0
            return True
        char = text[self.typed]
        name = KEY_IDS.get(char, f"key_{char.lower()}")
        if find(self.screen, name) is None and find(self.screen, "key_accents") is not None:
            self.tap("key_accents")  # the accented letters are on the second page
            return False  # tap the letter on the next tick, once the page is laid out
        if self.tap(name):
            self.typed += 1
        return False

    def look(self, step: dict) -> None:
        """The checks of what the patient sees (tests/helpers/kiosk_looks.py)."""
        import kiosk_looks as looks
        from kivy.core.window import Window

        where = f"on {self.app.screens.current!r}"
        if "check_fit" in step:
            problems = looks.misfits(self.screen, Window.size)
            if problems:
                raise StepFailed(f"text or buttons do not fit {where}: " + "; ".join(problems))
        elif "check_contrast" in step:
            widget = find(self.screen, step["check_contrast"])
            if widget is None:
                raise StepFailed(f"no field {step['check_contrast']!r} {where}")
            ratio, what = looks.ink_contrast(looks.field_pixels(widget))
            if ratio < looks.AA_CONTRAST:
                raise StepFailed(
                    f"typed text in {step['check_contrast']!r} {where} has contrast "
                    f"{ratio:.2f}:1 ({what})"
                )
        elif "check_catalogue" in step:
            languages = step["check_catalogue"]
            languages = [languages] if isinstance(languages, str) else languages
            patterns = looks.catalogue_patterns(
                [value for language in languages for value in looks.shown_values(language)]
            )
            data = set(step.get("data", []))
            strays = []
            for widget in looks.shown_labels(self.screen):
                strays += looks.foreign(widget.text, patterns, data)
            if strays:
                raise StepFailed(
                    f"not in the {step['check_catalogue']!r} catalogue {where}: {strays}"
                )
        elif "check_colours" in step:
            faint = looks.faint_texts(self.screen, Window.clearcolor)
            if faint:
                raise StepFailed(f"text below AA contrast {where}: " + "; ".join(faint))
        elif "check_distinct" in step:
            widgets = [find(self.screen, name) for name in step["check_distinct"]]
            if None in widgets:
                raise StepFailed(f"no buttons {step['check_distinct']} {where}")
            fills = [looks.fill(looks.field_pixels(widget)) for widget in widgets]
            if looks.contrast(*fills) < 3:
                raise StepFailed(f"{step['check_distinct']} look alike {where}: fills {fills}")
            sizes = {tuple(round(v) for v in widget.size) for widget in widgets}
            if len(sizes) != 1:
                raise StepFailed(f"{step['check_distinct']} differ in size {where}: {sizes}")
        elif "record_header" in step:
            self.headers[step["record_header"]] = looks.header_box(self.screen)

    def check_lockdown(self) -> None:
        from kivy.config import Config
        from kivy.core.window import Window

        wrong = []
        if Config.getint("kivy", "exit_on_escape") != 0:
            wrong.append("Escape exits")
        if "disable_multitouch" not in Config.get("input", "mouse"):
            wrong.append("mouse multitouch emulation is on")
        if Config.getint("graphics", "show_cursor") != 0 or Window.show_cursor:
            wrong.append("the mouse cursor shows")
        if Config.getint("graphics", "allow_screensaver") != 0:
            wrong.append("the screen may blank")
        if Window.dispatch("on_request_close") is not True:
            wrong.append("a close request is accepted")
        if self.app.open_settings() is not False:
            wrong.append("the settings panel opens")
        if wrong:
            raise StepFailed("lockdown: " + "; ".join(wrong))

    def tap(self, name: str) -> bool:
        """Touch a widget's centre; False (try again next tick) while it is not laid out."""
        from kivy.tests.common import UnitTestTouch

        widget = find(self.screen, name)
        if widget is None:
            raise StepFailed(f"no widget {name!r} on screen {self.app.screens.current!r}")
        if widget.disabled:
            raise StepFailed(f"widget {name!r} on screen {self.app.screens.current!r} is disabled")
        if tuple(widget.pos) == (0, 0) and tuple(widget.size) == (100, 100):
            if self.waited({}, 5):
                raise StepFailed(f"widget {name!r} was never laid out")
            return False  # a screen just shown has not had its layout pass yet
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        return True

    def screenshot(self, path: str) -> None:
        from kivy.core.window import Window

        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Window.screenshot adds a counter to the name: write there, then move into place.
        written = Window.screenshot(name=str(target.with_name(target.stem + "%(counter)s.png")))
        Path(written).replace(target)

    def finish(self, ok: bool) -> None:
        for proc in self.background:
            if proc.poll() is None:
                proc.kill()
            proc.wait(5)
        result = {
            "ok": ok,
            "steps_done": self.index,
            "failed_step": None
            if ok
            else self.steps[self.index]
            if self.index < len(self.steps)
            else None,
            "error": self.error,
            "screen": self.app.screens.current,
            "texts": visible_texts(self.screen),
            "headers": self.headers,
        }
        self.result_path.write_text(json.dumps(result, indent=2))
        self.ok = ok
        self.app.stopped = True
        self.app.stop()


def main(argv: list[str]) -> int:
    config_path, steps_path, result_path = argv
    from kiosk.config import load_config
    from kiosk.window import configure_window

    config = load_config(config_path)
    configure_window(config)
    from kivy.clock import Clock

    from kiosk.app import KioskApp

    app = KioskApp(config)
    app.stopped = False
    app.bind(on_stop=lambda _app: setattr(app, "stopped", True))
    runner = Runner(app, json.loads(Path(steps_path).read_text()), Path(result_path))
    runner.ok = False

    def begin(_app) -> None:  # returns None: a true value would stop the app's own on_start
        Clock.schedule_once(runner.tick, 1.0)  # after the first frames: laid out

    app.bind(on_start=begin)
    app.run()
    return 0 if runner.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
