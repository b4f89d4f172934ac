"""What each console stream sends after a change: one shared build, a small patch per page.

A change names the sections it touched (watch.live); the view rebuilds only those, once
for every open page, and keeps each item's JSON text. A stream remembers what it last
sent and sends the difference: items added or changed, ids removed. A kiosk step that
changes nothing on the page sends nothing at all.

A locked page gets only what its lock screen may show: each open alert's kind and
urgency, never a summary, a kiosk's words or a patient's name.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from staffconsole.watch.live import SECTIONS

KIOSKS_FRESH_S = 2.0  # a kiosk goes offline by time passing, with no change to name it

# What the lock screen may know of an alert: enough to count, name the kind and sound.
LOCKED_FIELDS = (
    "id",
    "kind",
    "kind_label",
    "status",
    "severity",
    "priority",
    "escalated",
    "returned",
    "opened_at",
    "open_since",
)


def _text(item: dict) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


@dataclass
class Section:
    seq: int  # the hub's change this build reflects
    built_at: float  # monotonic
    key: object  # e.g. the clinic day: a new day rebuilds
    items: list[dict]
    texts: dict[int, str]  # id -> JSON of the item


def locked_view(alerts: list[dict]) -> list[dict]:
    return [{name: a.get(name) for name in LOCKED_FIELDS} for a in alerts]


class LiveView:
    """The console's sections, shared by every stream of one server process.

    build(name) -> list of items (each with an `id`); key() -> a value that, when it
    changes (the clinic day), rebuilds every section.
    """

    def __init__(self, hub, build: Callable[[str], list[dict]], key: Callable[[], object]):
        self._hub = hub
        self._build = build
        self._key = key
        self._lock = threading.Lock()  # one build at a time; the others reuse it
        self._sections: dict[str, Section] = {}
        self.builds = 0  # sections built, for tests and the bench

    def sections(self) -> dict[str, Section]:
        """Every section, rebuilt where a change named it since its last build."""
        with self._lock:
            key = self._key()
            for name in SECTIONS:
                current = self._sections.get(name)
                if current is None or self._stale(name, current, key):
                    seq = self._hub.seq  # read first: a change during the build builds again
                    items = self._build(name)
                    self.builds += 1
                    texts = {item["id"]: _text(item) for item in items}
                    self._sections[name] = Section(seq, time.monotonic(), key, items, texts)
            return dict(self._sections)

    def _stale(self, name: str, section: Section, key: object) -> bool:
        if section.key != key or self._hub.changed_at(name) > section.seq:
            return True
        return name == "kiosks" and time.monotonic() - section.built_at > KIOSKS_FRESH_S


@dataclass
class Sent:
    """What one stream has sent: per section, id -> JSON text, and the order of ids."""

    texts: dict[str, dict[int, str]] = field(default_factory=dict)

    def patch(self, sections: dict[str, Section]) -> dict | None:
        """The difference since the last call (recording the new state), or None."""
        out: dict[str, dict] = {}
        for name, section in sections.items():
            before = self.texts.get(name, {})
            upsert = [
                item
                for item in section.items
                if before.get(item["id"]) != section.texts[item["id"]]
            ]
            remove = [item_id for item_id in before if item_id not in section.texts]
            if upsert or remove:
                out[name] = {"upsert": upsert, "remove": remove}
            self.texts[name] = section.texts
        return out or None

    def locked_patch(self, sections: dict[str, Section]) -> dict | None:
        """For a locked page: the lock screen's view of the alerts, when it changed."""
        alerts = locked_view(sections["alerts"].items)
        texts = {a["id"]: _text(a) for a in alerts}
        if texts == self.texts.get("locked"):
            return None
        self.texts = {"locked": texts}  # unlocking starts again from a full snapshot
        return {"alerts": alerts}
