"""Scoring dragoman on gold sets: `dragoman eval FORMAT GOLD`.

Each gold format has a reader module with `read()` (gold file → gold items),
`score()` (gold items + extractions → `Report`, pure) and `run()` (read, run
the system under test, score):

=======================  ===================================================
`plover-gsr`             PLOVER gold standard records (events, actors)
`petrarch-validation`    PETRARCH validation XML (CAMEO events)
`brat-attribution`       brat standoff attributions, PolNeAR (quotes, speakers)
`article-extraction`     article-extraction-benchmark (cleaning)
`news-events`            our own news articles, JSON lines (PLOVER events in context)
`plv`                    Zero-Shot-PLOVER pairs, TSV (source, target, PLOVER type)
`penta`                  sentence TAB CAMEO pentaclass (ConfliBERT)
`dated-sentences`        our own dated sentences, JSON lines (event dates, precision)
`actors-news`            actor mentions in real news, coded blind (country, sector, person)
=======================  ===================================================

The matching rules are in each module's docstring. `gate.py` pins figures
and refuses drops.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate import (
    actors_news,
    article_extraction,
    brat,
    dated_sentences,
    news_events,
    penta,
    petrarch,
    plover_gsr,
    plv,
)
from dragoman.evaluate.report import Report, Table
from dragoman.settings import Settings

__all__ = ["FORMATS", "Report", "Table", "evaluate"]

Runner = Callable[..., Report]

# The count of gold items in each format's report (the first count it gives).
ITEM_COUNTS = ("sentences", "articles", "documents", "pages", "items")

FORMATS: dict[str, Runner] = {
    plover_gsr.FORMAT: plover_gsr.run,
    petrarch.FORMAT: petrarch.run,
    brat.FORMAT: brat.run,
    article_extraction.FORMAT: article_extraction.run,
    news_events.FORMAT: news_events.run,
    plv.FORMAT: plv.run,
    penta.FORMAT: penta.run,
    dated_sentences.FORMAT: dated_sentences.run,
    actors_news.FORMAT: actors_news.run,
}


def evaluate(
    format: str,
    gold_path: str | Path,
    settings: Settings | None = None,
    limit: int | None = None,
    *,
    system: Any = None,
) -> Report:
    """Run dragoman on a gold set and score it.

    Args:
        format: one of `FORMATS`.
        gold_path: the gold file or directory.
        settings: pipeline settings (defaults when None).
        limit: use only the first `limit` gold items (sentences, texts, pages, articles).
        system: the thing under test instead of dragoman's own: an object with
            `extract_many(records)` for the event and quote formats, a
            `clean(record, settings)` function for `article-extraction`.

    Returns:
        The report: figures, counts, breakdowns, confusion, worst misses.

    Raises:
        EvalError: unknown format, missing gold path, or a malformed gold file.
    """
    runner = FORMATS.get(format)
    if runner is None:
        raise EvalError(f"unknown gold format {format!r} (known: {', '.join(sorted(FORMATS))})")
    path = Path(gold_path)
    if not path.exists():
        raise EvalError(f"{path}: no such gold file or directory")
    if limit is not None and limit < 1:
        raise EvalError(f"limit must be at least 1, got {limit}")
    report = runner(path, settings or Settings(), limit, system)
    # No figures over nothing: a gold file that yields no items is an error, never a
    # perfect score.
    if not any(report.counts.get(name) for name in ITEM_COUNTS):
        raise EvalError(f"{path}: no items read from {path.name}")
    return report
