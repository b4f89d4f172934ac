"""The tactile path's focus (kiosk/tactile.py) with plain stand-ins for widgets."""

from __future__ import annotations

from kiosk import tactile


class Widget:
    def __init__(self, kiosk_id="", text="", disabled=False, children=()):
        self.kiosk_id, self.text, self.disabled, self.opacity = kiosk_id, text, disabled, 1
        self.parent = object()
        self.children = list(children)
        self.released = 0
        self.page = "letters"
        self.focused = False

    def walk(self, restrict=True):
        yield self
        for child in self.children:
            yield from child.walk()

    def dispatch(self, event):
        assert event == "on_release"
        self.released += 1


class Screen(Widget):
    def __init__(self, ids, children=(), keyboard=None):
        super().__init__(children=children)
        self.ids = ids
        self.keyboard = keyboard

    def pad(self):
        return self.keyboard


CHOICES = [("next", "Next"), ("back", "Back"), ("help", "I need help")]


def test_steps_go_round_the_ring():
    assert tactile.step(None, 3, 1) == 0 and tactile.step(None, 3, -1) == 2
    assert tactile.step(2, 3, 1) == 0 and tactile.step(0, 3, -1) == 2
    assert tactile.step(None, 0, 1) is None


def test_down_and_tab_walk_the_choices_that_can_be_pressed():
    ids = {"next": Widget(disabled=True), "back": Widget(), "help": Widget()}
    screen = Screen(ids)
    focus = tactile.Focus()
    assert focus.move(screen, CHOICES, tactile.DOWN) == ("Back", 0, 2)  # Next is disabled
    assert ids["back"].focused and not ids["help"].focused  # the ring is drawn there
    assert focus.move(screen, CHOICES, tactile.TAB) == ("I need help", 1, 2)
    assert ids["help"].focused and not ids["back"].focused
    assert focus.move(screen, CHOICES, tactile.TAB, backwards=True) == ("Back", 0, 2)
    assert focus.move(screen, CHOICES, tactile.UP) == ("I need help", 1, 2)
    assert focus.press() and ids["help"].released == 1
    assert not focus.press()  # a pressed choice leaves nothing focused
    assert not any(widget.focused for widget in ids.values())


def test_left_and_right_walk_the_letter_keys_and_enter_types_one():
    keys = [Widget("key_q", "Q"), Widget("key_w", "W"), Widget("key_space", "space")]
    keyboard = Widget(children=[Widget(children=keys)])
    screen = Screen({"next": Widget()}, keyboard=keyboard)
    focus = tactile.Focus()
    assert focus.move(screen, CHOICES, tactile.LEFT) == ("space", 2, 3)
    assert focus.move(screen, CHOICES, tactile.RIGHT) == ("Q", 0, 3)
    assert focus.press() and focus.press() and keys[0].released == 2  # keeps its place
    assert focus.move(screen, CHOICES, tactile.DOWN) == ("Next", 0, 1)  # to the choices


def test_without_a_letter_keyboard_left_and_right_walk_the_choices():
    screen = Screen({"back": Widget(), "help": Widget()}, keyboard=None)
    focus = tactile.Focus()
    assert focus.move(screen, CHOICES, tactile.RIGHT) == ("Back", 0, 2)
    focus.reset()
    assert not focus.press()
    empty = Screen({})
    assert focus.move(empty, CHOICES, tactile.DOWN) is None


def test_a_choice_found_by_kiosk_id():
    choice = Widget("choice_0", "María O., 10:30 with Dr. Lee")
    screen = Screen({}, children=[choice])
    focus = tactile.Focus()
    assert focus.move(screen, [("choice_0", choice.text)], tactile.DOWN)[1:] == (0, 1)
    assert focus.press() and choice.released == 1
