"""Fuzzing every operation of /openapi.json with schemathesis: no 5xx, answers match the schema.

Each operation is reached with the credential it needs (kiosk token, push API
token, staff session cookie + CSRF header), so the generated requests get past
the guards to the validation and the handlers. SEEN_FUZZ_EXAMPLES sets the
examples per operation (`make fuzz-soak` raises it); the totals are printed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi.testclient import TestClient
from helpers.seed import book_today
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from staffconsole.app import create_app
from staffconsole.auth import api_tokens
from staffconsole.auth.displays import add_display
from staffconsole.auth.kiosks import add_kiosk, kiosk_for_token
from staffconsole.auth.users import add_user
from staffconsole.config import load_settings
from staffconsole.rules import alerting
from staffconsole.store.alerts import open_or_update_alert
from staffconsole.store.appointments import checkin
from staffconsole.store.schema import open_db

EXAMPLES = int(os.environ.get("SEEN_FUZZ_EXAMPLES", "150"))
# The promises: CI (150) sends at least 2,000 requests, `make fuzz-soak` (900) 10,000;
# smaller runs are for trying things out.
MINIMUM_TOTAL = 10_000 if EXAMPLES >= 900 else 2000 if EXAMPLES >= 150 else 0
PASSWORD = "correct horse battery staple"
NOW = datetime.now(UTC)
# The event stream never ends by design (tests/console/test_stream.py covers it). Lock
# and unlock change the one shared session itself (five wrong unlocks sign it out), and
# setting a PIN needs the password, which the fuzzer cannot guess (a 403 every time):
# tests/staffconsole/auth/test_idle_lock.py sends all three junk instead.
NOT_FUZZED = {
    ("GET", "/api/v1/console/stream"),
    ("POST", "/api/v1/console/lock"),
    ("POST", "/api/v1/console/unlock"),
    ("POST", "/api/v1/console/pin"),
    ("GET", "/api/v1/lobby/stream"),  # endless, like the console's stream
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

SENT: Counter = Counter()
STATUS: Counter = Counter()
# A check-in of an appointment no look-up offered the session is refused (403) by the
# offer rule (store/offers.py), not by a guard: counted apart, by its reason.
NOT_OFFERED: Counter = Counter()
DISPLAY_REFUSED: Counter = Counter()


# A lobby display's refusals that are its own answer, not a guard the fuzzer missed: a
# fuzzed token to exchange (401), a fuzzed site that is not the display's (403).
DISPLAY_REFUSALS = ("This display's token is unknown", "This display belongs to site")


def _count(response) -> None:
    if response.status_code == 403 and "was not offered to this kiosk session" in response.text:
        NOT_OFFERED[403] += 1
    elif response.status_code in (401, 403) and any(r in response.text for r in DISPLAY_REFUSALS):
        DISPLAY_REFUSED[response.status_code] += 1
    else:
        STATUS[response.status_code] += 1


def _build_app(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "seen.db"
    app = create_app(
        load_settings(
            environ={},
            overrides={"db_path": str(path), "lookup_rate_max": 10**9, "checkin_rate_max": 10**9},
        )
    )  # the limits have their own tests
    db = open_db(path)
    try:
        book_today(db)
        kiosk_token = add_kiosk(db, "Lobby kiosk 1", NOW)
        kiosk = kiosk_for_token(db, kiosk_token)
        display_token = add_display(db, "Waiting room", NOW)
        push = api_tokens.add_token(db, "practice system", "push", NOW)
        add_user(db, "root", PASSWORD, "admin", NOW)
        for i, reason in enumerate(("help", "walk_in", "no_match")):
            session = {"id": f"s{i}", "kiosk_id": kiosk["id"], "step": "identify_name"}
            open_or_update_alert(
                db,
                alerting.handoff_alert(
                    reason, session, kiosk["name"], {"last_name": "Okafor"}, NOW
                ),
            )
        appointment = db.execute("SELECT min(id) FROM appointments").fetchone()[0]
        checkin(db, kiosk, "s9", appointment, NOW, datetime.now().date())
    finally:
        db.close()
    return app, kiosk_token, push, display_token


@pytest.fixture(scope="module")
def target(tmp_path_factory, request):
    app, kiosk_token, push, display_token = _build_app(tmp_path_factory)
    client = TestClient(app, follow_redirects=False)
    r = client.post("/login", data={"username": "root", "password": PASSWORD})
    assert r.status_code == 303, r.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/console").text)
    assert csrf, "no CSRF token on the console page"
    credentials = {
        "kiosk": {"Authorization": f"Bearer {kiosk_token}"},
        "push": {"Authorization": f"Bearer {push}"},
        "console": {"X-CSRF-Token": csrf.group(1)},
        "display": {"Cookie": f"seen_display={display_token}"},
        "other": {},
    }
    yield app, client, credentials
    client.close()
    total = sum(SENT.values())
    ran_all = len(SENT) == len(OPERATIONS)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # the figures belong in the CI log
        print(
            f"\nfuzz: {total} requests over {len(SENT)} operations "
            f"({EXAMPLES} examples each at most); status codes: "
            + ", ".join(f"{code}x{n}" for code, n in sorted(STATUS.items()))
            + f"; check-ins not offered (403): {NOT_OFFERED[403]}"
            + f"; display refusals: {dict(DISPLAY_REFUSED)}",
            flush=True,
        )
    if ran_all:
        assert total >= MINIMUM_TOTAL, f"only {total} fuzz requests were sent"
        assert STATUS[401] == STATUS[403] == 0, "some requests bounced off the guards"
        assert sum(n for code, n in STATUS.items() if code < 300) > total // 20, (
            "almost nothing got past validation and the guards: the fuzzing is not reaching in"
        )


def _area(path: str) -> str:
    if path.startswith("/api/v1/kiosk/"):
        return "kiosk"
    if path.startswith(("/api/v1/console/", "/console/")):
        return "console"
    if path.startswith("/api/v1/lobby/"):
        return "display"
    return "push" if path.startswith("/api/v1/") else "other"


def _schema() -> schemathesis.schemas.BaseSchema:
    app = create_app(load_settings(environ={}, overrides={"db_path": ":memory:"}))
    return schemathesis.openapi.from_dict(app.openapi())


SCHEMA = _schema()
OPERATIONS = [
    op
    for op in (result.ok() for result in SCHEMA.get_all_operations())
    if (op.method.upper(), op.path) not in NOT_FUZZED
]


def _send(client: TestClient, case, credentials: dict):
    sent = case.as_transport_kwargs(base_url="http://testserver")
    headers = {
        key: value
        for key, value in sent["headers"].items()
        if key.lower() not in ("x-schemathesis-testcaseid", "connection")
    }
    headers.update(credentials[_area(case.operation.path)])
    content = None
    if "json" in sent:
        # json.dumps, not httpx's encoder: NaN and Infinity are sent as a hostile client would.
        content = json.dumps(sent["json"]).encode()
    elif "data" in sent:
        content = sent["data"] if isinstance(sent["data"], bytes) else str(sent["data"]).encode()
    return client.request(
        sent["method"],
        sent["url"],
        params=sent.get("params") or None,
        headers=headers,
        content=content,
    )


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in OPERATIONS]
)
def test_operation_never_fails_and_answers_as_documented(target, operation):
    _, client, credentials = target

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def fuzz(case):
        response = _send(client, case, credentials)
        SENT[operation.path + " " + operation.method] += 1
        _count(response)
        case.validate_response(response, checks=CHECKS)

    fuzz()


def _takes_json(operation) -> bool:
    body = operation.definition.raw.get("requestBody", {})
    return "application/json" in body.get("content", {})


JSON_OPERATIONS = [op for op in OPERATIONS if _takes_json(op)]
DEEP = b'{"session": "s1", "last_name": ' + b"[" * 600 + b'"Okafor"' + b"]" * 600 + b"}"


@pytest.mark.parametrize(
    "operation", JSON_OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in JSON_OPERATIONS]
)
def test_deep_json_is_a_documented_422_on_every_operation_with_a_json_body(target, operation):
    # Hypothesis rarely builds a body this deep: each operation gets one by hand.
    _, client, credentials = target
    params = {name: "1" for name in re.findall(r"{(\w+)}", operation.path)}
    case = operation.Case(path_parameters=params, media_type="application/json")
    sent = case.as_transport_kwargs(base_url="http://testserver")
    response = client.request(
        sent["method"],
        sent["url"],
        headers={"Content-Type": "application/json", **credentials[_area(operation.path)]},
        content=DEEP,
    )
    assert response.status_code == 422, response.text[:300]
    assert response.json() == {"detail": "JSON nested deeper than 32 levels"}
    case.validate_response(response, checks=CHECKS)
