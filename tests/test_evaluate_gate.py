"""The quality gate: pinned figures on the real dev sets, and that a worse coder fails it.

The tests marked `shared` read the gold sets in `../shared/data` and run the
whole pipeline on them; they are skipped, with a message, when that directory
is absent. The others run the gate on the hand-made fixtures.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dragoman.evaluate import Report, evaluate, gate
from dragoman.evaluate.runner import Extractor
from dragoman.models import Article, Event, Extraction, Record, Reject, Span

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = SHARED / "data"
FIXTURES = Path(__file__).parent / "fixtures" / "eval"

# (format, gold path under shared/data, limit): what the gate pins. PolNeAR dev
# is cut to its first 25 texts to keep the run short (all 84 take over a minute).
GATED = [
    ("plover-gsr", "plover-gsr/PLOVER_GSR_CAMEO.json", None),
    ("brat-attribution", "polnear/dev", 25),
    ("article-extraction", "article-extraction", None),
    # The event model is not trained on these sentences: a figure on unseen news.
    ("penta", "event-training/conflibert-cameo/class_train.tsv", None),
]
# The event model's own figures, cross-validated (each fold scored by a model trained
# on the other folds); the first 300 sentences keep the run near a minute.
PLV = ("event-training/plv/PLV_train.tsv", 5, 300)

NEWS_EVENTS = Path(__file__).parent / "gold" / "news-events.jsonl"
DATED_SENTENCES = Path(__file__).parent / "gold" / "dated-sentences.jsonl"
# In the repository, but its article texts are read from ../shared/data; all 36 articles
# take about ten seconds, so the whole set is gated.
ACTORS_NEWS = Path(__file__).parent / "gold" / "actors-news.jsonl"

needs_shared = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"gold sets not found: {DATA} is absent (../shared/data)"
)


class Recording:
    """dragoman's pipeline, remembering each result so a gold set is coded only once."""

    def __init__(self, pipeline: Extractor) -> None:
        self.pipeline = pipeline
        self.results: dict[tuple[str | None, str | None], Extraction | Reject] = {}

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        records = list(records)
        todo = [r for r in records if (r.id, r.text) not in self.results]
        for record, result in zip(todo, self.pipeline.extract_many(todo), strict=True):
            self.results[(record.id, record.text)] = result
        for record in records:
            yield self.results[(record.id, record.text)]


class DropHalf:
    """A worse coder: dragoman's pipeline with every other event thrown away."""

    def __init__(self, pipeline: Extractor) -> None:
        self.pipeline = pipeline

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        n = 0
        for result in self.pipeline.extract_many(records):
            if isinstance(result, Extraction):
                kept = []
                for event in result.events:
                    if n % 2 == 0:
                        kept.append(event)
                    n += 1
                result = dataclasses.replace(result, events=tuple(kept))
            yield result


class NoCountries:
    """A worse actor coder: dragoman's pipeline with every actor's country taken away."""

    def __init__(self, pipeline: Extractor) -> None:
        self.pipeline = pipeline

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for result in self.pipeline.extract_many(records):
            if isinstance(result, Extraction):
                actors = tuple(
                    dataclasses.replace(a, country=None, code="---" + "".join(a.sectors))
                    for a in result.actors
                )
                result = dataclasses.replace(result, actors=actors)
            yield result


# --- the gate on hand-made fixtures ---------------------------------------------------


class FixedEvents:
    """Codes every sentence of the PLOVER fixture with one fixed event."""

    def __init__(self, plover: str) -> None:
        self.plover = plover

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction]:
        for r in records:
            assert r.id is not None and r.text is not None
            event = Event(
                id="E1",
                sentence=0,
                trigger=Span(0, 1),
                source=None,
                target=None,
                cameo="000",
                root="00",
                plover=self.plover,
                quad_class=1,
                goldstein=0.0,
            )
            yield Extraction(article=Article(id=r.id, hash="0" * 16, text=r.text), events=(event,))


