"""The kiosk: cold start to the welcome screen and peak RSS of the real app under Xvfb,
against a bare Kivy app that shows one label (ratio); tap -> next screen drawn on the
main check-in path (p50 / p95), against the real server."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from bench.common import (
    Row,
    Server,
    Xvfb,
    checkin_patient,
    ms,
    percentile,
    run_probe,
    write_kiosk_config,
)

FULL = {"starts": 3, "rounds": 8}
TINY = {"starts": 1, "rounds": 1}


def _starts(display: str, workdir: Path, mode: str, config: Path | None, count: int):
    runs = [run_probe(display, workdir, mode, config) for _ in range(count)]
    seconds = statistics.median(r.result["first_frame"] - r.started for r in runs)
    rss = statistics.median(r.peak_rss_mib for r in runs)
    return seconds, rss


def run(tiny: bool = False) -> list[Row]:
    size = TINY if tiny else FULL
    with (
        tempfile.TemporaryDirectory(prefix="bench-kiosk-") as tmp,
        Xvfb() as x,
        Server(Path(tmp)) as server,
    ):
        workdir = Path(tmp)
        checkin_patient(server, workdir)
        config = write_kiosk_config(
            workdir / "kiosk.toml", server.url, server.add_kiosk("Bench kiosk")
        )
        bare_s, bare_rss = _starts(x.display, workdir, "bare", None, size["starts"])
        real_s, real_rss = _starts(x.display, workdir, "start", config, size["starts"])
        taps = run_probe(x.display, workdir, "taps", config, size["rounds"]).result["taps"]
        spoken = run_probe(x.display, workdir, "speech", config, size["rounds"]).result
    rows = [
        Row(
            "kiosk_ui",
            f"cold start -> welcome drawn (median of {size['starts']}; baseline: "
            "bare Kivy app, one label)",
            ms(real_s),
            ms(bare_s),
            f"{real_s / bare_s:.2f}x",
            "<= 1.5x",
            real_s / bare_s <= 1.5,
        ),
        Row(
            "kiosk_ui",
            "peak RSS at the welcome screen (baseline: bare Kivy app)",
            f"{real_rss:.0f} MiB",
            f"{bare_rss:.0f} MiB",
            f"{real_rss / bare_rss:.2f}x",
            "<= 1.3x",
            real_rss / bare_rss <= 1.3,
        ),
    ]
    paths: dict[str, list[float]] = {}
    for path, seconds in taps:
        paths.setdefault(path, []).append(seconds)
    for path, values in paths.items():
        rows.append(
            Row(
                "kiosk_ui",
                f"tap {path}: screen drawn p50 / p95 (n={len(values)})",
                f"{ms(percentile(values, 50))} / {ms(percentile(values, 95))}",
            )
        )
    every = [seconds for _path, seconds in taps]
    p95 = percentile(every, 95)
    rows.append(
        Row(
            "kiosk_ui",
            f"tap -> next screen drawn p95, all main paths (n={len(every)})",
            ms(p95),
            "",
            "",
            "p95 <= 100 ms",
            p95 <= 0.1,
        )
    )
    rows += speech_rows(p95, spoken)
    return rows


def speech_rows(silent_p95: float, spoken: dict) -> list[Row]:
    """Speech mode on: how soon each new screen starts speaking, and whether taps slow."""
    starts = [seconds for _screen, seconds in spoken["speech"]]
    heard = [seconds for seconds in starts if seconds is not None]
    missed = len(starts) - len(heard)
    speech_p95 = percentile(heard, 95) if heard else float("inf")
    taps_p95 = percentile([seconds for _path, seconds in spoken["taps"]], 95)
    ratio = taps_p95 / silent_p95
    return [
        Row(
            "kiosk_ui",
            f"speech mode: screen change -> first phrase started p95 (n={len(heard)}, "
            f"{missed} never started)",
            ms(speech_p95),
            "",
            "",
            "p95 <= 300 ms, none missed",
            speech_p95 <= 0.3 and missed == 0,
        ),
        Row(
            "kiosk_ui",
            "speech mode: tap -> next screen drawn p95, all main paths (baseline: speech off)",
            ms(taps_p95),
            ms(silent_p95),
            f"{ratio:.2f}x",
            "<= 1.1x",
            ratio <= 1.1,
        ),
    ]
