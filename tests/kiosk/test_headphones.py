"""Headphones as the hardware reports them (kiosk/speech/headphones.py, jack.py): a USB
headset's card appearing in a cards file, a jack's SW_HEADPHONE_INSERT events as real
input_event bytes, the device found in /proc/bus/input/devices, and the watcher thread
reading stand-in files that a test rewrites; the doctor's line naming the source."""

from __future__ import annotations

import os
import queue
import struct

from kiosk.config import load_config
from kiosk.speech import headphones as h
from kiosk.speech.check import headphones_check
from kiosk.speech.jack import JackWatch, initial_switch, switch_path

PI = """\
 0 [Headphones     ]: bcm2835_headpho - bcm2835 Headphones
                      bcm2835 Headphones
 1 [vc4hdmi0       ]: vc4-hdmi - vc4-hdmi-0
                      vc4-hdmi-0
"""
HEADSET = """\
 2 [Headset        ]: USB-Audio - Jabra EVOLVE 20 MS
                      GN Netcom A/S Jabra EVOLVE 20 MS at usb-0000:01:00.0-1.3, full speed
"""
HDMI_SCREEN = """\
 3 [HDMI           ]: HDA-Intel - HDA ATI HDMI
                      HDA ATI HDMI at 0xfe6a0000 irq 42
"""
WEBCAM = """\
 4 [C920           ]: USB-Audio - HD Pro Webcam C920
                      HD Pro Webcam C920 at usb-0000:00:14.0-2, high speed
"""
DEVICES = """\
I: Bus=0019 Vendor=0001 Product=0001 Version=0100
N: Name="gpio-keys"
H: Handlers=kbd event0
B: EV=3

I: Bus=0000 Vendor=0000 Product=0000 Version=0000
N: Name="sof-hda-dsp Headphone"
H: Handlers=event7
B: EV=21
B: SW=4
"""


def test_cards_are_parsed_and_only_headsets_look_like_headphones():
    cards = h.parse_cards(PI + HEADSET + HDMI_SCREEN + WEBCAM)
    assert [(c.number, c.id, c.driver) for c in cards] == [
        (0, "Headphones", "bcm2835_headpho"),
        (1, "vc4hdmi0", "vc4-hdmi"),
        (2, "Headset", "USB-Audio"),
        (3, "HDMI", "HDA-Intel"),
        (4, "C920", "USB-Audio"),
    ]
    assert cards[2].name == "Jabra EVOLVE 20 MS"
    # The Pi's own jack is there all day; its HDMI, a screen's sound, a webcam are not ears.
    assert [c.id for c in cards if h.looks_like_headphones(c)] == ["Headphones", "Headset"]
    assert h.parse_cards("--- no soundcards ---\n") == []


def test_a_new_headset_card_is_a_plug_in_and_its_going_a_pull_out():
    watch = h.CardWatch(PI)  # the Pi's own jack card is there at start: not a plug-in
    assert watch.look(PI) is None
    assert watch.look(PI + HDMI_SCREEN) is None  # a screen turned on
    assert watch.look(PI + HEADSET) is True
    assert watch.look(PI + HEADSET) is None
    assert watch.look(PI) is False
    assert watch.look(PI) is None
    assert watch.look("") is None  # every card gone (a driver reload): nothing was plugged


def test_a_headset_there_at_start_counts_once_it_is_put_back():
    watch = h.CardWatch(PI + HEADSET)
    assert watch.look(PI + HEADSET) is None
    assert watch.look(PI) is None  # the fitted adapter pulled: it was never "plugged"
    assert watch.look(PI + HEADSET) is True


def test_input_events_decode_the_headphone_switch_only():
    key = struct.pack("llHHi", 1, 0, 0x01, 30, 1)  # EV_KEY, KEY_A
    syn = struct.pack("llHHi", 1, 0, 0x00, 0, 0)  # EV_SYN
    mic = struct.pack("llHHi", 1, 0, h.EV_SW, 0x04, 1)  # SW_MICROPHONE_INSERT
    data = key + h.encode_event(True, 5, 10) + syn + mic + h.encode_event(False)
    assert len(h.encode_event(True)) == struct.calcsize("llHHi")
    assert h.decode_events(data) == ([True, False], b"")
    # A read can end inside an event: the rest waits for the next read.
    changes, rest = h.decode_events(data[:-5])
    assert changes == [True] and len(rest) == h.EVENT.size - 5
    assert h.decode_events(rest + data[-5:]) == ([False], b"")


