"""`kiosk doctor`'s speech checks: the engine speaks both languages (into a WAV, which
needs no sound card), the sound card is there, and a test phrase goes to the headphones.

Each check is (status, name, reason) for kiosk.doctor to wrap; `play` is how the test
phrase is spoken aloud (espeak-ng to the default ALSA device; tests pass their own).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

from kiosk.speech.espeak import PROGRAM, command, render_wav
from kiosk.speech.headphones import parse_cards
from kiosk.speech.jack import switch_path
from kiosk.speech.speaker import SpeechError

TEST_PHRASES = {
    "en": "This is the Seen kiosk speech test.",
    "es": "Esta es la prueba de voz del quiosco Seen.",
}
PLAY_TIMEOUT_S = 20.0


def sound_cards(root: str | Path = "/") -> list[str] | None:
    """The ALSA cards' names from /proc/asound/cards ([] for none, None if unreadable)."""
    path = Path(root) / "proc/asound/cards"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    names = []
    for line in text.splitlines():
        # " 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones"
        if "]:" in line and line.strip()[:1].isdigit():
            names.append(line.split("]:", 1)[1].split(" - ", 1)[-1].strip())
    return names


def play(text: str, language: str, volume: int, voices: dict[str, str]) -> str | None:
    """Speak text aloud now; the error espeak-ng reports (None when it spoke)."""
    try:
        done = subprocess.run(
            command(language, volume, PROGRAM, voices),
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=PLAY_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    # espeak-ng exits 0 even when ALSA refused the device: its stderr says so.
    errors = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line]
    if done.returncode != 0 or any(line.startswith("error") for line in errors):
        return errors[-1] if errors else f"exit {done.returncode}"
    return None


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def speech_checks(
    config,
    root: str | Path = "/",
    speak: Callable[[str, str, int, dict[str, str]], str | None] = play,
    which: Callable[[str], str | None] = shutil.which,
) -> list[tuple[str, str, str]]:
    """The "speech" and "audio" lines of the doctor's report."""
    engine = config.speech_engine
    if engine != "espeak-ng":
        why = "silent" if engine == "none" else "recording, not speaking"
        return [("WARN", "speech", f"speech_engine = {engine!r}: speech mode is {why}")]
    if which(PROGRAM) is None:
        return [("FAIL", "speech", f"{PROGRAM} is not installed (apt-get install espeak-ng)")]
    voices = {"en": config.speech_voice_en, "es": config.speech_voice_es}
    lengths = []
    with tempfile.TemporaryDirectory() as folder:
        for language, text in TEST_PHRASES.items():
            wav = Path(folder) / f"{language}.wav"
            try:
                render_wav(text, language, wav, config.speech_volume, voices=voices)
                seconds = _seconds(wav)
            except (SpeechError, OSError, EOFError, wave.Error) as exc:
                return [("FAIL", "speech", f"voice {voices[language]!r}: {exc}")]
            if seconds < 0.5:
                return [("FAIL", "speech", f"voice {voices[language]!r} said nothing")]
            lengths.append(f"{language} ({voices[language]}) {seconds:.1f} s")
    checks = [("PASS", "speech", f"{PROGRAM} speaks " + ", ".join(lengths))]
    cards = sound_cards(root)
    if not cards:
        where = "cannot read /proc/asound/cards" if cards is None else "no sound card"
        words = f"{where}: speech mode cannot be heard (on a Pi: dtparam=audio=on)"
        if config.require_audio:
            return [*checks, ("FAIL", "audio", f"{words} (require_audio = true)")]
        setting = "set require_audio = true to make this a failure"
        return [*checks, ("WARN", "audio", f"{words} ({setting})")]
    problem = speak(TEST_PHRASES["en"], "en", config.speech_volume, voices)
    if problem:
        return [*checks, ("FAIL", "audio", f"sound cards {', '.join(cards)}: {problem}")]
    listen = "listen on the headphones"
    return [*checks, ("PASS", "audio", f"{', '.join(cards)}: test phrase spoken ({listen})")]


def _under(root: str | Path, path: str) -> Path:
    return Path(root) / path.lstrip("/")


def headphones_check(config, root: str | Path = "/") -> tuple[str, str, str]:
    """The "headphones" line: which plug-in reports the kiosk will watch (kiosk/speech/jack.py)."""
    found, missing = [], []
    if config.headphones_cards:
        try:
            text = _under(root, config.headphones_cards).read_text(errors="replace")
        except OSError:
            missing.append(f"cannot read {config.headphones_cards}")
        else:
            count = len(parse_cards(text))
            found.append(f"USB headsets via {config.headphones_cards} ({count} cards now)")
    switch = switch_path(config.headphones_switch, root)
    if switch and os.access(_under(root, switch), os.R_OK):
        found.append(f"jack switch on {switch}")
    elif switch and _under(root, switch).exists():
        missing.append(f"cannot read {switch} (the kiosk's user needs the input group)")
    elif switch:
        missing.append(f"no {switch}")
    elif config.headphones_switch == "auto":
        missing.append("no input device has a headphone switch (the Pi's own jack has none)")
    if not found:
        why = "; ".join(missing) or "headphones_cards and headphones_switch are empty"
        return ("WARN", "headphones", f"plugging in does not start speech: {why}")
    extra = f" ({'; '.join(missing)})" if missing else ""
    return ("PASS", "headphones", "plugging in starts speech: " + ", ".join(found) + extra)
