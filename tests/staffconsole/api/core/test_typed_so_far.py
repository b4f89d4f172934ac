"""What the patient typed so far rides on any event (data.entered), so a kiosk that dies
mid-typing has still told the desk who to look for."""

from datetime import timedelta

import pytest

from staffconsole.clock import utcnow
from staffconsole.rules import alerting
from staffconsole.store.sessions import get_session, sessions_awaiting_outcome

API = "/api/v1/kiosk"


def step(event_id, screen, **entered):
    return {
        "id": event_id,
        "session": "s1",
        "type": "session.step",
        "at": "2026-11-22T09:00:00+00:00",
        "data": {"step": screen, "entered": entered},
    }


def test_a_step_with_what_was_typed_names_it_in_the_silence_alert(client, auth, app_db):
    events = [
        step("e1", "identify_dob", last_name="O'Brien-Núñez"),
        step("e2", "identify_dob", dob="1957-11-30"),
    ]
    r = client.post(f"{API}/events", headers=auth, json={"events": events})
    assert r.status_code == 200, r.text
    assert get_session(app_db, "s1")["entered"] == {
        "last_name": "O'Brien-Núñez",
        "dob": "1957-11-30",
    }
    [session] = sessions_awaiting_outcome(app_db)
    later = utcnow() + timedelta(seconds=130)
    fields = alerting.unresponsive_alert(session, session["kiosk_name"], later, 120)
    assert (
        "went silent on the date of birth screen after typing 'O'Brien-Núñez', born 30 Nov 1957"
        in (fields["summary"])
    )


@pytest.mark.parametrize(
    "entered, words",
    [("Okafor", "data.entered must be an object"), ({"last_name": 3}, "data.entered.last_name")],
)
def test_junk_typed_text_on_a_step_is_422(client, auth, app_db, entered, words):
    event = step("e1", "identify_name")
    event["data"]["entered"] = entered
    r = client.post(f"{API}/events", headers=auth, json={"events": [event]})
    assert r.status_code == 422 and words in r.text
    assert get_session(app_db, "s1") is None
