"""Speech mode and the tactile path on the real app: real X key events only (no touch),
the recording speech engine (speech_engine = "record:<file>") writes down every phrase the
kiosk asked to say, and the test reads the phrases spoken, screen by screen."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import handoffs, run_scenario, write_config

from kiosk import i18n
from kiosk.speech import phrases as p
from kiosk.speech import read_records

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

TITLES = {title: state for state, title in p.TITLES.items()}


def keys(*names, delay=250):
    """Real key events, spaced like a person's (never a scanner's burst)."""
    return {"xdotool": ["key", "--delay", str(delay), *names]}


def typed(text):
    return {"xdotool": ["type", "--delay", "250", text]}


@pytest.fixture
def speech_config(seeded_server, printer, tmp_path):
    token = seeded_server.add_kiosk("lobby")
    said = tmp_path / "said.jsonl"
    config = write_config(
        tmp_path / "kiosk.toml",
        seeded_server.url,
        token,
        printer=printer.port,
        heartbeat_s=1,
        speech_engine=f"record:{said}",
    )
    return config, said


def spoken(said):
    """Each record: the phrases of one say (or "STOP")."""
    return [r.get("say", "STOP") for r in read_records(said)]


def es(message):
    return i18n.in_language("es", message)


def titles(records, language):
    """The screens announced, in order, from the titles spoken first."""
    by_title = {i18n.in_language(language, t): state for state, t in p.TITLES.items()}
    return [by_title[r[0]] for r in records if r != "STOP" and r[0] in by_title]


def first(records, phrase):
    """The index of the first record starting with this phrase."""
    return next(i for i, r in enumerate(records) if r != "STOP" and r[0] == phrase)


# How a patient picks the language at welcome with speech on: Enter is "Check in" in
# English; Right three times lands on "Español" (Check in, English, Español).
BEGIN = {
    "en": [keys("Return")],
    "es": [keys("Right", "Right", "Right"), keys("Return")],
}
DOB = {"en": ("04021980", "04 / 02 / 1980"), "es": ("02041980", "02 / 04 / 1980")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_check_in_with_keys_only_is_spoken_screen_by_screen(
    xvfb_display, speech_config, seeded_server, tmp_path, language
):
    config, said = speech_config
    t = p.translator(language)
    digits, shown = DOB[language]
    steps = [
        {"wait_screen": "welcome"},
        keys("KP_Multiply"),  # speech on
        {"sleep": 0.5},
        *BEGIN[language],
        {"wait_screen": "identify_name"},
        typed("Okafo"),
        keys("Right", "Right", "Right", "Right", "Return"),  # walk Q W E R, press R
        {"expect_text": "Okafor"},
        keys("Down", "Return"),  # from the letters to the choices: Next
        {"wait_screen": "identify_dob"},
        typed(digits),
        {"expect_text": shown},
        keys("Return"),
        {"wait_screen": "confirm", "timeout": 10},
        {"sleep": 1.2},  # the screen changed by itself: keys just after are ignored
        keys("Down", "Return"),
        {"wait_screen": "done", "timeout": 10},
        {"sleep": 1.2},
        keys("KP_Divide"),  # repeat
        keys("Down", "Return"),  # "Done"
        {"wait_screen": "welcome"},
        {"sleep": 0.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = spoken(said)
    assert records[0][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)  # turned on at welcome
    assert "Welcome to Seen Clinic" in records[0]
    assert titles(records, language) == [
        "identify_name",
        "identify_dob",
        "looking_up",
        "confirm",
        "checking_in",
    ]
    if language == "es":
        walk = [["Check in, 1 of 4"], ["English, 2 of 4"], ["Español, 3 of 4"]]
        assert records[1:4] == walk
    start = first(records, t(p.TITLES["identify_name"]))
    # Each letter echoed as shown (a capital first, then small letters); the walk says
    # each key it lands on, then R is typed; Down goes to the choices.
    assert records[start + 1 : start + 6] == [["O"], ["k"], ["a"], ["f"], ["o"]]
    walked = records[start + 6 : start + 12]
    next_choice = p.focus_phrase(t(p.NEXT), 0, 5, language)
    assert walked == [["Q"], ["W"], ["E"], ["R"], ["r"], [next_choice]]
    dob = first(records, t(p.TITLES["identify_dob"]))
    assert records[dob + 1 : dob + 8] == [[d] for d in digits[:7]]
    read_back = "April 2, 1980" if language == "en" else "2 de abril de 1980"
    assert records[dob + 8] == [digits[7], read_back]
    confirm = records[first(records, t(p.TITLES["confirm"]))]
    assert confirm[1:3] == [
        "María O.",
        t("{time} with {provider}").format(time="10:30", provider="Dr. Lee"),
    ]
    assert [p.focus_phrase(t("Yes, that's me"), 0, 3, language)] in records
    checked_in = t("You're checked in, {name}. Please take a seat.").format(name="María")
    done = [r for r in records if r != "STOP" and r[0] == checked_in]
    assert len(done) == 2 and done[0] == done[1]  # shown, then the repeat key
    assert (
        t("Appointment: {time} with {provider}").format(time="10:30", provider="Dr. Lee") in done[0]
    )
    ticket = done[0][1]
    assert any(char.isdigit() for char in ticket)  # the ticket number, as on the receipt
    # Back at welcome: speech over, nothing left to repeat.
    assert records[-2:] == [[p.focus_phrase(t("Done"), 0, 3, language)], "STOP"], records[-4:]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_no_match_hand_off_with_keys_only(
    xvfb_display, speech_config, seeded_server, tmp_path, language
):
    config, said = speech_config
    t = p.translator(language)
    steps = [
        {"wait_screen": "welcome"},
        keys("KP_Multiply"),
        {"sleep": 0.5},
        *BEGIN[language],
        {"wait_screen": "identify_name"},
        typed("Nobody"),
        keys("Return"),
        {"wait_screen": "identify_dob"},
        typed("01011970"),
        keys("Return"),
        {"wait_screen": "check_typed", "timeout": 10},
        {"sleep": 1.2},
        keys("Return"),  # Try again: the name and date come back as typed
        {"wait_screen": "identify_name"},
        keys("Return"),
        {"wait_screen": "identify_dob"},
        keys("Return"),
        {"wait_screen": "handoff", "timeout": 10},
        {"sleep": 1.2},
        keys("Down", "Return"),  # OK
        {"wait_screen": "welcome"},
        {"sleep": 0.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = spoken(said)
    assert titles(records, language) == [
        "identify_name",
        "identify_dob",
        "looking_up",
        "check_typed",
        "identify_name",
        "identify_dob",
        "looking_up",
    ]
    check = records[first(records, t(p.TITLES["check_typed"]))]
    assert check[1:4] == [
        t(p.BODIES["check_typed"]),
        {"en": "Last name: Nobody", "es": "Apellido: Nobody"}[language],
        {
            "en": "Date of birth: January 1, 1970",
            "es": "Fecha de nacimiento: 1 de enero de 1970",
        }[language],
    ]
    again = records[first(records, t(p.TITLES["check_typed"])) :]
    name_again = again[first(again, t(p.TITLES["identify_name"]))]
    assert "Nobody: N, o, b, o, d, y" in name_again  # what the screen shows, spelled
    handoff = next(
        r for r in records if r != "STOP" and r[0] == t(p.words.HANDOFF_WORDS["no_match"][0])
    )
    assert handoff[1] in (t(p.words.COMING), t(p.words.GO_TO_DESK))
    assert handoff[-2:] == [t(p.CHOICES), t("OK")]
    assert records[-2:] == [[p.focus_phrase(t("OK"), 0, 1, language)], "STOP"]
    reasons = [h["reason"] for h in handoffs(seeded_server)]
    assert reasons == ["no_match"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_walk_in_with_keys_only(xvfb_display, speech_config, seeded_server, tmp_path, language):
    config, said = speech_config
    t = p.translator(language)
    steps = [
        {"wait_screen": "welcome"},
        keys("KP_Multiply"),
        {"sleep": 0.5},
        *BEGIN[language],
        {"wait_screen": "identify_name"},
        keys("Down", "Down", "Return"),  # Next is off while empty: code, then no appointment
        {"wait_screen": "walk_in"},
        typed("Sean"),
        keys("Down", "Down", "Return"),  # to the last name's field
        typed("Ruiz"),
        keys("KP_Add"),  # louder
        keys("Return"),  # Send to the front desk
        {"wait_screen": "handoff", "timeout": 10},
        {"sleep": 1.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = spoken(said)
    assert titles(records, language) == ["identify_name", "walk_in"]
    name = first(records, t(p.TITLES["identify_name"]))
    assert records[name + 1 : name + 3] == [
        [p.focus_phrase(t("I have an appointment code"), 0, 4, language)],
        [p.focus_phrase(t("I don't have an appointment"), 1, 4, language)],
    ]
    walk_in = first(records, t(p.TITLES["walk_in"]))
    help_lines = [t(line) for line in p.WALK_IN_HELP]
    assert records[walk_in][1 : 1 + len(help_lines)] == help_lines
    assert records[walk_in + 1 : walk_in + 5] == [["S"], ["e"], ["a"], ["n"]]
    assert records[walk_in + 5 : walk_in + 7] == [
        [p.focus_phrase(t("First name"), 0, 7, language)],
        [p.focus_phrase(t("Last name"), 1, 7, language)],
    ]
    assert [{"en": "Volume 90 percent.", "es": "Volumen al 90 por ciento."}[language]] in records
    handoff = next(
        r for r in records if r != "STOP" and r[0] == t(p.words.HANDOFF_WORDS["walk_in"][0])
    )
    assert handoff[1] in (t(p.words.COMING), t(p.words.GO_TO_DESK))
    (walk,) = [h for h in handoffs(seeded_server) if h["reason"] == "walk_in"]
    assert walk["entered"] == {"first_name": "Sean", "last_name": "Ruiz", "phone": ""}


def test_the_listen_button_turns_speech_on_and_off_by_touch(
    xvfb_display, speech_config, seeded_server, tmp_path
):
    config, said = speech_config
    steps = [
        {"wait_screen": "welcome"},
        {"tap": "listen"},  # top right on welcome, in the header on every other screen
        {"tap": "start"},
        {"wait_screen": "identify_name"},
        {"tap": "listen"},
        {"type": "Ok"},
        {"sleep": 0.5},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = spoken(said)
    assert records[0][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)
    assert records[1][0] == p.TITLES["identify_name"]
    assert records[2:] == [[p.SPEECH_OFF]]  # off: the letters typed after are not echoed


PI_CARDS = " 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones\n"
HEADSET = " 2 [Headset        ]: USB-Audio - Jabra EVOLVE 20 MS\n"


def test_headphones_language_key_and_any_key_on_are_you_still_there(
    xvfb_display, seeded_server, printer, tmp_path
):
    """Plugging in starts speech (a USB headset's card; a jack's input_event bytes),
    pulling out silences it; F8 swaps the language and the screen is said again in the
    new voice; a speech key answers "Are you still there?"."""
    from kiosk.speech.headphones import encode_event

    token = seeded_server.add_kiosk("lobby")
    said, cards, jack = tmp_path / "said.jsonl", tmp_path / "cards", tmp_path / "event"
    cards.write_text(PI_CARDS)
    jack.write_bytes(b"")
    config = write_config(
        tmp_path / "kiosk.toml",
        seeded_server.url,
        token,
        printer=printer.port,
        speech_engine=f"record:{said}",
        headphones_cards=str(cards),
        headphones_switch=str(jack),
        headphones_poll_s=0.2,
        inactivity_prompt_s=6,
        countdown_s=60,
    )
    steps = [
        {"wait_screen": "welcome"},
        {"sleep": 0.5},  # the watcher has read the cards there at start
        {"write_file": [str(cards), PI_CARDS + HEADSET]},  # a USB headset plugged in
        {"wait_speaking": True},
        keys("F8"),  # the language key at welcome: begins in Spanish
        {"wait_screen": "identify_name"},
        {"expect_text": es("What is your last name?")},
        keys("F8"),  # and back to English, on the same screen
        {"expect_text": "What is your last name?", "timeout": 5},
        {"write_file": [str(cards), PI_CARDS]},  # pulled out
        {"wait_speaking": False},
        {"append_hex": [str(jack), encode_event(True, 1, 0).hex()]},  # the jack's switch
        {"wait_speaking": True},
        {"wait_screen": "still_there", "timeout": 20},
        keys("F6"),  # repeat: said again, and the key is "I'm still here"
        {"wait_screen": "identify_name", "timeout": 5},
        {"append_hex": [str(jack), encode_event(False, 2, 0).hex()]},
        {"wait_speaking": False},
    ]
    run_scenario(xvfb_display, config, steps, tmp_path)
    records = read_records(said)
    words = [r.get("say", "STOP") for r in records]
    name_en, name_es = p.TITLES["identify_name"], es(p.TITLES["identify_name"])
    assert words[0][: len(p.SPEECH_ON)] == list(p.SPEECH_ON)  # the headset: speech on
    assert "Welcome to Seen Clinic" in words[0]
    spanish = first(words, name_es)
    assert records[spanish]["language"] == "es"  # F8 at welcome: Spanish, its voice
    english = first(words[spanish:], name_en) + spanish
    assert records[english]["language"] == "en"  # F8 again: the screen in English
    assert words[english + 1] == "STOP"  # pulled out: silence, not a word to the room
    plugged = words[english + 2]  # the jack: speech on again, the screen from the start
    assert plugged[: len(p.SPEECH_ON)] == list(p.SPEECH_ON) and name_en in plugged
    still = first(words, p.TITLES[p.v.STILL_THERE])
    assert words[still + 1] == words[still]  # F6 repeated it...
    assert words[still + 2][0] == name_en  # ...and its release went back to the name
    assert words[-1] == "STOP" and len(words) == still + 4  # pulled out: silent
    assert handoffs(seeded_server) == []  # the session went on, nothing timed out
