"""What speech mode says: each screen's title, prompt and choices, the echo of each key,
the date read back as a date, errors and the result. Pure functions of the flow.

The words are the screens' own (kiosk/words.py and the msgids of the .kv titles and
buttons), translated through the same catalogue, plus a few that only speech needs
(how to use the keys). Nothing about the patient is said that the screen does not show.
Every function takes the language; none reads or changes the current one.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from kiosk import dob, words
from kiosk.i18n import N_, in_language
from kiosk.receipt import tell_desk_by
from seen import vocabulary as v

# -- what only speech says ------------------------------------------------------------------
SPEECH_ON = (
    N_("Speech is on."),
    N_("Move with the arrow keys or Tab, and press Enter to choose."),
    N_("Slash repeats, plus and minus change the volume, dot stops, star turns speech off."),
)
SPEECH_OFF = N_("Speech is off.")
CHOICES = N_("Choices:")
NAME_HELP = (
    N_("Type your last name and press Enter."),
    N_("Or move through the letters with the arrow keys and press Enter on each one."),
)
CODE_HELP = N_("Type your code and press Enter.")
DOB_HELP = {
    "MDY": N_("Type two digits for the month, two for the day and four for the year."),
    "DMY": N_("Type two digits for the day, two for the month and four for the year."),
}
CHOOSE_HELP = N_("Move with the arrow keys to hear each one, and press Enter on yours.")
STILL_THERE_HELP = N_("Press any key to keep going.")
WALK_IN_HELP = (
    N_("Type your first name."),
    N_("For your last name, move down to its field, press Enter and type."),
    N_("A phone number is up to you."),
    N_("Then press Enter on Send to the front desk."),
)
DELETED = N_("Deleted")
NOTHING_TYPED = N_("Nothing typed yet")
SPACE, HYPHEN, APOSTROPHE = N_("space"), N_("hyphen"), N_("apostrophe")
MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)
SPOKEN_DATE = N_("{month} {day}, {year}")
APPOINTMENT = N_("Appointment: {time} with {provider}")  # the receipt's own line
TELL_DESK_BY = N_("If you haven't been called by {time}, please tell the front desk.")
WELCOME_SPANISH = N_("For Spanish, press the right arrow until you hear «Español».")

# -- the screens' words (the same msgids as their .kv files) ----------------------------------
TITLES = {
    v.IDENTIFY_NAME: N_("What is your last name?"),
    v.IDENTIFY_DOB: N_("What is your date of birth?"),
    v.IDENTIFY_CODE: N_("Type or scan your code"),
    v.LOOKING_UP: N_("Looking for your appointment…"),
    v.CHOOSE: N_("Which appointment is yours?"),
    v.CONFIRM: N_("Is this you?"),
    v.CHECKING_IN: N_("Checking you in…"),
    v.STILL_THERE: N_("Are you still there?"),
    v.WALK_IN: N_("Tell us who you are"),
    v.CHECK_TYPED: N_("Please check what you typed"),
}
BODIES = {
    v.LOOKING_UP: N_("This takes a few seconds."),
    v.CHECKING_IN: N_("Please wait a moment."),
    v.CHECK_TYPED: N_("We couldn't find an appointment for:"),
}
HELP = N_("I need help")
START_OVER, BACK, NEXT = N_("Start over"), N_("Back"), N_("Next")
# Each screen's buttons in the order focus walks them (the on-screen keyboard first where
# there is one); the kiosk ids of the .kv files, for the tactile path.
BUTTONS = {
    v.WELCOME: (("start", N_("Check in")), ("lang_en", "English"), ("lang_es", "Español"),
                ("help", HELP)),
    v.IDENTIFY_NAME: (("next", NEXT), ("use_code", N_("I have an appointment code")),
                      ("walk_in", N_("I don't have an appointment")), ("help", HELP),
                      ("start_over", START_OVER)),
    v.IDENTIFY_DOB: (("next", NEXT), ("back", BACK), ("help", HELP), ("start_over", START_OVER)),
    v.IDENTIFY_CODE: (("next", NEXT), ("walk_in", N_("I don't have an appointment")),
                      ("back", BACK), ("help", HELP), ("start_over", START_OVER)),
    v.LOOKING_UP: (("help", HELP),),
    v.CHOOSE: (("none", N_("None of these is me")), ("help", HELP)),
    v.CONFIRM: (("yes", N_("Yes, that's me")), ("no", N_("No, that's not me")), ("help", HELP)),
    v.CHECKING_IN: (("help", HELP),),
    v.DONE: (("finish", N_("Done")), ("report_problem", N_("Something's not right")),
             ("help", HELP)),
    v.HANDOFF: (("finish", N_("OK")),),
    v.STILL_THERE: (("still_here", N_("I'm still here")), ("help", HELP)),
    v.WALK_IN: (("field_first_name", N_("First name")), ("field_last_name", N_("Last name")),
                ("field_phone", N_("Phone (optional)")), ("send", N_("Send to the front desk")),
                ("back", BACK), ("help", HELP), ("start_over", START_OVER)),
    v.CHECK_TYPED: (("try_again", N_("Try again")), ("get_help", N_("Get help"))),
}  # fmt: skip
SLIP_NOT_PRINTED = ("slip_not_printed", N_("My slip didn't print"))


def translator(language: str):
    return partial(in_language, language)


def spoken_date(iso: str, language: str) -> str:
    """A date as words ("April 5, 1980"; "5 de abril de 1980"): never a guess of order."""
    try:
        born = date.fromisoformat(iso)
    except ValueError:
        return ""
    t = translator(language)
    return t(SPOKEN_DATE).format(month=t(MONTHS[born.month - 1]), day=born.day, year=born.year)


def choices(flow) -> list[tuple[str, str]]:
    """(kiosk id, label) of the screen's choices in focus order, labels in the session's
    language; the choose screen's appointments come first, as choice_0, choice_1..."""
    t = translator(flow.language)
    found = [(key, t(label)) for key, label in BUTTONS.get(flow.state, ())]
    if flow.state == v.CHOOSE:
        matches = [(f"choice_{i}", words.describe(m, t)) for i, m in enumerate(flow.matches)]
        found = matches + found
    if flow.state == v.DONE and words.done_lines(flow, t)[3]:
        found.insert(1, (SLIP_NOT_PRINTED[0], t(SLIP_NOT_PRINTED[1])))
    return found


