"""Server capacity: N simulated kiosks against the real server (uvicorn process).

Each kiosk beats every 10 s (random phase) and runs check-in sessions — started event,
look-up, step event, check-in, checked-in and ended events — at a busy clinic's rate
scaled up: one session per kiosk every `session_s` seconds, where a busy two-kiosk
clinic sees about one a minute per kiosk. The baseline is raw SQLite on the same
machine: one commit per request, of the same rows, with the server's pragmas (WAL,
synchronous=FULL), so the ratio is what HTTP, validation and the rules cost on top.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.common import BenchError, Row, Server, ms, percentile
from kiosk.config import KioskConfig
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.store.schema import ensure_schema, open_db

HEARTBEAT_S = KioskConfig().heartbeat_s  # the kiosk's default beat
FULL = {
    "kiosks": (10, 50, 200, 500, 1000),
    "contended": 200,  # kiosks while CPU-bound processes compete for every core
    "cpu_requests": 1000,  # of each kind, for the server's CPU per request
    "duration_s": 20.0,
    "session_s": 20.0,
    "patients": 300,
}
TINY = {
    "kiosks": (3,),
    "contended": 3,
    "cpu_requests": 20,
    "duration_s": 2.0,
    "session_s": 1.0,
    "patients": 5,
}
TARGET_KIOSKS, TARGET_P99_S = 1000, 0.050
CONTENDED_P99_S = 0.100
TARGET_CPU_MS = 1.5  # server CPU per request
KIOSKS_PER_PROCESS = 150  # one asyncio process saturated near 500 kiosks (half a core)


def processes_for(kiosks: int) -> int:
    """How many load-generator processes N kiosks are spread over."""
    return max(1, -(-kiosks // KIOSKS_PER_PROCESS))


def deal(items: list, hands: int) -> list[list]:
    """items dealt round-robin into `hands` lists (each kiosk keeps its own index)."""
    return [items[i::hands] for i in range(hands)]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _event(session: str, kind: str, data: dict | None = None) -> dict:
    return {
        "id": uuid.uuid4().hex,
        "session": session,
        "type": kind,
        "at": _now(),
        "data": data or {},
    }


def _dob(i: int) -> str:
    """Patient i's date of birth: all different, as in a clinic (a look-up filters on it;
    one shared date made each look-up compare the names of the whole day)."""
    return (date(1940, 1, 1) + timedelta(days=i)).isoformat()


def _patients(count: int) -> list[tuple]:
    # Booked this hour (local, as the clinic's default zone): a look-up does not offer an
    # appointment that started more than `lookup_late_hours` ago.
    now = datetime.now()
    today, hour = now.date().isoformat(), now.hour
    return [
        (
            f"cap-{i}",
            "Bench",
            f"Patient{i:04d}",
            _dob(i),
            f"{today}T{hour:02d}:{i % 60:02d}",
            "Dr. Load",
        )
        for i in range(count)
    ]


class Load:
    """Latencies and write counts from every simulated kiosk."""

    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.events = 0
        self.writes: list[str] = []  # the kind of each request, for the raw baseline
        self.server_cpu = 0.0  # seconds of CPU the server used during the load
        self.client_cpu = 0.0  # and the simulated kiosks (all load processes)
        self.busiest_process = 0.0  # CPU seconds of the busiest load process


async def _call(client, load: Load, path: str, body: dict) -> dict | None:
    import httpx

    t0 = time.perf_counter()
    for attempt in (1, 2):
        try:
            response = await client.post(path, json=body, headers=client.kiosk_headers)
            break
        except (httpx.ReadError, httpx.RemoteProtocolError) as e:
            # A kept-alive connection the server had just closed: send again, once.
            if attempt == 2:
                load.errors.append(f"{path}: {type(e).__name__}")
                return None
        except Exception as e:  # noqa: BLE001 - a refused or timed-out request is a result
            load.errors.append(f"{path}: {type(e).__name__}")
            return None
    load.latencies.append(time.perf_counter() - t0)
    load.writes.append(path.rsplit("/", 1)[-1])
    if response.status_code != 200:
        load.errors.append(f"{path}: {response.status_code} {response.text[:200]}")
        return None
    return response.json()


class _KioskClient:
    """One kiosk's view of the shared connection pool: its own bearer token."""

    def __init__(self, pool, token: str) -> None:
        self.pool = pool
        self.kiosk_headers = {"Authorization": f"Bearer {token}"}

    async def post(self, path: str, **kwargs):
        return await self.pool.post(path, **kwargs)


