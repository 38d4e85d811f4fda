"""The `plover-gsr` reader and scorer, on hand-made records and hand-made predictions."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import Report, evaluate, plover_gsr
from dragoman.evaluate.plover_gsr import Dyad
from dragoman.models import Actor, ActorRef, Article, Event, Extraction, Record, Reject, Span

GOLD = Path(__file__).parent / "fixtures" / "eval" / "plover-gsr" / "gold.json"


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words))


def _ref(text: str, words: str, country: str | None, sectors: tuple[str, ...] = ()) -> ActorRef:
    return ActorRef(
        actor=None,
        code=(country or "---") + "".join(sectors),
        country=country,
        sectors=sectors,
        span=_span(text, words),
    )


def _event(
    plover: str | None,
    source: ActorRef | None = None,
    target: ActorRef | None = None,
    confidence: float = 0.5,
    negated: bool = False,
    cameo: str = "000",
) -> Event:
    return Event(
        id="E1",
        sentence=0,
        trigger=Span(0, 1),
        source=source,
        target=target,
        cameo=cameo,
        root=cameo[:2],
        plover=plover,
        quad_class=1,
        goldstein=0.0,
        negated=negated,
        confidence=confidence,
    )


def _actor(text: str, words: str, country: str | None, sectors: tuple[str, ...] = ()) -> Actor:
    return Actor(
        id="A1",
        name=words,
        kind="state",
        code=(country or "") + "".join(sectors),
        country=country,
        sectors=sectors,
        mentions=(_span(text, words),),
    )


def _extraction(
    sentence_id: str, text: str, events: Iterable[Event] = (), actors: Iterable[Actor] = ()
) -> Extraction:
    return Extraction(
        article=Article(id=sentence_id, hash="0" * 16, text=text),
        events=tuple(events),
        actors=tuple(actors),
    )


class Canned:
    """A pipeline that returns prepared extractions by record id, and rejects the rest."""

    def __init__(self, extractions: Iterable[Extraction]) -> None:
        self.by_id = {e.article.id: e for e in extractions}

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for record in records:
            yield self.by_id.get(record.id or "") or Reject(record.origin, "empty", "", record.id)


def _predictions() -> list[Extraction]:
    """Hand-made predictions for the fixture; the expected figures are worked out below."""
    texts = {s.id: s.text for s in plover_gsr.read(GOLD)}
    t1, t2, t3, t4 = (texts[f"TEST-GSR-{k}-0001"] for k in ("AGREE", "DEMAND", "FIGHT", "SUPPORT"))
    return [
        # AGREE: one of the two reciprocal dyads, plus a wrong SUPPORT event.
        _extraction(
            "TEST-GSR-AGREE-0001",
            t1,
            [
                _event("AGREE", _ref(t1, "Chilean", "CHL"), _ref(t1, "Peruvian", "PER"), 0.9),
                _event("SUPPORT", _ref(t1, "Chilean", "CHL"), None, 0.3),
            ],
            [_actor(t1, "Chilean", "CHL", ("GOV",)), _actor(t1, "Peruvian", "PER")],
        ),
        # DEMAND (= REQUEST): one of the two compound targets; JAP in gold is JPN here.
        _extraction(
            "TEST-GSR-DEMAND-0001",
            t2,
            [
                _event("REQUEST", _ref(t2, "Tokyo", "JPN"), _ref(t2, "North Korea", "PRK"), 0.8),
            ],
            [_actor(t2, "Tokyo", "JPN", ("GOV",)), _actor(t2, "China", "TWN")],
        ),
        # FIGHT (= ASSAULT): the only PLOVER event is negated, the other has no PLOVER type.
        _extraction(
            "TEST-GSR-FIGHT-0001",
            t3,
            [
                _event(
                    "ASSAULT",
                    _ref(t3, "Ugandan troops", "UGA", ("MIL",)),
                    _ref(t3, "rebels", "UGA", ("REB",)),
                    negated=True,
                ),
                _event(None, cameo="010"),
            ],
        ),
        # SUPPORT: UNO is an IGO; no target, as in gold.
        _extraction(
            "TEST-GSR-SUPPORT-0001",
            t4,
            [
                _event("SUPPORT", _ref(t4, "The United Nations", "UNO"), None, 0.7),
            ],
        ),
        # ASSAULT: no extraction at all (the pipeline rejects it).
    ]


def _report() -> Report:
    return evaluate("plover-gsr", GOLD, system=Canned(_predictions()))


def test_evaluate_plover_gsr_reads_records() -> None:
    sentences = plover_gsr.read(GOLD)
    assert [s.id for s in sentences] == [
        "TEST-GSR-AGREE-0001",
        "TEST-GSR-DEMAND-0001",
        "TEST-GSR-FIGHT-0001",
        "TEST-GSR-SUPPORT-0001",
        "TEST-GSR-ASSAULT-0001",
    ]  # DOCUMENT skipped
    agree, demand, fight, support, assault = sentences
    assert (demand.gold_type, demand.plover) == ("DEMAND", "REQUEST")
    assert fight.plover == "ASSAULT"
    assert demand.sources[0].country == "JPN"  # JAP → JPN
    assert agree.reciprocal and not demand.reciprocal
    assert not fight.reciprocal  # markup given as a bare string
    assert support.targets == ()  # "diplomatic" is not an actor list
    assert support.sources[0].country == "IGO" and support.sources[0].sector is None  # ***
    assert fight.targets[0].sector == "REB"  # REBach
    assert assault.sources == () and assault.targets[0].sector == "CVL"  # CIV
    assert agree.date is not None and agree.date.isoformat() == "2001-03-04"


def test_evaluate_plover_gsr_dyads_compound_and_reciprocal() -> None:
    agree, demand, _fight, support, assault = plover_gsr.read(GOLD)
    assert agree.dyads() == {
        Dyad("CHL", frozenset({None, "PER"})),
        Dyad("PER", frozenset({None, "CHL"})),
    }
    assert demand.dyads() == {Dyad("JPN", frozenset({"PRK"})), Dyad("JPN", frozenset({"CHN"}))}
    assert support.dyads() == {Dyad("IGO", frozenset({None}))}
    assert assault.dyads() == {Dyad(None, frozenset({"IRQ"}))}


def test_evaluate_plover_gsr_match_rule() -> None:
    dyad = Dyad("USA", frozenset({"RUS"}))
    assert plover_gsr.matches(("CONSULT", "USA", "RUS"), "CONSULT", dyad)
    assert not plover_gsr.matches(("CONSULT", "USA", None), "CONSULT", dyad)
    assert not plover_gsr.matches(("AGREE", "USA", "RUS"), "CONSULT", dyad)
    assert plover_gsr.matches(("AGREE", None, None), "AGREE", Dyad(None, frozenset({None})))


def test_evaluate_plover_gsr_locates_actor_text() -> None:
    text = "The United Nations special envoy praised the  Ugandan troops."
    assert plover_gsr.locate(text, "The United Nations ... envoy") == Span(0, 32)
    assert plover_gsr.locate(text, "ugandan   troops") == _span(text, "Ugandan troops")
    assert plover_gsr.locate(text, "French warships") is None


def test_evaluate_plover_gsr_figures() -> None:
    report = _report()
    f = report.figures
    # predictions: 2 + 1 + 0 + 1 + 0, of which 1 + 1 + 1 match;
    # gold dyads: 2 + 2 + 1 + 1 + 1, of which 1 + 1 + 1 are found.
    assert f["event_precision"] == pytest.approx(3 / 4)
    assert f["event_recall"] == pytest.approx(3 / 7)
    assert f["event_f1"] == pytest.approx(2 * 0.75 * (3 / 7) / (0.75 + 3 / 7))
    assert f["type_accuracy"] == pytest.approx(3 / 5)
    assert f["type_precision"] == pytest.approx(3 / 4)
    assert f["type_recall"] == pytest.approx(3 / 5)
    # countries: Chilean, Peruvian, Tokyo, North Korea (an event's target, not an
    # actor), Ugandan troops, rebels, UN envoy right; China (TWN) and Iraqi
    # civilians (rejected sentence) wrong.
    assert f["actor_country_accuracy"] == pytest.approx(7 / 9)
    # sectors: Chilean GOV, Tokyo GOV, troops MIL, rebels REB right; Peruvian, civilians wrong.
    assert f["actor_sector_accuracy"] == pytest.approx(4 / 6)
    assert report.counts["rejected"] == 1
    assert report.counts["negated_events_skipped"] == 1
    assert report.counts["events_without_plover"] == 1
    assert report.counts["gold_actors_not_found"] == 0


def test_evaluate_plover_gsr_confusion_and_breakdown() -> None:
    report = _report()
    assert report.confusion is not None
    columns = report.confusion.columns
    rows = {r[0]: dict(zip(columns, r, strict=True)) for r in report.confusion.rows}
    assert rows["ASSAULT"]["NONE"] == 2  # the negated one and the rejected one
    assert rows["REQUEST"]["REQUEST"] == 1
    assert rows["AGREE"]["AGREE"] == 1
    by_type = {r[0]: r for r in report.breakdowns[0].rows}
    assert by_type["ASSAULT"][1:3] == (2, 0.0)  # two sentences, none right
    assert by_type["SUPPORT"][3] == 2  # predicted twice, once right
    assert [m["id"] for m in report.misses][:2] == ["TEST-GSR-ASSAULT-0001", "TEST-GSR-FIGHT-0001"]


def test_evaluate_plover_gsr_report_is_json_and_text() -> None:
    report = _report()
    data = json.loads(json.dumps(report.to_dict()))
    assert data["format"] == "plover-gsr"
    assert data["limit"] is None
    text = report.format_text()
    assert "event_f1" in text and "confusion" in text and "TEST-GSR-ASSAULT-0001" in text


def test_evaluate_plover_gsr_limit() -> None:
    report = evaluate("plover-gsr", GOLD, limit=2, system=Canned(_predictions()))
    assert report.counts["sentences"] == 2
    assert report.limit == 2
    assert report.figures["type_accuracy"] == 1.0


def test_evaluate_plover_gsr_bad_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(EvalError, match="cannot read"):
        plover_gsr.read(broken)
    not_list = tmp_path / "object.json"
    not_list.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(EvalError, match="JSON list"):
        plover_gsr.read(not_list)
    no_text = tmp_path / "no-text.json"
    no_text.write_text('[{"id": "x", "event": "AGREE"}]', encoding="utf-8")
    with pytest.raises(EvalError, match="record 0"):
        plover_gsr.read(no_text)
    with pytest.raises(EvalError, match="unknown gold format"):
        evaluate("nope", GOLD)
    with pytest.raises(EvalError, match="no such gold"):
        evaluate("plover-gsr", tmp_path / "missing.json")
