"""The pool: the forkserver builds the run's pipeline once, before it forks the workers;
the end of the stream is cut finer so that the workers finish together."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap

import pytest

from dragoman import parallel
from dragoman.settings import Settings


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(batch_size=2, deduplicate=False, workers=3),
        Settings(actor_files=("a.yaml", "b.yaml"), languages=("en", "fr"), verify_model=False),
        Settings(near_duplicate_threshold=0.85, max_chars=1000, db="postgresql://h/db"),
    ],
)
def test_parallel_preload_settings_travel_unchanged(settings: Settings) -> None:
    # The forkserver's pipeline is cached under the settings it reads back: they must be
    # equal to the workers' for the workers to find it.
    assert Settings.from_mapping(json.loads(parallel.settings_json(settings))) == settings


def test_parallel_preload_builds_the_pipeline_and_clears_the_variable(
    pipeline, monkeypatch
) -> None:
    from dragoman import _forkserver
    from dragoman.api import _pipeline

    monkeypatch.setenv(parallel.SETTINGS_ENV, parallel.settings_json(Settings()))
    _forkserver._preload()
    assert parallel.SETTINGS_ENV not in os.environ
    assert _pipeline(Settings()) is pipeline  # built (here: the session's, already cached)


def test_parallel_preload_failure_is_logged_not_raised(monkeypatch, caplog) -> None:
    from dragoman import _forkserver

    monkeypatch.setenv(parallel.SETTINGS_ENV, json.dumps({"no_such_setting": 1}))
    with caplog.at_level(logging.WARNING):
        _forkserver._preload()  # an exception here would kill the forkserver
    assert "not preloaded" in caplog.text
    assert parallel.SETTINGS_ENV not in os.environ


def test_parallel_preload_workers_start_with_the_pipeline_built() -> None:
    """In a fresh process: the workers' pipeline cache already holds the run's pipeline
    when they start (forked from the server that built it), and the caller's
    environment is as it was."""
    script = textwrap.dedent(
        """
        import os
        from dragoman import parallel
        from dragoman.settings import Settings

        if __name__ == "__main__":
            settings = Settings(batch_size=4, deduplicate=False)
            context = parallel._context(settings)
            assert parallel.SETTINGS_ENV not in os.environ
            with context.Pool(1) as pool:
                # Asked of the worker before any task of the run (`CacheInfo` does not pickle).
                size = "__import__('dragoman.api').api._pipeline.cache_info().currsize"
                print(pool.apply(eval, (size,)))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


@pytest.mark.parametrize("count", [0, 1, 5, 16, 31, 32, 33, 100, 257])
def test_parallel_chunks_whole_then_finer_at_the_end(count: int) -> None:
    chunks = list(parallel._chunks(iter(range(count)), 16))
    assert [x for chunk in chunks for x in chunk] == list(range(count))
    whole = [c for c in chunks if len(c) == 16]
    tail = chunks[len(whole) :]
    assert chunks[: len(whole)] == whole  # whole chunks first, then the pieces
    assert all(1 <= len(piece) <= 4 for piece in tail)
    assert sum(len(piece) for piece in tail) < 32  # fewer than two chunks' worth


def test_parallel_chunks_of_one() -> None:
    assert list(parallel._chunks(iter("abc"), 1)) == [["a"], ["b"], ["c"]]
