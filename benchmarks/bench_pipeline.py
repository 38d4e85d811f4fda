"""Pipeline benchmark: bare spaCy vs the whole pipeline, workers, memory, cold start, Spark.

Corpus: the PolNeAR news articles, read where they are
(`../shared/data/polnear/{train,dev}/text/*.txt`, sorted by name).
Writes the `## Pipeline` and `## Spark` sections of docs/benchmarks.md.

    python benchmarks/bench_pipeline.py [--articles 300] [--small 200] [--large 800]
                                        [--spark-articles 200] [--no-spark] [--no-write]
"""

from __future__ import annotations

import argparse
import glob
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dragoman.models import Record
from dragoman.settings import Settings
from run import SHARED, machine, replace_section, table

CORPUS = SHARED / "data" / "polnear"
SEED = SHARED / "samples" / "seed-article.txt"
GOALS = {"ratio": 1.35, "scaling": 1.7, "rss_gib": 1.0, "cold_s": 3.0}
_SPACY_FILES = (
    "spacy/",
    "thinc/",
    "cymem/",
    "preshed/",
    "srsly/",
    "murmurhash/",
    "numpy/",
    "blis/",
)


def corpus() -> list[Path]:
    """The PolNeAR article files, train then dev, sorted by name."""
    files = [
        Path(p)
        for split in ("train", "dev")
        for p in sorted(glob.glob(str(CORPUS / split / "text" / "*.txt")))
    ]
    if not files:
        sys.exit(f"no corpus at {CORPUS}/{{train,dev}}/text (the ../shared folder)")
    return files


def records(files: list[Path]) -> list[Record]:
    return [Record(origin=str(f), text=f.read_text(encoding="utf-8"), id=f.stem) for f in files]


def words(items: list[Record]) -> int:
    return sum(len((r.text or "").split()) for r in items)


class Clock:
    """Wall and CPU time of this process over a block."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


# --- peak RSS of worker processes ------------------------------------------------------


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss(pid: int) -> int:
    """VmHWM (peak resident set) of a process, in bytes."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Workers:
    """Polls the pool workers (grandchildren of this process: the forkserver is a
    child, its workers are its children) for their peak RSS and CPU time."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> Workers:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.5):
            parents = {}
            for entry in os.listdir("/proc"):
                if entry.isdigit() and (found := _stat(int(entry))) is not None:
                    parents[int(entry)] = found
            kids = {pid for pid, (ppid, _) in parents.items() if ppid == me}
            for pid, (ppid, cpu) in parents.items():
                if ppid in kids:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), _peak_rss(pid))
                    self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu)


def gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB"


# --- the measurements -----------------------------------------------------------------


def bare_spacy(items: list[Record], settings: Settings) -> Clock:
    import spacy

    from dragoman.nlp import UNUSED_COMPONENTS

    nlp = spacy.load(settings.model, exclude=list(UNUSED_COMPONENTS))
    texts = [r.text or "" for r in items]
    for _ in nlp.pipe(texts[:4], batch_size=settings.batch_size):
        pass
    with Clock() as clock:
        for _ in nlp.pipe(texts, batch_size=settings.batch_size):
            pass
    return clock


def whole_pipeline(items: list[Record], warm: list[Record], settings: Settings):
    from dragoman.pipeline import Pipeline

    pipe = Pipeline(settings)
    list(pipe.extract_many(warm))  # lazy loads: gazetteer, dates, language identifier
    with Clock() as clock:
        results = list(pipe.extract_many(items))
    return clock, results, pipe


def parallel(items: list[Record], settings: Settings, workers: int):
    """Wall time, time to the first result, results, each worker's peak RSS, and the
    workers' CPU seconds (model loading included)."""
    from dragoman.parallel import extract_parallel

    with Workers() as seen:
        started = time.perf_counter()
        first = None
        results = []
        for item in extract_parallel(iter(items), settings, workers=workers):
            if first is None:
                first = time.perf_counter() - started
            results.append(item)
        wall = time.perf_counter() - started
        time.sleep(1.0)
    peaks = sorted(seen.peaks.values(), reverse=True)[:workers]
    return wall, first or 0.0, results, peaks, sum(seen.cpu.values())


