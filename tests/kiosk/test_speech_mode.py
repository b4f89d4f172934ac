"""Speech mode through the controller (kiosk/speech/mode.py): off until the speech key,
every screen then spoken as it appears, each key echoed, repeat/stop/volume keys, and
all of it forgotten when the session ends. A recording speaker, a real flow and outbox."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from kiosk import flow as f
from kiosk.config import load_config
from kiosk.controller import Controller
from kiosk.outbox import Outbox
from kiosk.speech import RecordingSpeaker
from kiosk.speech import phrases as p
from kiosk.speech.mode import SpeechMode, digits_of

MARIA = {"appointment": 7, "display_name": "Maria O.", "time": "10:30", "provider": "Dr. Lee"}
ARRIVAL = {**MARIA, "id": 3, "arrived_at": "2026-11-22T15:20:00+00:00", "ticket": 12}


class Server:
    def lookup(self, session, last_name, dob):
        return [MARIA]

    def checkin(self, session, appointment):
        return ARRIVAL


class Receipts:
    def submit(self, arrival, on_failed=None, language="en"):
        pass


class Timers:
    def call_soon(self, fn):
        fn()

    def call_later(self, seconds, fn):
        class Handle:
            def cancel(self):
                pass

        return Handle()


NOW = datetime(2026, 11, 22, 10, 20, tzinfo=timezone(timedelta(hours=-5)))


def make(tmp_path, **settings):
    ids = iter(f"id{n}" for n in range(1000))
    config = load_config(None, environ={f"SEEN_KIOSK_{k.upper()}": v for k, v in settings.items()})
    speaker = RecordingSpeaker(tmp_path / "said.jsonl")
    speech = SpeechMode(speaker, config, today=lambda: date(2026, 11, 22), now=lambda: NOW)
    controller = Controller(
        f.Flow(),
        Server(),
        Outbox(tmp_path / "o.db"),
        Receipts(),
        Timers(),
        config,
        show=lambda _screen: None,
        new_id=lambda: next(ids),
        run=lambda fn: fn(),
        speech=speech,
    )
    return controller, speaker


def said(speaker):
    return [record.get("say") for record in speaker.said]


def test_nothing_is_said_until_the_speech_key(tmp_path):
    c, speaker = make(tmp_path)
    c.start()
    c.typed("last_name", "O")
    c.speech_key("repeat")
    c.speech_key("louder")
    assert speaker.said == []


def test_a_check_in_spoken_screen_by_screen(tmp_path):
    c, speaker = make(tmp_path, clinic_name="Northside")
    c.speech_key("toggle")  # at welcome, before anyone starts
    intro = said(speaker)[0]
    assert intro[:3] == list(p.SPEECH_ON)
    assert "Welcome to Northside" in intro
    c.start()
    assert said(speaker)[-1][0] == "What is your last name?"
    for text in ("O", "OK", "OKA"):
        c.typed("last_name", text)
    assert said(speaker)[-3:] == [["O"], ["K"], ["A"]]
    c.typed("last_name", "OK")
    assert said(speaker)[-1] == ["Deleted", "OK: O, K"]
    c.enter_name("Okafor")
    assert said(speaker)[-1][0] == "What is your date of birth?"
    for digits in ("0", "04", "0402", "040219", "0402198", "04021980"):
        c.typed("dob", f"{digits} (as shown)")
    assert said(speaker)[-1] == ["0", "April 2, 1980"]
    c.enter_dob("1980-04-02")
    c.confirm_yes()
    done = said(speaker)[-1]
    assert done[:2] == [
        "You're checked in, Maria. Please take a seat.",
        "Your number is 12. Please take your receipt.",
    ]
    assert "Appointment: 10:30 with Dr. Lee" in done
    c.speech_key("stop")
    c.speech_key("repeat")
    assert speaker.said[-2] == {"stop": True} and said(speaker)[-1] == done
    c.speech_key("quieter")
    assert said(speaker)[-1] == ["Volume 70 percent."] and speaker.volume == 70
    c.finish()  # back at welcome: speech off, nothing left to repeat
    assert speaker.said[-1] == {"stop": True}
    c.speech_key("repeat")
    c.start()
    assert speaker.said[-1] == {"stop": True}


def test_a_language_switch_speaks_the_screen_again_in_spanish(tmp_path):
    c, speaker = make(tmp_path)
    c.start()
    c.speech_key("toggle")
    c.set_language("es")
    record = speaker.said[-1]
    assert record["language"] == "es" and record["say"][0] == "¿Cuál es su apellido?"
    c.typed("last_name", "Ñ")
    assert speaker.said[-1] == {"say": ["Ñ"], "language": "es", "volume": 80}
    c.said_error(p.words.DOB_PROBLEM)
    assert said(speaker)[-1] == ["Esa fecha no parece correcta. Por favor, revísela."]
    c.speech_key("toggle")
    assert said(speaker)[-1] == ["La voz está desactivada."]
    c.typed("last_name", "ÑA")
    assert said(speaker)[-1] == ["La voz está desactivada."]  # off: no echo


def test_a_welcome_refresh_does_not_end_speech_before_a_session(tmp_path):
    c, speaker = make(tmp_path)
    c.speech_key("toggle")
    c.console_status(live=False)  # welcome redrawn with its warning
    assert p.words.NO_CONSOLE in said(speaker)[-1]
    c.start()
    assert said(speaker)[-1][0] == "What is your last name?"


def test_the_date_fields_digits_in_typed_order():
    assert digits_of("04 / 0D / YYYY") == "040"
    assert digits_of("05 / 04 / AAAA") == "0504"
    assert digits_of("") == ""


def test_every_speech_key_names_an_action():
    from kiosk.keys import KEYBOARD_SPEECH_KEYS, KEYPAD_SPEECH_KEYS, SPEECH_KEY_TEXT
    from kiosk.speech.mode import ACTIONS

    # The plain keyboard has every action; the keypad all but the language.
    assert sorted(KEYBOARD_SPEECH_KEYS.values()) == sorted(ACTIONS)
    assert sorted(KEYPAD_SPEECH_KEYS.values()) == sorted(set(ACTIONS) - {"language"})
    assert set(SPEECH_KEY_TEXT) == set(KEYPAD_SPEECH_KEYS)  # F-keys type nothing


def test_headphones_plugged_in_turn_speech_on_and_pulled_out_silence_it(tmp_path):
    c, speaker = make(tmp_path)
    c.headphones(True)  # at welcome: as the star key
    assert said(speaker)[-1][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)
    c.start()
    assert said(speaker)[-1][0] == "What is your last name?"
    c.headphones(True)  # plugged in again while on: the screen again, no intro
    assert said(speaker)[-1][0] == "What is your last name?"
    count = len(speaker.said)
    c.headphones(False)
    assert speaker.said[count:] == [{"stop": True}]  # silence, not a word to the room
    assert not c.speaking and c.flow.state == "identify_name"  # the session goes on
    c.typed("last_name", "O")
    assert len(speaker.said) == count + 1  # off: no echo
    c.headphones(True)  # back in: on, the screen said from the start
    assert said(speaker)[-1][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)
    assert "What is your last name?" in said(speaker)[-1]


def test_the_language_key_swaps_the_voice_and_says_the_screen_again(tmp_path):
    c, speaker = make(tmp_path)
    c.speech_key("toggle")
    c.speech_key("language")  # at welcome: begins in Spanish, as the Español button
    assert c.flow.state == "identify_name" and c.flow.language == "es"
    assert speaker.said[-1]["language"] == "es"
    assert said(speaker)[-1][0] == "¿Cuál es su apellido?"
    c.speech_key("language")
    assert c.flow.language == "en" and speaker.said[-1]["language"] == "en"
    assert said(speaker)[-1][0] == "What is your last name?"


def test_any_key_or_headphones_answer_are_you_still_there(tmp_path):
    c, speaker = make(tmp_path)
    c.start()
    c.speech_key("toggle")
    for answer in (c.key_released, lambda: c.headphones(True)):
        c.handle(f.Idle(), automatic=True)
        assert c.flow.state == "still_there"
        c.speech_key("repeat")  # a speech key's press does its own thing...
        answer()  # ...and its release (or headphones) is "I'm still here"
        assert c.flow.state == "identify_name"
        assert said(speaker)[-1][0] == "What is your last name?"
    c.speech_key("toggle")  # off: headphones plugged in on the question...
    c.handle(f.Idle(), automatic=True)
    c.headphones(True)
    assert c.flow.state == "identify_name"  # ...answer it, and the screen is said whole
    assert said(speaker)[-1][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)
    assert "What is your last name?" in said(speaker)[-1]