def screen_phrases(
    flow, date_order: str = "MDY", clinic_name: str = "", now=None, long_wait_min: float = 15
) -> list:
    """What a screen says when it appears in speech mode, in the session's language:
    title, what it shows, how to answer, then its choices. Welcome's line for Spanish
    speakers is (text, "es"), for the Spanish voice."""
    language = flow.language
    t = translator(language)
    state = flow.state
    said: list = []
    if state == v.WELCOME:
        title = N_("Welcome to {clinic}") if clinic_name else N_("Welcome")
        said.append(t(title).format(clinic=clinic_name))
        notice = words.notice(flow.reachable, flow.console_live)
        if notice:
            said.append(t(notice))
        said.append(t(N_("Or scan the code on your appointment letter.")))
    elif state in TITLES:
        said.append(t(TITLES[state]))
    if state in BODIES:
        said.append(t(BODIES[state]))
    said += _what_is_shown(flow, date_order, t, now, long_wait_min)
    said += _how_to_answer(flow, date_order, t)
    options = [label for _key, label in choices(flow)]
    if options:
        said.append(t(CHOICES))
        said += options
    return said


def _what_is_shown(flow, date_order, t, now, long_wait_min) -> list[str]:
    state = flow.state
    if state == v.IDENTIFY_NAME and flow.last_name:
        return [_spelled(flow.last_name, t)]
    if state == v.CONFIRM and flow.chosen:
        return [flow.chosen.get("display_name", ""), words.appointment_when(flow.chosen, t)]
    if state == v.CHECK_TYPED:
        name, _born = words.check_typed_lines(flow.last_name, flow.dob, date_order, t)
        born = t(N_("Date of birth: {date}")).format(date=spoken_date(flow.dob, flow.language))
        return [name, born]
    if state == v.HANDOFF:
        heading, next_step = words.handoff_words(flow.reason, flow.someone_coming)
        return [t(heading), t(next_step)]
    if state == v.DONE:
        message, ticket, receipt, _ask = words.done_lines(flow, t)
        said = [message, ticket] + ([receipt] if receipt else [])
        return said + _receipt_phrases(flow.arrival or {}, t, now, long_wait_min)
    return []


