"""The outbox_held rule as a pure function: when a kiosk's set-aside events are raised."""

from datetime import UTC, datetime

from staffconsole.rules.alerting import outbox_cause, outbox_held_alert

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
KIOSK = {"id": 4, "name": "Lobby kiosk 2"}


def last(status, held, newest):
    return {"status": status, "data": {"held": held, "newest_held": newest}}


def test_nothing_held_raises_nothing():
    assert outbox_held_alert(KIOSK, 0, None, None, NOW) is None


def test_first_held_event_raises_with_the_count_and_what_to_do():
    fields = outbox_held_alert(KIOSK, 1, "e1", None, NOW)
    assert (
        fields["kind"] == "outbox_held" and fields["cause"] == outbox_cause(4) == "kiosk:4:outbox"
    )
    assert fields["summary"].startswith("Lobby kiosk 2 could not deliver 1 event to")
    assert fields["data"] == {"held": 1, "newest_held": "e1"} and fields["kiosk_id"] == 4


def test_repeats_resolves_and_new_events():
    assert outbox_held_alert(KIOSK, 1, "e1", last("open", 1, "e1"), NOW) is None
    assert outbox_held_alert(KIOSK, 1, "e1", last("resolved", 1, "e1"), NOW) is None
    # Pruned on the kiosk (count down) while open: the card shows the new count.
    assert outbox_held_alert(KIOSK, 1, "e1", last("open", 2, "e1"), NOW)["data"]["held"] == 1
    assert outbox_held_alert(KIOSK, 1, "e1", last("resolved", 2, "e1"), NOW) is None
    assert outbox_held_alert(KIOSK, 2, "e5", last("resolved", 1, "e1"), NOW) is not None
