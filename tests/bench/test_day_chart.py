"""The day's SVG chart (bench/day/chart.py): well-formed, one dot per need, on the axes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bench.day.chart import HEIGHT, OURS, THEIRS, svg

NS = "{http://www.w3.org/2000/svg}"


def dots(text: str, colour: str) -> list[tuple[float, float]]:
    root = ET.fromstring(text)
    return [
        (float(c.get("cx")), float(c.get("cy")))
        for c in root.iter(f"{NS}circle")
        if c.get("fill") == colour and float(c.get("cy")) < HEIGHT - 20  # not the legend
    ]


def test_one_dot_per_need_ours_and_theirs():
    text = svg([(0, 0.0), (1800, 30.0)], [(0, 20.0), (1800, 40.0), (3600, 55.0)], 3600)
    assert len(dots(text, OURS)) == 2
    assert len(dots(text, THEIRS)) == 3


def test_later_needs_sit_further_right_and_longer_waits_higher():
    text = svg([(0, 0.0), (1800, 30.0), (3600, 60.0)], [], 3600)
    (x0, y0), (x1, y1), (x2, y2) = dots(text, OURS)
    assert x0 < x1 < x2
    assert y0 > y1 > y2  # SVG's y grows downwards


def test_axis_labels_name_the_clinics_hours_and_a_round_top():
    text = svg([(0, 0.0)], [(0, 37.0)], 2 * 3600, opens_h=8.0)
    labels = [t.text for t in ET.fromstring(text).iter(f"{NS}text")]
    assert {"08:00", "09:00", "10:00"} <= set(labels)
    assert "50 s" in labels  # 37 s rounds up to a 50 s top


def test_an_empty_day_still_draws_and_a_zero_length_one_is_refused():
    assert ET.fromstring(svg([], [], 3600)) is not None
    with pytest.raises(ValueError):
        svg([], [], 0)
