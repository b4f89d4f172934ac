"""Hand-offs through the kiosk API: the appointment the kiosk showed is named (time and
provider), earlier tries are shown, and junk in either is a 422 with a reason."""

from datetime import date
from uuid import uuid4

import pytest
from helpers.seed import book, book_today
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffconsole.store.alerts import list_alerts

API = "/api/v1/kiosk"
TODAY = date.today()
OKAFOR = {"last_name": "Okafor", "dob": "1980-02-04"}
KOWALSKI = {"last_name": "Kowalski", "dob": "1991-06-15"}


def handoff(reason, step="confirm", session="s1", **data):
    event = {
        "id": f"h-{session}-{reason}",
        "session": session,
        "type": "session.handed_off",
        "at": "2026-11-22T09:00:00+00:00",
        "data": {"reason": reason, "step": step, **data},
    }
    return {"events": [event]}


@pytest.fixture
def booked(app_db):
    return book_today(app_db, TODAY)


def _summary(client, auth, app_db, body):
    r = client.post(f"{API}/events", headers=auth, json=body)
    assert r.status_code == 200, r.text
    [alert] = list_alerts(app_db)
    return alert


def test_not_me_names_the_one_match_of_what_was_typed(client, auth, app_db, booked):
    client.post(f"{API}/lookup", headers=auth, json={"session": "s1", **OKAFOR})
    alert = _summary(client, auth, app_db, handoff("not_me", entered=OKAFOR))
    assert alert["summary"] == (
        "Someone at Lobby kiosk 1 said the appointment found for 'Okafor', born 4 Feb 1980 "
        "(10:30 with Dr. Lee) is not theirs"
    )
    assert alert["data"]["shown"] == {"time": "10:30", "provider": "Dr. Lee"}
    assert "Maria" not in alert["summary"]  # the other patient's name is not the desk's clue


def test_timed_out_names_the_appointment_the_kiosk_says_it_showed(client, auth, app_db, booked):
    client.post(f"{API}/lookup", headers=auth, json={"session": "s1", **KOWALSKI})
    body = handoff("timed_out", appointment=booked["Kowalski"], entered=KOWALSKI)
    alert = _summary(client, auth, app_db, body)
    assert alert["summary"].endswith("; it was showing the appointment at 11:15 with Dr. Patel")


def test_an_appointment_never_offered_to_the_session_is_not_named(client, auth, app_db, booked):
    # A stolen token naming any id cannot put that patient's appointment on the desk's card.
    body = handoff("timed_out", appointment=booked["Kowalski"], entered=OKAFOR)
    alert = _summary(client, auth, app_db, body)
    # The named id is ignored; what the session typed still finds its one match.
    assert alert["summary"].endswith("; it was showing the appointment at 10:30 with Dr. Lee")


def test_several_matches_and_no_word_from_the_kiosk_name_nothing(client, auth, app_db):
    book(app_db, "a", "Lan", "Nguyen", "1990-03-03", f"{TODAY}T09:00", "Dr. Lee")
    book(app_db, "b", "Mai", "Nguyen", "1990-03-03", f"{TODAY}T09:10", "Dr. Patel")
    typed = {"last_name": "Nguyen", "dob": "1990-03-03"}
    alert = _summary(client, auth, app_db, handoff("not_me", entered=typed))
    assert "(" not in alert["summary"] and "shown" not in alert["data"]


def test_timed_out_before_any_appointment_was_shown_names_none(client, auth, app_db, booked):
    alert = _summary(client, auth, app_db, handoff("timed_out", "identify_dob", entered=OKAFOR))
    assert "showing" not in alert["summary"]


def test_an_appointment_not_of_today_is_not_named(client, auth, app_db, booked):
    book(app_db, "y", "Maria", "Okafor", "1980-02-04", "2020-01-01T08:00", "Dr. Old")
    old = app_db.execute("SELECT id FROM appointments WHERE external_id = 'y'").fetchone()[0]
    alert = _summary(client, auth, app_db, handoff("not_me", appointment=old, entered=OKAFOR))
    assert "Dr. Old" not in alert["summary"]


def test_two_tries_reach_the_desk(client, auth, app_db, booked):
    first = {"last_name": "O Brian", "first_name": "Zoe", "dob": "1957-11-30"}
    last = {"last_name": "OBrian", "dob": "1957-11-30"}
    body = handoff("no_match", "identify_dob", entered=last, attempts=[first])
    alert = _summary(client, auth, app_db, body)
    assert alert["summary"].endswith(
        "; tried twice: 'O Brian', born 30 Nov 1957, then 'OBrian', born 30 Nov 1957"
    )
    assert alert["data"]["attempts"] == [first]


@pytest.mark.parametrize(
    "data, words",
    [
        ({"attempts": "O Brian"}, "data.attempts must be a list"),
        ({"attempts": {"last_name": "x"}}, "data.attempts must be a list"),
        ({"attempts": [{"last_name": "x"}] * 6}, "at most 5"),
        ({"attempts": ["O Brian"]}, "data.attempts[0] must be an object"),
        ({"attempts": [{}, {"last_name": 12}]}, "data.attempts[1].last_name must be text"),
        ({"attempts": [{"dob": "x" * 101}]}, "data.attempts[0].dob must be text"),
        ({"attempts": [{f"k{n}": "x" for n in range(6)}]}, "more fields"),
        ({"attempts": [[]]}, "must be an object"),
        ({"appointment": "12"}, "data.appointment must be the id"),
        ({"appointment": True}, "data.appointment must be the id"),
        ({"appointment": 0}, "data.appointment must be the id"),
        ({"appointment": 2**63}, "data.appointment must be the id"),
        ({"appointment": 1.5}, "data.appointment must be the id"),
    ],
)
def test_junk_tries_or_appointment_are_422_with_a_reason(client, auth, app_db, data, words):
    r = client.post(f"{API}/events", headers=auth, json=handoff("no_match", **data))
    assert r.status_code == 422, r.text
    assert words in r.text
    assert list_alerts(app_db) == []


def test_nulls_in_tries_are_kept_not_refused(client, auth, app_db):
    body = handoff("no_match", "identify_dob", entered=OKAFOR, attempts=[{"dob": None}])
    alert = _summary(client, auth, app_db, body)
    assert (
        alert["summary"]
        == "Someone at Lobby kiosk 1 typed 'Okafor', born 4 Feb 1980 and got no match"
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=120),
    lambda inner: (
        st.lists(inner, max_size=7) | st.dictionaries(st.text(max_size=12), inner, max_size=7)
    ),
    max_leaves=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=_JSON, appointment=_JSON)
def test_any_json_in_tries_or_appointment_is_200_or_422_never_500(
    client, auth, attempts, appointment
):
    body = handoff(
        "no_match", "identify_dob", session="fz", attempts=attempts, appointment=appointment
    )
    body["events"][0]["id"] = f"fz-{uuid4().hex}"
    r = client.post(f"{API}/events", headers=auth, json=body)
    assert r.status_code in (200, 422), r.text
    if r.status_code == 422:
        assert "data." in r.text or "data is larger" in r.text
