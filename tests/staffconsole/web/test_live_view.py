"""The stream's patches: what changed since the page's last update, and the lock's view."""

from __future__ import annotations

from staffconsole.watch.live import Hub
from staffconsole.web.live_view import LOCKED_FIELDS, LiveView, Sent, locked_view


class FakeHub(Hub):
    def __init__(self):
        super().__init__(clock=None)


def view_over(data: dict):
    hub = FakeHub()
    built = []

    def build(name):
        built.append(name)
        return [dict(item) for item in data.get(name, [])]

    return hub, LiveView(hub, build, key=lambda: "2026-12-02"), built


def test_the_first_patch_is_everything_then_only_the_difference():
    data = {"alerts": [{"id": 1, "status": "open"}, {"id": 2, "status": "open"}]}
    hub, view, _ = view_over(data)
    sent = Sent()
    first = sent.patch(view.sections())
    assert [a["id"] for a in first["alerts"]["upsert"]] == [1, 2]
    assert sent.patch(view.sections()) is None  # nothing changed, nothing to send

    data["alerts"] = [{"id": 2, "status": "acknowledged"}, {"id": 3, "status": "open"}]
    hub.notify("alerts")
    patch = sent.patch(view.sections())
    assert patch == {
        "alerts": {
            "upsert": [{"id": 2, "status": "acknowledged"}, {"id": 3, "status": "open"}],
            "remove": [1],
        }
    }


def test_only_named_sections_are_rebuilt():
    hub, view, built = view_over({})
    view.sections()
    built.clear()
    hub.notify("arrivals")
    view.sections()
    assert built == ["arrivals"] or sorted(built) == ["arrivals", "kiosks"]
    built.clear()
    hub.notify()  # no name: everything may have changed
    view.sections()
    assert sorted(built) == ["alerts", "arrivals", "history", "kiosks"]


def test_a_new_day_rebuilds_everything():
    day = ["2026-12-02"]
    hub = FakeHub()
    built = []
    view = LiveView(hub, lambda name: built.append(name) or [], key=lambda: day[0])
    view.sections()
    built.clear()
    day[0] = "2026-12-03"
    view.sections()
    assert sorted(built) == ["alerts", "arrivals", "history", "kiosks"]


def test_the_lock_screen_sees_kinds_and_urgency_only():
    alert = {
        "id": 7,
        "kind": "no_match",
        "kind_label": "Kiosk could not find the appointment",
        "status": "open",
        "severity": 50,
        "priority": "medium",
        "escalated": False,
        "returned": False,
        "opened_at": "2026-12-02T09:00:00+00:00",
        "open_since": "2026-12-02T09:00:00+00:00",
        "summary": "Typed: Łukasz Wałęsa, 1961-03-14",
        "kiosk": "Front door",
        "walk_in": None,
    }
    assert locked_view([alert]) == [{name: alert[name] for name in LOCKED_FIELDS}]
    _, view, _ = view_over({"alerts": [alert]})
    sent = Sent()
    body = sent.locked_patch(view.sections())
    assert "Wałęsa" not in str(body) and "Front door" not in str(body)
    assert sent.locked_patch(view.sections()) is None
