"""Event-model benchmark: what the learned event decision costs against a bare parse.

On the same articles (PolNeAR dev texts, read in place from ../shared/data), in one
process, each measured as CPU time (`time.process_time`) after a warm-up pass:

* bare spaCy: the bundled pipeline's `nlp.pipe` over the texts (the parse alone);
* dragoman with `event_model=none` (the rules alone);
* dragoman as installed (`event_decision=score`, the packaged model);
* dragoman with `event_decision=wide` (the model decides among wider candidates).

The goal of issue 16: pipeline ÷ bare spaCy ≤ 1.35 with one worker. Writes the
`## Event model` section of docs/benchmarks.md.

    python benchmarks/bench_event_model.py [--articles 60] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, machine, replace_section, table

DEV = ROOT.parent / "shared" / "data" / "polnear" / "dev" / "text"


def _cpu(work) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def measure(texts: list[str], repeat: int) -> dict[str, float]:
    """Median CPU seconds of each configuration over `repeat` runs."""
    from dragoman.api import pipeline
    from dragoman.models import Record
    from dragoman.settings import Settings

    records = [Record(origin=f"dev#{n}", text=t, id=str(n)) for n, t in enumerate(texts)]
    configs = {
        "rules alone (event_model=none)": Settings(event_model="none", deduplicate=False),
        "model, event_decision=score (default)": Settings(deduplicate=False),
        "model, event_decision=wide": Settings(event_decision="wide", deduplicate=False),
    }
    pipes = {name: pipeline(s) for name, s in configs.items()}
    nlp = next(iter(pipes.values())).nlp
    runs: dict[str, list[float]] = {"bare spaCy parse": []}
    runs.update({name: [] for name in pipes})

    def parse() -> None:
        for _ in nlp.pipe(texts, batch_size=16):
            pass

    for _ in range(repeat + 1):  # the first pass warms caches and is not counted
        times = {"bare spaCy parse": _cpu(parse)}
        for name, pipe in pipes.items():
            times[name] = _cpu(lambda p=pipe: list(p.extract_many(records)))
        for name, value in times.items():
            runs[name].append(value)
    return {name: statistics.median(values[1:]) for name, values in runs.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not DEV.is_dir():
        print(f"needs {DEV} (../shared/data beside the repository)", file=sys.stderr)
        return 2
    texts = [p.read_text("utf-8") for p in sorted(DEV.glob("*.txt"))[: args.articles]]
    words = sum(len(t.split()) for t in texts)
    seconds = measure(texts, args.repeat)
    bare = seconds["bare spaCy parse"]
    rows = [(name, f"{value:.2f}", f"{value / bare:.2f}") for name, value in seconds.items()]
    body = "\n".join(
        [
            "",
            f"{machine()}; {len(texts)} PolNeAR dev articles ({words:,} words), one process, "
            f"CPU seconds, median of {args.repeat} runs after a warm-up "
            "(`python benchmarks/bench_event_model.py`).",
            "",
            table(rows, ("configuration", "CPU s", "÷ bare spaCy")),
            "",
            "Goal (issue 16): the pipeline as installed ≤ 1.35 × the bare parse with one worker.",
            "",
        ]
    )
    print(body)
    if not args.no_write:
        replace_section("Event model", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
