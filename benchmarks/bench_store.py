"""Store benchmark: ingest rate and query latency on a 100,000-event database.

    python benchmarks/bench_store.py [--events 100000] [--postgres URL] [--no-docs]

Builds synthetic extractions (10 events each, the `synthetic()` builder of
tests/test_store_support.py), loads them into a fresh DuckDB file (and into
PostgreSQL with --postgres), measures

* ingest: per-article transactions (`Store.add`, on a sample) and batched
  transactions (`Store.add_many`, 500 articles each, for the whole set), in
  articles/s and events/s;
* query latency: p50/p95 over repeated runs of typical queries;

prints the figures as Markdown and replaces the `## Store` section of
docs/benchmarks.md (machine, data and date included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The synthetic builder lives with the tests, which use it too.
sys.path.insert(0, str(ROOT / "tests"))

from dragoman.store import Store  # noqa: E402
from test_store_support import synthetic  # noqa: E402

EVENTS_PER_ARTICLE = 10
BATCH = 500
SINGLE_SAMPLE = 300
RUNS = 30


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ingest(store: Store, articles: int) -> dict[str, float]:
    """Load `articles` synthetic articles; return the rates (building them is not timed)."""
    single = min(SINGLE_SAMPLE, articles)
    sample = [synthetic(i, events=EVENTS_PER_ARTICLE) for i in range(single)]
    start = time.perf_counter()
    for extraction in sample:
        store.add(extraction)
    single_s = time.perf_counter() - start
    batch_s = 0.0
    for begin in range(single, articles, BATCH):
        batch = [
            synthetic(i, events=EVENTS_PER_ARTICLE)
            for i in range(begin, min(articles, begin + BATCH))
        ]
        start = time.perf_counter()
        store.add_many(batch)
        batch_s += time.perf_counter() - start
    batched = articles - single
    return {
        "single_articles_s": single / single_s,
        "single_events_s": single * EVENTS_PER_ARTICLE / single_s,
        "batch_articles_s": batched / batch_s if batched else 0.0,
        "batch_events_s": batched * EVENTS_PER_ARTICLE / batch_s if batched else 0.0,
    }


def _queries(store: Store) -> list[tuple[str, Callable[[], Any]]]:
    some = store.events(limit=1)["article_id"][0]
    return [
        ("events(actor='IRN', limit=100)", lambda: store.events(actor="IRN", limit=100)),
        (
            "events(source_actor='ISR', target_actor='IRN')",
            lambda: store.events(source_actor="ISR", target_actor="IRN"),
        ),
        (
            "events(root='19', since/until one month)",
            lambda: store.events(root="19", since="2018-03-01", until="2018-03-31"),
        ),
        ("events(text='round 3', limit=100)", lambda: store.events(text="round 3", limit=100)),
        ("events(via='Reuters', limit=100)", lambda: store.events(via="Reuters", limit=100)),
        ("dyads(period='month')", lambda: store.dyads(period="month")),
        ("dyads(period=None, actor='IRN')", lambda: store.dyads(period=None, actor="IRN")),
        ("actors(limit=20)", lambda: store.actors(limit=20)),
        ("article(id)", lambda: store.article(some)),
        ("stats()", store.stats),
    ]


def _latency(store: Store) -> list[tuple[str, float, float, int]]:
    rows = []
    for label, query in _queries(store):
        query()  # warm up
        times = []
        size = 0
        for _ in range(RUNS):
            start = time.perf_counter()
            result = query()
            times.append((time.perf_counter() - start) * 1000)
            size = len(result) if hasattr(result, "__len__") else 1
        rows.append((label, statistics.median(times), _percentile(times, 0.95), size))
    return rows


def run(
    url: str, events: int
) -> tuple[dict[str, float], list[tuple[str, float, float, int]], dict[str, Any]]:
    """Ingest and query one backend."""
    articles = events // EVENTS_PER_ARTICLE
    with Store.open(url) as store:
        if store.stats()["articles"]:
            raise SystemExit(f"{url} is not empty: benchmark an empty database")
        rates = _ingest(store, articles)
        figures = store.stats()
        assert figures["events"] == articles * EVENTS_PER_ARTICLE, figures
        assert store.check() == []
        latency = _latency(store)
    return rates, latency, figures


def _markdown(
    results: dict[str, tuple[dict[str, float], list, dict[str, Any]]], events: int
) -> str:
    import duckdb

    uname = " ".join(platform.uname())
    lines = [
        "## Store",
        "",
        f"Run {dt.date.today().isoformat()} by `python benchmarks/bench_store.py` on "
        f"`{uname}`, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}.",
        "",
        f"Data: {events:,} synthetic events in {events // EVENTS_PER_ARTICLE:,} articles "
        f"({EVENTS_PER_ARTICLE} events, 20 actors, 11 sentences and 10 attribution links "
        "each; 12 countries, 8 CAMEO codes, 6 outlets, dates over 2018).",
        "",
    ]
    for backend, (rates, latency, _) in results.items():
        lines += [
            f"### {backend}",
            "",
            "| ingest | articles/s | events/s |",
            "| --- | ---: | ---: |",
            f"| one transaction per article (`add`, first {SINGLE_SAMPLE}) | "
            f"{rates['single_articles_s']:,.1f} | {rates['single_events_s']:,.0f} |",
            f"| {BATCH} articles per transaction (`add_many`, the rest) | "
            f"{rates['batch_articles_s']:,.1f} | {rates['batch_events_s']:,.0f} |",
            "",
            f"| query ({RUNS} runs) | p50 ms | p95 ms | rows |",
            "| --- | ---: | ---: | ---: |",
        ]
        lines += [
            f"| `{label}` | {p50:,.1f} | {p95:,.1f} | {size:,} |"
            for label, p50, p95, size in latency
        ]
        lines.append("")
    return "\n".join(lines)


def _update_docs(section: str, path: Path) -> None:
    """Replace (or append) the `## Store` section of docs/benchmarks.md."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Store\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(section.rstrip("\n") + "\n\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument(
        "--postgres", metavar="URL", help="Also benchmark this (empty) PostgreSQL database."
    )
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/benchmarks.md.")
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["DuckDB"] = run(str(Path(tmp) / "bench.duckdb"), args.events)
    if args.postgres:
        results["PostgreSQL"] = run(args.postgres, args.events)
    section = _markdown(results, args.events)
    print(section)
    if not args.no_docs:
        _update_docs(section, ROOT / "docs" / "benchmarks.md")


if __name__ == "__main__":
    main()
