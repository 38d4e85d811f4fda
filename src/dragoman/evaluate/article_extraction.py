"""`article-extraction`: the scrapinghub article-extraction-benchmark.

A gold directory holds `ground-truth.json` (`{id: {articleBody, url}}`) and
`html/ID.html.gz`; GOLD may name the directory or the JSON file in it. Each
page goes through dragoman's cleaning step alone (`dragoman.clean.clean`),
not the whole pipeline, and the clean text is compared with `articleBody`
by the benchmark's own metric (see `metrics.shingle_counts` and
`metrics.benchmark_scores`: 4-word shingles as a multiset, case kept,
per-page normalised counts, precision and recall averaged over pages, F1 of
the two means), so the figure sits next to the benchmark's published table
(trafilatura ≈ 0.96 F1). A rejected page counts as an empty extraction.

The benchmark is multilingual (about one page in nine is not English), so the
`languages` setting is lifted for this run: the language policy is not what
the benchmark measures, and a `language:xx` reject would score as an empty page.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError, RejectedInput
from dragoman.evaluate.metrics import (
    benchmark_scores,
    page_f1,
    page_precision,
    page_recall,
    ratio,
    shingle_counts,
)
from dragoman.evaluate.report import Report, Table, sha256_of
from dragoman.models import Record
from dragoman.settings import Settings

log = logging.getLogger(__name__)

FORMAT = "article-extraction"
GOOD_PAGE = 0.9  # a page counts as well extracted at this F1 or above

Cleaner = Callable[[Record, Settings], Any]


@dataclass(frozen=True, slots=True)
class GoldPage:
    """One benchmark page: its HTML file and the expected article body."""

    id: str
    url: str | None
    body: str
    html_path: Path

    def record(self) -> Record:
        """The page as an input record (reads and unzips the HTML)."""
        try:
            with gzip.open(self.html_path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise EvalError(f"{self.html_path}: cannot read: {exc}") from exc
        # The benchmark reads pages as UTF-8; all 181 are. Replace rather than
        # fail on a stray byte so one page cannot stop the run.
        html = raw.decode("utf-8", errors="replace")
        return Record(origin=str(self.html_path), html=html, url=self.url, id=self.id)


def _paths(gold: Path) -> tuple[Path, Path]:
    """(ground-truth.json, html directory) from a directory or the JSON file."""
    truth = gold / "ground-truth.json" if gold.is_dir() else gold
    return truth, truth.parent / "html"


def read(gold: Path, limit: int | None = None) -> list[GoldPage]:
    """Read the benchmark's ground truth (pages sorted by id).

    Raises:
        EvalError: the ground truth is missing or malformed, or a page's HTML is missing.
    """
    truth, html_dir = _paths(gold)
    try:
        data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{truth}: cannot read ground truth: {exc}") from exc
    if not isinstance(data, dict):
        raise EvalError(f"{truth}: expected an object {{id: {{articleBody, url}}}}")
    pages = []
    for page_id in sorted(data):
        entry = data[page_id]
        if not isinstance(entry, dict):
            raise EvalError(f"{truth}: entry {page_id!r} is not an object")
        html_path = html_dir / f"{page_id}.html.gz"
        if not html_path.is_file():
            raise EvalError(f"{truth}: no HTML for {page_id!r} (expected {html_path})")
        pages.append(GoldPage(page_id, entry.get("url"), entry.get("articleBody") or "", html_path))
        if limit is not None and len(pages) >= limit:
            break
    return pages


def default_cleaner() -> Cleaner:
    """dragoman's cleaning step (imported late)."""
    from dragoman.clean import clean

    return clean


def _text_of(cleaned: Any) -> str:
    # `clean()` returns the clean `Article`; a plain string is accepted too so
    # a bare extractor can be measured the same way.
    if isinstance(cleaned, str):
        return cleaned
    text = getattr(cleaned, "text", None)
    if not isinstance(text, str):
        raise EvalError(f"the cleaner returned {type(cleaned).__name__}, not an article")
    return text


def score(
    pages: list[GoldPage],
    predictions: Mapping[str, str],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
    rejected: Mapping[str, str] | None = None,
) -> Report:
    """Score extracted bodies (`{page id: text}`) against the gold pages."""
    rejected = rejected or {}
    per_page = []
    for page in pages:
        predicted = predictions.get(page.id, "")
        counts = shingle_counts(page.body, predicted)
        per_page.append((page, predicted, counts))
    precision, recall, f1 = benchmark_scores([c for _, _, c in per_page])
    good = sum(1 for _, _, c in per_page if page_f1(c) >= GOOD_PAGE)
    perfect = sum(1 for _, _, c in per_page if page_f1(c) == 1.0)
    empty = sum(1 for _, p, _ in per_page if not p.strip())
    worst = sorted(per_page, key=lambda x: (page_f1(x[2]), x[0].id))
    misses = tuple(
        {
            "id": page.id,
            "url": page.url or "-",
            "f1": round(page_f1(c), 3),
            "precision": round(page_precision(*c), 3),
            "recall": round(page_recall(*c), 3),
            "gold_chars": len(page.body),
            "predicted_chars": len(predicted),
            **({"rejected": rejected[page.id]} if page.id in rejected else {}),
            "predicted_start": " ".join(predicted.split()[:25]) or "-",
            "gold_start": " ".join(page.body.split()[:25]),
        }
        for page, predicted, c in worst
        if page_f1(c) < GOOD_PAGE
    )
    bands = [
        (">= 0.99", 0.99, 1.01),
        ("0.9-0.99", 0.9, 0.99),
        ("0.5-0.9", 0.5, 0.9),
        ("< 0.5", -1.0, 0.5),
    ]
    band_rows = tuple(
        (
            name,
            n := sum(1 for _, _, c in per_page if lo <= page_f1(c) < hi),
            ratio(n, len(per_page)),
        )
        for name, lo, hi in bands
    )
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures={
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "pages_f1_at_least_0.9": ratio(good, len(pages)),
        },
        counts={
            "pages": len(pages),
            "pages_f1_at_least_0.9": good,
            "pages_perfect": perfect,
            "empty_extractions": empty,
            "rejected": len(rejected),
        },
        breakdowns=(Table("pages by F1", ("page F1", "pages", "share"), band_rows),),
        misses=misses,
    )


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Cleaner | None = None,
) -> Report:
    """Clean every benchmark page and score the article bodies.

    Args:
        gold: the benchmark directory, or its `ground-truth.json`.
        settings: cleaning settings.
        limit: score only the first `limit` pages (sorted by id).
        system: the cleaning function under test, `clean(record, settings)`;
            `dragoman.clean.clean` by default.
    """
    pages = read(gold, limit)
    clean = system if system is not None else default_cleaner()
    any_language = dataclasses.replace(settings, languages=())
    predictions: dict[str, str] = {}
    rejected: dict[str, str] = {}
    for page in pages:
        try:
            predictions[page.id] = _text_of(clean(page.record(), any_language))
        except RejectedInput as exc:
            rejected[page.id] = exc.reject.reason
            predictions[page.id] = ""
    truth, html_dir = _paths(gold)
    files = [truth, *sorted(html_dir.glob("*.html.gz"))]
    return score(
        pages,
        predictions,
        gold=str(gold),
        gold_sha256=sha256_of(truth.parent, files),
        limit=limit,
        rejected=rejected,
    )
