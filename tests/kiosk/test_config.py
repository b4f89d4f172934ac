"""Kiosk settings: defaults, the TOML file, SEEN_KIOSK_* variables; errors name file/key/value."""

from __future__ import annotations

import pytest

from kiosk.config import SETTINGS, load_config, settings_table, window_size
from seen.settings import ConfigError


def write(tmp_path, text: str):
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    config = load_config(None, environ={})
    assert config.inactivity_prompt_s == 45 and config.countdown_s == 15
    assert config.printer == "none" and config.date_order == "MDY" and config.fullscreen is True
    assert window_size(config) == (1280, 800)


def test_file_and_environment(tmp_path):
    path = write(
        tmp_path,
        '[kiosk]\nserver_url = "http://console:8400"\ntoken = "abc"\n'
        'date_order = "DMY"\nfullscreen = false\nclinic_name = "Cl\u00ednica '
        "O'Neill-Ruiz\"\n",
    )
    config = load_config(path, environ={"SEEN_KIOSK_TOKEN": "from-env", "OTHER": "x"})
    assert config.server_url == "http://console:8400" and config.token == "from-env"
    assert config.date_order == "DMY" and config.fullscreen is False
    assert config.clinic_name == "Clínica O'Neill-Ruiz"
    assert config.outbox_path == str(tmp_path / "kiosk-outbox.db")  # beside the file


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[kiosk]\ncountdown_s = "soon"\n', ["countdown_s", "'soon'", "expected int"]),
        ("[kiosk]\ncountdown_s = 0\n", ["countdown_s", "0", "greater than 0"]),
        ("[kiosk]\nfullscreen = 1\n", ["fullscreen", "1", "expected bool"]),
        ('[kiosk]\ndate_order = "YMD"\n', ["date_order", "'YMD'", "MDY, DMY"]),
        ('[kiosk]\nserver_url = "console:8400"\n', ["server_url", "'console:8400'", "http://"]),
        ('[kiosk]\nwindow_size = "big"\n', ["window_size", "'big'", "WIDTHxHEIGHT"]),
        ('[kiosk]\nprinter_profile = "star"\n', ["printer_profile", "'star'", "epson"]),
        ('[kiosk]\nprinter = "usb://4b8:202"\n', ["printer", "'usb://4b8:202'", "in hex"]),
        (
            '[kiosk]\nprinter = "usb://04b8:0202?port=1"\n',
            ["printer", "'usb://04b8:0202?port=1'", "unknown URL option 'port'"],
        ),
        ('[kiosk]\nprinter = " "\n', ["printer", "must not be empty"]),
        ('[kiosk]\ncolour = "blue"\n', ["unknown setting", "'colour'", "'blue'"]),
        ("[screen]\nx = 1\n", ["unknown key", "'screen'", "[kiosk]"]),
        ("[kiosk\n", ["not valid TOML"]),
    ],
)
def test_errors_name_file_key_and_value(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    message = str(caught.value)
    assert message.startswith(str(path))
    for word in words:
        assert word in message


def test_environment_errors_name_the_variable():
    with pytest.raises(ConfigError, match=r"SEEN_KIOSK_HEARTBEAT_S: heartbeat_s = 'often'"):
        load_config(None, environ={"SEEN_KIOSK_HEARTBEAT_S": "often"})
    with pytest.raises(ConfigError, match="unknown setting SEEN_KIOSK_NOPE"):
        load_config(None, environ={"SEEN_KIOSK_NOPE": "1"})


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", environ={})


def test_every_setting_has_help_and_is_in_the_table():
    table = settings_table()
    for setting in SETTINGS:
        assert setting.help and f"`{setting.name}`" in table


def test_printer_urls_of_every_kind_load(tmp_path):
    for url in (
        "/dev/seen-printer",
        "/dev/usb/lp0",
        "socket://192.0.2.10:9100",
        "usb://04b8:0202",
        "usb://0416:5011?serial=SEEN0001&interface=1",
    ):
        path = write(tmp_path, f'[kiosk]\nprinter = "{url}"\n')
        assert load_config(path, environ={}).printer == url


def test_printer_width_zero_means_the_profile_and_bad_widths_name_the_key(tmp_path):
    assert load_config(None, environ={}).printer_width == 0
    assert (
        load_config(write(tmp_path, "[kiosk]\nprinter_width = 80\n"), environ={}).printer_width
        == 80
    )
    with pytest.raises(ConfigError) as e:
        load_config(write(tmp_path, "[kiosk]\nprinter_width = 8\n"), environ={})
    assert "printer_width" in str(e.value) and "8" in str(e.value)