async def _kiosk(
    pool,
    token: str,
    appointments: list[int],
    size: dict,
    load: Load,
    stop_at: float,
    rng: random.Random,
) -> None:
    client = _KioskClient(pool, token)
    next_beat = time.monotonic() + rng.uniform(0, HEARTBEAT_S)
    next_session = time.monotonic() + rng.uniform(0, size["session_s"])
    while True:
        now = time.monotonic()
        if now >= stop_at:
            return
        if now >= next_beat:
            next_beat += HEARTBEAT_S
            await _call(
                client,
                load,
                "/heartbeat",
                {"at": _now(), "app_version": "bench", "printer": {"state": "ok", "detail": ""}},
            )
        elif now >= next_session:
            next_session += size["session_s"]
            await _session(client, load, appointments, rng)
        else:
            await asyncio.sleep(min(next_beat, next_session, stop_at) - now)


async def _session(client, load: Load, appointments: list[int], rng: random.Random) -> None:
    session = uuid.uuid4().hex
    i = rng.randrange(len(appointments))
    sent = [_event(session, "session.started")]
    await _call(client, load, "/events", {"events": sent})
    found = await _call(
        client,
        load,
        "/lookup",
        {"session": session, "last_name": f"Patient{i:04d}", "dob": _dob(i)},
    )
    matches = (found or {}).get("matches") or [{"appointment": appointments[i]}]
    appointment = matches[0]["appointment"]  # the one the look-up offered
    step = [_event(session, "session.step", {"step": "confirm"})]
    await _call(client, load, "/events", {"events": step})
    answer = await _call(client, load, "/checkin", {"session": session, "appointment": appointment})
    arrival = (answer or {}).get("arrival", {})
    done = [
        _event(
            session,
            "session.checked_in",
            {"appointment": appointment, "arrival": arrival.get("id")},
        ),
        _event(session, "session.ended"),
    ]
    await _call(client, load, "/events", {"events": done})
    load.events += len(sent) + len(step) + len(done)


def _load_part(url: str, part: list[tuple[int, str]], appointments, size, stop_at) -> Load:
    """One load-generator process: its share of the kiosks, until stop_at (wall clock)."""
    load = Load()

    async def everyone() -> None:
        import httpx

        # One pool per process; no connection limit, so each busy kiosk still has its
        # own connection.
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(
            base_url=f"{url}/api/v1/kiosk", timeout=30, limits=limits
        ) as pool:
            stop = time.monotonic() + max(0.0, stop_at - time.time())
            await asyncio.gather(
                *[
                    _kiosk(pool, token, appointments, size, load, stop, random.Random(i))
                    for i, token in part
                ]
            )

    mine0 = time.process_time()
    asyncio.run(everyone())
    load.client_cpu = time.process_time() - mine0
    return load


