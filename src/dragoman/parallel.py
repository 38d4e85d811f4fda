"""Extraction on several cores of one machine: one pipeline per worker process.

`extract_parallel` cuts the stream of records into chunks of `batch_size`
records, sends them to a pool of worker processes with `Pool.imap` (results
come back in input order), and yields what the workers return.

Workers are started with the `forkserver` method (`spawn` where it is missing):
never `fork` from the caller, which may hold threads and locks. When this process
starts its forkserver, the server builds the pipeline for the run's settings and
warms it up on a short article before it forks any worker (`dragoman._forkserver`):
each worker then starts with the spaCy model, the knowledge, the matchers, the
gazetteer and the language identifier already in memory, shared copy-on-write, and
the load is paid once rather than once per worker. The forkserver lives as long as
this process; a later run with other settings (or a server started by other code)
has each worker build its own pipeline in the pool initializer instead
(`api.pipeline`, cached per process), which gives the same results.

Memory stays bounded whatever the corpus size: `Pool.imap` on its own reads
its whole input into the task queue, so a semaphore lets at most `2 × workers`
chunks be read ahead of the consumer (one of them to find the end of the stream,
whose last records go out in smaller pieces so that the workers finish together).

Results are exactly those of `Pipeline.extract_many` in one process: the
stages are deterministic, each article is analysed on its own, and how articles
are batched does not change their parse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from dragoman.dedup import Deduper
from dragoman.errors import SettingsError
from dragoman.models import Extraction, Record, Reject
from dragoman.settings import Settings

__all__ = ["extract_parallel", "resolve_workers", "settings_json", "warm"]

log = logging.getLogger(__name__)

Item = Record | Reject
Result = Extraction | Reject
T = TypeVar("T")

# Chunks read ahead of the consumer, per worker: one being worked on, one queued.
_AHEAD_PER_WORKER = 2
# The last chunk's worth of records goes out in this many pieces (see `_chunks`).
_TAIL_PIECES = 4
# Modules the forkserver imports once, so that each worker forks with them loaded;
# `dragoman._forkserver` also builds the pipeline named by `SETTINGS_ENV`.
_PRELOAD = ["dragoman.pipeline", "dragoman._forkserver"]
# The settings of the pipeline to build in the forkserver, as JSON: set in this
# process's environment only while the server starts (it inherits it), then removed.
SETTINGS_ENV = "DRAGOMAN_FORKSERVER_SETTINGS"
_STARTING = threading.Lock()
# Read once by each pipeline built ahead of its workers: every lazy part is loaded
# (language identifier, gazetteer, date parser), and first-call costs are paid.
_WARM_UP = (
    "Iran on Monday rejected a call from Russia to pull its forces out of Syria, the "
    'Foreign Ministry said in Tehran. "No one can force Iran to do anything," '
    "spokesperson Bahram Qasemi said, according to the Tasnim news agency."
)


def resolve_workers(workers: int) -> int:
    """The number of worker processes for a `workers` setting (0 means one per core).

    Raises:
        SettingsError: `workers` is negative.
    """
    if workers < 0:
        raise SettingsError(f"workers must be 0 (one per core) or more, got {workers}")
    if workers == 0:
        return os.cpu_count() or 1
    return workers


def extract_parallel(
    records: Iterable[Item],
    settings: Settings | None = None,
    published: dt.date | None = None,
    workers: int | None = None,
) -> Iterator[Result]:
    """Extract a stream of records on several processes; results in input order.

    Args:
        records: records and rejects, as `ingest.read` yields them (rejects pass through).
        settings: settings for every worker's pipeline (defaults when None).
        published: publication date for records that carry none.
        workers: worker processes; 0 means one per core, 1 means no pool (the
            plain `Pipeline.extract_many` in this process); None means `settings.workers`.
            A stream of one batch (`batch_size` records) or less is extracted in this
            process whatever the number.

    Yields:
        One `Extraction` or `Reject` per input item, in input order.

    Raises:
        SettingsError: `workers` is negative.
    """
    settings = settings or Settings()
    count = resolve_workers(settings.workers if workers is None else workers)
    records = iter(records)
    batch = max(1, settings.batch_size)
    head = list(itertools.islice(records, batch + 1)) if count > 1 else []
    if count == 1 or len(head) <= batch:
        # One batch or less ("dragoman extract story.txt"): starting a pool (the server,
        # its pipeline, the workers) takes longer than the batch does in this process.
        from dragoman.api import pipeline

        yield from pipeline(settings).extract_many(itertools.chain(head, records), published)
        return
    records = itertools.chain(head, records)
    # The chunk `_chunks` reads ahead to find the end of the stream is one of them.
    ahead = threading.BoundedSemaphore(_AHEAD_PER_WORKER * count - 1)
    stop = threading.Event()
    # Duplicates are found here, across all chunks, as one process would find them;
    # workers each see only their chunk, so they do not deduplicate.
    deduper = Deduper(settings) if settings.deduplicate else None
    worker_settings = dataclasses.replace(settings, deduplicate=False)
    tasks = (
        (chunk, worker_settings, published)
        for chunk in _throttled(_chunks(records, max(1, settings.batch_size)), ahead, stop)
    )
    log.info("extracting on %d worker processes", count)
    context = _context(worker_settings)
    with context.Pool(count, initializer=_start_worker, initargs=(worker_settings,)) as pool:
        try:
            # One task per chunk: a chunk is already one `nlp.pipe` batch.
            for results in pool.imap(_work, tasks, chunksize=1):
                ahead.release()
                for result in results:
                    yield _mark_duplicate(result, deduper)
        finally:
            stop.set()  # lets the pool's feeder thread leave `_throttled` when stopped early


def _mark_duplicate(result: Result, deduper: Deduper | None) -> Result:
    """A copy of an article seen earlier, as `Pipeline.extract_many` would return it."""
    if deduper is None or not isinstance(result, Extraction):
        return result
    original = deduper.check(result.article)
    if original is None:
        return result
    return Extraction(article=result.article, warnings=(f"duplicate_of:{original}",))


def _context(settings: Settings) -> multiprocessing.context.BaseContext:
    """A forkserver context whose server has `settings`' pipeline built, when this call
    starts the server (spawn where there is no forkserver)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    from multiprocessing import forkserver

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)  # only used when the server first starts
    with _STARTING:
        # The server inherits this process's environment when it starts; a server
        # already running ignores it (its workers build their own pipeline).
        os.environ[SETTINGS_ENV] = settings_json(settings)
        try:
            forkserver.ensure_running()
        finally:
            os.environ.pop(SETTINGS_ENV, None)
    return context


