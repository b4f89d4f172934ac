"""HTTP calls to the staff console's kiosk API v1, with short timeouts.

Every failure is one of four named errors, chosen by what the kiosk may
conclude about its request:
  Offline        it surely did not arrive (no connection was made)
  Unconfirmed    it may have arrived, the answer is unknown (read timeout, 5xx, garbled);
                 ServerError is the 5xx case, with its status
  Rejected       the server answered no (4xx) and said why
  NotAuthorised  the server refused this kiosk's token (401)
"""

from __future__ import annotations

import ssl

import requests
from urllib3.exceptions import NameResolutionError, NewConnectionError

API = "/api/v1/kiosk/"


class ClientError(Exception):
    """A call to the server did not give a usable answer."""

    kind = "unconfirmed"


class Offline(ClientError):
    """No connection to the server: the request surely did not arrive."""

    kind = "offline"
    safe_to_log = True  # messages name the call and the server's URL, never a patient


class Untrusted(Offline):
    """The server's TLS certificate did not verify: nothing was sent to it."""


class Unconfirmed(ClientError):
    """The request was sent but no definite answer came back (timeout, 5xx, garbled)."""

    kind = "unconfirmed"
    safe_to_log = True  # messages name the call and what went wrong, never a patient


class ServerError(Unconfirmed):
    """The server answered 5xx: it may have applied the request, or may fail it every time
    (the outbox counts these per event and sets a repeat offender aside)."""

    def __init__(self, call: str, status: int) -> None:
        super().__init__(f"{call}: server answered {status}")
        self.status = status


class Rejected(ClientError):
    """The server refused the request (4xx) and said why."""

    kind = "rejected"

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


class NotAuthorised(Rejected):
    """The server does not accept this kiosk's token (401)."""

    # For the patient this is like no server at all: nothing was recorded and no
    # hand-off can reach the desk, so they must be told to go there themselves.
    kind = "offline"


def _not_connected(error: requests.ConnectionError) -> bool:
    """True when the connection was never made (refused, unreachable, unknown host)."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    seen, cause = set(), error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError | NameResolutionError | ConnectionRefusedError):
            return True
        reason = getattr(cause, "reason", None)
        nested = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = reason if isinstance(reason, BaseException) else nested or cause.__cause__
    return False


def _tls_reason(error: BaseException) -> str:
    """The verifier's own words ("self-signed certificate", "Hostname mismatch ...")."""
    seen, cause = set(), error
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause.verify_message or str(cause)
        if isinstance(cause, ssl.SSLError):
            return cause.reason or str(cause)
        reason = getattr(cause, "reason", None)
        nested = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = reason if isinstance(reason, BaseException) else nested or cause.__cause__
    return "TLS handshake failed"


def _detail(response: requests.Response) -> str:
    try:
        detail = response.json().get("detail", "")
    except (ValueError, AttributeError):
        detail = ""
    if not isinstance(detail, str):
        # FastAPI's 422 lists its reasons; keep the messages, not the submitted values.
        detail = "; ".join(
            str(item.get("msg", item)) if isinstance(item, dict) else str(item) for item in detail
        )
    return (detail or response.reason or "refused")[:300]


