"""Shared fixtures: the ../shared folder (skipped with a message when absent) and one
pipeline per test session (the spaCy model loads once)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# CLI commands in tests run in one process (the default is one worker per core, and a
# pool per small test input costs seconds); tests/test_parallel.py covers the pool.
os.environ.setdefault("DRAGOMAN_WORKERS", "1")
# The disk cache (`dragoman.cache`) of this session, and of the processes its tests
# start: a run neither reads the user's `~/.cache/dragoman` (the tests build what it
# holds, once) nor writes into it. Tests of the cache itself use folders of their own.
_CACHE = tempfile.mkdtemp(prefix="dragoman-test-cache-")
os.environ["DRAGOMAN_CACHE_DIR"] = _CACHE


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear message when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the ../shared folder beside the repository); not present")
    return path


@pytest.fixture(scope="session")
def pipeline():
    """The default pipeline, loaded once for the whole run."""
    from dragoman.api import pipeline as make

    return make()


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The founding example article."""
    return shared_path("samples", "seed-article.txt").read_text(encoding="utf-8")
