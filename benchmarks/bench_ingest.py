"""Ingest benchmark: read + clean throughput on real pages, memory flat in corpus size.

Pages: the article-extraction benchmark's `html/*.html.gz`, read where they are
(`../shared/data/article-extraction/`) through `ingest.read` and `clean.clean`.
Memory: a generated JSON Lines corpus (temporary, deleted after) of 1,000 and
10,000 records, each read in a fresh process; the peak RSS must not grow.
Writes the `## Ingest` section of docs/benchmarks.md.

    python benchmarks/bench_ingest.py [--passes 2] [--no-write]
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import SHARED, machine, replace_section, table

PAGES = SHARED / "data" / "article-extraction" / "html"
SIZES = (1_000, 10_000)
_WORDS = (
    "minister",
    "said",
    "talks",
    "government",
    "sanctions",
    "troops",
    "border",
    "agreement",
    "spokesman",
    "according",
    "officials",
    "capital",
    "election",
    "parliament",
    "protest",
    "police",
    "ceasefire",
    "president",
    "the",
    "of",
    "and",
    "in",
    "on",
    "a",
    "to",
    "with",
    "after",
    "over",
    "against",
    "new",
)


def throughput(passes: int) -> tuple[list[tuple[str, ...]], str]:
    """Pages/s for reading (gunzip, decode, checks) and for cleaning, best of `passes`."""
    from dragoman import clean, ingest
    from dragoman.errors import RejectedInput
    from dragoman.models import Record
    from dragoman.settings import Settings

    paths = sorted(glob.glob(str(PAGES / "*.html.gz")))
    if not paths:
        sys.exit(f"no pages at {PAGES} (the ../shared folder)")
    settings = Settings()
    # Warm-up: trafilatura, the language identifier and the furniture rules load lazily.
    for item in ingest.read(paths[:2], settings):
        if isinstance(item, Record):
            with contextlib.suppress(RejectedInput):
                clean.clean(item, settings)
    best_read = best_clean = float("inf")
    pages = cleaned = size = 0
    for _ in range(passes):
        started = time.perf_counter()
        items = list(ingest.read(paths, settings))
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        cleaned = 0
        for item in items:
            if isinstance(item, Record):
                try:
                    clean.clean(item, settings)
                    cleaned += 1
                except RejectedInput:
                    pass
        clean_s = time.perf_counter() - started
        best_read, best_clean = min(best_read, read_s), min(best_clean, clean_s)
        pages = sum(isinstance(i, Record) for i in items)
        size = sum(len((i.html or "").encode("utf-8")) for i in items if isinstance(i, Record))
    both = best_read + best_clean
    rows = [
        (
            "read (`ingest.read`: gunzip, decode, checks)",
            f"{pages / best_read:,.0f}",
            f"{size / best_read / 1e6:.1f}",
        ),
        (
            "clean (`clean.clean`: trafilatura, furniture, language)",
            f"{pages / best_clean:,.1f}",
            f"{size / best_clean / 1e6:.1f}",
        ),
        ("read + clean", f"{pages / both:,.1f}", f"{size / both / 1e6:.1f}"),
    ]
    note = (
        f"{len(paths)} pages ({size / 1e6:.1f} MB of HTML), {cleaned} cleaned into "
        f"articles; best of {passes} passes, one process."
    )
    return rows, note


def generate(path: Path, count: int) -> None:
    """`count` synthetic news records (~3 KB of text each), deterministic."""
    rng = random.Random(count)
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            paragraphs = [
                " ".join(rng.choice(_WORDS) for _ in range(60)).capitalize() + "." for _ in range(8)
            ]
            out.write(
                json.dumps(
                    {
                        "id": f"g{n}",
                        "url": f"https://example.org/{n}",
                        "published": "2024-01-02",
                        "outlet": "Generated",
                        "text": "\n\n".join(paragraphs),
                    }
                )
                + "\n"
            )


def child_read(path: str) -> None:
    """In a fresh process: read every record, print records, RSS before and peak after."""
    from dragoman import ingest
    from dragoman.settings import Settings

    settings = Settings()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    count = sum(1 for _ in ingest.read([path], settings))
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"records": count, "base_kib": base, "peak_kib": peak, "seconds": took}))


def memory() -> list[tuple[str, ...]]:
    folder = Path(tempfile.mkdtemp(prefix="dragoman-bench-ingest-"))
    rows = []
    try:
        for count in SIZES:
            path = folder / f"generated-{count}.jsonl"
            generate(path, count)
            done = subprocess.run(
                [sys.executable, __file__, "--child-read", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            rows.append(
                (
                    f"{result['records']:,}",
                    f"{path.stat().st_size / 1e6:.1f} MB",
                    f"{result['base_kib'] / 1024:.0f} MiB",
                    f"{result['peak_kib'] / 1024:.0f} MiB",
                    f"{result['records'] / result['seconds']:,.0f}",
                )
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--child-read", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child_read:
        child_read(args.child_read)
        return
    rows, note = throughput(args.passes)
    print(note, flush=True)
    mem = memory()
    peaks = [float(r[3].split()[0]) for r in mem]
    flat = peaks[-1] <= peaks[0] * 1.10 + 5
    body = "\n".join(
        [
            note,
            "",
            table(rows, ("step", "pages/s", "MB/s of HTML")),
            "",
            "Peak memory reading a generated JSON Lines corpus (`ingest.read`, each size in a "
            "fresh process; RSS after imports, then the peak): "
            + (
                "flat in corpus size (goal met)."
                if flat
                else "**grows with corpus size (goal not met)**."
            ),
            "",
            table(mem, ("records", "file", "RSS before", "peak RSS", "records/s")),
            "",
            machine(),
        ]
    )
    if not args.no_write:
        replace_section("Ingest", body)
    print(f"## Ingest\n\n{body}")


if __name__ == "__main__":
    main()
