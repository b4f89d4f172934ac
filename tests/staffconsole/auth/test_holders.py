"""The one shape of a token holder, as kiosks, lobby displays and API tokens share it."""

from __future__ import annotations

import pytest
from helpers.seed import NOW

from staffconsole.auth.api_tokens import add_token, revoke_token, token_for
from staffconsole.auth.displays import add_display, display_for_token, revoke_display
from staffconsole.auth.holders import MAX_TOKEN, token_hash
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token, revoke_kiosk
from staffconsole.errors import Conflict, Invalid, NotFound


def test_only_the_hash_is_kept(fresh_db):
    token = add_kiosk(fresh_db, "Lobby  kiosk", NOW)
    rows = list(fresh_db.query("SELECT name, token_hash FROM kiosks"))
    assert rows == [{"name": "Lobby kiosk", "token_hash": token_hash(token)}]
    assert token not in str(rows)


def test_a_revoked_holder_comes_back_under_its_name_with_a_new_token(fresh_db):
    old = add_display(fresh_db, "Waiting room TV", NOW, site="north")
    shown = display_for_token(fresh_db, old)
    fresh_db.execute("UPDATE displays SET last_seen_at = ? WHERE id = ?", ["x", shown["id"]])
    revoke_display(fresh_db, "Waiting room TV", NOW)
    assert display_for_token(fresh_db, old) is None
    new = add_display(fresh_db, "Waiting room TV", NOW, site="south")
    back = display_for_token(fresh_db, new)
    assert back["id"] == shown["id"] and back["site"] == "south"
    assert back["last_seen_at"] is None  # dark until the new token streams
    assert display_for_token(fresh_db, old) is None


def test_an_active_holder_is_not_reissued(fresh_db):
    add_token(fresh_db, "Practice system", "push", NOW)
    with pytest.raises(Conflict, match="an API token named 'Practice system' already exists"):
        add_token(fresh_db, "Practice system", "metrics", NOW)


def test_revoking_twice_or_nobody_says_which(fresh_db):
    add_kiosk(fresh_db, "Kiosk 1", NOW)
    revoke_kiosk(fresh_db, "Kiosk 1", NOW)
    with pytest.raises(Conflict, match="kiosk 'Kiosk 1' was already revoked at"):
        revoke_kiosk(fresh_db, "Kiosk 1", NOW)
    with pytest.raises(NotFound, match="no API token named 'Nobody'"):
        revoke_token(fresh_db, "Nobody", NOW)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_names_out_of_bounds_are_refused_with_the_limits(fresh_db, name):
    with pytest.raises(Invalid, match="a kiosk name must be 1 to 100 characters"):
        add_kiosk(fresh_db, name, NOW)


def test_a_token_longer_than_any_issued_finds_nobody(fresh_db):
    token = add_kiosk(fresh_db, "Kiosk 1", NOW)
    assert kiosk_for_token(fresh_db, token)["name"] == "Kiosk 1"
    assert kiosk_for_token(fresh_db, token + "x" * MAX_TOKEN) is None
    assert token_for(fresh_db, "") is None
