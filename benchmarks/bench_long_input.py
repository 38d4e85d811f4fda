"""Long-input benchmark: coding time against sentence length, peak memory of long articles.

Inputs are made here from the paragraphs of the package's own samples
(`src/dragoman/samples/*.txt`), so the script needs nothing from ../shared:

* one sentence of about 2,500, 5,000 and 10,000 tokens (clauses joined by ", and",
  no full stop), parsed and analysed with `max_sentence_tokens=0` (no limit: the
  coding time itself) and with the default limit (the sentence is not coded);
* one article of 470,000 characters (under `max_chars`), and a batch of three, each
  run in a fresh process whose peak RSS is read from `getrusage` — with the default
  `batch_chars` and with `batch_chars` large enough to switch the bound off (the
  behaviour before it existed).

Writes the `## Long inputs` section of docs/benchmarks.md.

    python benchmarks/bench_long_input.py [--tokens 2500 5000 10000] [--chars 470000]
                                          [--no-write]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, machine, replace_section, table

SAMPLES = ROOT / "src" / "dragoman" / "samples"
CLAUSES = (
    "Iran rejected a call from Russia on Monday",
    "Egypt criticised Israel in Cairo",
    "the United States accused China of spying",
    "Turkey threatened Syria with sanctions",
    "police in Lagos arrested protesters",
    "France praised Germany for its aid",
)


def long_sentence(tokens: int) -> str:
    """About `tokens` tokens in one sentence."""
    parts: list[str] = []
    count = 0
    while count < tokens:
        clause = CLAUSES[len(parts) % len(CLAUSES)]
        parts.append(clause)
        count += len(clause.split()) + 2  # the clause, a comma and "and"
    return ", and ".join(parts) + "."


def long_article(chars: int, salt: int) -> str:
    """An article of `chars` characters: the samples' paragraphs over and over."""
    paragraphs = [
        p.strip()
        for path in sorted(SAMPLES.glob("*.txt"))
        for p in path.read_text(encoding="utf-8").split("\n\n")
        if len(p.strip()) > 80
    ]
    out: list[str] = []
    size = 0
    while size < chars:
        out.append(f"{paragraphs[len(out) % len(paragraphs)]} ({salt}.{len(out)})")
        size += len(out[-1]) + 2
    return "\n\n".join(out)[:chars]


def sentence_times(tokens: list[int]) -> list[tuple[str, ...]]:
    """Parse and coding time of one long sentence, without and with the length limit."""
    from dragoman.api import pipeline
    from dragoman.models import Record
    from dragoman.settings import Settings

    rows = []
    unlimited = pipeline(Settings(max_sentence_tokens=0, deduplicate=False))
    limited = pipeline(Settings(deduplicate=False))
    for pipe in (unlimited, limited):
        pipe.extract("Iran rejected a call from Russia on Monday.")
    for n in tokens:
        article = unlimited.clean(Record(origin="bench", text=long_sentence(n)))
        started = time.perf_counter()
        (doc,) = unlimited.parse([article.text])
        parsed = time.perf_counter() - started
        started = time.perf_counter()
        coded = unlimited.analyse(article, doc)
        analysed = time.perf_counter() - started
        started = time.perf_counter()
        skipped = limited.analyse(article, doc)
        capped = time.perf_counter() - started
        rows.append(
            (
                f"{len(doc):,}",
                f"{parsed:.1f} s",
                f"{analysed:.2f} s ({len(coded.events)} events)",
                f"{capped:.2f} s ({len(skipped.events)} events)",
            )
        )
        print(rows[-1], flush=True)
    return rows


def memory_child(chars: int, count: int, batch_chars: int) -> None:
    """Run in a fresh process: print the peak RSS before and after extracting."""
    from dragoman.api import pipeline
    from dragoman.models import Extraction, Record
    from dragoman.settings import Settings

    pipe = pipeline(Settings(batch_chars=batch_chars, deduplicate=False))
    pipe.extract("Iran rejected a call from Russia on Monday.")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    records = [Record(origin=f"long{k}", text=long_article(chars, k)) for k in range(count)]
    started = time.perf_counter()
    results = list(pipe.extract_many(records))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    extracted = [r for r in results if isinstance(r, Extraction)]
    events = sum(len(r.events) for r in extracted)
    print(json.dumps([before, peak, seconds, len(extracted), events]))


def memory(chars: int, count: int, batch_chars: int) -> tuple[str, ...]:
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(chars), str(count), str(batch_chars)],
        capture_output=True,
        text=True,
        check=True,
    )
    before, peak, seconds, extracted, events = json.loads(done.stdout.strip().splitlines()[-1])
    row = (
        f"{count} × {chars:,} characters",
        f"{batch_chars:,}",
        f"{before / 2**30:.2f} GiB",
        f"{peak / 2**30:.2f} GiB",
        f"{seconds:.0f} s",
        f"{extracted} articles, {events} events",
    )
    print(row, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tokens", type=int, nargs="+", default=[2500, 5000, 10000])
    parser.add_argument("--chars", type=int, default=470_000)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--memory-child", type=int, nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    from dragoman.settings import Settings

    default = Settings().batch_chars
    times = sentence_times(args.tokens)
    unbounded = 10 * args.chars
    peaks = [memory(args.chars, count, batch) for count in (1, 3) for batch in (default, unbounded)]
    body = f"""{machine()}

Written by `benchmarks/bench_long_input.py` on inputs it makes from the package's
samples. Coding time against the length of one sentence (clauses joined by ", and",
no full stop), with `max_sentence_tokens=0` (no limit) and with the default limit
({Settings().max_sentence_tokens} tokens, over which a sentence is not coded and a
warning names it). The dates and places of events are looked up in an index built
once per sentence; before, each event walked every entity of its sentence (2.6k /
5.3k / 10.5k tokens took 2 / 11 / 65 s to code, issue 21).

{table(times, ("tokens", "parse", "coding, no limit", "coding, default limit"))}

Peak memory (RSS, `getrusage`) of one process extracting long articles in one
`extract_many` call, after the pipeline was built and warmed up ("before"). With
`batch_chars` = {default:,} (the default) a batch ends at that many characters and
a longer article is parsed in pieces of at most that size, cut between paragraphs;
{unbounded:,} switches that off, as it was (issue 21 measured 1.87 GB and 4.8 GB).
The goal: at most 1 GiB per worker for any article under `max_chars`.

{table(peaks, ("input", "batch_chars", "before", "peak", "time", "result"))}
"""
    print(body)
    if not args.no_write:
        replace_section("Long inputs", body)


if __name__ == "__main__":
    main()
