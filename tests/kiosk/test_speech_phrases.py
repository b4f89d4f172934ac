"""What speech mode says (kiosk/speech/phrases.py), screen by screen, in English and
Spanish, from real flows driven by plain inputs; and that it says the screens' own words
(the .kv titles and buttons) and nothing about the patient the screen does not show."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk import flow as f
from kiosk import i18n
from kiosk.speech import phrases as p
from seen import vocabulary as v

SCREENS_DIR = Path(p.__file__).resolve().parents[1] / "screens"
MARIA = {"appointment": 7, "display_name": "María José O.", "time": "10:30", "provider": "Dr. Lee"}
MARIO = {"appointment": 8, "display_name": "Mario O.", "time": "11:00", "provider": "Dr. Ng"}
ARRIVAL = {**MARIA, "id": 3, "arrived_at": "2026-11-22T15:20:00+00:00", "ticket": 12}
LOOKED_UP = [f.EnterName("O'Brien-Núñez"), f.EnterDob("1980-04-05")]
PATHS = {
    v.WELCOME: [],
    v.IDENTIFY_NAME: [],
    v.IDENTIFY_DOB: LOOKED_UP[:1],
    v.IDENTIFY_CODE: [f.UseCode()],
    v.WALK_IN: [f.WalkIn()],
    v.LOOKING_UP: LOOKED_UP,
    v.CHOOSE: [*LOOKED_UP, f.LookupOk((MARIA, MARIO), "s1")],
    v.CONFIRM: [*LOOKED_UP, f.LookupOk((MARIA,), "s1")],
    v.CHECKING_IN: [*LOOKED_UP, f.LookupOk((MARIA,), "s1"), f.ConfirmYes()],
    v.DONE: [*LOOKED_UP, f.LookupOk((MARIA,), "s1"), f.ConfirmYes(), f.CheckinOk(ARRIVAL, "s1")],
    v.HANDOFF: [f.Help()],
    v.STILL_THERE: [f.Idle()],
    v.CHECK_TYPED: [*LOOKED_UP, f.LookupOk((), "s1")],
}


def flow_at(state: str, language: str = "en") -> f.Flow:
    flow = f.Flow()
    if state != v.WELCOME:
        flow.handle(f.Start("s1", language))
    for event in PATHS[state]:
        flow.handle(event)
    assert flow.state == state
    return flow


def kv_text(state: str) -> str:
    return (SCREENS_DIR / f"{state}.kv").read_text(encoding="utf-8")


def test_every_screen_has_a_path_here():
    assert set(PATHS) == set(v.SCREENS)


@pytest.mark.parametrize("state", [s for s in v.SCREENS if s in p.TITLES])
def test_each_screen_says_its_own_title_first(state):
    assert f'_("{p.TITLES[state]}", app.language)' in kv_text(state)
    assert p.screen_phrases(flow_at(state))[0] == p.TITLES[state]
    spanish = p.screen_phrases(flow_at(state, "es"))[0]
    assert spanish == i18n.in_language("es", p.TITLES[state]) != p.TITLES[state]


@pytest.mark.parametrize("state", list(p.BUTTONS))
def test_the_choices_are_the_screens_buttons_in_their_words(state):
    text = kv_text(state)
    for key, label in p.BUTTONS[state]:
        assert re.search(rf'\b(kiosk_)?id: "?{key}"?\n', text), (state, key)
        if key != "help":  # HelpButton's words are in widgets.kv
            assert f'_("{label}", app.language)' in text or f'"{label}"' in text, label
    flow = flow_at(state)
    spoken = p.screen_phrases(flow)
    labels = [label for _key, label in p.choices(flow)]
    assert spoken[-len(labels) - 1 :] == [p.CHOICES, *labels]


@pytest.mark.parametrize("state", list(v.SCREENS))
def test_spanish_speech_is_all_spanish(state):
    english = p.screen_phrases(flow_at(state, "en"), "MDY", "Seen Clinic")
    spanish = p.screen_phrases(flow_at(state, "es"), "MDY", "Seen Clinic")
    if state == v.WELCOME:
        # Welcome is before any choice of language: English, and how to get Spanish.
        assert spanish == english
        assert (i18n.in_language("es", p.WELCOME_SPANISH), "es") in english
        return
    assert len(spanish) == len(english)
    same = [en for en, es in zip(english, spanish, strict=True) if en == es]
    # Only names, times and the languages' own names read the same in both.
    allowed = {"María José O.", "Mario O.", "English", "Español"}
    assert all(line in allowed or not re.search("[a-z]{3}", line) for line in same), same


def test_the_date_of_birth_is_read_as_a_date_in_the_patients_language():
    assert p.spoken_date("1980-04-05", "en") == "April 5, 1980"
    assert p.spoken_date("1980-04-05", "es") == "5 de abril de 1980"
    assert p.spoken_date("", "en") == ""
    today = date(2026, 12, 3)
    assert p.echo_dob("0405198", "04051980", "MDY", "en", today) == ["0", "April 5, 1980"]
    # Spanish types the day first, whatever the clinic's English order.
    assert p.echo_dob("0504198", "05041980", "MDY", "es", today) == ["0", "5 de abril de 1980"]
    assert p.echo_dob("1332198", "13321980", "MDY", "en", today) == ["0", p.words.DOB_PROBLEM]
    assert p.echo_dob("04", "040", "MDY", "en", today) == ["0"]
    checked = p.screen_phrases(flow_at(v.CHECK_TYPED, "es"), "MDY")
    assert "Fecha de nacimiento: 5 de abril de 1980" in checked
    assert "Apellido: O'Brien-Núñez" in checked


def test_each_key_typed_is_echoed():
    assert p.echo("O", "O'", "en") == ["apostrophe"]
    assert p.echo("O'BRIEN", "O'BRIEN-", "es") == ["guion"]
    assert p.echo("ANA", "ANA ", "en") == ["space"]
    assert p.echo("ŁUKASZ", "ŁUKASZÓ", "en") == ["Ó"]
    assert p.echo("NG", "N", "en") == ["Deleted", "N: N"]
    assert p.echo("N", "", "es") == ["Borrado", "Todavía no hay nada escrito"]
    assert p.echo("AB", "AB", "en") == []
    assert p.echo("", "O'B", "en") == ["O'B: O, apostrophe, B"]  # a scan or paste: spelled


def test_the_name_typed_so_far_is_read_back_on_return():
    flow = flow_at(v.IDENTIFY_DOB)
    flow.handle(f.Back())
    said = p.screen_phrases(flow)
    assert "O'Brien-Núñez: O, apostrophe, B, r, i, e, n, hyphen, N, ú, ñ, e, z" in said


def test_done_speaks_the_result_and_the_receipts_ticket_and_time():
    flow = flow_at(v.DONE)
    now = datetime(2026, 11, 22, 10, 20, tzinfo=timezone(timedelta(hours=-5)))
    said = p.screen_phrases(flow, now=now, long_wait_min=15)
    assert said[:2] == [
        "You're checked in, María José. Please take a seat.",
        "Your number is 12. Please take your receipt.",
    ]
    assert "Appointment: 10:30 with Dr. Lee" in said
    assert "If you haven't been called by 10:45, please tell the front desk." in said
    spanish = p.screen_phrases(flow_at(v.DONE, "es"), now=now)
    assert "Su número es el 12. Por favor, tome su comprobante." in spanish[1] or "12" in spanish[1]
    assert any("10:30" in line and "Dr. Lee" in line for line in spanish)


def test_a_printer_that_cannot_tell_adds_the_slip_question_to_the_choices():
    flow = flow_at(v.DONE)
    flow.handle(f.PrinterReport("no_status"))
    keys = [key for key, _label in p.choices(flow)]
    assert keys == ["finish", "slip_not_printed", "report_problem", "help"]


def test_the_hand_off_says_what_happens_next():
    flow = flow_at(v.HANDOFF)
    assert p.screen_phrases(flow)[:2] == ["Help is on the way.", p.words.GO_TO_DESK]
    flow.handle(f.HandoffDelivered("s1"))
    assert p.screen_phrases(flow)[1] == p.words.COMING


def test_welcome_says_the_clinic_and_its_warning():
    flow = f.Flow()
    flow.handle(f.ConsoleStatus(live=True, reachable=False))
    said = p.screen_phrases(flow, clinic_name="Northside Clinic")
    assert said[:2] == ["Welcome to Northside Clinic", p.words.UNREACHABLE]
    assert ("start", "Check in") in p.choices(flow)


def test_speech_says_no_more_about_the_patient_than_the_screen():
    secret = {**MARIA, "dob": "1980-04-05", "phone": "555-0199", "last_name": "Okafor"}
    flow = flow_at(v.IDENTIFY_NAME)
    for event in (f.EnterName("Okafor"), f.EnterDob("1980-04-05"), f.LookupOk((secret,), "s1")):
        flow.handle(event)
    said = " ".join(p.screen_phrases(flow))
    assert "María José O." in said and "10:30 with Dr. Lee" in said
    for hidden in ("Okafor", "555-0199", "1980", "April"):
        assert hidden not in said
    chooser = flow_at(v.CHOOSE)
    spoken = " ".join(p.screen_phrases(chooser))
    assert "María José O., 10:30 with Dr. Lee" in spoken and "O'Brien" not in spoken


def test_focus_says_the_choice_and_its_place():
    assert p.focus_phrase("Next", 0, 5, "en") == "Next, 1 of 5"
    assert p.focus_phrase("Siguiente", 1, 5, "es") == "Siguiente, 2 de 5"


def test_the_catalogue_holds_each_message_once():
    text = i18n.po_path("es").read_text(encoding="utf-8")
    ids = re.findall(r'^msgid "(.*)"$', text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
