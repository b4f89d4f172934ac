"""What the patient sees, on every screen, in English and Spanish, normal and larger text:
typed text at AA contrast in every field, no clipped or touching text, only the session
language's words, and a header that keeps its place."""

from __future__ import annotations

import pytest
from helpers.kiosk_harness import run_scenario, write_config
from support import free_port

pytestmark = [pytest.mark.ui, pytest.mark.e2e]

# Patient data the screens may show besides the catalogue's words (synthetic patients).
# (The walk-in's last name starts with what the name screen had.)
TYPED = [
    *("Okafor", "QX7-42", "Seán", "Okaforruiz", "5550100", "María O.", "99 / 99 / 9999"),
    *("Nobody", "Lin N."),
]
DATA = {"en": [*TYPED, "04 / 02 / 1980"], "es": [*TYPED, "02 / 04 / 1980"]}
TEMPLATE = {"en": "MM / DD / YYYY", "es": "DD / MM / AAAA"}
DOB = {"en": "04021980", "es": "02041980"}  # the language's order: MDY in English, DMY in Spanish


def looks(screen: str, language: str, field: str | None = None) -> list[dict]:
    """The checks of one screen once it is up."""
    steps = [{"wait_screen": screen, "timeout": 10}]
    if field:
        steps.append({"check_contrast": field})
    steps += [
        {"check_fit": True},
        {"check_colours": True},
        {"check_catalogue": language, "data": DATA[language]},
        {"record_header": f"{screen}-{len(steps)}"},
    ]
    return steps


def begin(language: str, large: bool) -> list[dict]:
    steps = [{"tap": "start" if language == "en" else "lang_es"}]
    if large:
        steps += [{"wait_screen": "identify_name"}, {"tap": "large_text"}]
    return steps


def welcome_again() -> list[dict]:
    """Back at welcome after a session (in any language or size): both languages again,
    normal text (a session's larger text never outlives it)."""
    return [
        {"wait_screen": "welcome"},
        {"font_size": ["start", 40, 50]},  # 44 sp: normal size, not 1.3 times it
        {"check_fit": True},
        {"check_colours": True},
        {"check_catalogue": ["en", "es"]},
    ]


def name_and_dob(language: str, large: bool, name: str = "Okafor") -> list[dict]:
    return [
        *begin(language, large),
        {"type": name},
        {"tap": "next"},
        {"wait_screen": "identify_dob"},
        {"keypad": DOB[language]},
        {"tap": "next"},
    ]


def tour(language: str, large: bool) -> list[dict]:
    """Every screen a patient can stay on, with something typed into every field."""
    return [
        {"wait_screen": "welcome"},
        {"check_fit": True},
        {"check_colours": True},
        # Welcome speaks both languages before anyone chooses.
        {"check_catalogue": ["en", "es"]},
        *begin(language, large),
        {"type": "Okafor"},
        *looks("identify_name", language, "name_field"),
        {"tap": "use_code"},
        {"type": "QX7-42"},
        *looks("identify_code", language, "code_field"),
        {"tap": "walk_in"},
        {"wait_screen": "walk_in"},
        {"type": "Seán"},
        {"check_contrast": "field_first_name"},
        {"tap": "field_last_name"},
        {"type": "Ruiz"},
        {"check_contrast": "field_last_name"},
        {"tap": "field_phone"},
        {"keypad": "5550100"},
        {"check_contrast": "field_phone"},
        *looks("walk_in", language),
        {"tap": "send"},
        *looks("handoff", language),
        {"tap": "finish"},
        *welcome_again(),
        *begin(language, large),
        {"type": "Okafor"},
        {"tap": "next"},
        {"wait_screen": "identify_dob"},
        {"expect_text": TEMPLATE[language]},  # the fields' order and words
        {"keypad": "99999999"},
        {"tap": "next"},
        {"sleep": 0.3},
        *looks("identify_dob", language),  # the "doesn't look right" line fits too
        *[{"tap": "digit_backspace"}] * 8,
        {"keypad": DOB[language]},
        *looks("identify_dob", language, "dob_field"),
        {"tap": "next"},
        *looks("confirm", language),
        {"check_distinct": ["yes", "no"]},  # the filled primary and the outline
        {"tap": "yes"},
        *looks("done", language),  # a printer without status: "your slip is printing"
        {"expect_text": SLIP_PRINTING[language]},
        {"tap": "slip_not_printed"},
        *looks("handoff", language),  # slip_not_printed
        {"tap": "finish"},
        *welcome_again(),
        *begin(language, large),
        {"tap": "key_accents"},
        {"sleep": 0.3},
        {"check_fit": True},  # the accented letters' page
        {"tap": "key_letters"},
        {"type": "Núñez"},
        {"tap": "next"},
        {"keypad": "06151990" if language == "en" else "15061990"},
        {"tap": "next"},
        *looks("choose", language),
        {"tap": "none"},
        *looks("handoff", language),
        {"tap": "finish"},
        *welcome_again(),
        *name_and_dob(language, large, name="Nobody"),
        *looks("check_typed", language),
        # The date as the patient typed it, in their language's order.
        {"expect_text": DATA[language][-1]},
        {"tap": "get_help"},
        *looks("handoff", language),  # help
        {"tap": "finish"},
        *welcome_again(),
        *begin(language, large),
        {"type": "Ok"},  # something typed: walking away from nothing ends quietly
        {"wait_screen": "still_there", "timeout": 20},
        *looks("still_there", language),
        {"wait_screen": "handoff", "timeout": 20},
        *looks("handoff", language),  # timed_out
        {"tap": "finish"},
        *welcome_again(),
    ]


