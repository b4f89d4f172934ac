"""The push API on the real `staffconsole serve` process: a practice system and a kiosk."""

from datetime import date

import pytest
import requests

pytestmark = pytest.mark.e2e


def test_practice_system_pushes_an_appointment_and_reads_the_arrival(live_server):
    token = live_server.cli("apitoken", "add", "Acme PMS").stdout.strip().splitlines()[-1]
    kiosk = live_server.add_kiosk("Lobby kiosk 1")
    push = {"Authorization": f"Bearer {token}"}
    at_kiosk = {"Authorization": f"Bearer {kiosk}"}
    url = live_server.url
    today = date.today().isoformat()

    body = {
        "first_name": "Siobhán",
        "last_name": "Ní Bhriain",
        "dob": "1975-05-05",
        "start": f"{today}T12:00",
        "provider": "Nurse Kim",
    }
    r = requests.put(f"{url}/api/v1/appointments/PMS-77", json=body, headers=push, timeout=5)
    assert r.status_code == 201, r.text
    r = requests.put(f"{url}/api/v1/appointments/PMS-77", json=body, headers=push, timeout=5)
    assert (r.status_code, r.json()["result"]) == (200, "unchanged")
    assert (
        requests.put(
            f"{url}/api/v1/appointments/PMS-77", json=body, headers=at_kiosk, timeout=5
        ).status_code
        == 403
    )

    matches = requests.post(
        f"{url}/api/v1/kiosk/lookup",
        headers=at_kiosk,
        timeout=5,
        json={"session": "s1", "last_name": "NI BHRIAIN", "dob": "1975-05-05"},
    ).json()["matches"]
    assert [m["display_name"] for m in matches] == ["Siobhán N."]
    arrival = requests.post(
        f"{url}/api/v1/kiosk/checkin",
        headers=at_kiosk,
        timeout=5,
        json={"session": "s1", "appointment": matches[0]["appointment"]},
    ).json()["arrival"]

    feed = requests.get(
        f"{url}/api/v1/arrivals",
        params={"since": f"{today}T00:00:00+00:00"},
        headers=push,
        timeout=5,
    ).json()
    assert [(a["id"], a["appointment"]) for a in feed["arrivals"]] == [(arrival["id"], "PMS-77")]
    r = requests.post(
        f"{url}/api/v1/arrivals/{arrival['id']}/status",
        headers=push,
        timeout=5,
        json={"status": "seen"},
    )
    assert r.status_code == 200 and r.json()["status"] == "seen"
    later = requests.get(
        f"{url}/api/v1/arrivals", params={"cursor": feed["cursor"]}, headers=push, timeout=5
    ).json()
    assert [(a["id"], a["status"]) for a in later["arrivals"]] == [(arrival["id"], "seen")]
