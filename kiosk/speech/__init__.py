"""Speech mode's voice: the `Speaker` interface, espeak-ng, a recorder for tests, and
`open_speaker(setting)` that picks one from the kiosk's speech_engine setting."""

from __future__ import annotations

from kiosk.speech.espeak import EspeakSpeaker
from kiosk.speech.record import RecordingSpeaker, read_records
from kiosk.speech.speaker import SilentSpeaker, Speaker, SpeechError

__all__ = [
    "EspeakSpeaker",
    "RecordingSpeaker",
    "SilentSpeaker",
    "Speaker",
    "SpeechError",
    "engine_problem",
    "open_speaker",
    "read_records",
]

RECORD_PREFIX = "record:"


def engine_problem(value: str) -> str | None:
    """Why a speech_engine setting is wrong (None: it is fine); for kiosk/config.py."""
    if value in ("espeak-ng", "none"):
        return None
    if value.startswith(RECORD_PREFIX) and value[len(RECORD_PREFIX) :].strip():
        return None
    return 'must be "espeak-ng", "none" or "record:<file>"'


def open_speaker(value: str, volume: int = 80, voices: dict[str, str] | None = None) -> Speaker:
    """The Speaker a speech_engine setting names."""
    problem = engine_problem(value)
    if problem:
        raise SpeechError(f"speech_engine = {value!r}: {problem}")
    if value == "none":
        return SilentSpeaker(volume)
    if value.startswith(RECORD_PREFIX):
        return RecordingSpeaker(value[len(RECORD_PREFIX) :].strip(), volume)
    return EspeakSpeaker(volume, voices=voices) if voices else EspeakSpeaker(volume)
