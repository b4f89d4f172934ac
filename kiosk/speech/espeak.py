"""espeak-ng, offline text to speech (Debian's package), run off the UI thread.

One worker thread plays one phrase at a time as an `espeak-ng` process fed the text on
stdin (never as an argument: a phrase starting with "-" is not an option). A new `say`
or a `stop` kills the process speaking now, so speech is always interruptible and the
latest screen wins; `say` itself only hands over the phrases and returns.
"""

from __future__ import annotations

import logging
import os
import subprocess
import threading
from pathlib import Path

from kiosk.speech.speaker import Speaker, SpeechError

log = logging.getLogger(__name__)

PROGRAM = "espeak-ng"
# The session's language -> espeak-ng voice (both ship in Debian's espeak-ng-data).
VOICES = {"en": "en-us", "es": "es-419"}
# espeak-ng's amplitude (-a) runs 0..200, 100 its default; volume 100 % is this much.
FULL_AMPLITUDE = 160
WORDS_PER_MINUTE = 160  # a little slower than espeak's 175: new words, a busy lobby
RENDER_TIMEOUT_S = 30.0
NICENESS = 10  # espeak-ng synthesises far faster than it speaks: it can wait for the CPU


def amplitude(volume: int) -> int:
    return max(0, min(200, round(volume * FULL_AMPLITUDE / 100)))


def command(
    language: str,
    volume: int,
    program: str = PROGRAM,
    voices: dict[str, str] = VOICES,
    wav: str | Path | None = None,
) -> list[str]:
    """The espeak-ng command line for one phrase (read from stdin); `wav` writes a file."""
    argv = [program, "-v", voices.get(language, voices["en"]), "-a", str(amplitude(volume))]
    argv += ["-s", str(WORDS_PER_MINUTE)]
    if wav is not None:
        argv += ["-w", str(wav)]
    return argv


def render_wav(
    phrases,
    language: str,
    path: str | Path,
    volume: int = 80,
    program: str = PROGRAM,
    voices: dict[str, str] = VOICES,
) -> Path:
    """Speak the phrases into one WAV file (for `kiosk doctor` and tests); waits."""
    text = "\n".join(phrases) if not isinstance(phrases, str) else phrases
    argv = command(language, volume, program, voices, wav=path)
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise SpeechError(f"{program}: not installed (apt-get install espeak-ng)") from None
    except subprocess.TimeoutExpired:
        raise SpeechError(f"{program}: no WAV after {RENDER_TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise SpeechError(f"{program} exited {done.returncode}: {reason[0]}")
    return Path(path)


class EspeakSpeaker(Speaker):
    """Speaks through espeak-ng to the default ALSA device (the headphone jack)."""

    def __init__(
        self, volume: int = 80, program: str = PROGRAM, voices: dict[str, str] = VOICES
    ) -> None:
        super().__init__(volume)
        self.program = program
        self.voices = dict(voices)
        self._wake = threading.Condition()
        self._job: tuple[int, tuple[tuple[str, str], ...], int] | None = None
        self._generation = 0  # every say/stop starts a new one; older jobs stop
        self._process: subprocess.Popen | None = None
        self._closed = False
        self._warned = False
        # Called on the worker thread as each phrase's process starts (the benchmark times it).
        self.on_phrase = None
        self._thread = threading.Thread(target=self._work, name="speech", daemon=True)
        self._thread.start()

    def _play(self, phrases, language, volume) -> None:
        with self._wake:
            self._generation += 1
            self._job = (self._generation, phrases, volume)
            self._kill()
            self._wake.notify()

    def _silence(self) -> None:
        with self._wake:
            self._generation += 1
            self._job = None
            self._kill()

    def close(self, timeout: float = 2.0) -> None:
        with self._wake:
            self._closed = True
            self._job = None
            self._kill()
            self._wake.notify()
        self._thread.join(timeout)

    @property
    def speaking(self) -> bool:
        """True while a phrase is playing or waiting to (for tests and the benchmark)."""
        with self._wake:
            running = self._process is not None and self._process.poll() is None
            return running or self._job is not None

    def _kill(self) -> None:
        # Called with the lock held; the worker's wait() returns at once after this.
        if self._process is not None and self._process.poll() is None:
            self._process.kill()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._job is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                generation, phrases, volume = self._job
                self._job = None
            for phrase, language in phrases:
                if not self._speak(generation, phrase, language, volume):
                    break

    def _speak(self, generation: int, phrase: str, language: str, volume: int) -> bool:
        """Play one phrase to its end; False when it was cut off or could not start."""
        with self._wake:
            if generation != self._generation or self._closed:
                return False
            try:
                process = subprocess.Popen(
                    command(language, volume, self.program, self.voices),
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except OSError as exc:
                if not self._warned:  # once: a kiosk without espeak-ng still checks in
                    log.warning("speech: cannot run %s (%s)", self.program, exc.strerror)
                    self._warned = True
                return False
            self._process = process
            try:  # below the UI and anything else here: speech must never delay a tap
                os.setpriority(os.PRIO_PROCESS, process.pid, NICENESS)
            except OSError:
                pass  # already gone (killed by a newer phrase)
        if self.on_phrase is not None:
            self.on_phrase(phrase)
        try:
            process.communicate(phrase.encode("utf-8"))
        except (BrokenPipeError, OSError):
            pass  # killed while being fed: a newer phrase took over
        with self._wake:
            if self._process is process:
                self._process = None
            return generation == self._generation and process.returncode == 0
