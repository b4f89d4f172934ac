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
import random
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

from bench.common import BenchError, Row, Server, ms, percentile
from kiosk.config import KioskConfig
from staffconsole.auth.kiosks import add_kiosk
from staffconsole.store.schema import ensure_schema, open_db

HEARTBEAT_S = KioskConfig().heartbeat_s  # the kiosk's default beat
FULL = {"kiosks": (10, 50, 200, 500), "duration_s": 20.0, "session_s": 20.0, "patients": 300}
TINY = {"kiosks": (3,), "duration_s": 2.0, "session_s": 1.0, "patients": 5}
TARGET_KIOSKS, TARGET_P99_S = 200, 0.050


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


def _patients(count: int) -> list[tuple]:
    today = date.today().isoformat()
    return [
        (
            f"cap-{i}",
            "Bench",
            f"Patient{i:04d}",
            "1970-01-01",
            f"{today}T{8 + i % 10:02d}:{i % 60:02d}",
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
        self.client_cpu = 0.0  # and the simulated kiosks (this process)


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
    await _call(
        client,
        load,
        "/lookup",
        {"session": session, "last_name": f"Patient{i:04d}", "dob": "1970-01-01"},
    )
    step = [_event(session, "session.step", {"step": "confirm"})]
    await _call(client, load, "/events", {"events": step})
    answer = await _call(
        client, load, "/checkin", {"session": session, "appointment": appointments[i]}
    )
    arrival = (answer or {}).get("arrival", {})
    done = [
        _event(
            session,
            "session.checked_in",
            {"appointment": appointments[i], "arrival": arrival.get("id")},
        ),
        _event(session, "session.ended"),
    ]
    await _call(client, load, "/events", {"events": done})
    load.events += len(sent) + len(step) + len(done)


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
    load = Load()

    async def everyone() -> None:
        import httpx

        # One pool for all (building 500 clients took longer than the run on a busy
        # machine); no connection limit, so each busy kiosk still has its own connection.
        limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
        async with httpx.AsyncClient(
            base_url=f"{server.url}/api/v1/kiosk", timeout=30, limits=limits
        ) as pool:
            stop_at = time.monotonic() + size["duration_s"]
            await asyncio.gather(
                *[
                    _kiosk(pool, token, appointments, size, load, stop_at, random.Random(i))
                    for i, token in enumerate(tokens)
                ]
            )

    t0, cpu0, mine0 = time.monotonic(), server.cpu_seconds(), time.process_time()
    asyncio.run(everyone())
    load.server_cpu = server.cpu_seconds() - cpu0
    load.client_cpu = time.process_time() - mine0
    return load, time.monotonic() - t0


def raw_sqlite(writes: list[str], workdir: Path) -> tuple[list[float], float]:
    """The same writes as bare SQLite commits (one per request, WAL, synchronous=FULL)."""
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
        t0 = time.monotonic()
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
        return latencies, time.monotonic() - t0
    finally:
        db.close()


def run(tiny: bool = False) -> list[Row]:
    size = TINY if tiny else FULL
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
        results = {}
        for kiosks in size["kiosks"]:
            workdir = Path(tmp) / f"n{kiosks}"
            workdir.mkdir()
            with Server(workdir) as server:
                server.import_schedule(_patients(size["patients"]), workdir)
                load, took = _run_load(server, kiosks, size)
            if load.errors:
                raise BenchError(
                    f"{len(load.errors)} failed requests with {kiosks} kiosks, "
                    f"first: {load.errors[0]}"
                )
            results[kiosks] = (load, took)
        reference = TARGET_KIOSKS if TARGET_KIOSKS in results else max(results)
        raw, raw_took = raw_sqlite(results[reference][0].writes, Path(tmp))
    raw_p50, raw_p99 = percentile(raw, 50), percentile(raw, 99)
    for kiosks, (load, took) in results.items():
        p50, p99 = percentile(load.latencies, 50), percentile(load.latencies, 99)
        at_target = kiosks == TARGET_KIOSKS
        # Past about a core, the simulated kiosks (one Python process) are what is slow.
        client_bound = " LOAD GENERATOR SATURATED:" if load.client_cpu / took > 0.5 else ""
        rows.append(
            Row(
                "capacity",
                f"{kiosks} kiosks:{client_bound} request p50 / p99; "
                f"{len(load.latencies) / took:.0f} req/s, "
                f"{load.events / took:.1f} events/s, server CPU "
                f"{load.server_cpu / max(1, len(load.latencies)) * 1000:.1f} ms/request "
                f"({load.server_cpu / took:.0%} of a core; the simulated kiosks "
                f"{load.client_cpu / took:.0%}) (baseline: raw SQLite commit p50 / p99)",
                f"{ms(p50)} / {ms(p99)}",
                f"{ms(raw_p50)} / {ms(raw_p99)}",
                f"p99 {p99 / raw_p99:.1f}x raw",
                "p99 <= 50 ms" if at_target else "",
                p99 <= TARGET_P99_S if at_target else None,
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