def settings_json(settings: Settings) -> str:
    """`settings` as JSON for `SETTINGS_ENV` (`Settings.from_mapping` reads it back equal)."""
    return json.dumps(dataclasses.asdict(settings))


def warm(settings: Settings) -> None:
    """Build the pipeline of `settings` in this process and run it once on a short article."""
    from dragoman.api import pipeline

    started = time.perf_counter()
    pipe = pipeline(settings)
    pipe.extract(_WARM_UP, dt.date(2018, 5, 22))
    log.info("pipeline built and warmed up in %.1f s", time.perf_counter() - started)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items, except at the end: the last items (fewer than two lists'
    worth) come in lists of a quarter of `size`.

    Workers take the next chunk when they finish one, so they reach the end of the
    stream at different points of their last chunk: with whole chunks there, one
    worker idles for up to a chunk's time while the other finishes (half a chunk on
    average, 2-3 s at batch size 16). Finer pieces at the end let them finish close
    together. To know where the end is, one chunk is read ahead. Results do not
    depend on how articles are batched (tests/test_parallel.py).
    """
    buffer: list[T] = []
    for item in items:
        buffer.append(item)
        if len(buffer) >= 2 * size:
            yield buffer[:size]
            del buffer[:size]
    piece = max(1, -(-size // _TAIL_PIECES))
    for start in range(0, len(buffer), piece):
        yield buffer[start : start + piece]


def _throttled(
    chunks: Iterator[list[T]], ahead: threading.BoundedSemaphore, stop: threading.Event
) -> Iterator[list[T]]:
    """`chunks`, each one only once the consumer has made room for it."""
    for chunk in chunks:
        while not ahead.acquire(timeout=0.1):
            if stop.is_set():
                return
        if stop.is_set():
            return
        yield chunk


def _start_worker(settings: Settings) -> None:
    """Pool initializer: build this process's pipeline (model and knowledge) once."""
    from dragoman.api import pipeline

    pipeline(settings)


def _work(task: tuple[list[Item], Settings, dt.date | None]) -> list[Result]:
    """One chunk through this worker's pipeline (the one the initializer built)."""
    from dragoman.api import pipeline

    chunk, settings, published = task
    return list(pipeline(settings).extract_many(chunk, published))
