"""The `article-extraction` reader and scorer, on three hand-made pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dragoman.errors import EvalError, RejectedInput
from dragoman.evaluate import article_extraction, evaluate
from dragoman.models import Article, Record, Reject
from dragoman.settings import Settings

GOLD = Path(__file__).parent / "fixtures" / "eval" / "article-extraction"
TRUTH = json.loads((GOLD / "ground-truth.json").read_text(encoding="utf-8"))
FURNITURE = " Share this story on Facebook"  # five words


def canned_cleaner(record: Record, settings: Settings) -> Article:
    """Exact body for one page, body plus furniture for another, a reject for the third."""
    assert record.html and "<article>" in record.html  # the page really was read
    assert settings.languages == ()  # the benchmark is multilingual: no language rejects
    body = TRUTH[record.id]["articleBody"]
    if record.id == "page-library":
        body += FURNITURE
    elif record.id == "page-empty":
        raise RejectedInput(Reject(record.origin, "empty", "", record.id))
    return Article(id=record.id or "", hash="0" * 16, text=body)


def test_evaluate_article_extraction_reads_pages() -> None:
    pages = article_extraction.read(GOLD)
    assert [p.id for p in pages] == ["page-empty", "page-harbour", "page-library"]
    record = pages[1].record()
    assert record.url == "https://news.example.org/2019/11/harbour-reopens"
    assert record.html is not None and "Harbour reopens" in record.html
    # The JSON file itself names the same gold set.
    assert [p.id for p in article_extraction.read(GOLD / "ground-truth.json")] == [
        p.id for p in pages
    ]
    assert len(article_extraction.read(GOLD, limit=1)) == 1


def test_evaluate_article_extraction_figures() -> None:
    report = evaluate("article-extraction", GOLD, system=canned_cleaner)
    words = len(re.findall(r"\w+", TRUTH["page-library"]["articleBody"]))
    # library: all n-3 gold shingles found, plus 5 that are not in gold.
    library_p = (words - 3) / (words + 2)
    precision = (1.0 + library_p) / 2  # the rejected page predicts nothing: no precision
    recall = (1.0 + 1.0 + 0.0) / 3
    assert report.figures["precision"] == pytest.approx(precision)
    assert report.figures["recall"] == pytest.approx(recall)
    assert report.figures["f1"] == pytest.approx(2 * precision * recall / (precision + recall))
    assert report.counts["rejected"] == 1
    assert report.counts["pages_perfect"] == 1
    assert [m["id"] for m in report.misses] == ["page-empty"]
    assert report.misses[0]["rejected"] == "empty"


def test_evaluate_article_extraction_with_dragoman_clean() -> None:
    # The real cleaning step on two ordinary article pages.
    report = evaluate("article-extraction", GOLD, limit=3)
    assert report.counts["pages"] == 3
    assert report.figures["recall"] >= 0.6
    assert report.figures["precision"] >= 0.8


def test_evaluate_article_extraction_bad_gold(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="cannot read ground truth"):
        article_extraction.read(tmp_path)
    (tmp_path / "ground-truth.json").write_text('{"nope": {"articleBody": "x"}}', encoding="utf-8")
    with pytest.raises(EvalError, match="no HTML"):
        article_extraction.read(tmp_path)


def test_evaluate_article_extraction_cleaner_must_return_text() -> None:
    with pytest.raises(EvalError, match="not an article"):
        evaluate("article-extraction", GOLD, limit=1, system=lambda record, settings: 42)
