"""Extraction on a process pool gives exactly what one process gives."""

from __future__ import annotations

import datetime as dt
import os
import pickle

import pytest

from dragoman.errors import SettingsError
from dragoman.models import Extraction, Record, Reject
from dragoman.parallel import extract_parallel, resolve_workers
from dragoman.settings import Settings

PUBLISHED = dt.date(2024, 3, 12)

# Short articles written for this test: states, officials, quotes, relays.
TEXTS = (
    "Iran on Monday rejected a proposal by the United States to resume talks on its "
    'nuclear programme. "We will not negotiate under pressure," foreign ministry '
    "spokesman Nasser Kanaani said, according to the Tasnim news agency.",
    "Russian troops shelled the Ukrainian city of Kharkiv overnight, killing three "
    "civilians, the regional governor said on Tuesday. Ukraine accused Moscow of "
    "targeting residential buildings.",
    "The European Union imposed new sanctions on Belarus on Wednesday. The Belarusian "
    "government condemned the decision and threatened to retaliate, state media reported.",
    "Chinese President Xi Jinping met French President Emmanuel Macron in Beijing. "
    "Macron urged China to help end the war, while Xi called for dialogue, according "
    "to Xinhua.",
    "Israel and Egypt agreed to reopen the Rafah crossing, officials said. Egypt's "
    'foreign minister praised the agreement as "a first step".',
    "Protesters marched on parliament in Nairobi on Thursday. Kenyan police fired tear "
    "gas at the crowd, witnesses told Reuters.",
)


def _records() -> list[Record | Reject]:
    items: list[Record | Reject] = [
        Record(origin=f"test:{i}", text=text, id=f"a{i}", outlet="Test Wire")
        for i, text in enumerate(TEXTS)
    ]
    items.insert(2, Reject(origin="test:bad", reason="json", detail="not JSON"))
    items.insert(5, Record(origin="test:blank", text="   \n  "))  # rejected by clean
    return items


@pytest.fixture(scope="module")
def single(pipeline) -> list[Extraction | Reject]:
    """The reference: one process, `Pipeline.extract_many`."""
    return list(pipeline.extract_many(_records(), PUBLISHED))


def test_parallel_two_workers_equal_single_process(single) -> None:
    # batch_size 2: several chunks, so order across chunks and workers is exercised.
    settings = Settings(batch_size=2)
    results = list(extract_parallel(_records(), settings, PUBLISHED, workers=2))
    assert results == single
    assert [type(r) for r in results] == [type(r) for r in single]
    assert any(isinstance(r, Extraction) and r.events for r in results)
    assert sum(isinstance(r, Reject) for r in results) == 2


def test_parallel_one_worker_is_extract_many(single) -> None:
    assert list(extract_parallel(_records(), Settings(), PUBLISHED, workers=1)) == single


def test_parallel_extraction_pickles(single) -> None:
    for item in single:
        assert pickle.loads(pickle.dumps(item)) == item


def test_parallel_reads_ahead_boundedly() -> None:
    """Stopping after the first result has read only a few chunks of an endless stream."""
    pulled = 0

    def endless():
        nonlocal pulled
        while True:
            pulled += 1
            yield Record(origin=f"test:{pulled}", text=TEXTS[pulled % len(TEXTS)])

    settings = Settings(batch_size=2)
    stream = extract_parallel(endless(), settings, PUBLISHED, workers=2)
    first = next(stream)
    stream.close()  # the pool shuts down; nothing hangs
    assert isinstance(first, Extraction)
    # 2 workers × 2 chunks read ahead, plus the one the feeder holds, of 2 records each.
    assert pulled <= (2 * 2 + 2) * 2


def test_parallel_resolve_workers() -> None:
    assert resolve_workers(0) == (os.cpu_count() or 1)
    assert resolve_workers(3) == 3
    with pytest.raises(SettingsError, match="workers"):
        resolve_workers(-1)


def test_parallel_duplicates_across_chunks_match_one_process(tmp_path) -> None:
    from dataclasses import replace

    from dragoman.api import pipeline
    from dragoman.models import Record
    from dragoman.parallel import extract_parallel
    from dragoman.settings import Settings

    story = (
        "Kenya and Uganda agreed on Monday to reopen their border, officials said. "
        "Trade ministers of both countries will meet next week in Kampala."
    )
    other = "Chile accused Peru of violating the maritime border on Sunday."
    records = [
        Record(origin=f"r{i}", id=f"r{i}", text=t)
        for i, t in enumerate([story, other, other, story])
    ]
    settings = replace(Settings(), batch_size=2)  # the copies fall in other chunks
    alone = list(pipeline(replace(settings, workers=1)).extract_many(records))
    pooled = list(extract_parallel(records, settings, workers=2))
    assert [r.duplicate_of for r in pooled] == [r.duplicate_of for r in alone]
    assert [r.duplicate_of is not None for r in pooled] == [False, False, True, True]


def test_parallel_one_batch_runs_in_this_process(single, caplog) -> None:
    # A single batch gains nothing from a pool that takes seconds to start.
    caplog.set_level("INFO", logger="dragoman.parallel")
    settings = Settings(batch_size=len(_records()))
    assert list(extract_parallel(_records(), settings, PUBLISHED, workers=2)) == single
    assert "worker processes" not in caplog.text
    # One record more than a batch: the pool runs.
    more = Settings(batch_size=len(_records()) - 1)
    assert list(extract_parallel(_records(), more, PUBLISHED, workers=2)) == single
    assert "extracting on 2 worker processes" in caplog.text
