"""The speech interface (kiosk/speech): repeat, stop, volume and the recorder; the
espeak-ng engine's process handling with a stand-in program that records what it was
given and can be made to speak "for ever"; and the real espeak-ng writing a WAV."""

from __future__ import annotations

import json
import os
import stat
import sys
import time
import wave
from array import array

import pytest

from kiosk import flow as f
from kiosk import i18n
from kiosk.speech import (
    EspeakSpeaker,
    RecordingSpeaker,
    SilentSpeaker,
    SpeechError,
    engine_problem,
    open_speaker,
    phrases,
    read_records,
)
from kiosk.speech.espeak import amplitude, command, render_wav
from kiosk.speech.speaker import VOLUME_MAX, VOLUME_MIN


def wait_for(predicate, what: str, timeout: float = 30.0):
    """Poll until predicate() is true (no speed asserted: a loaded machine just waits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def test_the_recorder_writes_each_call_and_repeat_says_the_last_again(tmp_path):
    path = tmp_path / "said.jsonl"
    speaker = RecordingSpeaker(path, volume=70)
    speaker.say(["What is your last name?", "  ", "Start over"], "es")
    speaker.repeat()
    speaker.stop()
    speaker.say("Ñandú, Øster, 王", "xx")  # an unknown language speaks English
    speaker.say(["Welcome", ("Para español, pulse…", "es")], "en")
    assert read_records(path) == speaker.said
    assert speaker.said == [
        {"say": ["What is your last name?", "Start over"], "language": "es", "volume": 70},
        {"say": ["What is your last name?", "Start over"], "language": "es", "volume": 70},
        {"stop": True},
        {"say": ["Ñandú, Øster, 王"], "language": "en", "volume": 70},
        {
            "say": ["Welcome", "Para español, pulse…"],
            "language": "en",
            "volume": 70,
            "languages": ["en", "es"],
        },
    ]
    speaker.forget()
    speaker.repeat()  # the session is over: nothing left to repeat
    assert speaker.said[-1] == {"stop": True}
    assert read_records(tmp_path / "never.jsonl") == []


def test_volume_steps_stay_within_bounds():
    speaker = SilentSpeaker(volume=95)
    assert speaker.louder() == VOLUME_MAX and speaker.louder() == VOLUME_MAX
    speaker.volume = VOLUME_MIN
    assert speaker.quieter() == VOLUME_MIN
    assert speaker.louder() == VOLUME_MIN + 10
    assert SilentSpeaker(volume=500).volume == VOLUME_MAX
    assert amplitude(100) == 160 and amplitude(50) == 80


def test_the_engine_setting_names_one_engine(tmp_path):
    assert engine_problem("espeak-ng") is None and engine_problem("none") is None
    assert engine_problem(f"record:{tmp_path}/x.jsonl") is None
    assert "record:<file>" in engine_problem("record:")
    assert "record:<file>" in engine_problem("festival")
    assert isinstance(open_speaker("none"), SilentSpeaker)
    recorder = open_speaker(f"record: {tmp_path}/x.jsonl", volume=40)
    assert isinstance(recorder, RecordingSpeaker) and recorder.volume == 40
    assert recorder.path == tmp_path / "x.jsonl"
    with pytest.raises(SpeechError, match="speech_engine = 'festival'"):
        open_speaker("festival")


def test_the_command_line_takes_the_voice_and_volume_and_never_the_text():
    argv = command("es", 50, wav="/tmp/x.wav")
    assert argv == ["espeak-ng", "-v", "es-419", "-a", "80", "-s", "160", "-w", "/tmp/x.wav"]
    assert command("fr", 100)[:3] == ["espeak-ng", "-v", "en-us"]


@pytest.fixture
def stand_in(tmp_path):
    """A program taking espeak-ng's place: logs its argv and stdin, then "speaks" for
    ever when the text says so (until killed), else ends at once."""
    log = tmp_path / "spoken.jsonl"
    program = tmp_path / "fake-espeak"
    program.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys, time\n"
        "text = sys.stdin.read()\n"
        f"with open({str(log)!r}, 'a') as out:\n"
        "    out.write(json.dumps({'argv': sys.argv[1:], 'text': text, 'pid': os.getpid()}) + '\\n')\n"
        "if 'for ever' in text:\n"
        "    time.sleep(600)\n",
        encoding="utf-8",
    )
    program.chmod(program.stat().st_mode | stat.S_IXUSR)

    def spoken():
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]

    return program, spoken


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child not yet reaped is a zombie: dead for our purpose.
    with open(f"/proc/{pid}/stat") as stat_file:
        return stat_file.read().split(")")[-1].split()[0] != "Z"


@pytest.mark.e2e
def test_a_new_phrase_cuts_off_the_one_being_spoken(stand_in):
    program, spoken = stand_in
    speaker = EspeakSpeaker(volume=50, program=str(program))
    try:
        speaker.say(["This goes on for ever", "never reached"], "en")
        first = wait_for(spoken, "the first phrase")[0]
        assert first["text"] == "This goes on for ever"
        assert first["argv"] == ["-v", "en-us", "-a", "80", "-s", "160"]
        assert alive(first["pid"])
        speaker.say(["¿Cuál es su apellido?", ("Next", "en")], "es")
        wait_for(lambda: len(spoken()) == 3, "the new phrases")
        texts = [entry["text"] for entry in spoken()]
        assert texts == ["This goes on for ever", "¿Cuál es su apellido?", "Next"]
        assert spoken()[1]["argv"][:2] == ["-v", "es-419"]
        assert spoken()[2]["argv"][:2] == ["-v", "en-us"]
        wait_for(lambda: not alive(first["pid"]), "the first phrase to be killed")
        wait_for(lambda: not speaker.speaking, "the end of speech")
    finally:
        speaker.close()


@pytest.mark.e2e
def test_stop_silences_at_once_and_repeat_starts_again(stand_in):
    program, spoken = stand_in
    speaker = EspeakSpeaker(program=str(program))
    try:
        speaker.say("Please wait, for ever", "en")
        first = wait_for(spoken, "the phrase")[0]
        speaker.stop()
        wait_for(lambda: not alive(first["pid"]), "stop to kill the phrase")
        wait_for(lambda: not speaker.speaking, "the worker to see it end")
        speaker.louder()
        speaker.repeat()
        wait_for(lambda: len(spoken()) == 2, "the repeat")
        again = spoken()[1]
        assert again["text"] == "Please wait, for ever" and again["argv"][3] == "144"
        speaker.forget()
        wait_for(lambda: not alive(again["pid"]), "forget to kill it")
    finally:
        speaker.close()


@pytest.mark.e2e
def test_a_missing_program_is_warned_once_and_never_raises(caplog):
    speaker = EspeakSpeaker(program="/nonexistent/espeak-ng")
    try:
        speaker.say(["one", "two"], "en")
        speaker.say("three", "en")
        wait_for(lambda: not speaker.speaking, "the worker to give up")
        warnings = [r for r in caplog.records if "cannot run" in r.getMessage()]
        wait_for(lambda: [r for r in caplog.records if "cannot run" in r.getMessage()], "warn")
        assert len(warnings) <= 1
    finally:
        speaker.close()
    with pytest.raises(SpeechError, match="not installed"):
        render_wav("hello", "en", "/tmp/never.wav", program="/nonexistent/espeak-ng")


def speech_seconds(path) -> tuple[float, float]:
    """(length in seconds, share of 20 ms frames louder than a whisper) of a 16-bit WAV."""
    with wave.open(str(path)) as wav:
        assert wav.getsampwidth() == 2 and wav.getnchannels() == 1
        rate = wav.getframerate()
        samples = array("h", wav.readframes(wav.getnframes()))
    window = rate // 50
    loud = 0
    windows = max(1, len(samples) // window)
    for start in range(0, windows * window, window):
        chunk = samples[start : start + window]
        if chunk and sum(abs(s) for s in chunk) / len(chunk) > 300:
            loud += 1
    return len(samples) / rate, loud / windows


@pytest.mark.e2e
@pytest.mark.parametrize("language", ["en", "es"])
def test_one_screens_phrases_through_the_real_espeak_ng_are_speech(tmp_path, language):
    flow = f.Flow()
    flow.handle(f.Start("s1", language))  # "What is your last name?" and its choices
    said = phrases.screen_phrases(flow)
    assert said[0] == i18n.in_language(language, phrases.TITLES["identify_name"])
    path = render_wav(said, language, tmp_path / "out.wav", volume=80)
    seconds, voiced = speech_seconds(path)
    words = len(" ".join(said).split())  # about 40
    # Speech runs at 2 to 3 words a second: neither a blip nor a stuck minute.
    assert words / 4 < seconds < words, (seconds, words)
    assert voiced > 0.4, voiced  # mostly speech, not silence
    short_seconds, _ = speech_seconds(render_wav("Sí.", language, tmp_path / "short.wav"))
    assert short_seconds < seconds / 10  # the length follows the words
