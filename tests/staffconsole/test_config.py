"""Server settings: defaults, TOML, SEEN_* variables, overrides; errors name file, key, value."""

import dataclasses
import inspect

import pytest

from seen.settings import ConfigError
from staffconsole.config import SETTINGS, load_settings, settings_table_markdown
from staffconsole.rules.escalation import Timings
from staffconsole.web.snapshot import build_snapshot


def write(tmp_path, text):
    path = tmp_path / "server.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    s = load_settings(environ={})
    assert (s.db_path, s.host, s.port, s.session_deadline_s) == ("seen.db", "127.0.0.1", 8400, 120)
    assert s.cookie_secure is False and s.watchdog_interval_s == 1.0


def test_toml_then_environment_then_overrides(tmp_path):
    path = write(
        tmp_path,
        '[server]\nport = 9000\nclinic_name = "Clínica Norte"\n'
        "session_deadline_s = 60\nwatchdog_interval_s = 2\n",
    )
    s = load_settings(
        path,
        environ={
            "SEEN_SESSION_DEADLINE_S": "30",
            "SEEN_COOKIE_SECURE": "yes",
            "SEEN_DEMO_DIR": "/not/ours",
        },
        overrides={"port": 9100},
    )
    assert s.clinic_name == "Clínica Norte"
    assert s.session_deadline_s == 30  # environment beats the file
    assert s.port == 9100  # a command-line flag beats both
    assert s.watchdog_interval_s == 2.0 and isinstance(s.watchdog_interval_s, float)
    assert s.cookie_secure is True


@pytest.mark.parametrize(
    "text, words",
    [
        ("[server]\nprot = 9000\n", ["prot", "9000", "unknown"]),
        ('[server]\nport = "eighty"\n', ["port", "'eighty'", "int"]),
        ("[server]\nport = 70000\n", ["port", "70000", "between"]),
        ("[server]\nsession_deadline_s = 0\n", ["session_deadline_s", "0", "greater than 0"]),
        ("[server]\ncookie_secure = 1\n", ["cookie_secure", "1", "bool"]),
        ("[server]\nport = true\n", ["port", "True", "int"]),
        ('[kiosk]\ntoken = "x"\n', ["kiosk", "[server]"]),
        ("[server\nport = 1\n", ["not valid TOML"]),
    ],
)
def test_bad_file_names_file_key_and_value(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("SEEN_PORT", "80a", ["SEEN_PORT", "'80a'", "int"]),
        ("SEEN_COOKIE_SECURE", "maybe", ["SEEN_COOKIE_SECURE", "'maybe'", "true or false"]),
        ("SEEN_WATCHDOG_INTERVAL_S", "-1", ["SEEN_WATCHDOG_INTERVAL_S", "-1", "greater than 0"]),
    ],
)
def test_bad_environment_variable_is_named(variable, value, words):
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={variable: value})
    for word in words:
        assert word in str(caught.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="nope.toml: config file not found"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_unknown_override_is_refused():
    with pytest.raises(ConfigError, match="colour"):
        load_settings(environ={}, overrides={"colour": "blue"})


def test_every_setting_is_in_the_docs_table():
    table = settings_table_markdown()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in table and f"`SEEN_{setting.name.upper()}`" in table
        assert setting.help in table


def test_the_ladder_and_the_snapshot_have_no_defaults_of_their_own():
    # Their values come from the settings only, so a default cannot drift from the declared.
    assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(Timings))
    assert (
        inspect.signature(build_snapshot).parameters["settings"].default is inspect.Parameter.empty
    )
    declared = {s.name: s.default for s in SETTINGS}
    timings = Timings.from_settings(load_settings(environ={}))
    assert (timings.escalate_after_s, timings.ack_timeout_s) == (
        declared["escalate_after_s"],
        declared["ack_timeout_s"],
    )