def cold_start(runs: int = 2) -> list[tuple[float, float]]:
    """Wall and CPU seconds of `import dragoman; dragoman.extract(seed)` in a fresh process."""
    code = (
        "import dragoman, pathlib; "
        f"dragoman.extract(pathlib.Path({str(SEED)!r}).read_text(), published='2018-05-22')"
    )
    out = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        out.append((wall, cpu))
    return out


_PARTS = {  # pipeline.py functions (innermost one on the stack wins) → part of the run
    "mark_paragraphs": "paragraph marks (`mark_paragraphs`, a spaCy component)",
    "_restore_text": "quote marks back (`_restore_text`)",
    "parse": "spaCy parse (`nlp.pipe`)",
    "find_actors": "actors stage",
    "find_quotes": "quotes stage",
    "code_events": "events stage",
    "analyse": "sentences, outlet, assembly (`analyse`)",
    "clean": "clean (`clean.clean`)",
}


class Sampler:
    """A sampling profiler: every `interval` s, the main thread's Python stack.

    cProfile is misleading here: spaCy's Cython is compiled with profiling hooks,
    so every Token it creates counts as a profiled call and code that walks
    tokens looks many times slower than it is. Sampling has no such bias (Cython
    frames are not on the Python stack: their time goes to the caller).
    """

    def __init__(self, interval: float = 0.002) -> None:
        self.interval = interval
        self.parts: dict[str, int] = {}
        self.frames: dict[str, int] = {}
        self.samples = 0
        self._main = threading.main_thread().ident
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(self.interval / 2)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        sys.setswitchinterval(self._switch)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._main)
            part = inner = None
            while frame is not None:
                code = frame.f_code
                name = code.co_filename.replace("\\", "/")
                if (
                    part is None
                    and name.endswith("dragoman/pipeline.py")
                    and code.co_name in _PARTS
                ):
                    part = _PARTS[code.co_name]
                if (
                    inner is None
                    and not any(f in name for f in _SPACY_FILES)
                    and "/bench_pipeline.py" not in name
                ):
                    where = name.split("site-packages/")[-1].split("src/")[-1]
                    line = f":{frame.f_lineno}" if frame.f_lineno else ""
                    inner = f"`{code.co_name}` ({where}{line})"
                frame = frame.f_back
            self.samples += 1
            part = part or "other (batching, generators)"
            self.parts[part] = self.parts.get(part, 0) + 1
            if inner and part != _PARTS["parse"]:
                self.frames[inner] = self.frames.get(inner, 0) + 1


