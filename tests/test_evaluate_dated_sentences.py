"""The `dated-sentences` reader and scorer, on hand-made items and hand-made predictions."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import FORMATS, dated_sentences, evaluate
from dragoman.models import Article, Event, Extraction, Record, Reject, Span

GOLD = Path(__file__).parent / "gold" / "dated-sentences.jsonl"

ITEMS = [
    {
        "id": "d1",
        "published": "2019-03-12",
        "text": "Police arrested dozens of protesters on Sunday.",
        "anchor": "arrested dozens",
        "date": "2019-03-10",
        "precision": "day",
        "kind": "weekday-past",
    },
    {
        "id": "d2",
        "published": "2019-03-12",
        "text": "Russia annexed Crimea in 2014.",
        "anchor": "annexed",
        "date": "2014",
        "precision": "year",
        "kind": "year",
    },
    {
        "id": "d3",
        "published": "2019-03-12",
        "text": "Police arrested John Tays, 32, after the shooting.",
        "anchor": "arrested John",
        "date": None,
        "precision": "publication",
        "kind": "age",
    },
    {
        "id": "d4",
        "published": "2019-03-12",
        "text": "Venezuela accused the United States of sabotage.",
        "anchor": "accused",
        "date": None,
        "precision": "publication",
        "kind": "none",
    },
]


def _write(tmp_path: Path, items: list[Any]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    return path


class Dated:
    """A system that dates the event at each anchor as it is told."""

    def __init__(self, dates: dict[str, tuple[dt.date | None, str]]) -> None:
        self.dates = dates

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for r in records:
            assert r.id is not None and r.text is not None
            if r.id not in self.dates:
                yield Reject(r.origin, "empty", "", r.id)
                continue
            anchor = next(i["anchor"] for i in ITEMS if i["id"] == r.id)
            start = r.text.index(anchor)
            day, precision = self.dates[r.id]
            event = Event(
                id="E1",
                sentence=0,
                trigger=Span(start, start + 3),
                source=None,
                target=None,
                cameo="173",
                root="17",
                plover="COERCE",
                quad_class=4,
                goldstein=-5.0,
                date=day,
                date_precision=precision,
            )
            article = Article(id=r.id, hash="0" * 16, text=r.text, published=r.published)
            yield Extraction(article=article, events=(event,))


def test_evaluate_dated_sentences_is_registered() -> None:
    assert FORMATS["dated-sentences"] is dated_sentences.run


def test_evaluate_dated_sentences_scores_date_and_precision(tmp_path: Path) -> None:
    gold = _write(tmp_path, ITEMS)
    system = Dated(
        {
            "d1": (dt.date(2019, 3, 10), "day"),  # right
            "d2": (dt.date(2014, 3, 1), "month"),  # the year right, the precision wrong
            "d3": (dt.date(2019, 3, 12), "publication"),  # right
            # d4: rejected, no event
        }
    )
    report = evaluate("dated-sentences", gold, system=system)
    assert report.figures["date_accuracy"] == pytest.approx(2 / 3)
    assert report.figures["anchor_coverage"] == pytest.approx(3 / 4)
    assert report.figures["date_accuracy_all"] == pytest.approx(2 / 4)
    assert report.counts["rejected"] == 1 and report.counts["no_event"] == 1
    wrong = [m for m in report.misses if m.get("gold")]
    assert wrong == [
        {
            "id": "d2",
            "kind": "year",
            "published": "2019-03-12",
            "gold": "2014",
            "predicted": "2014-03",
            "date_text": None,
            "text": "Russia annexed Crimea in 2014.",
        }
    ]


def test_evaluate_dated_sentences_an_age_taken_for_a_date_is_wrong(tmp_path: Path) -> None:
    """The issue's "John Tays, 32," dated 1932: a date where the text names none."""
    gold = _write(tmp_path, ITEMS[2:3])
    system = Dated({"d3": (dt.date(1932, 3, 1), "month")})
    report = evaluate("dated-sentences", gold, system=system)
    assert report.figures["date_accuracy"] == 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"precision": "week"}, "precision 'week'"),
        ({"date": "2019-03"}, "not written to its precision"),
        ({"precision": "publication"}, "has no date"),
        ({"anchor": "absent words"}, "not in the text"),
        ({"anchor": "o"}, "more than once"),
        ({"published": "12/03/2019"}, "not an ISO date"),
        ({"date": "2019-02-30"}, "not a date"),
    ],
)
def test_evaluate_dated_sentences_rejects_malformed_lines(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    gold = _write(tmp_path, [ITEMS[0] | change])
    with pytest.raises(EvalError, match=message):
        dated_sentences.read(gold)


def test_evaluate_dated_sentences_rejects_a_repeated_id(tmp_path: Path) -> None:
    gold = _write(tmp_path, [ITEMS[0], ITEMS[0]])
    with pytest.raises(EvalError, match="already used on line 1"):
        dated_sentences.read(gold)


def test_evaluate_dated_sentences_gold_set_is_well_formed() -> None:
    """Our own set: at least 150 items, every precision represented, dates to form."""
    items = dated_sentences.read(GOLD)
    assert len(items) >= 150
    assert {i.precision for i in items} == {"day", "month", "year", "publication"}
    assert {"age", "duration", "count", "relative", "weekday-future"} <= {i.kind for i in items}
