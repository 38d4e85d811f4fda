"""The `news-events` reader and scorer, on hand-made articles and hand-made predictions."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import FORMATS, Report, evaluate, news_events
from dragoman.evaluate.news_events import GoldArticle
from dragoman.evaluate.runner import Extractor
from dragoman.models import ActorRef, Article, Event, Extraction, Record, Reject, Span

MINI = Path(__file__).parent / "fixtures" / "eval" / "news-events" / "mini.jsonl"

# Three sentences; the first two hold a gold event each, the third none.
TEXT = "Iran rejected a call from Moscow on Tuesday. Tehran met envoys from Qatar. Oil rose."
REJECT = {
    "anchor": "rejected a call from Moscow",
    "type": "REJECT",
    "source": "IRN",
    "target": "RUS",
}
CONSULT = {"anchor": "met envoys from Qatar", "type": "CONSULT", "source": "IRN", "target": "QAT"}


def _sentences(text: str) -> tuple[Span, ...]:
    return tuple(Span(m.start(), m.end()) for m in re.finditer(r"\S[^.]*\.", text))


def _ref(country: str | None, code: str | None = None) -> ActorRef:
    return ActorRef(
        actor=None, code=code or country or "---", country=country, sectors=(), span=Span(0, 1)
    )


def _event(
    text: str,
    trigger: str,
    plover: str | None,
    source: str | None = None,
    target: str | None = None,
    *,
    negated: bool = False,
    hypothetical: bool = False,
    source_code: str | None = None,
) -> Event:
    """An event on the first occurrence of `trigger`, in the sentence that holds it."""
    start = text.index(trigger)
    sentence = next(i for i, s in enumerate(_sentences(text)) if s.start <= start < s.end)
    return Event(
        id="E1",
        sentence=sentence,
        trigger=Span(start, start + len(trigger)),
        source=_ref(source, source_code) if source or source_code else None,
        target=_ref(target) if target else None,
        cameo="000",
        root="00",
        plover=plover,
        quad_class=1,
        goldstein=0.0,
        negated=negated,
        hypothetical=hypothetical,
        rule="test-rule",
    )


def _extraction(article_id: str, text: str, events: Iterable[Event] = ()) -> Extraction:
    return Extraction(
        article=Article(id=article_id, hash="0" * 16, text=text),
        sentences=_sentences(text),
        events=tuple(events),
    )


def _write(path: Path, *lines: Any) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def _article(ident: str = "a1", text: str = TEXT, *events: dict[str, str]) -> dict[str, Any]:
    return {
        "id": ident,
        "published": "2026-03-10",
        "outlet": "Wire",
        "text": text,
        "events": list(events),
    }


def _gold(tmp_path: Path, text: str = TEXT, *events: dict[str, str]) -> list[GoldArticle]:
    return news_events.read(_write(tmp_path / "gold.jsonl", _article("a1", text, *events)))


def _score(gold: list[GoldArticle], *results: Extraction | Reject) -> Report:
    by_id = {(r.article.id if isinstance(r, Extraction) else r.record_id or ""): r for r in results}
    return news_events.score(gold, by_id, gold="gold.jsonl", gold_sha256="0" * 64, limit=None)


def _why(report: Report, anchor: str) -> str:
    """Why the gold event with `anchor` was missed."""
    return next(str(m["why"]) for m in report.misses if m["anchor"] == anchor)


class Canned:
    """A pipeline that returns prepared extractions by record id, and rejects the rest."""

    def __init__(self, extractions: Iterable[Extraction]) -> None:
        self.by_id = {e.article.id: e for e in extractions}
        self.records: list[Record] = []

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for record in records:
            self.records.append(record)
            yield self.by_id.get(record.id or "") or Reject(record.origin, "empty", "", record.id)


# --- reading -------------------------------------------------------------------------


def test_evaluate_news_events_reads_articles(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "gold.jsonl",
        _article("a1", TEXT, REJECT, {**CONSULT, "type": "consult", "target": "", "note": "x"}),
        "",  # blank lines are skipped
        {"id": "a2", "text": "Nothing happened.", "events": []},
        # A null code is "no actor"; informational and unknown fields are optional.
        {"id": "a3", "text": TEXT, "events": [{**CONSULT, "source": None, "x": 1}]},
    )
    a1, a2, a3 = news_events.read(path)
    assert (a1.id, a1.line, a1.outlet, str(a1.published)) == ("a1", 1, "Wire", "2026-03-10")
    reject, consult = a1.events
    assert reject.start == TEXT.index("rejected a call")
    assert (reject.plover, reject.source_country, reject.target_country) == ("REJECT", "IRN", "RUS")
    assert (consult.plover, consult.target_country, consult.note) == ("CONSULT", None, "x")
    assert (a2.line, a2.published, a2.events) == (3, None, ())
    assert (a3.events[0].source, a3.events[0].source_country, a3.events[0].mode) == ("", None, "")
    assert [a.id for a in news_events.read(path, limit=1)] == ["a1"]
    assert FORMATS["news-events"] is news_events.run


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a1", "text": ', r"gold.jsonl:2: not JSON"),
        ('["a1"]', r":2: expected a JSON object"),
        (_article("a9", TEXT) | {"events": None}, r":2 \(a9\): 'events' must be a list"),
        ({"id": "a9", "text": TEXT}, r":2 \(a9\): missing field 'events'"),
        ({"id": "a9", "events": []}, r":2 \(a9\): missing field 'text'"),
        (_article("a9", TEXT) | {"published": "10/03/2026"}, r"\(a9\): 'published'.*ISO date"),
        (
            _article("a9", TEXT, REJECT, {k: v for k, v in CONSULT.items() if k != "target"}),
            r":2 \(a9\): event 2: missing field 'target'",
        ),
        (
            _article("a9", TEXT, {**REJECT, "type": "FIGHT"}),
            r"event 1: unknown PLOVER type 'FIGHT'",
        ),
        (
            _article("a9", TEXT, {**REJECT, "type": "DEMAND"}),
            r"'DEMAND' \(PLOVER 0.8\+ calls it REQUEST",
        ),
        (
            _article("a9", TEXT, {**REJECT, "anchor": "rejected a plea"}),
            r"event 1: anchor .* not in the text",
        ),
        (
            _article("a9", TEXT, {**REJECT, "anchor": "from"}),
            r"event 1: anchor 'from' occurs more than",
        ),
        (
            _article("a9", TEXT, {**REJECT, "target": "Russia"}),
            r"event 1: target 'Russia' is not an ISO3",
        ),
        (_article("a1", TEXT), r":2 \(a1\): article id 'a1' already used on line 1"),
    ],
)
def test_evaluate_news_events_read_errors(tmp_path: Path, line: Any, message: str) -> None:
    path = _write(tmp_path / "gold.jsonl", _article("a1", TEXT, REJECT), line)
    with pytest.raises(EvalError, match=message):
        news_events.read(path)


# --- the matching rules ----------------------------------------------------------------


def test_evaluate_news_events_match_needs_the_same_sentence(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    # Right type and countries, but in the CONSULT sentence.
    report = _score(gold, _extraction("a1", TEXT, [_event(TEXT, "met", "REJECT", "IRN", "RUS")]))
    assert report.figures["event_precision"] == 0.0
    assert report.figures["event_recall"] == 0.0
    assert report.figures["type_precision"] == 0.0  # no gold REJECT in that sentence
    assert report.breakdowns[2].rows[0][-1] == news_events.FP_OTHER_TYPE
    same = _score(gold, _extraction("a1", TEXT, [_event(TEXT, "rejected", "REJECT", "IRN", "RUS")]))
    assert same.figures["event_precision"] == 1.0
    assert same.figures["event_recall"] == 0.5


def test_evaluate_news_events_match_needs_the_same_type(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    report = _score(
        gold, _extraction("a1", TEXT, [_event(TEXT, "rejected", "ACCUSE", "IRN", "RUS")])
    )
    assert report.figures["event_precision"] == 0.0
    assert report.figures["type_precision"] == 0.0
    assert report.figures["type_recall"] == 0.0
    assert _why(report, REJECT["anchor"]) == news_events.MISS_OTHER_TYPE
    assert _why(report, CONSULT["anchor"]) == news_events.MISS_NOTHING


@pytest.mark.parametrize(
    ("source", "target", "source_code", "match"),
    [
        ("IRN", "RUS", None, True),
        ("IRN", None, None, False),  # target missing
        ("RUS", "IRN", None, False),  # swapped
        ("IRN", "UKR", None, False),
        (None, "RUS", None, False),
        (None, "RUS", "IRNGOV", True),  # country from the code
    ],
)
def test_evaluate_news_events_match_needs_the_same_countries(
    tmp_path: Path, source: str | None, target: str | None, source_code: str | None, match: bool
) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    event = _event(TEXT, "rejected", "REJECT", source, target, source_code=source_code)
    report = _score(gold, _extraction("a1", TEXT, [event]))
    assert report.figures["event_precision"] == (1.0 if match else 0.0)
    assert report.figures["event_recall"] == (0.5 if match else 0.0)
    assert report.figures["type_precision"] == 1.0  # the type is right either way
    assert report.figures["type_recall"] == 0.5
    if not match:
        assert report.breakdowns[2].rows[0][-1] == news_events.FP_COUNTRIES
        assert _why(report, REJECT["anchor"]) == news_events.MISS_COUNTRIES


def test_evaluate_news_events_symmetric_types_match_either_way(tmp_path: Path) -> None:
    """A meeting coded QAT→IRN is the gold IRN→QAT meeting; a rejection is not reversible."""
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    events = [
        _event(TEXT, "met", "CONSULT", "QAT", "IRN"),
        _event(TEXT, "rejected", "REJECT", "RUS", "IRN"),
    ]
    report = _score(gold, _extraction("a1", TEXT, events))
    assert report.figures["event_precision"] == 0.5
    assert _why(report, REJECT["anchor"]) == news_events.MISS_COUNTRIES


def test_evaluate_news_events_empty_country_and_igo_classes(tmp_path: Path) -> None:
    text = "The United Nations appealed for calm. Observers said so."
    gold = _gold(
        tmp_path,
        text,
        {"anchor": "appealed for calm", "type": "REQUEST", "source": "IGO", "target": ""},
    )
    # UNO is an IGO; no target on either side matches.
    hit = _score(gold, _extraction("a1", text, [_event(text, "appealed", "REQUEST", "UNO")]))
    assert hit.figures["event_f1"] == 1.0
    with_target = _event(text, "appealed", "REQUEST", "UNO", "SYR")
    assert _score(gold, _extraction("a1", text, [with_target])).figures["event_f1"] == 0.0


def test_evaluate_news_events_negated_and_hypothetical_are_not_predictions(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    events = [
        _event(TEXT, "rejected", "REJECT", "IRN", "RUS", negated=True),
        _event(TEXT, "met", "CONSULT", "IRN", "QAT", hypothetical=True),
        _event(TEXT, "Oil", None),  # no PLOVER type
    ]
    report = _score(gold, _extraction("a1", TEXT, events))
    f = report.figures
    assert report.counts["predicted_events"] == 0
    assert (f["event_precision"], f["event_recall"], f["type_recall"]) == (0.0, 0.0, 0.0)
    # Counting hypothetical events finds the CONSULT; negated ones never count.
    assert f["event_with_hypothetical_precision"] == 1.0
    assert f["event_with_hypothetical_recall"] == 0.5
    assert report.counts["negated_events_skipped"] == 1
    assert report.counts["hypothetical_events_skipped"] == 1
    assert report.counts["events_without_plover"] == 1


def test_evaluate_news_events_matching_is_one_to_one(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    twice = [_event(TEXT, "rejected", "REJECT", "IRN", "RUS")] * 2
    report = _score(gold, _extraction("a1", TEXT, twice))
    assert report.figures["event_precision"] == 0.5  # the second copy is a false positive
    assert report.figures["event_recall"] == 0.5
    assert report.figures["type_precision"] == 1.0  # type figures are not one to one

    text = "Iran rejected a call from Moscow and rejected a second call from Moscow."
    second = {**REJECT, "anchor": "rejected a second call"}
    gold2 = _gold(tmp_path, text, REJECT, second)
    once = _score(
        gold2, _extraction("a1", text, [_event(text, "rejected", "REJECT", "IRN", "RUS")])
    )
    assert once.figures["event_precision"] == 1.0
    assert once.figures["event_recall"] == 0.5  # one prediction covers one gold event
    assert once.misses[0]["why"] == news_events.MISS_TAKEN
    assert news_events.pair(
        [(0, "REJECT", "IRN", "RUS"), (0, "REJECT", "IRN", "RUS")],
        [(0, "REJECT", "IRN", "RUS"), (1, "REJECT", "IRN", "RUS"), (0, "REJECT", "IRN", "RUS")],
    ) == {0: 0, 1: 2}


def test_evaluate_news_events_event_free_sentences_and_lists(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    events = [
        _event(TEXT, "met", "CONSULT", "IRN", "USA"),
        _event(TEXT, "Oil rose", "MOBILIZE"),
        _event(TEXT, "rejected", "REJECT", "IRN", "RUS"),
    ]
    report = _score(gold, _extraction("a1", TEXT, events))
    assert report.counts["events_in_event_free_sentences"] == 1
    assert "3.00 predictions per article" in report.notes[0]
    fps = report.breakdowns[2]
    assert fps.columns == ("article", "sentence", "trigger", "type", "source→target", "rule", "why")
    # Event-free first, then the country miss.
    assert fps.rows == (
        ("a1", "Oil rose.", "Oil rose", "MOBILIZE", "-→-", "test-rule", news_events.FP_EVENT_FREE),
        (
            "a1",
            "Tehran met envoys from Qatar.",
            "met",
            "CONSULT",
            "IRN→USA",
            "test-rule",
            news_events.FP_COUNTRIES,
        ),
    )
    assert report.misses == (
        {
            "id": "a1",
            "anchor": "met envoys from Qatar",
            "gold": "CONSULT IRN→QAT",
            "predicted": "CONSULT IRN→USA",
            "why": news_events.MISS_COUNTRIES,
        },
    )
    by_type = {r[0]: r[1:] for r in report.breakdowns[0].rows}
    assert by_type["REJECT"] == (1, 1, 1, 1.0, 1.0, 1.0)
    assert by_type["MOBILIZE"][:3] == (0, 1, 0)
    assert report.breakdowns[1].rows == (("a1", 2, 3, 1, 1),)


def test_evaluate_news_events_anchor_not_in_cleaned_text(tmp_path: Path) -> None:
    # The gold text has a no-break space in the anchor and blank lines that
    # cleaning collapses: the raw offset of the anchor lies in the clean text's
    # third sentence, and the anchor itself is not in the clean text.
    raw = (
        "Markets were calm."
        + "\n" * 45
        + "Iran rejected a call from\u00a0Moscow. Oil rose. Gold fell."
    )
    clean = "Markets were calm.\n\nIran rejected a call from Moscow. Oil rose. Gold fell."
    assert clean.index("Gold") <= raw.index("rejected") < len(clean)
    anchor = {**REJECT, "anchor": "rejected a call from\u00a0Moscow"}
    gold = _gold(tmp_path, raw, anchor)
    extraction = _extraction("a1", clean, [_event(clean, "rejected", "REJECT", "IRN", "RUS")])
    assert news_events.locate(gold[0], extraction) == [(1, True)]
    report = _score(gold, extraction)
    assert report.figures["event_f1"] == 1.0
    assert report.counts["anchors_not_found_in_cleaned_text"] == 1
    assert any("not found in the cleaned text" in n for n in report.notes)
    # Found in the clean text as it is: no realignment.
    assert news_events.locate(_gold(tmp_path, clean, REJECT)[0], extraction) == [(1, False)]


def test_evaluate_news_events_rejected_article_misses_its_events(tmp_path: Path) -> None:
    gold = _gold(tmp_path, TEXT, REJECT, CONSULT)
    report = _score(gold, Reject("gold.jsonl#a1", "language:fr", "", "a1"))
    assert report.counts["rejected"] == 1
    assert report.figures["event_recall"] == 0.0
    assert [m["why"] for m in report.misses] == [news_events.MISS_REJECTED] * 2
    assert report.misses[0]["rejected"] == "language:fr"


# --- end to end on the fixture ------------------------------------------------------------


def _mini_predictions() -> list[Extraction]:
    t1, t2 = (a.text for a in news_events.read(MINI))
    return [
        _extraction(
            "mini-1",
            t1,
            [
                _event(t1, "rejected", "REJECT", "IRN", "RUS"),
                _event(t1, "signed", "AGREE", "CHN", "BRA"),
                _event(t1, "praised", "SUPPORT"),  # an event-free sentence
            ],
        ),
        _extraction(
            "mini-2",
            t2,
            [
                _event(t2, "arrested", "COERCE", "KEN"),  # target missed
                _event(t2, "condemned", "ACCUSE", "UNO", "KEN"),  # UNO is an IGO
            ],
        ),
    ]


def test_evaluate_news_events_run_on_fixture() -> None:
    system = Canned(_mini_predictions())
    report = evaluate("news-events", MINI, system=system)
    f = report.figures
    assert f["event_precision"] == pytest.approx(3 / 5)
    assert f["event_recall"] == pytest.approx(3 / 4)
    assert f["event_f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert f["type_precision"] == pytest.approx(4 / 5)
    assert f["type_recall"] == 1.0
    assert report.counts["articles"] == 2
    assert report.counts["events_in_event_free_sentences"] == 1
    assert report.notes[0].startswith("2.50 predictions per article")
    assert [m["anchor"] for m in report.misses] == ["arrested dozens of protesters"]
    record = system.records[0]
    assert (record.id, str(record.published)) == ("mini-1", "2026-03-10")
    assert record.text is not None and record.text.startswith("Iran rejected")
    assert all(0.0 <= v <= 1.0 for v in f.values())
    data = json.loads(json.dumps(report.to_dict()))
    assert data["format"] == "news-events"
    assert "event_with_hypothetical_f1" in report.format_text()
    limited = evaluate("news-events", MINI, limit=1, system=Canned(_mini_predictions()))
    assert (limited.limit, limited.counts["articles"], limited.counts["gold_events"]) == (1, 1, 2)


def test_evaluate_news_events_run_with_the_pipeline(pipeline: Extractor) -> None:
    # dragoman's own pipeline: every anchor is found in its clean text, in the
    # sentence that holds it. (Coding quality is the gate's business, not this test's.)
    articles = news_events.read(MINI)
    results = list(pipeline.extract_many(a.record(str(MINI)) for a in articles))
    for article, result in zip(articles, results, strict=True):
        assert isinstance(result, Extraction), result
        places = news_events.locate(article, result)
        for event, (sentence, realigned) in zip(article.events, places, strict=True):
            assert not realigned
            assert sentence is not None
            assert event.anchor in result.sentences[sentence].text(result.article.text)
    report = evaluate("news-events", MINI, system=pipeline)
    assert report.counts["rejected"] == 0
    assert report.counts["anchors_not_found_in_cleaned_text"] == 0
    by_type = report.breakdowns[0].rows
    assert sum(r[1] for r in by_type) == report.counts["gold_events"] == 4
    assert sum(r[2] for r in by_type) == report.counts["predicted_events"]
