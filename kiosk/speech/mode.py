"""Speech mode: on or off, what to say when a screen appears, a key is typed or a speech
key is pressed. No Kivy: the controller calls it; the Speaker does the speaking.

Speech mode belongs to one patient: it ends when the kiosk is back at welcome after a
session (nothing is left to repeat), as the language and text size do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from kiosk.i18n import N_, in_language
from kiosk.printing import local_now
from kiosk.speech import phrases
from kiosk.speech.speaker import Speaker
from seen.vocabulary import WELCOME

VOLUME = N_("Volume {volume} percent.")
# What each speech key does (kiosk/keys.py maps the keypad's keys to these).
ACTIONS = ("toggle", "repeat", "stop", "louder", "quieter", "language")


def digits_of(shown: str) -> str:
    """The digits of the date field as shown ("04 / 0D / YYYY" -> "040"), in typed order."""
    return "".join(char for char in shown if char.isdigit())


class SpeechMode:
    """Whether speech is on for this patient, and what the kiosk says."""

    def __init__(
        self,
        speaker: Speaker,
        config,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] = local_now,
    ) -> None:
        self.speaker = speaker
        self.config = config
        self.today = today
        self.now = now
        self.on = False
        self._fields: dict[str, str] = {}  # what each field held when last told
        self._shown: str | None = None

    def screen_phrases(self, flow) -> list:
        c = self.config
        return phrases.screen_phrases(
            flow, c.date_order, c.clinic_name, now=self.now(), long_wait_min=c.long_wait_min
        )

    def press(self, action: str, flow) -> None:
        """A speech key: toggle works always; the others only while speech is on."""
        if action == "toggle":
            self.toggle(flow)
        elif not self.on:
            return
        elif action == "repeat":
            self.speaker.repeat()
        elif action == "stop":
            self.speaker.stop()
        elif action in ("louder", "quieter"):
            volume = self.speaker.louder() if action == "louder" else self.speaker.quieter()
            words = in_language(flow.language, VOLUME).format(volume=volume)
            self.speaker.say(words, flow.language)

    def toggle(self, flow) -> None:
        self.on = not self.on
        if self.on:
            t = phrases.translator(flow.language)
            intro = [t(line) for line in phrases.SPEECH_ON]
            self.speaker.say([*intro, *self.screen_phrases(flow)], flow.language)
        else:
            self.speaker.say(in_language(flow.language, phrases.SPEECH_OFF), flow.language)

    def plugged(self, flow) -> None:
        """Headphones plugged in: speech on (if it was not) and the screen said from the
        start, as the star key does; already on, the screen is said again."""
        if self.on:
            self.speaker.say(self.screen_phrases(flow), flow.language)
        else:
            self.toggle(flow)

    def unplugged(self, flow) -> None:
        """Headphones pulled out: silence at once and speech off, without a word (the
        sound would go to the room, not the patient's ears); the session goes on."""
        if self.on:
            self.on = False
            self.speaker.stop()

    def shown(self, flow) -> None:
        """A screen has just appeared (or was redrawn: a new language, an answer)."""
        previous, self._shown = self._shown, flow.state
        if flow.state == WELCOME and previous not in (None, WELCOME):
            self.end()
        elif self.on:
            self.speaker.say(self.screen_phrases(flow), flow.language)

    def end(self) -> None:
        """The session is over: speech off, nothing left to repeat or echo."""
        self.on = False
        self._fields = {}
        self.speaker.forget()

    def typed(self, flow, field: str, text: str) -> None:
        """A field changed: echo the key (the date read back once all eight digits are in)."""
        before, self._fields[field] = self._fields.get(field, ""), text
        if not self.on or flow.state == WELCOME:
            return
        if field == "dob":
            said = phrases.echo_dob(
                digits_of(before),
                digits_of(text),
                self.config.date_order,
                flow.language,
                self.today(),
            )
        else:
            said = phrases.echo(before, text, flow.language)
        if said:
            self.speaker.say(said, flow.language)

    def focused(self, flow, label: str, index: int, count: int, place: bool = True) -> None:
        """Focus moved (the tactile path): say the choice and where it is ("Next, 1 of 5"),
        or a letter key alone. Labels may be msgids or already in the language."""
        if not self.on:
            return
        words = in_language(flow.language, label)
        if place:
            words = phrases.focus_phrase(words, index, count, flow.language)
        self.speaker.say(words, flow.language)

    def error(self, flow, message: str) -> None:
        """An error the screen shows (an impossible date): said at once."""
        if self.on:
            self.speaker.say(in_language(flow.language, message), flow.language)
