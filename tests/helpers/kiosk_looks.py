"""What the patient sees, checked inside the kiosk driver's process: text that fits its
widget, typed text that contrasts with its field, and words from the session's catalogue.

The pure parts (contrast, catalogue matching) take plain values, so they are tested
without a window; the widget parts take Kivy widgets of the running app.
"""

from __future__ import annotations

import re
from collections import Counter

AA_CONTRAST = 4.5  # WCAG 2.x AA for normal-size text
FIT_MARGIN_PX = 4  # a text closer than this to its widget's edge "touches" it
# Language names are shown in their own language on every screen.
# the keyboard's page keys are letters, not words.
ANY_LANGUAGE = {"English", "Español", "ÁÉÑ…", "ABC"}


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an 8-bit sRGB colour."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def ink_contrast(pixels: list[tuple[int, int, int]], min_ink: int = 30) -> tuple[float, str]:
    """The contrast of a field's text with its background, from the field's pixels.

    The background is the commonest colour; the ink is the colour of the glyphs' solid
    cores: the most contrasting colour that covers at least `min_ink` pixels (a few
    anti-aliased or border pixels do not count). 1.0 when no text is drawn at all."""
    counts = Counter(pixels)
    background = counts.most_common(1)[0][0]
    best, ink = 1.0, background
    for colour, count in counts.items():
        if count >= min_ink:
            ratio = contrast(colour, background)
            if ratio > best:
                best, ink = ratio, colour
    return best, f"ink {ink} on background {background}"


def fill(pixels: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    """A button's fill: its commonest colour."""
    return Counter(pixels).most_common(1)[0][0]


def catalogue_patterns(values) -> list[re.Pattern]:
    """A pattern per catalogue string; "{name}" placeholders match any data."""
    patterns = []
    for value in values:
        parts = re.split(r"\{[a-z_]+\}", value)
        patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.DOTALL))
    return patterns


def foreign(text: str, patterns: list[re.Pattern], data: set[str]) -> list[str]:
    """The lines of a shown text that come from neither the catalogue nor the data."""

    def known(part: str) -> bool:
        part = part.strip()
        return (
            not part
            or len(part) == 1  # a key's letter or a placeholder ("…")
            or part.isdigit()  # a countdown
            or part in data
            or part in ANY_LANGUAGE
            or any(p.match(part) for p in patterns)
        )

    if known(text):
        return []
    return [line for line in text.split("\n") if not known(line)]


def shown_values(language: str) -> list[str]:
    """Every string the kiosk may show in a language: the catalogue's translations, or
    for the source language the msgids."""
    from kiosk import i18n

    found = [p.parent.parent.name for p in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/kiosk.po")]
    if language == i18n.SOURCE_LANGUAGE:
        ids: set[str] = set()
        for other in found:
            ids |= set(i18n.parse_po(i18n.po_path(other).read_text(encoding="utf-8")))
        return sorted(ids - {""})
    catalogue = i18n.parse_po(i18n.po_path(language).read_text(encoding="utf-8"))
    return sorted(v for k, v in catalogue.items() if k)


# --- widgets of the running app ---------------------------------------------------------


def walk(widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def shown_labels(root):
    """Labels (buttons too) with text that the patient can see on this screen."""
    from kivy.uix.label import Label

    for widget in walk(root):
        text = getattr(widget, "text", "")
        has_text = isinstance(widget, Label) and isinstance(text, str) and text.strip()
        if has_text and widget.opacity > 0 and widget.parent is not None and widget.width > 1:
            yield widget


def name_of(widget) -> str:
    return getattr(widget, "kiosk_id", "") or repr(widget.text[:40])


def misfits(root, window_size, margin: float = FIT_MARGIN_PX) -> list[str]:
    """Texts that are clipped, touch their widget's edges, or lie off the window."""
    problems = []
    for widget in shown_labels(root):
        widget.texture_update()
        tw, th = widget.texture_size  # padding included
        if tw + 2 * margin > widget.width:
            problems.append(f"{name_of(widget)}: text {tw:.0f} px wide in {widget.width:.0f}")
        if th + 2 * margin > widget.height:
            problems.append(f"{name_of(widget)}: text {th:.0f} px high in {widget.height:.0f}")
        x, y = widget.to_window(widget.x, widget.y)
        if x < 0 or y < 0 or x + widget.width > window_size[0] + 0.5:
            problems.append(f"{name_of(widget)}: off the window at {x:.0f},{y:.0f}")
        elif y + widget.height > window_size[1] + 0.5:
            problems.append(f"{name_of(widget)}: off the top of the window")
    return problems + touching_buttons(root)


def rgb8(rgba, under=(1, 1, 1)) -> tuple[int, int, int]:
    """An RGBA colour of floats as 8-bit RGB, blended over what is beneath it."""
    alpha = rgba[3] if len(rgba) > 3 else 1
    return tuple(round(255 * (alpha * c + (1 - alpha) * u)) for c, u in zip(rgba[:3], under))


def faint_texts(root, clear_colour) -> list[str]:
    """Texts whose colour is below AA on what they are drawn on: a button's fill, or the
    window for a plain label (typed fields draw their own background: see field_pixels)."""
    from kivy.uix.button import Button

    page = tuple(clear_colour[:3])
    faint = []
    for widget in shown_labels(root):
        if widget.disabled or widget.canvas.before.length():
            continue  # a disabled button is faint on purpose; a field is read by its pixels
        under = tuple(widget.background_color[:3]) if isinstance(widget, Button) else page
        ratio = contrast(rgb8(widget.color, under), rgb8(under))
        if ratio < AA_CONTRAST:
            faint.append(f"{name_of(widget)} at {ratio:.2f}:1")
    return faint


def rect(widget) -> tuple[float, float, float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return (x, y, x + widget.width, y + widget.height)


def touching(a, b, gap: float = 2) -> bool:
    """Two rectangles closer than `gap` px on both axes (neither inside the other: a
    full-screen button under welcome's words does not count)."""
    inside = all(a[i] <= b[i] for i in (0, 1)) and all(a[i] >= b[i] for i in (2, 3))
    contains = all(b[i] <= a[i] for i in (0, 1)) and all(b[i] >= a[i] for i in (2, 3))
    if inside or contains:
        return False
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def touching_buttons(root) -> list[str]:
    """Buttons with no gap between them: two keys of one colour read as one."""
    from kivy.uix.button import Button

    buttons = [w for w in shown_labels(root) if isinstance(w, Button)]
    found = []
    for i, a in enumerate(buttons):
        for b in buttons[i + 1 :]:
            if touching(rect(a), rect(b)):
                found.append(f"{name_of(a)} touches {name_of(b)}")
    return found


def field_pixels(widget) -> list[tuple[int, int, int]]:
    """The RGB pixels of a widget as drawn (its canvas rendered off screen), inside its
    border."""
    image = widget.export_as_image()
    texture = image.texture
    width, height = texture.size
    data = texture.pixels  # RGBA, row by row
    inset = 6  # leave out the field's border line
    pixels = []
    for row in range(inset, height - inset):
        start = row * width * 4
        for col in range(inset, width - inset):
            i = start + col * 4
            pixels.append((data[i], data[i + 1], data[i + 2]))
    return pixels


def header_box(root) -> tuple[float, float, float, float] | None:
    """The window rectangle of the screen's header (the language and text-size switches)."""
    for widget in walk(root):
        if type(widget).__name__ == "Header":
            x, y = widget.to_window(widget.x, widget.y)
            return (round(x), round(y), round(widget.width), round(widget.height))
    return None
