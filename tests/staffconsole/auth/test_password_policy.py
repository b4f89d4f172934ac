"""The password policy: at least 12 characters, not the username, not a common password."""

import pytest

from staffconsole.auth.password_policy import (
    MIN_LENGTH,
    WeakPassword,
    check_password,
    common_passwords,
)
from tests.support import run_cli


def test_the_shipped_list_is_the_common_passwords_most_common_first():
    common = common_passwords()
    assert len(common) == 30_000
    assert {"password", "123456", "qwerty123456", "1qaz2wsx3edc"} <= common


@pytest.mark.parametrize(
    "password",
    [
        "Ça-va d'accord 7",  # accents, apostrophe, spaces: any characters count
        "correct horse battery staple",
        "Recepción-2026",
        "山田さんの朝のコーヒー休憩",  # characters, not bytes, are counted
        "x" * 12 + "y",
        "short-but-ok",  # exactly 12
    ],
)
def test_long_uncommon_passwords_are_accepted(password):
    assert len(password) >= MIN_LENGTH
    check_password(password, "ana")


@pytest.mark.parametrize(
    "password, reason",
    [
        ("1", "at least 12"),
        ("elevenchars", "at least 12"),
        ("qwerty123456", "commonly used"),  # on the list as it is
        ("QWERTY123456", "commonly used"),  # case does not make it new
        ("password1234!", "commonly used"),  # a common word with digits stuck on
        ("!!sunshine2026", "commonly used"),
        ("monkeymonkey", "commonly used"),  # said twice
        ("qwerty 123456", "commonly used"),  # spaces do not make it new
        ("x" * 1025, "at most 1024"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    with pytest.raises(WeakPassword, match=reason):
        check_password(password, "ana")


@pytest.mark.parametrize(
    "username, password",
    [
        ("rosalind", "rosalind-2026-desk"),
        ("Rosalind", "my ROSALIND pass"),  # case-insensitive
        ("rosalind", "dnilasor-backwards"),
        ("bo", "bo123456789012"),  # a short username, all of it with digits
        ("Zoë-Ann", "ZOË-ANN 12345678"),
    ],
)
def test_the_username_inside_the_password_is_refused(username, password):
    with pytest.raises(WeakPassword, match="username"):
        check_password(password, username)


def test_a_short_username_inside_a_passphrase_is_not_held_against_it():
    # "bo" is in "about": refusing it would refuse half the dictionary.
    check_password("about a boat on the lake", "bo")


@pytest.mark.e2e
def test_user_add_and_reset_refuse_a_weak_password_and_change_nothing(tmp_path):
    db = str(tmp_path / "seen.db")
    weak = run_cli("user", "add", "ana", "--db", db, input="1\n", check=False)
    assert weak.returncode == 1
    assert "at least 12 characters" in weak.stderr
    assert "Traceback" not in weak.stderr
    listed = run_cli("user", "list", "--json", "--db", db)
    assert '"ana"' not in listed.stdout

    run_cli("user", "add", "ana", "--db", db, input="a long enough phrase\n")
    same = run_cli(
        "user", "reset-password", "ana", "--db", db, input="ana-ana-ana-ana\n", check=False
    )
    assert same.returncode == 1
    assert "username" in same.stderr
    common = run_cli(
        "user", "reset-password", "ana", "--db", db, input="password1234\n", check=False
    )
    assert common.returncode == 1
    assert "commonly used" in common.stderr
    # The old password still works: nothing was changed.
    from staffconsole.auth.passwords import verify
    from staffconsole.store.schema import open_db

    row = open_db(db).execute("SELECT password_hash FROM staff_users").fetchone()
    assert verify(row[0], "a long enough phrase")
