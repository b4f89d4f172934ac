"""The real `staffconsole serve` process, called over HTTP like a kiosk would."""

from datetime import date

import pytest
import requests
from support import wait_for

pytestmark = pytest.mark.e2e

HEADER = "external_id,first_name,last_name,dob,start,provider\n"


def test_kiosk_checks_in_and_hands_off_over_http(live_server, tmp_path):
    today = date.today().isoformat()
    schedule = tmp_path / "today.csv"
    schedule.write_text(
        HEADER + f"a1,Zoë,O'Brien-Núñez,1957-11-30,{today}T10:30,Dr. Lee\n", encoding="utf-8"
    )
    live_server.cli("import-schedule", str(schedule))
    token = live_server.add_kiosk("Lobby kiosk 1")
    api = f"{live_server.url}/api/v1/kiosk"
    auth = {"Authorization": f"Bearer {token}"}

    assert requests.get(f"{live_server.url}/healthz", timeout=5).json()["ok"] is True
    assert requests.post(f"{api}/lookup", json={}, timeout=5).status_code == 401

    found = requests.post(
        f"{api}/lookup",
        headers=auth,
        timeout=5,
        json={"session": "s1", "last_name": "obrien nunez", "dob": "1957-11-30"},
    ).json()["matches"]
    assert [m["display_name"] for m in found] == ["Zoë O."]
    arrival = requests.post(
        f"{api}/checkin",
        headers=auth,
        timeout=5,
        json={"session": "s1", "appointment": found[0]["appointment"]},
    )
    assert arrival.status_code == 200 and arrival.json()["arrival"]["ticket"] == 1

    handoff = {
        "events": [
            {
                "id": "e1",
                "session": "s2",
                "type": "session.handed_off",
                "at": "2026-11-22T09:00:00+00:00",
                "data": {"reason": "help", "step": "welcome"},
            }
        ]
    }
    r = requests.post(f"{api}/events", headers=auth, json=handoff, timeout=5)
    assert r.json() == {"accepted": ["e1"], "duplicate": []}
    r = requests.post(f"{api}/events", headers=auth, json=handoff, timeout=5)
    assert r.json() == {"accepted": [], "duplicate": ["e1"]}

    alerts = wait_for(
        lambda: live_server.cli("alerts", "--json").stdout.splitlines(), what="the hand-off alert"
    )
    assert len(alerts) == 1 and '"kind": "help"' in alerts[0]
