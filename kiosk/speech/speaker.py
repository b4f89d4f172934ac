"""What every speech engine does: say phrases in a language, stop, repeat, change volume.

An engine only has to play (or record) a list of phrases; `Speaker` keeps what was said
last (for "repeat") and the volume, so every engine behaves the same to the kiosk.
Nothing here may block the UI thread: `say` hands the phrases over and returns.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

# The volume steps of the volume key, in percent; the setting picks the start.
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP = 10, 100, 10
LANGUAGES = ("en", "es")  # the session's languages; each has an espeak-ng voice


Phrase = str | tuple[str, str]


def normalise(phrases: str | Sequence[Phrase], language: str) -> tuple[tuple[str, str], ...]:
    """((text, language), ...) without blank phrases; unknown languages speak English."""
    items = (phrases,) if isinstance(phrases, str) else tuple(phrases)
    pairs = []
    for item in items:
        text, own = (item, language) if isinstance(item, str) else item
        if text.strip():
            pairs.append((text, own if own in LANGUAGES else "en"))
    return tuple(pairs)


class SpeechError(Exception):
    """The speech engine could not be set up (named in the message)."""


def clamp_volume(volume: int) -> int:
    return max(VOLUME_MIN, min(VOLUME_MAX, int(volume)))


class Speaker:
    """The kiosk's voice. Subclasses implement `_play` and `_silence`; both must return
    at once (a worker thread does the slow part)."""

    def __init__(self, volume: int = 80) -> None:
        self.volume = clamp_volume(volume)
        self._last: tuple[tuple[tuple[str, str], ...], str] = ((), "en")
        self._lock = threading.Lock()

    def say(self, phrases: str | Sequence[Phrase], language: str = "en") -> None:
        """Speak these now, cutting off whatever is being said. A phrase is text in the
        given language, or (text, its own language) (welcome's Spanish line)."""
        language = language if language in LANGUAGES else "en"
        said = normalise(phrases, language)
        with self._lock:
            self._last = (said, language)
        if said:
            self._play(said, language, self.volume)
        else:
            self._silence()

    def stop(self) -> None:
        """Stop speaking now (what was said stays for "repeat")."""
        self._silence()

    def repeat(self) -> None:
        """Say the last phrases again, from the start."""
        with self._lock:
            said, language = self._last
        if said:
            self._play(said, language, self.volume)

    def forget(self) -> None:
        """Stop and forget what was said: the session is over (nothing to repeat)."""
        with self._lock:
            self._last = ((), "en")
        self._silence()

    def louder(self) -> int:
        self.volume = clamp_volume(self.volume + VOLUME_STEP)
        return self.volume

    def quieter(self) -> int:
        self.volume = clamp_volume(self.volume - VOLUME_STEP)
        return self.volume

    def close(self) -> None:
        """Stop for good (the kiosk is shutting down)."""
        self._silence()

    def _play(self, phrases: tuple[tuple[str, str], ...], language: str, volume: int) -> None:
        """Start speaking (text, language) pairs; `language` is the session's."""
        raise NotImplementedError

    def _silence(self) -> None:
        raise NotImplementedError


class SilentSpeaker(Speaker):
    """speech_engine = "none": speech mode can be turned on, nothing is heard."""

    def _play(self, phrases, language, volume) -> None:
        pass

    def _silence(self) -> None:
        pass