def _fixture_report(plover: str, limit: int | None = None) -> Report:
    return evaluate(
        "plover-gsr", FIXTURES / "plover-gsr" / "gold.json", limit=limit, system=FixedEvents(plover)
    )


def test_evaluate_gate_passes_then_fails_on_drop(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    good = _fixture_report("AGREE")  # right on the one AGREE sentence
    gate.update_baseline([good], baseline)
    assert gate.check(good, baseline) == []
    worse = _fixture_report("COERCE")  # right on none
    failures = gate.check(worse, baseline)
    assert any("type_accuracy fell from 0.2000 to 0.0000" in f for f in failures)
    assert gate.check(worse, baseline, margin=1.0) == []


def test_evaluate_gate_refuses_changed_gold_and_limit(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    good = _fixture_report("AGREE")
    gate.update_baseline([good], baseline)
    changed = dataclasses.replace(good, gold_sha256="0" * 64)
    assert any("gold set changed" in f for f in gate.check(changed, baseline))
    limited = _fixture_report("AGREE", limit=2)
    assert any("not comparable" in f for f in gate.check(limited, baseline))
    other = dataclasses.replace(good, format="petrarch-validation")
    assert any("no baseline pinned" in f for f in gate.check(other, baseline))
    fewer = dataclasses.replace(good, figures={"event_f1": good.figures["event_f1"]})
    assert any("no longer reported" in f for f in gate.check(fewer, baseline))


def test_evaluate_gate_update_keeps_other_pins(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(
        json.dumps({"x:y": {"sha256": "a", "limit": None, "figures": {"f1": 0.5}}}),
        encoding="utf-8",
    )
    report = _fixture_report("AGREE")
    written = gate.update_baseline([report], baseline)
    assert set(written) == {"x:y", gate.key(report)}
    assert json.loads(baseline.read_text(encoding="utf-8")) == written
    entry = written[gate.key(report)]
    assert entry["sha256"] == report.gold_sha256 and entry["limit"] is None
    assert entry["figures"]["type_accuracy"] == 0.2


def test_evaluate_gate_key_is_relative_to_shared_data() -> None:
    report = dataclasses.replace(
        _fixture_report("AGREE"), gold="/somewhere/shared/data/plover-gsr/PLOVER_GSR_CAMEO.json"
    )
    assert gate.key(report) == "plover-gsr:plover-gsr/PLOVER_GSR_CAMEO.json"
    # a gold set in the repository is keyed by its path there, anything else absolutely
    in_repository = "plover-gsr:tests/fixtures/eval/plover-gsr/gold.json"
    assert gate.key(_fixture_report("AGREE")) == in_repository
    elsewhere = dataclasses.replace(_fixture_report("AGREE"), gold="/elsewhere/gold.json")
    assert gate.key(elsewhere) == "plover-gsr:/elsewhere/gold.json"


def test_evaluate_gate_rejects_a_malformed_baseline(tmp_path: Path) -> None:
    from dragoman.errors import EvalError

    bad = tmp_path / "baseline.json"
    bad.write_text('{"k": {"figures": 3}}', encoding="utf-8")
    with pytest.raises(EvalError, match="not a baseline"):
        gate.load_baseline(bad)
    assert gate.load_baseline(tmp_path / "absent.json") == {}


# --- the gate on the real dev sets ------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline() -> Recording:
    from dragoman.evaluate.runner import default_pipeline
    from dragoman.settings import Settings

    return Recording(default_pipeline(Settings()))


@pytest.mark.shared
@needs_shared
@pytest.mark.parametrize(("fmt", "rel", "limit"), GATED, ids=[g[0] for g in GATED])
def test_evaluate_gate_dev_sets_hold_their_baseline(
    fmt: str, rel: str, limit: int | None, pipeline: Recording
) -> None:
    system = None if fmt == "article-extraction" else pipeline
    report = evaluate(fmt, DATA / rel, limit=limit, system=system)
    baseline = gate.load_baseline(gate.BASELINE)
    assert gate.key(report) in baseline, (
        f"{gate.key(report)} is not pinned in {gate.BASELINE}; run "
        "`dragoman eval ... --update-baseline`"
    )
    assert gate.check(report, baseline) == [], report.format_text(misses=0)


@pytest.mark.shared
@needs_shared
def test_evaluate_gate_event_model_cross_validated_holds_its_baseline() -> None:
    """`eval plv --folds 5` on the first 300 PLV sentences: pairs found, type given the
    dyad, calibration (1 − ECE) of the held-out folds stay pinned."""
    from dragoman.evaluate import crossval
    from dragoman.settings import Settings

    rel, folds, limit = PLV
    report = crossval.cross_validate(DATA / rel, Settings(), folds, limit)
    baseline = gate.load_baseline(gate.BASELINE)
    assert gate.key(report) in baseline, (
        "run `dragoman eval plv … --folds 5 --limit 300 --update-baseline`"
    )
    assert gate.check(report, baseline) == [], report.format_text(misses=0)


def test_evaluate_gate_news_events_holds_its_baseline(pipeline: Recording) -> None:
    """Our own gold set lives in the repository: gated with or without ../shared."""
    report = evaluate("news-events", NEWS_EVENTS, system=pipeline)
    baseline = gate.load_baseline(gate.BASELINE)
    assert gate.key(report) == "news-events:tests/gold/news-events.jsonl"
    assert gate.key(report) in baseline, "run `dragoman eval news-events … --update-baseline`"
    assert gate.check(report, baseline) == [], report.format_text(misses=0)


def test_evaluate_gate_dated_sentences_holds_its_baseline(pipeline: Recording) -> None:
    """Our own set of dated sentences (a development set): date accuracy pinned at 0.95
    or more, with or without ../shared."""
    report = evaluate("dated-sentences", DATED_SENTENCES, system=pipeline)
    baseline = gate.load_baseline(gate.BASELINE)
    assert gate.key(report) == "dated-sentences:tests/gold/dated-sentences.jsonl"
    assert gate.key(report) in baseline, "run `dragoman eval dated-sentences … --update-baseline`"
    assert baseline[gate.key(report)]["figures"]["date_accuracy"] >= 0.95
    assert gate.check(report, baseline) == [], report.format_text(misses=0)


@pytest.mark.shared
@needs_shared
def test_evaluate_gate_fails_a_worse_coder(pipeline: Recording) -> None:
    gold = DATA / "plover-gsr" / "PLOVER_GSR_CAMEO.json"
    worse = evaluate("plover-gsr", gold, system=DropHalf(pipeline))
    failures = gate.check(worse, gate.load_baseline(gate.BASELINE))
    assert any("event_recall fell" in f for f in failures), failures
    assert any("type_accuracy fell" in f for f in failures), failures


@pytest.mark.shared
@needs_shared
def test_evaluate_gate_actors_news_holds_its_baseline(pipeline: Recording) -> None:
    report = evaluate("actors-news", ACTORS_NEWS, system=pipeline)
    baseline = gate.load_baseline(gate.BASELINE)
    assert gate.key(report) == "actors-news:tests/gold/actors-news.jsonl"
    assert gate.key(report) in baseline, "run `dragoman eval actors-news … --update-baseline`"
    assert gate.check(report, baseline) == [], report.format_text(misses=0)


@pytest.mark.shared
@needs_shared
def test_evaluate_gate_fails_a_worse_actor_coder(pipeline: Recording) -> None:
    worse = evaluate("actors-news", ACTORS_NEWS, system=NoCountries(pipeline))
    failures = gate.check(worse, gate.load_baseline(gate.BASELINE))
    assert any("country_accuracy fell" in f for f in failures), failures
    assert not any("sector_accuracy fell" in f for f in failures), failures
