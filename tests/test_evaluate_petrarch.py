"""The `petrarch-validation` reader and scorer, on a hand-made validation file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import evaluate, petrarch
from dragoman.evaluate.petrarch import Coding
from dragoman.models import ActorRef, Article, Event, Extraction, Record, Reject, Span

GOLD = Path(__file__).parent / "fixtures" / "eval" / "petrarch" / "validation.xml"


def _ref(code: str) -> ActorRef:
    country = code[:3] if code[:3].isalpha() else None
    return ActorRef(actor=None, code=code, country=country, sectors=(), span=Span(0, 1))


def _event(
    cameo: str,
    source: str | None,
    target: str | None,
    confidence: float = 0.5,
    negated: bool = False,
) -> Event:
    return Event(
        id="E1",
        sentence=0,
        trigger=Span(0, 1),
        source=_ref(source) if source else None,
        target=_ref(target) if target else None,
        cameo=cameo,
        root=cameo[:2],
        plover=None,
        quad_class=1,
        goldstein=0.0,
        negated=negated,
        confidence=confidence,
    )


class Canned:
    """Returns prepared events per sentence id; sentences not listed get no event."""

    def __init__(self, events: dict[str, list[Event]]) -> None:
        self.events = events

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for r in records:
            assert r.id is not None and r.text is not None
            yield Extraction(
                article=Article(id=r.id, hash="0" * 16, text=r.text),
                events=tuple(self.events.get(r.id, ())),
            )


PREDICTIONS = {
    "TEST-01": [_event("042", "USAGOV", "RUS", 0.9), _event("010", "USA", None, 0.2)],
    "TEST-02": [_event("036", "FRAGOV", "DEU"), _event("036", "FRA", "JPN")],
    "TEST-04": [
        _event("043", "RUS", "USA"),
        _event("190", "RUS", "USA", negated=True),
    ],  # negated: not counted
    "TEST-05": [_event("182", "---MIL", "UNO")],
}


def test_evaluate_petrarch_reads_sentences() -> None:
    sentences, notes = petrarch.read(GOLD)
    assert notes == []
    assert [s.id for s in sentences] == ["TEST-01", "TEST-02", "TEST-03", "TEST-04", "TEST-05"]
    first, compound, noevents, nocoding, agent = sentences
    assert first.text == (
        "The American secretary of state travelled to Moscow on Thursday for talks."
    )  # whitespace collapsed, Parse ignored
    assert first.date == dt.date(2015, 1, 1)
    assert first.codings == {Coding("042", "USAGOV", "RUS")}
    assert compound.codings == {Coding("036", "FRAGOV", "DEU"), Coding("036", "FRAGOV", "JAP")}
    assert noevents.codings == frozenset() and nocoding.codings == frozenset()
    assert agent.text.endswith("convoy & its escort.")
    assert next(iter(agent.codings)).root == "18"


def test_evaluate_petrarch_figures() -> None:
    report = evaluate("petrarch-validation", GOLD, system=Canned(PREDICTIONS))
    f = report.figures
    assert (f["root_precision"], f["root_recall"]) == pytest.approx((3 / 5, 1.0))
    assert (f["code_precision"], f["code_recall"]) == pytest.approx((2 / 5, 2 / 3))
    assert (f["root_dyad_precision"], f["root_dyad_recall"]) == pytest.approx((4 / 6, 1.0))
    assert (f["code_dyad_precision"], f["code_dyad_recall"]) == pytest.approx((3 / 6, 3 / 4))
    assert f["sentence_exact"] == pytest.approx(2 / 5)  # TEST-02 and TEST-03
    assert f["noevents_accuracy"] == pytest.approx(1 / 2)  # TEST-03 right, TEST-04 wrong
    assert report.counts["noevents_sentences"] == 2
    assert report.counts["gold_codings"] == 4


def test_evaluate_petrarch_actor_codes_compare_by_country() -> None:
    # JAP in gold is JPN; IGOUNO and UNO are both IGO; ---MIL has no country.
    report = evaluate("petrarch-validation", GOLD, limit=2, system=Canned(PREDICTIONS))
    assert report.figures["code_dyad_recall"] == 1.0


def test_evaluate_petrarch_confusion_and_misses() -> None:
    report = evaluate("petrarch-validation", GOLD, system=Canned(PREDICTIONS))
    assert report.confusion is not None
    rows = {
        r[0]: dict(zip(report.confusion.columns, r, strict=True)) for r in report.confusion.rows
    }
    assert rows["NONE"]["NONE"] == 1 and rows["NONE"]["04"] == 1
    assert rows["18"]["18"] == 1
    missed = {m["id"]: m for m in report.misses}
    assert missed["TEST-05"]["missed"] == "1823 -→IGO"
    assert missed["TEST-04"]["spurious"] == "043 RUS→USA"
    assert "TEST-02" not in missed


def test_evaluate_petrarch_rejects_count_as_empty() -> None:
    class RejectAll:
        def extract_many(self, records: Iterable[Record]) -> Iterator[Reject]:
            for r in records:
                yield Reject(r.origin, "empty", "", r.id)

    report = evaluate("petrarch-validation", GOLD, system=RejectAll())
    assert report.counts["rejected"] == 5
    assert report.figures["root_recall"] == 0.0
    assert report.figures["noevents_accuracy"] == 1.0


def test_evaluate_petrarch_malformed(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_text("<Sentences></Sentences>", encoding="utf-8")
    with pytest.raises(EvalError, match="no <Sentence>"):
        petrarch.read(empty)
    both = tmp_path / "both.xml"
    both.write_text(
        '<Sentences><Sentence id="x" date="20150101"><Text>A b.</Text>'
        '<EventCoding noevents="true"/><EventCoding sourcecode="A" targetcode="B" '
        'eventcode="010"/></Sentence></Sentences>',
        encoding="utf-8",
    )
    with pytest.raises(EvalError, match="noevents"):
        petrarch.read(both)
    broken = tmp_path / "broken.xml"
    broken.write_text(
        '<Sentences><Sentence id="x" date="20150101"><Text>Arnor & Gondor '
        'met.</Text><EventCoding sourcecode="ARN" targetcode="GON" '
        'eventcode="040"/></Sentence></Sentences>',
        encoding="utf-8",
    )
    sentences, notes = petrarch.read(broken)  # mended, with a note
    assert len(sentences) == 1 and sentences[0].codings
    assert notes and "sentence by sentence: 1 read, 0 lost" in notes[0]


def test_evaluate_petrarch_one_broken_sentence_costs_only_itself(tmp_path: Path) -> None:
    good = (
        '<Sentence id="s{n}" date="20150101"><Text>Arnor met Gondor.</Text>'
        '<EventCoding sourcecode="ARN" targetcode="GON" eventcode="040"/></Sentence>'
    )
    broken = '<Sentence id="bad" date="20150101"><Text>Arnor <met Gondor.</Sentence>'
    path = tmp_path / "validation.xml"
    path.write_text(
        "<Sentences>\n" + good.format(n=1) + "\n" + broken + "\n" + good.format(n=2) + "\n"
        "</Sentences>",
        encoding="utf-8",
    )
    sentences, notes = petrarch.read(path)
    assert [s.id for s in sentences] == ["s1", "s2"]
    assert "2 read, 1 lost" in notes[0] and "sentence 1 at line 3" in notes[0]


def test_evaluate_petrarch_nothing_read_is_an_error(tmp_path: Path) -> None:
    """No figures over zero items: a file whose sentences all lack text, or that holds
    no sentence at all, is an error, not a perfect score."""
    textless = tmp_path / "textless.xml"
    textless.write_text(
        '<Sentences><Sentence id="x" date="20150101"><Text></Text>'
        '<EventCoding noevents="true"/></Sentence></Sentences>',
        encoding="utf-8",
    )
    with pytest.raises(EvalError, match="no items read"):
        petrarch.read(textless)
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<Sentences><Sent", encoding="utf-8")
    with pytest.raises(EvalError, match="no <Sentence>"):
        petrarch.read(garbage)