def slow_server_tour(language: str, large: bool) -> list[dict]:
    """The screens a patient waits on, held up by a slow server, and the check-in it
    never confirms."""
    return [
        {"wait_screen": "welcome"},
        *name_and_dob(language, large, name="Lin"),
        *looks("looking_up", language),
        *looks("confirm", language),
        {"tap": "yes"},
        *looks("checking_in", language),
        {"wait_screen": "done", "timeout": 10},
        {"expect_text": NO_RECEIPT[language], "timeout": 10},  # the printer is out of paper
        *looks("done", language),
        {"tap": "report_problem"},
        *looks("handoff", language),  # reported_problem
        {"tap": "finish"},
        *welcome_again(),
        *name_and_dob(language, large),
        {"wait_screen": "confirm", "timeout": 10},
        {"tap": "yes"},
        *looks("handoff", language),  # checkin_unconfirmed
        {"expect_text": UNCONFIRMED[language]},
        {"tap": "finish"},
        *welcome_again(),
    ]


def offline_tour(language: str, large: bool) -> list[dict]:
    """No server at all: welcome says so first, and the hand-off sends to the desk."""
    return [
        {"wait_screen": "welcome"},
        {"expect_text": UNREACHABLE[language], "timeout": 10},  # after a failed heartbeat
        {"check_fit": True},
        {"check_colours": True},
        {"check_catalogue": ["en", "es"]},
        *name_and_dob(language, large),
        *looks("handoff", language),  # offline
        {"expect_text": OFFLINE[language]},
        {"tap": "finish"},
        *welcome_again(),
    ]


SLIP_PRINTING = {"en": "Your slip is printing.", "es": "se está imprimiendo"}
NO_RECEIPT = {"en": "could not print", "es": "no se pudo imprimir"}
UNCONFIRMED = {
    "en": "Sorry, we couldn't finish checking you in.",
    "es": "no pudimos completar su registro",
}
OFFLINE = {"en": "isn't working right now", "es": "no funciona"}
UNREACHABLE = {"en": "check in at the front desk", "es": "regístrese en recepción"}


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_screen_readable(
    xvfb_display, kiosk_config, broken_checkin_server, printer, language, large, tmp_path
):
    # The printer is never asked its state (one without status): done's other words.
    kiosk_config.write_text(
        kiosk_config.read_text()
        + 'inactivity_prompt_s = 6\ncountdown_s = 6\nprinter_status = "none"\n'
    )
    result = run_scenario(xvfb_display, kiosk_config, tour(language, large), tmp_path)
    headers = dict(result["headers"])
    broken_checkin_server.delay_s = 1.5  # long enough to look at the waiting screens
    printer.set_state("paper_out")  # asked now: the slip cannot print
    slow = write_config(
        tmp_path / "slow.toml", broken_checkin_server.url, "t", printer=printer.port, heartbeat_s=1
    )
    result = run_scenario(xvfb_display, slow, slow_server_tour(language, large), tmp_path)
    headers.update(result["headers"])
    dead = write_config(
        tmp_path / "dead.toml", f"http://127.0.0.1:{free_port()}", "t", heartbeat_s=1
    )
    result = run_scenario(xvfb_display, dead, offline_tour(language, large), tmp_path)
    headers.update(result["headers"])
    boxes = {name.rsplit("-", 1)[0]: box for name, box in headers.items()}
    assert None not in boxes.values(), f"a screen without a header: {boxes}"
    assert len(set(map(tuple, boxes.values()))) == 1, f"the header moves: {boxes}"
    assert {"looking_up", "checking_in", "check_typed", "handoff"} <= set(boxes)


LONG = "Wolfeschlegelsteinhausenbergerdorff-O'Brien"  # 43 letters, a synthetic name


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large"])
def test_a_long_name_stays_inside_its_fields(xvfb_display, kiosk_config, shots, large, tmp_path):
    steps = [
        {"wait_screen": "welcome"},
        *begin("es", large),
        {"type": LONG},
        {"check_contrast": "name_field"},
        {"check_fit": True},
        {"tap": "walk_in"},
        {"wait_screen": "walk_in"},
        {"check_fit": True},
        {"tap": "field_first_name"},
        {"type": LONG},
        {"check_fit": True},
        {"check_contrast": "field_first_name"},
        shots(f"walk_in_long_name{'_large' if large else ''}"),
    ]
    run_scenario(xvfb_display, kiosk_config, steps, tmp_path)