class KioskClient:
    """The kiosk's side of API v1. Thread-safe enough for one caller per thread."""

    def __init__(
        self,
        base_url: str,
        token: str,
        timeout: tuple[float, float] = (3.05, 5.0),
        ca_file: str = "",
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.ca_file = ca_file
        # https: verify against the clinic CA when one is configured, else the system's.
        self.verify: str | bool = ca_file or True

    def _untrusted(self, call: str, error: BaseException) -> Untrusted:
        against = f"ca_file {self.ca_file}" if self.ca_file else "the system's CAs"
        return Untrusted(
            f"{call}: the certificate of {self.base_url} does not verify against "
            f"{against}: {_tls_reason(error)}"
        )

    def _post(self, call: str, body: dict) -> dict:
        # A new session per call: requests.Session is not safe across threads, and the
        # kiosk makes a handful of calls a minute.
        url = self.base_url + API + call
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            response = requests.post(
                url, json=body, headers=headers, timeout=self.timeout, verify=self.verify
            )
        except requests.exceptions.SSLError as e:
            raise self._untrusted(call, e) from None
        except requests.ConnectionError as e:
            if _not_connected(e):
                raise Offline(f"{call}: cannot connect to {self.base_url}") from None
            raise Unconfirmed(f"{call}: connection lost before the answer") from None
        except requests.Timeout:
            raise Unconfirmed(f"{call}: no answer within {self.timeout[1]} s") from None
        except requests.RequestException as e:
            raise Unconfirmed(f"{call}: {type(e).__name__}") from None
        return self._answer(call, response)

    def _answer(self, call: str, response: requests.Response) -> dict:
        if response.status_code == 401:
            raise NotAuthorised(401, _detail(response))
        if 400 <= response.status_code < 500:
            raise Rejected(response.status_code, _detail(response))
        if response.status_code >= 500:
            raise ServerError(call, response.status_code)
        if response.status_code != 200:
            raise Unconfirmed(f"{call}: server answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError:
            raise Unconfirmed(f"{call}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise Unconfirmed(f"{call}: the answer is not a JSON object")
        return answer

    def lookup(self, session: str, last_name: str, dob: str) -> list[dict]:
        """Today's appointments matching a last name and ISO date of birth."""
        return self._matches(
            self._post("lookup", {"session": session, "last_name": last_name, "dob": dob})
        )

    @staticmethod
    def _matches(answer: dict) -> list[dict]:
        matches = answer.get("matches")
        if not isinstance(matches, list) or not all(
            isinstance(m, dict) and isinstance(m.get("appointment"), int) for m in matches
        ):
            raise Unconfirmed("lookup: the answer has no list of matches")
        return matches

    def lookup_code(self, session: str, code: str) -> list[dict]:
        """Today's appointment for a code typed or scanned at the kiosk."""
        return self._matches(self._post("lookup", {"session": session, "code": code}))

    def checkin(self, session: str, appointment: int) -> dict:
        """The committed arrival for an appointment (the same one when repeated)."""
        arrival = self._post("checkin", {"session": session, "appointment": appointment}).get(
            "arrival"
        )
        if not isinstance(arrival, dict) or "ticket" not in arrival:
            raise Unconfirmed("checkin: the answer has no arrival")
        return arrival

    def post_events(self, events: list[dict]) -> dict:
        """{"accepted": [ids], "duplicate": [ids]} for a batch of events."""
        answer = self._post("events", {"events": events})
        if not isinstance(answer.get("accepted"), list) or not isinstance(
            answer.get("duplicate"), list
        ):
            raise Unconfirmed("events: the answer has no accepted/duplicate lists")
        return answer

    def heartbeat(
        self,
        at: str,
        app_version: str,
        printer_state: str,
        printer_detail: str = "",
        outbox: dict | None = None,
    ) -> dict:
        """Tell the server this kiosk is alive, how its printer is and (outbox: the
        outbox's held_status) whether events are set aside."""
        body = {
            "at": at,
            "app_version": app_version,
            "printer": {"state": printer_state, "detail": printer_detail[:200]},
        }
        if outbox is not None:
            body["outbox"] = outbox
        return self._post("heartbeat", body)

    def healthz(self) -> dict:
        """The server's health answer (no token needed)."""
        try:
            response = requests.get(
                self.base_url + "/healthz", timeout=self.timeout, verify=self.verify
            )
        except requests.exceptions.SSLError as e:
            raise self._untrusted("healthz", e) from None
        except requests.ConnectionError as e:
            if _not_connected(e):
                raise Offline(f"healthz: cannot connect to {self.base_url}") from None
            raise Unconfirmed("healthz: connection lost before the answer") from None
        except requests.RequestException as e:
            raise Unconfirmed(f"healthz: {type(e).__name__}") from None
        return self._answer("healthz", response)
