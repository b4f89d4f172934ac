"""seen.settings: one loader for every role; errors name the file or variable, key, value."""

from __future__ import annotations

import re

import pytest
from support import REPO

from kiosk.config import KIOSK, load_config
from seen.settings import (
    OTHER_VARIABLES,
    ConfigError,
    Role,
    Setting,
    load,
    markdown_table,
    not_empty,
    settings_class,
)
from staffconsole.config import SERVER, load_settings

# A small role of its own, so the loader is tested apart from the kiosk's and server's.
SHOP = Role(
    "shop",
    "SEEN_SHOP_",
    (
        Setting("name", str, "Corner", "shop name", check=not_empty),
        Setting("opens_h", int, 9, "opening hour", minimum=0, maximum=23),
        Setting("pause_s", float, 1.5, "pause between bells", greater_than=0),
        Setting("size", str, "small", "how big", choices=("small", "large")),
        Setting("open", bool, True, "open today"),
        Setting("discount", int, 0, "percent off", minimum=0),
    ),
    foreign_prefixes=("SEEN_SHOP_TILL_",),
)


def write(tmp_path, text: str):
    path = tmp_path / "shop.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_then_file_then_environment_then_overrides(tmp_path):
    assert load(SHOP, None, {}) == {s.name: s.default for s in SHOP.settings}
    path = write(tmp_path, '[shop]\nname = "Kiosque"\nopens_h = 8\npause_s = 2\n')
    values = load(
        SHOP,
        path,
        {"SEEN_SHOP_OPENS_H": "7", "SEEN_SHOP_OPEN": "no", "HOME": "/x"},
        overrides={"opens_h": 6},
    )
    assert values["name"] == "Kiosque"  # from the file
    assert values["pause_s"] == 2.0 and isinstance(values["pause_s"], float)  # int is fine
    assert values["open"] is False  # from the environment
    assert values["opens_h"] == 6  # the override beats both


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[shop]\nopens_h = "nine"\n', ["opens_h = 'nine'", "expected int"]),
        ("[shop]\nopens_h = 24\n", ["opens_h = 24", "between 0 and 23"]),
        ("[shop]\ndiscount = -5\n", ["discount = -5", "0 or more"]),
        ("[shop]\npause_s = 0\n", ["pause_s = 0.0", "greater than 0"]),
        ('[shop]\nsize = "huge"\n', ["size = 'huge'", "one of small, large"]),
        ('[shop]\nname = "  "\n', ["name = '  '", "must not be empty"]),
        ("[shop]\nopen = 1\n", ["open = 1", "expected bool"]),
        ("[shop]\nopens_h = true\n", ["opens_h = True", "expected int"]),
        ("[shop]\nopens_hour = 8\n", ["unknown setting 'opens_hour'", "= 8", "'opens_h'?"]),
        ("[shop]\ncolour = 'red'\n", ["unknown setting 'colour' in [shop] = 'red'"]),
        ("[till]\nx = 1\n", ["unknown key 'till'", "[shop] table"]),
        ("shop = 3\n", ["shop = 3", "expected a [shop] table"]),
        ("[shop\n", ["not valid TOML"]),
    ],
)
def test_file_errors_name_the_file_the_key_and_the_value(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(SHOP, path, {})
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_no_suggestion_when_nothing_is_close(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(SHOP, write(tmp_path, "[shop]\nzzz = 1\n"), {})
    assert "did you mean" not in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: config file not found"):
        load(SHOP, tmp_path / "nope.toml", {})


@pytest.mark.parametrize(
    ("variable", "text", "words"),
    [
        ("SEEN_SHOP_OPENS_H", "9am", ["environment variable SEEN_SHOP_OPENS_H", "'9am'", "int"]),
        ("SEEN_SHOP_OPENS_H", "30", ["SEEN_SHOP_OPENS_H: opens_h = 30", "between 0 and 23"]),
        ("SEEN_SHOP_PAUSE_S", "soon", ["SEEN_SHOP_PAUSE_S: pause_s = 'soon'", "float"]),
        ("SEEN_SHOP_OPEN", "maybe", ["SEEN_SHOP_OPEN: open = 'maybe'", "true or false"]),
        ("SEEN_SHOP_SIZE", "huge", ["SEEN_SHOP_SIZE: size = 'huge'", "small, large"]),
        ("SEEN_SHOP_OPEN_H", "8", ["unknown setting SEEN_SHOP_OPEN_H = '8'", "SEEN_SHOP_OPENS_H?"]),
        ("SEEN_SHOP_opens_h", "8", ["unknown setting SEEN_SHOP_opens_h", "SEEN_SHOP_OPENS_H?"]),
        ("SEEN_SHOP_ZZZ", "1", ["unknown setting SEEN_SHOP_ZZZ = '1'", "OTHER_VARIABLES"]),
    ],
)
def test_environment_errors_name_the_variable_and_the_value(variable, text, words):
    with pytest.raises(ConfigError) as caught:
        load(SHOP, None, {variable: text})
    for word in words:
        assert word in str(caught.value)


def test_environment_text_is_read_as_the_type():
    values = load(
        SHOP,
        None,
        {"SEEN_SHOP_OPENS_H": " 10 ", "SEEN_SHOP_PAUSE_S": "0.25", "SEEN_SHOP_OPEN": "ON"},
    )
    assert (values["opens_h"], values["pause_s"], values["open"]) == (10, 0.25, True)


def test_other_roles_and_other_variables_are_passed_over():
    environ = {
        "SEEN_SHOP_TILL_NUMBER": "3",  # a foreign prefix inside ours: another role's
        "SEEN_SOAK": "1",  # outside our prefix
        "SEEN_OTHER": "x",
        "PATH": "/bin",
    }
    assert load(SHOP, None, environ) == load(SHOP, None, {})


def test_an_unknown_override_is_refused_with_a_suggestion():
    with pytest.raises(ConfigError, match=r"override: unknown setting 'size_' = 1; .*'size'"):
        load(SHOP, None, {}, overrides={"size_": 1})
    with pytest.raises(ConfigError, match=r"override: opens_h = 'x': expected int"):
        load(SHOP, None, {}, overrides={"opens_h": "x"})


def test_the_settings_class_has_the_declared_defaults():
    shop = settings_class("Shop", SHOP, "A shop's settings.")
    assert shop() == shop(**load(SHOP, None, {}))
    assert shop.__doc__ == "A shop's settings." and shop().pause_s == 1.5
    with pytest.raises(AttributeError):
        shop().name = "x"  # frozen


def test_the_table_lists_variable_default_and_help():
    table = markdown_table(SHOP)
    assert '| `name` | `SEEN_SHOP_NAME` | `"Corner"` | shop name |' in table
    assert "| `open` | `SEEN_SHOP_OPEN` | `true` | open today |" in table
    assert "| `pause_s` | `SEEN_SHOP_PAUSE_S` | `1.5` | pause between bells |" in table


# -- the server and the kiosk, through their declarations ---------------------------


def test_the_server_refuses_a_misspelt_variable_and_says_which_was_meant():
    with pytest.raises(ConfigError) as caught:
        load_settings(environ={"SEEN_CLINIC_TIMEZNE": "Europe/Paris"})
    message = str(caught.value)
    assert "SEEN_CLINIC_TIMEZNE = 'Europe/Paris'" in message
    assert "did you mean SEEN_CLINIC_TIMEZONE?" in message


def test_the_kiosk_refuses_a_misspelt_variable_the_same_way():
    with pytest.raises(ConfigError, match="SEEN_KIOSK_TOKN = 'abc'; did you mean SEEN_KIOSK_TOKEN"):
        load_config(None, environ={"SEEN_KIOSK_TOKN": "abc"})


def test_kiosk_and_server_share_an_environment():
    # One box can run both (the demo, a one-Pi clinic): each takes only its own variables.
    environ = {
        "SEEN_CLINIC_TIMEZONE": "Europe/Dublin",
        "SEEN_PORT": "9000",
        "SEEN_KIOSK_TOKEN": "k-token",
        "SEEN_KIOSK_HEARTBEAT_S": "5",
        **{name: "1" for name in OTHER_VARIABLES},
    }
    server = load_settings(environ=environ)
    kiosk = load_config(None, environ=environ)
    assert server.clinic_timezone == "Europe/Dublin" and server.port == 9000
    assert kiosk.token == "k-token" and kiosk.heartbeat_s == 5


def test_a_kiosk_file_error_names_its_file(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text("[kiosk]\nheartbeat_seconds = 5\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    assert str(caught.value) == (
        f"{path}: unknown setting 'heartbeat_seconds' in [kiosk] = 5; did you mean 'heartbeat_s'?"
    )


@pytest.mark.parametrize("role", [SERVER, KIOSK], ids=lambda r: r.table)
def test_every_declaration_is_complete_and_its_default_acceptable(role):
    for s in role.settings:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", s.name), s.name
        assert s.help and "\n" not in s.help and "|" not in s.help, s.name
        assert isinstance(s.default, s.type), s.name
        assert s.problem(s.default) is None or s.name == "token", s.name
    assert len({s.name for s in role.settings}) == len(role.settings)


def test_no_setting_hides_behind_another_variable():
    # A setting whose variable is also an "other" variable, or that falls in the kiosk's
    # prefix from the server's side, would be passed over without a word.
    server_variables = {SERVER.variable(s) for s in SERVER.settings}
    kiosk_variables = {KIOSK.variable(s) for s in KIOSK.settings}
    assert not (server_variables | kiosk_variables) & set(OTHER_VARIABLES)
    assert not [v for v in server_variables if v.startswith(SERVER.foreign_prefixes)]
    assert all(v.startswith(SERVER.foreign_prefixes) for v in kiosk_variables)


# Files that name unknown SEEN_* variables on purpose, to test that they are refused.
REFUSAL_TESTS = {
    "tests/seen/test_settings.py",
    "tests/kiosk/test_config.py",
    "tests/server/test_config.py",
}
SKIPPED_FOLDERS = {
    ".git",
    ".venv",
    "node_modules",
    "test-artifacts",
    ".demo",
    "__pycache__",
    ".pytest_cache",  # test ids of earlier runs, not code
}


def test_every_seen_variable_in_the_repo_is_a_setting_or_listed():
    """Makefile, deploy/ (systemd units), bench/, tests, docs: any SEEN_* name set or
    mentioned is a setting, or one of OTHER_VARIABLES - never a stray the server refuses."""
    known = (
        {SERVER.variable(s) for s in SERVER.settings}
        | {KIOSK.variable(s) for s in KIOSK.settings}
        | set(OTHER_VARIABLES)
        | {"SEEN_KIOSK"}  # the kiosk's prefix, as in `SEEN_KIOSK_<NAME>`
    )
    strays = {}
    for path in REPO.rglob("*"):
        relative = path.relative_to(REPO)
        if SKIPPED_FOLDERS & set(relative.parts) or not path.is_file():
            continue
        if str(relative) in REFUSAL_TESTS or path.suffix in (".png", ".db", ".pyc", ".mo"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for name in re.findall(r"\bSEEN_[A-Za-z0-9_]*[A-Za-z0-9]", text):
            if name not in known:
                strays.setdefault(name, str(relative))
    assert strays == {}, "name these in seen.settings.OTHER_VARIABLES, or make them settings"
