"""`kiosk doctor`'s speech checks (kiosk/speech/check.py): the real espeak-ng into WAVs,
the sound cards from a made-up /proc, and the test phrase through a stand-in player."""

from __future__ import annotations

import pytest

from kiosk.config import load_config
from kiosk.doctor import run_checks
from kiosk.speech.check import TEST_PHRASES, sound_cards, speech_checks

PI_CARDS = """\
 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                      bcm2835 Headphones
 1 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0
                      vc4-hdmi-0
"""


def machine(tmp_path, cards: str | None):
    if cards is not None:
        (tmp_path / "proc/asound").mkdir(parents=True)
        (tmp_path / "proc/asound/cards").write_text(cards)
    return tmp_path


def config(**settings):
    return load_config(
        None, environ={f"SEEN_KIOSK_{k.upper()}": str(v) for k, v in settings.items()}
    )


def test_sound_cards_are_read_from_proc(tmp_path):
    assert sound_cards(machine(tmp_path, PI_CARDS)) == ["bcm2835 Headphones", "vc4-hdmi-0"]
    assert sound_cards(tmp_path / "nowhere") is None
    assert sound_cards(machine(tmp_path / "empty", "--- no soundcards ---\n")) == []


def test_a_silent_or_recording_engine_is_a_warning(tmp_path):
    (check,) = speech_checks(config(speech_engine="none"), machine(tmp_path, PI_CARDS))
    assert check == ("WARN", "speech", "speech_engine = 'none': speech mode is silent")
    (check,) = speech_checks(config(speech_engine="record:/tmp/x"), tmp_path)
    assert check[0] == "WARN" and "recording" in check[2]


def test_a_missing_espeak_ng_fails_and_says_how_to_install(tmp_path):
    (check,) = speech_checks(config(), tmp_path, which=lambda _name: None)
    assert check == ("FAIL", "speech", "espeak-ng is not installed (apt-get install espeak-ng)")


@pytest.mark.e2e
def test_both_voices_speak_and_the_test_phrase_goes_to_the_card(tmp_path):
    played = []

    def speak(text, language, volume, voices):
        played.append((text, language, volume, voices))

    speech, audio = speech_checks(config(speech_volume=60), machine(tmp_path, PI_CARDS), speak)
    assert speech[:2] == ("PASS", "speech")
    assert "en (en-us)" in speech[2] and "es (es-419)" in speech[2]
    assert audio == (
        "PASS",
        "audio",
        "bcm2835 Headphones, vc4-hdmi-0: test phrase spoken (listen on the headphones)",
    )
    assert played == [(TEST_PHRASES["en"], "en", 60, {"en": "en-us", "es": "es-419"})]


@pytest.mark.e2e
def test_no_card_or_a_refusing_one_fails(tmp_path):
    _speech, audio = speech_checks(config(), machine(tmp_path, None))
    assert audio[0] == "WARN" and "cannot read /proc/asound/cards" in audio[2]
    assert "set require_audio = true" in audio[2]
    none = machine(tmp_path / "b", "--- no soundcards ---\n")
    _speech, audio = speech_checks(config(require_audio="true"), none)
    assert audio[0] == "FAIL" and "no sound card" in audio[2] and "dtparam=audio=on" in audio[2]
    refusing = machine(tmp_path / "c", PI_CARDS)
    _speech, audio = speech_checks(config(), refusing, lambda *_a: "Unknown PCM default")
    assert audio == (
        "FAIL",
        "audio",
        "sound cards bcm2835 Headphones, vc4-hdmi-0: Unknown PCM default",
    )


@pytest.mark.e2e
def test_an_unknown_voice_fails_naming_it(tmp_path):
    checks = speech_checks(config(speech_voice_es="xx-nowhere"), machine(tmp_path, PI_CARDS))
    assert checks[0][0] == "FAIL" and "'xx-nowhere'" in checks[0][2]


def test_the_doctor_adds_the_speech_lines_when_asked(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nspeech_engine = "none"\nserver_url = "http://127.0.0.1:9"\n')
    names = [
        c.name
        for c in run_checks(lambda: load_config(path, environ={}), root=tmp_path, speech=True)
    ]
    assert names[-2:] == ["speech", "headphones"]
    names = [c.name for c in run_checks(lambda: load_config(path, environ={}), root=tmp_path)]
    assert "speech" not in names and "headphones" not in names