def profile(pipe, items: list[Record]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Where the time goes, by part of the pipeline, and the top lines beyond spaCy."""
    with Clock() as clock, Sampler() as sampler:
        list(pipe.extract_many(items))
    total = max(sampler.samples, 1)
    breakdown = [
        (part, f"{clock.wall * n / total:.1f}", f"{100 * n / total:.1f}%")
        for part, n in sorted(sampler.parts.items(), key=lambda kv: -kv[1])
    ]
    top = [
        (where, f"{100 * n / total:.1f}%")
        for where, n in sorted(sampler.frames.items(), key=lambda kv: -kv[1])[:15]
    ]
    return breakdown, top


def spark_bench(items: list[Record], settings: Settings, local_rate: float) -> str:
    """The Spark job in local mode on two JSON Lines files of the articles."""
    import json

    try:
        from dragoman import spark as job

        job._require_spark()
    except Exception as exc:
        return f"Skipped: {exc}"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "Skipped: no Java."
    folder = Path(tempfile.mkdtemp(prefix="dragoman-bench-spark-"))
    try:
        inputs = []
        half = (len(items) + 1) // 2
        for n, part in enumerate((items[:half], items[half:])):
            path = folder / f"part-{n}.jsonl"  # temporary, deleted below
            with open(path, "w", encoding="utf-8") as out:
                for r in part:
                    out.write(json.dumps({"id": r.id, "text": r.text}) + "\n")
            inputs.append(str(path))
        started = time.perf_counter()
        spark = job.session("local[2]", config={"spark.ui.showConsoleProgress": "false"})
        spark.sparkContext.setLogLevel("ERROR")
        session_s = time.perf_counter() - started
        try:
            with Clock() as cold:
                report = job.run(inputs, str(folder / "out1"), settings=settings, spark=spark)
            with Clock() as warm:
                job.run(inputs, str(folder / "out2"), settings=settings, spark=spark)
        finally:
            spark.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    n = len(items)
    rows = [
        ("session start (JVM, `local[2]`)", f"{session_s:.1f} s", ""),
        (
            "job, first run (Python workers load the model)",
            f"{cold.wall:.1f} s",
            f"{n / cold.wall:.1f} articles/s",
        ),
        (
            "job, second run (workers reused, model loaded)",
            f"{warm.wall:.1f} s",
            f"{n / warm.wall:.1f} articles/s",
        ),
        ("the local pipeline, 1 process (above)", "", f"{local_rate:.1f} articles/s"),
    ]
    return "\n".join(
        [
            f"{n} PolNeAR articles in 2 JSON Lines files (2 tasks), written to a temporary "
            f"folder; `local[2]`, default settings. {report}.",
            "",
            table(rows, ("run", "wall", "throughput")),
            "",
            "Each task runs the pipeline and a DuckDB store of its own; the model loads once "
            "per executor Python process (`spark.python.worker.reuse`, the default), so the "
            "first run pays it once per worker.",
            "",
            machine(),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--large", type=int, default=800)
    parser.add_argument("--spark-articles", type=int, default=200)
    parser.add_argument("--profile-articles", type=int, default=100)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args, _ = parser.parse_known_args()

    settings = Settings()
    files = corpus()
    items = records(files[: args.articles])
    warm = records(files[-4:])
    n, nwords = len(items), words(items)
    print(f"corpus: {len(files)} files; measuring on {n} articles, {nwords} words", flush=True)

    bare = bare_spacy(items, settings)
    print(f"bare spaCy: {bare.wall:.1f} s wall, {bare.cpu:.1f} s CPU", flush=True)
    whole, results, pipe = whole_pipeline(items, warm, settings)
    print(f"pipeline: {whole.wall:.1f} s wall, {whole.cpu:.1f} s CPU", flush=True)
    extracted = sum(1 for r in results if not hasattr(r, "reason"))

    load_before = os.getloadavg()[0]
    wall2, first2, results2, _, cpu2 = parallel(items, settings, 2)
    load_during = os.getloadavg()[0]
    same = (
        "identical"
        if results2 == results
        else "**not identical** (did the code change during the run? "
        "else see tests/test_parallel.py)"
    )
    print(f"2 workers: {wall2:.1f} s wall, first result after {first2:.1f} s", flush=True)
    small = parallel(records(files[: args.small]), settings, 2)
    large = parallel(records(files[: args.large]), settings, 2)
    print(f"RSS: {small[3]} / {large[3]}", flush=True)
    colds = cold_start()
    print(f"cold start: {colds}", flush=True)
    breakdown, top = profile(pipe, items[: args.profile_articles])

    ratio_wall, ratio_cpu = whole.wall / bare.wall, whole.cpu / bare.cpu
    steady2 = (n - settings.batch_size) / max(wall2 - first2, 1e-9)
    scaling_e2e = whole.wall / wall2
    scaling_steady = steady2 / (n / whole.wall)
    # What 2 free cores would give, the work split evenly: the 1-process CPU time over
    # half the workers' CPU time (model loading included). This is the pool's own
    # overhead, whatever else runs on the machine.
    scaling_cpu = 2 * whole.cpu / max(cpu2, 1e-9)
    cold = min(w for w, _ in colds)

    def met(ok: bool) -> str:
        return "met" if ok else "**not met**"

    rows = [
        (
            "bare spaCy (`nlp.pipe`, same model and batch size)",
            f"{nwords / bare.wall:,.0f}",
            f"{n / bare.wall:.1f}",
            f"{bare.wall:.1f} s / {bare.cpu:.1f} s",
            "",
        ),
        (
            "whole pipeline, 1 process (clean + parse + stages)",
            f"{nwords / whole.wall:,.0f}",
            f"{n / whole.wall:.1f}",
            f"{whole.wall:.1f} s / {whole.cpu:.1f} s",
            "",
        ),
        (
            "whole pipeline, 2 workers (`extract_parallel`)",
            f"{nwords / wall2:,.0f}",
            f"{n / wall2:.1f}",
            f"{wall2:.1f} s / {cpu2:.1f} s",
            f"first result after {first2:.1f} s; load average {load_before:.1f} → "
            f"{load_during:.1f}",
        ),
    ]
    goals = [
        (
            "pipeline ÷ bare spaCy, CPU time",
            f"{ratio_cpu:.2f}",
            f"≤ {GOALS['ratio']}",
            met(ratio_cpu <= GOALS["ratio"]),
        ),
        (
            "pipeline ÷ bare spaCy, wall time",
            f"{ratio_wall:.2f}",
            f"≤ {GOALS['ratio']}",
            met(ratio_wall <= GOALS["ratio"]),
        ),
        (
            "2 workers ÷ 1, end to end (with worker start-up)",
            f"{scaling_e2e:.2f}×",
            f"≥ {GOALS['scaling']}×",
            met(scaling_e2e >= GOALS["scaling"]),
        ),
        (
            "2 workers ÷ 1, after the first result",
            f"{scaling_steady:.2f}×",
            f"≥ {GOALS['scaling']}×",
            met(scaling_steady >= GOALS["scaling"]),
        ),
        (
            "2 workers ÷ 1, CPU time (two free cores)",
            f"{scaling_cpu:.2f}×",
            f"≥ {GOALS['scaling']}×",
            met(scaling_cpu >= GOALS["scaling"]),
        ),
        (
            f"peak RSS per worker, {args.small} articles",
            " / ".join(gib(p) for p in small[3]),
            f"≤ {GOALS['rss_gib']} GiB",
            met(max(small[3], default=0) <= GOALS["rss_gib"] * 1024**3),
        ),
        (
            f"peak RSS per worker, {args.large} articles",
            " / ".join(gib(p) for p in large[3]),
            "flat in corpus size",
            met(max(large[3], default=0) <= 1.15 * max(small[3], default=1)),
        ),
        (
            "cold start, one article in a fresh process (wall)",
            " / ".join(f"{w:.1f} s" for w, _ in colds),
            f"≤ {GOALS['cold_s']:.0f} s",
            met(cold <= GOALS["cold_s"]),
        ),
        ("cold start, CPU time", " / ".join(f"{c:.1f} s" for _, c in colds), "", ""),
    ]
    body = "\n".join(
        [
            f"{n} PolNeAR articles ({nwords:,} words, `text/*.txt` of train then dev, sorted), "
            f"{extracted} extracted; model `{settings.model}`, batch size {settings.batch_size}. "
            "Wall and CPU time of this process; each timed run after a warm-up (model loaded, "
            "lazy tables built). The 2-worker run uses `dragoman.parallel.extract_parallel` "
            f"(forkserver, model loaded once per worker); its results were {same} to the "
            "1-process run's.",
            "",
            table(rows, ("run", "words/s", "articles/s", "wall / CPU", "")),
            "",
            table(goals, ("figure", "value", "goal", "")),
            "",
            "The CPU time of the 2-worker run is the workers' (model loading included). "
            "On a shared machine the wall-clock scaling depends on what else runs: the CPU-time "
            "figure is the pool's own overhead. Peak RSS is each worker's `VmHWM`. Cold start is "
            "`python -c 'import dragoman; dragoman.extract(seed)'` (the seed article), twice.",
            "",
            f"Where the time goes ({min(args.profile_articles, n)} articles, sampled every 2 ms; "
            "spaCy's own components are in the parse, except dragoman's `mark_paragraphs`):",
            "",
            table(breakdown, ("part", "seconds", "share")),
            "",
            "Top lines beyond spaCy's parse (the innermost Python frame outside spaCy and "
            "thinc; time in spaCy's Cython called from a stage counts for that stage's line):",
            "",
            table(top, ("function (file:line)", "share of all samples")),
            "",
            machine(),
        ]
    )
    print(replace_body("Pipeline", body, args.no_write))
    if not args.no_spark:
        spark_body = spark_bench(records(files[: args.spark_articles]), settings, n / whole.wall)
        print(replace_body("Spark", spark_body, args.no_write))


def replace_body(title: str, body: str, dry: bool) -> str:
    if not dry:
        replace_section(title, body)
    return f"## {title}\n\n{body}\n"


if __name__ == "__main__":
    main()
