"""The outbox_unsaved rule as a pure function: a kiosk whose disk is full is raised."""

from datetime import UTC, datetime

from seen.vocabulary import ALERT_KINDS, SELF_CLEARING, SERVER_KINDS
from staffconsole.clock import iso
from staffconsole.rules.alerting import (
    cleared_note,
    outbox_cause,
    outbox_unsaved_alert,
    outbox_unsaved_cause,
)

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
KIOSK = {"id": 4, "name": "Lobby kiosk 2"}


def test_nothing_only_in_memory_raises_nothing():
    assert outbox_unsaved_alert(KIOSK, 0, NOW) is None


def test_events_only_in_memory_raise_a_kiosk_alert():
    fields = outbox_unsaved_alert(KIOSK, 3, NOW)
    assert fields["kind"] == "outbox_unsaved" and fields["kiosk_id"] == 4
    assert fields["cause"] == outbox_unsaved_cause(4) == "kiosk:4:outbox_unsaved"
    assert fields["cause"] != outbox_cause(4)  # apart from the set-aside events' alert
    assert fields["summary"].startswith(
        "Lobby kiosk 2 cannot save check-ins to its disk (full?): 3 events"
    )
    assert fields["data"] == {"unsaved": 3} and fields["at"] == iso(NOW)
    assert "1 event only" in outbox_unsaved_alert(KIOSK, 1, NOW)["summary"]


def test_the_kind_is_declared_once_and_clears_itself():
    kind = ALERT_KINDS["outbox_unsaved"]
    assert "outbox_unsaved" in SERVER_KINDS and "outbox_unsaved" in SELF_CLEARING
    assert kind.label == "Kiosk cannot save check-ins" and not kind.handoff
    # More urgent than events the server refused: a power cut would lose these.
    assert kind.severity > ALERT_KINDS["outbox_held"].severity
    assert outbox_unsaved_alert(KIOSK, 1, NOW)["severity"] == kind.severity
    assert cleared_note("outbox_unsaved", "Lobby kiosk 2") == (
        "Cleared by itself: Lobby kiosk 2 can save check-ins to its disk again"
    )