def _run_load(server: Server, kiosks: int, size: dict) -> tuple[Load, float]:
    db = open_db(server.db)
    try:
        tokens = [add_kiosk(db, f"Load kiosk {i}", datetime.now(UTC)) for i in range(kiosks)]
        appointments = [
            r[0]
            for r in db.conn.execute("SELECT id FROM appointments ORDER BY external_id").fetchall()
        ]
    finally:
        db.close()
    if not appointments:
        raise BenchError("the schedule import gave no appointments")
    parts = deal(list(enumerate(tokens)), processes_for(kiosks))
    load = Load()
    # Processes (forked) so the simulated kiosks never saturate one interpreter; all
    # start at once and stop at the same wall-clock moment.
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(len(parts), mp_context=context) as pool:
        stop_at = time.time() + 1.0 + size["duration_s"]
        t0, cpu0 = time.monotonic(), server.cpu_seconds()
        futures = [
            pool.submit(_load_part, server.url, part, appointments, size, stop_at) for part in parts
        ]
        results = [f.result() for f in futures]
        took = time.monotonic() - t0 - 1.0
        load.server_cpu = server.cpu_seconds() - cpu0
    for part in results:
        load.latencies += part.latencies
        load.errors += part.errors
        load.events += part.events
        load.writes += part.writes
        load.client_cpu += part.client_cpu
        load.busiest_process = max(load.busiest_process, part.client_cpu)
    return load, took


class CpuHogs:
    """One CPU-bound process per core (pure Python arithmetic), for the contended run."""

    def __init__(self) -> None:
        code = "while True:\n    sum(i * i for i in range(10000))"
        self.processes = [
            subprocess.Popen([sys.executable, "-c", code]) for _ in range(os.cpu_count() or 1)
        ]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.kill()
            process.wait(10)


def raw_sqlite(writes: list[str], workdir: Path) -> tuple[list[float], float, float]:
    """The same writes as bare SQLite commits (one per request, WAL, synchronous=FULL):
    latencies, wall seconds, CPU seconds."""
    db = open_db(workdir / "raw.db")
    try:
        ensure_schema(db)
        conn = db.conn
        conn.isolation_level = None  # explicit BEGIN/COMMIT, as the server's write()
        kiosk_id = conn.execute(
            "INSERT INTO kiosks (name, token_hash, created_at) VALUES ('raw', 'x', ?)", [_now()]
        ).lastrowid
        data = json.dumps({"step": "confirm"})
        latencies = []
        t0, cpu0 = time.monotonic(), time.process_time()
        for kind in writes:
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            if kind == "heartbeat":
                conn.execute("UPDATE kiosks SET last_seen_at = ? WHERE id = ?", [_now(), kiosk_id])
            else:
                conn.execute(
                    "INSERT INTO events (id, session_id, kiosk_id, type, at, "
                    "received_at, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        uuid.uuid4().hex,
                        uuid.uuid4().hex,
                        kiosk_id,
                        "session.step",
                        _now(),
                        _now(),
                        data,
                    ],
                )
            conn.execute("COMMIT")
            latencies.append(time.perf_counter() - start)
        return latencies, time.monotonic() - t0, time.process_time() - cpu0
    finally:
        db.close()


def _measure(tmp: Path, name: str, kiosks: int, size: dict) -> tuple[Load, float]:
    workdir = tmp / name
    workdir.mkdir()
    with Server(workdir) as server:
        server.import_schedule(_patients(size["patients"]), workdir)
        load, took = _run_load(server, kiosks, size)
    if load.errors:
        raise BenchError(
            f"{len(load.errors)} failed requests with {kiosks} kiosks ({name}), "
            f"first: {load.errors[0]}"
        )
    return load, took


def _cpu_per_request(tmp: Path, count: int) -> dict[str, float]:
    """Server CPU seconds per heartbeat and per event batch (started + step), one at a
    time from one kiosk, from the server's /proc counters."""
    import httpx

    workdir = tmp / "cpu"
    workdir.mkdir()
    with Server(workdir) as server:
        db = open_db(server.db)
        try:
            token = add_kiosk(db, "CPU kiosk", datetime.now(UTC))
        finally:
            db.close()
        beat = {"at": _now(), "app_version": "bench", "printer": {"state": "ok", "detail": ""}}

        def batch() -> dict:
            session = uuid.uuid4().hex
            started = _event(session, "session.started")
            return {"events": [started, _event(session, "session.step", {"step": "confirm"})]}

        bodies = {"heartbeat": lambda: beat, "events": batch}
        cpu = {}
        with httpx.Client(
            base_url=f"{server.url}/api/v1/kiosk",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ) as client:
            for _ in range(20):  # warm up: imports, the first connection, caches
                client.post("/heartbeat", json=beat)
            for path, body in bodies.items():
                cpu0 = server.cpu_seconds()
                for _ in range(count):
                    response = client.post(f"/{path}", json=body())
                    if response.status_code != 200:
                        raise BenchError(f"/{path}: {response.status_code} {response.text[:200]}")
                cpu[path] = (server.cpu_seconds() - cpu0) / count
    return cpu