def test_the_switch_state_and_the_device_with_a_switch():
    assert h.switch_state(bytes([0b100, 0, 0])) is True
    assert h.switch_state(bytes([0b011, 0xFF, 0])) is False
    assert h.switch_state(b"") is False
    assert h.switch_devices(DEVICES) == ["/dev/input/event7"]
    assert h.switch_devices(DEVICES.replace("B: SW=4", "B: SW=1")) == []  # a lid switch


def test_auto_finds_the_device_and_a_path_is_used_as_given(tmp_path):
    (tmp_path / "proc/bus/input").mkdir(parents=True)
    (tmp_path / "proc/bus/input/devices").write_text(DEVICES)
    assert switch_path("auto", tmp_path) == "/dev/input/event7"
    assert switch_path("auto", tmp_path / "nowhere") == ""
    assert switch_path("/dev/input/event3", tmp_path) == "/dev/input/event3"
    assert switch_path("", tmp_path) == ""


def test_a_plain_file_cannot_tell_its_switch_state(tmp_path):
    path = tmp_path / "event"
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert initial_switch(fd) is None  # ENOTTY: tolerated, the events tell
    finally:
        os.close(fd)


def test_the_watcher_reports_both_sources_from_stand_in_files(tmp_path):
    cards = tmp_path / "cards"
    cards.write_text(PI)
    fifo = tmp_path / "jack"
    os.mkfifo(fifo)
    changes: queue.Queue = queue.Queue()
    watch = JackWatch(str(cards), str(fifo), changes.put, poll_s=0.05)
    watch.start()
    try:
        cards.write_text(PI + HEADSET)
        assert changes.get(timeout=10) is True
        cards.write_text(PI)
        assert changes.get(timeout=10) is False
        with open(fifo, "wb") as jack:  # as a jack's driver writes, in one event each
            jack.write(h.encode_event(True))
            jack.flush()
            assert changes.get(timeout=10) is True
            jack.write(h.encode_event(True) + h.encode_event(False))  # a repeat is no news
            jack.flush()
            assert changes.get(timeout=10) is False
    finally:
        watch.stop()
    assert changes.empty()


def test_a_missing_source_is_tolerated(tmp_path):
    changes: queue.Queue = queue.Queue()
    watch = JackWatch(str(tmp_path / "no-cards"), str(tmp_path / "no-device"), changes.put, 0.05)
    watch.start()
    (tmp_path / "no-cards").write_text(PI + HEADSET)  # it appears later: read from then on
    assert changes.get(timeout=10) is True
    watch.stop()


def config(**settings):
    return load_config(
        None, environ={f"SEEN_KIOSK_{k.upper()}": str(v) for k, v in settings.items()}
    )


def test_the_doctor_names_the_plug_in_source(tmp_path):
    (tmp_path / "proc/asound").mkdir(parents=True)
    (tmp_path / "proc/asound/cards").write_text(PI)
    status, name, reason = headphones_check(config(), tmp_path)
    assert (status, name) == ("PASS", "headphones")
    assert "USB headsets via /proc/asound/cards (2 cards now)" in reason
    assert "no input device has a headphone switch" in reason
    (tmp_path / "proc/bus/input").mkdir(parents=True)
    (tmp_path / "proc/bus/input/devices").write_text(DEVICES)
    (tmp_path / "dev/input").mkdir(parents=True)
    (tmp_path / "dev/input/event7").write_bytes(b"")
    status, _name, reason = headphones_check(config(), tmp_path)
    assert status == "PASS" and "jack switch on /dev/input/event7" in reason
    status, _name, reason = headphones_check(
        config(headphones_cards="", headphones_switch=""), tmp_path
    )
    assert status == "WARN" and "plugging in does not start speech" in reason
