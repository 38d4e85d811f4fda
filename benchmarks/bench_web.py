"""Web benchmark: `GET /api/events` under concurrent load on a 100,000-event database.

    python benchmarks/bench_web.py [--events 100000] [--concurrency 200] [--rounds 5] [--no-docs]

Builds a DuckDB file of synthetic events (the `synthetic()` builder of
tests/test_store_support.py, as benchmarks/bench_store.py does), starts
`dragoman serve` on it in a subprocess on a free loopback port, and sends event
queries with varied filters and pages from an httpx AsyncClient:

* a sequential baseline (one request at a time);
* `--rounds` bursts of `--concurrency` requests sent at once.

Every response must be a 200 with a page of events: any error fails the run
(exit status 1). Prints p50/p95 latency and throughput as Markdown and replaces
the `## Web` section of docs/benchmarks.md (machine, data and date included).
Traffic goes to 127.0.0.1 only; request counts and timeouts are bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The synthetic builder lives with the tests, which use it too.
sys.path.insert(0, str(ROOT / "tests"))

from dragoman.store import Store  # noqa: E402
from test_store_support import COUNTRIES, OUTLETS, synthetic  # noqa: E402

EVENTS_PER_ARTICLE = 10
BATCH = 500
BASELINE = 50


def build(path: str, events: int) -> float:
    """Load `events` synthetic events into a new DuckDB file; seconds taken."""
    start = time.perf_counter()
    articles = events // EVENTS_PER_ARTICLE
    with Store.open(path) as store:
        for begin in range(0, articles, BATCH):
            end = min(articles, begin + BATCH)
            store.add_many(synthetic(i, events=EVENTS_PER_ARTICLE) for i in range(begin, end))
        stored = store.stats()["events"]
    if stored != articles * EVENTS_PER_ARTICLE:
        raise SystemExit(f"expected {articles * EVENTS_PER_ARTICLE} events, stored {stored}")
    return time.perf_counter() - start


def queries(n: int, events: int, seed: int = 0) -> list[dict[str, Any]]:
    """`n` event queries of the kinds the dashboard and API clients send."""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for _ in range(n):
        month = rng.randrange(1, 12)
        kinds = [
            {"actor": rng.choice(COUNTRIES), "limit": 100},
            {"source_actor": rng.choice(COUNTRIES), "target_actor": rng.choice(COUNTRIES)},
            {
                "root": rng.choice(["04", "12", "19", "11"]),
                "since": f"2018-{month:02d}-01",
                "until": f"2018-{month + 1:02d}-01",
            },
            {"quad": rng.randrange(1, 5), "limit": 50, "offset": rng.randrange(0, 1000)},
            {"via": rng.choice(OUTLETS), "limit": 100},
            {"text": f"round {rng.randrange(10)}", "limit": 100},
            {"limit": 100, "offset": rng.randrange(0, max(1, events - 100))},
        ]
        out.append(rng.choice(kinds))
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`dragoman serve --db DB --port PORT` in a subprocess, once it answers /api/health."""
    command = [
        sys.executable,
        "-c",
        "from dragoman.web.cli import serve; serve()",
        "--db",
        db,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start within 60 s")


async def one(client: httpx.AsyncClient, params: dict[str, Any]) -> tuple[float, str | None]:
    """One query: (milliseconds, error or None)."""
    start = time.perf_counter()
    try:
        response = await client.get("/api/events", params=params)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            return elapsed, f"{response.status_code}: {response.text[:200]}"
        if "items" not in response.json():
            return elapsed, f"no items: {response.text[:200]}"
        return elapsed, None
    except httpx.HTTPError as exc:
        return (time.perf_counter() - start) * 1000, f"{type(exc).__name__}: {exc}"


async def load(
    base: str, events: int, concurrency: int, rounds: int, timeout: float, budget: float
) -> dict[str, Any]:
    """Warm up, run the sequential baseline, then the bursts (stopping when `budget`
    seconds are spent: a run is bounded by `budget` + one burst's `timeout`)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    began = time.monotonic()
    load_average = os.getloadavg()[0]
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=httpx.Timeout(timeout)
    ) as client:
        for params in queries(20, events, seed=99):  # warm-up: caches, thread pool
            await one(client, params)
        baseline = [await one(client, p) for p in queries(BASELINE, events, seed=1)]
        bursts = []
        wall = 0.0
        for r in range(rounds):
            if time.monotonic() - began > budget:
                print(f"time budget spent after {r} rounds", file=sys.stderr)
                break
            batch = queries(concurrency, events, seed=100 + r)
            start = time.perf_counter()
            bursts += await asyncio.gather(*(one(client, p) for p in batch))
            wall += time.perf_counter() - start
    return {"baseline": baseline, "bursts": bursts, "wall": wall, "load": load_average}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def markdown(events: int, build_s: float, concurrency: int, result: dict[str, Any]) -> str:
    import duckdb
    import fastapi
    import uvicorn

    base = [ms for ms, _ in result["baseline"]]
    burst = [ms for ms, _ in result["bursts"]]
    errors = sum(1 for _, err in (*result["baseline"], *result["bursts"]) if err)
    total = len(result["baseline"]) + len(result["bursts"])
    uname = " ".join(platform.uname())
    return "\n".join(
        [
            "## Web",
            "",
            f"Run {dt.date.today().isoformat()} by `python benchmarks/bench_web.py` on "
            f"`{uname}`, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"DuckDB {duckdb.__version__}, FastAPI {fastapi.__version__}, "
            f"uvicorn {uvicorn.__version__}.",
            "",
            f"Data: {events:,} synthetic events in {events // EVENTS_PER_ARTICLE:,} articles "
            f"(the generator of `bench_store.py`), loaded in {build_s:,.0f} s. Server: "
            "`dragoman serve` (one uvicorn process, routes in its thread pool, DuckDB "
            "per-thread cursors); client: httpx AsyncClient in another process, over "
            "127.0.0.1. Queries: `GET /api/events` with a mix of actor, dyad, root + one "
            "month, quad class, via, text and deep-offset filters, 50–100 rows a page.",
            "",
            "| load | requests | errors | p50 ms | p95 ms | max ms | requests/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| one at a time | {len(base)} | "
            f"{sum(1 for _, e in result['baseline'] if e)} | {statistics.median(base):,.0f} | "
            f"{percentile(base, 0.95):,.0f} | {max(base):,.0f} | "
            f"{len(base) / (sum(base) / 1000):,.1f} |",
            f"| {concurrency} at once × {len(burst) // concurrency} rounds | {len(burst)} | "
            f"{sum(1 for _, e in result['bursts'] if e)} | {statistics.median(burst):,.0f} | "
            f"{percentile(burst, 0.95):,.0f} | {max(burst):,.0f} | "
            f"{len(burst) / result['wall']:,.1f} |",
            "",
            f"{total - errors} of {total} requests answered 200 with a page of events. "
            "In a burst every request is sent at once, so its latency is mostly waiting in "
            "line: p50 is about half the burst divided by the throughput. Load average "
            f"(1 min) when the run started: {result['load']:.1f} on {os.cpu_count()} cores "
            "(other processes on the machine count too).",
            "",
        ]
    )


def update_docs(section: str, path: Path) -> None:
    """Replace (or append) the `## Web` section of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Web\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="Seconds one request may take (a burst queues: the last "
        "request waits for all the others).",
    )
    parser.add_argument(
        "--budget", type=float, default=1200.0, help="Start no new burst after this many seconds."
    )
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/benchmarks.md.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.duckdb")
        print(f"building {args.events:,} events …", file=sys.stderr)
        build_s = build(db, args.events)
        port = free_port()
        server = start_server(db, port, Path(tmp) / "server.log")
        try:
            print(f"loading http://127.0.0.1:{port} …", file=sys.stderr)
            result = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}",
                    args.events,
                    args.concurrency,
                    args.rounds,
                    args.timeout,
                    args.budget,
                )
            )
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    section = markdown(args.events, build_s, args.concurrency, result)
    print(section)
    errors = [err for _, err in (*result["baseline"], *result["bursts"]) if err]
    for err in errors[:10]:
        print(f"error: {err}", file=sys.stderr)
    if not args.no_docs and not errors:
        update_docs(section, ROOT / "docs" / "benchmarks.md")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