def _receipt_phrases(arrival: dict, t, now, long_wait_min: float) -> list[str]:
    """The slip's lines that matter to the patient (its words, as printed)."""
    if not arrival.get("time"):
        return []
    said = [t(APPOINTMENT).format(time=arrival["time"], provider=arrival.get("provider", ""))]
    if now is not None and arrival.get("arrived_at"):
        by = tell_desk_by(arrival, now, long_wait_min)
        said.append(t(TELL_DESK_BY).format(time=f"{by:%H:%M}"))
    return said


def _how_to_answer(flow, date_order, t) -> list[str]:
    state = flow.state
    if state == v.WELCOME:
        return [(in_language("es", WELCOME_SPANISH), "es")]
    if state == v.IDENTIFY_NAME:
        return [t(line) for line in NAME_HELP]
    if state == v.IDENTIFY_DOB:
        return [t(DOB_HELP[words.language_order(date_order, t)])]
    if state == v.IDENTIFY_CODE:
        return [t(CODE_HELP)]
    if state == v.CHOOSE:
        return [t(CHOOSE_HELP)]
    if state == v.STILL_THERE:
        return [t(STILL_THERE_HELP)]
    if state == v.WALK_IN:
        return [t(line) for line in WALK_IN_HELP]
    return []


# -- echo: what each key typed says ----------------------------------------------------------
def _character(char: str, t) -> str:
    return {" ": t(SPACE), "-": t(HYPHEN), "'": t(APOSTROPHE)}.get(char, char)


def _spelled(text: str, t) -> str:
    """A typed word read as typed, then letter by letter ("O'Brien: O, apostrophe, B...")."""
    letters = ", ".join(_character(char, t) for char in text)
    return f"{text}: {letters}"


def echo(before: str, after: str, language: str) -> list[str]:
    """What a change to a text field says: the letter added, or "Deleted" and what is left."""
    t = translator(language)
    if after.startswith(before) and len(after) == len(before) + 1:
        return [_character(after[-1], t)]
    if before.startswith(after) and len(after) < len(before):
        return [t(DELETED), _spelled(after, t) if after else t(NOTHING_TYPED)]
    if after == before:
        return []
    return [_spelled(after, t)] if after else [t(NOTHING_TYPED)]


def echo_dob(before: str, after: str, clinic_order: str, language: str, today: date) -> list[str]:
    """A digit typed into the date of birth: the digit; at the eighth, the date as words
    (or the screen's error, when the eight digits are not a real date)."""
    t = translator(language)
    said = echo(before, after, language)
    if len(after) == dob.DIGITS and len(before) < dob.DIGITS:
        born = dob.parse(after, words.language_order(clinic_order, t), today)
        said.append(spoken_date(born.isoformat(), language) if born else t(words.DOB_PROBLEM))
    return said


def focus_phrase(label: str, index: int, count: int, language: str) -> str:
    """Where focus landed: the choice's words and its place ("Next, 1 of 5")."""
    t = translator(language)
    return t(N_("{choice}, {number} of {count}")).format(
        choice=label, number=index + 1, count=count
    )
