"""A speech engine that writes down what it was asked to say (for tests and rehearsals).

One JSON line per call in a file, so a test outside the kiosk's process can read the
phrases spoken per screen: {"say": [...], "language": "es", "volume": 80} (with "languages", one a phrase, when
some phrase has its own) or {"stop": true}. Lines are appended and flushed at once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from kiosk.speech.speaker import Speaker


class RecordingSpeaker(Speaker):
    """Records instead of speaking; `said` holds the same records in memory."""

    def __init__(self, path: str | Path | None = None, volume: int = 80) -> None:
        super().__init__(volume)
        self.path = Path(path) if path else None
        self.said: list[dict] = []
        self._write_lock = threading.Lock()

    def _record(self, record: dict) -> None:
        with self._write_lock:
            self.said.append(record)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def _play(self, phrases, language, volume) -> None:
        record = {"say": [text for text, _own in phrases], "language": language, "volume": volume}
        if any(own != language for _text, own in phrases):
            record["languages"] = [own for _text, own in phrases]
        self._record(record)

    def _silence(self) -> None:
        self._record({"stop": True})

    def close(self) -> None:
        pass  # the kiosk shutting down is not something a patient heard


def read_records(path: str | Path) -> list[dict]:
    """The records a RecordingSpeaker wrote ([] before the first)."""
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