def _row(label: str, load: Load, took: float, raw: list[float], target: str, met) -> Row:
    p50, p99 = percentile(load.latencies, 50), percentile(load.latencies, 99)
    raw_p50, raw_p99 = percentile(raw, 50), percentile(raw, 99)
    # Past half a core, a load process (one interpreter) is what is slow.
    saturated = " LOAD GENERATOR SATURATED:" if load.busiest_process / took > 0.5 else ""
    return Row(
        "capacity",
        f"{label}:{saturated} request p50 / p99; "
        f"{len(load.latencies) / took:.0f} req/s, {load.events / took:.1f} events/s, "
        f"server CPU {load.server_cpu / max(1, len(load.latencies)) * 1000:.1f} ms/request "
        f"({load.server_cpu / took:.0%} of a core; the simulated kiosks "
        f"{load.client_cpu / took:.0%}, busiest load process "
        f"{load.busiest_process / took:.0%}) (baseline: raw SQLite commit p50 / p99)",
        f"{ms(p50)} / {ms(p99)}",
        f"{ms(raw_p50)} / {ms(raw_p99)}",
        f"p99 {p99 / raw_p99:.1f}x raw",
        target,
        met(p99) if target else None,
    )


def run(tiny: bool = False) -> list[Row]:
    size = TINY if tiny else FULL
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
        cpu = _cpu_per_request(Path(tmp), size["cpu_requests"])
        results = {n: _measure(Path(tmp), f"n{n}", n, size) for n in size["kiosks"]}
        reference = TARGET_KIOSKS if TARGET_KIOSKS in results else max(results)
        raw, raw_took, raw_cpu = raw_sqlite(results[reference][0].writes, Path(tmp))
        contended_n = size["contended"]
        with CpuHogs():
            contended = _measure(Path(tmp), "contended", contended_n, size)
            (Path(tmp) / "hog").mkdir()
            raw_hog = raw_sqlite(contended[0].writes, Path(tmp) / "hog")[0]
    for kiosks, (load, took) in results.items():
        at_target = kiosks == TARGET_KIOSKS
        rows.append(
            _row(
                f"{kiosks} kiosks",
                load,
                took,
                raw,
                "p99 <= 50 ms" if at_target else "",
                lambda p99: p99 <= TARGET_P99_S,
            )
        )
    load, took = contended
    rows.append(
        _row(
            f"{contended_n} kiosks, a CPU-bound process on each core competing (raw baseline"
            " under the same competition)",
            load,
            took,
            raw_hog,
            "p99 <= 100 ms",
            lambda p99: p99 <= CONTENDED_P99_S,
        )
    )
    # Server CPU per request (from /proc) against the CPU of one raw commit, same run.
    per_commit = raw_cpu / max(1, len(raw))
    for path, what in (("heartbeat", "a heartbeat"), ("events", "an event batch (2 events)")):
        rows.append(
            Row(
                "capacity",
                f"server CPU per request, {what}, {size['cpu_requests']} one after another "
                "(baseline: CPU of one raw SQLite commit)",
                f"{cpu[path] * 1000:.2f} ms",
                f"{per_commit * 1000:.2f} ms",
                f"{cpu[path] / per_commit:.1f}x raw",
                f"<= {TARGET_CPU_MS} ms",
                cpu[path] * 1000 <= TARGET_CPU_MS,
            )
        )
    rows.append(
        Row(
            "capacity",
            f"raw SQLite commits of the {reference}-kiosk rows, per second",
            f"{len(raw) / raw_took:.0f} commits/s",
        )
    )
    return rows
