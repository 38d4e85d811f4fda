"""The learned event decision: features, the packaged model's integrity, training."""

from __future__ import annotations

import dataclasses
import json
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dragoman import train
from dragoman.errors import ModelError
from dragoman.events import decide
from dragoman.models import ActorRef, Span
from dragoman.settings import Settings

PACKAGED = Path(str(resources.files("dragoman").joinpath("data/models")))


def test_decide_path_between_tokens(pipeline) -> None:
    doc = pipeline.nlp("Iran rejected a call from Russia.")
    iran, rejected, russia = doc[0], doc[1], doc[5]
    assert decide.path(iran, rejected) == "nsubj^"
    assert decide.path(russia, rejected) == "pobj^prep^dobj^"
    assert decide.path(rejected, rejected) == "self"


def test_decide_features_describe_frame_and_participants(pipeline) -> None:
    doc = pipeline.nlp("Iran rejected a call from Russia.")
    source = ActorRef("A1", "IRN", "IRN", (), Span(0, 4))
    names = decide.features(doc[1], "120", "verbs:reject:reject+deep-target", source, None)
    assert {"lemma:reject", "rule:verbs:reject:reject", "fallback:deep-target", "root:12"} <= set(
        names
    )
    assert "src.path:nsubj^" in names and "tgt:none" in names
    assert "dobj:call" in names and "word:russia" in names


def test_decide_packaged_model_loads_and_is_pinned() -> None:
    model = decide.load()
    pins = decide.read_pins((PACKAGED / "events.sha256").read_text("utf-8"))
    assert set(pins) == set(decide.MODEL_FILES)
    assert len(model.labels) >= 10 and "ASSAULT" in model.labels
    # The model holds feature keys, never the words of its training sentences.
    meta = json.loads((PACKAGED / "events.json").read_text("utf-8"))
    assert isinstance(meta["features"], int)


@pytest.mark.parametrize("damage", ["flip", "missing"])
def test_decide_tampered_or_missing_model_is_an_error(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "model"
    shutil.copytree(PACKAGED, folder)
    target = folder / "events.npz"
    if damage == "flip":
        data = bytearray(target.read_bytes())
        data[-10] ^= 0xFF
        target.write_bytes(bytes(data))
        message = "SHA-256"
    else:
        target.unlink()
        message = "cannot read"
    with pytest.raises(ModelError, match=message):
        decide.load(folder)


def test_decide_pipeline_refuses_a_tampered_model(tmp_path: Path) -> None:
    from dragoman.pipeline import Pipeline

    folder = tmp_path / "model"
    shutil.copytree(PACKAGED, folder)
    (folder / "events.json").write_text("{}", "utf-8")
    with pytest.raises(ModelError):
        Pipeline(Settings(event_model=str(folder)))


def _examples() -> list[train.Example]:
    """Hand-made candidates: 'attack' with a subject source is ASSAULT and right,
    'meet' is CONSULT and right, the same verbs with a far target are wrong."""
    out = []
    for n in range(40):
        verb, label = ("attack", "ASSAULT") if n % 2 else ("meet", "CONSULT")
        good = n % 3 != 0
        names = ("bias", f"lemma:{verb}", "src.path:nsubj^" if good else "src.path:far")
        out.append(train.Example(f"s{n}", names, good, label if good else None, label))
    return out


def test_train_same_data_same_model_files(tmp_path: Path) -> None:
    recipe = train.Recipe(min_count=1, calibration_folds=3)
    for name in ("a", "b"):
        train.write(train.fit(_examples(), recipe), tmp_path / name)
    for file in ("events.npz", "events.json", "events.sha256"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    model = decide.load(tmp_path / "a")
    good = model.decide(["bias", "lemma:attack", "src.path:nsubj^"])
    bad = model.decide(["bias", "lemma:attack", "src.path:far"])
    assert good.label == "ASSAULT"
    assert good.confidence > bad.confidence
    assert model.decide(["bias", "lemma:meet", "src.path:nsubj^"]).label == "CONSULT"


def test_train_folds_keep_a_sentence_together() -> None:
    ids = ["a", "a", "b", "c", "c", "c", "d"]
    folds = train.folds_of(ids, 2, seed=1)
    assert set(folds) == {"a", "b", "c", "d"} and set(folds.values()) == {0, 1}
    assert folds == train.folds_of(ids, 2, seed=1)


def test_train_needs_two_types() -> None:
    one = [train.Example("s", ("bias",), True, "ASSAULT")] * 3
    with pytest.raises(Exception, match="two types"):
        train.fit(one, train.Recipe(min_count=1))


def test_events_model_scores_what_the_rules_code(pipeline, seed_text: str) -> None:
    """`event_decision=score` at min_confidence 0: the rules' events, each with the
    model's probability and its part in the rule string."""
    import datetime as dt

    from dragoman.pipeline import Pipeline

    rules = Pipeline(Settings(event_model="none", min_confidence=0.0))
    scored = Pipeline(Settings(min_confidence=0.0))
    published = dt.date(2018, 5, 22)
    a = rules.extract(seed_text, published=published).events
    b = scored.extract(seed_text, published=published).events

    def key(e):
        return (e.trigger, e.cameo, e.source.code if e.source else None, e.target and e.target.code)

    assert [key(e) for e in a] == [key(e) for e in b]
    assert all("|model:" in e.rule for e in b) and not any("|model:" in e.rule for e in a)
    assert all(0.0 <= e.confidence <= 1.0 for e in b)


def test_events_min_confidence_drops_improbable_events(seed_text: str) -> None:
    import datetime as dt

    from dragoman.pipeline import Pipeline

    published = dt.date(2018, 5, 22)
    every = Pipeline(Settings(min_confidence=0.0)).extract(seed_text, published=published)
    floor = sorted(e.confidence for e in every.events)[len(every.events) // 2]
    kept = Pipeline(Settings(min_confidence=floor)).extract(seed_text, published=published)
    assert [e.confidence >= floor for e in kept.events] == [True] * len(kept.events)
    assert len(kept.events) < len(every.events)


def test_train_collect_labels_candidates(pipeline) -> None:
    from dragoman.evaluate.plv import Pair, PlvSentence, unmark

    text, spans = unmark(
        "<s>Iran</s> rejected a call from <t>Russia</t> after talks with Turkey on Monday."
    )
    sentence = PlvSentence("1", text, (Pair(spans["s"], spans["t"], "REJECT", 3),))
    examples = train.collect(pipeline, [sentence])
    assert pipeline.resources.decider is not train.Recorder  # restored
    right = [e for e in examples if e.right]
    assert right and all(e.label == "REJECT" for e in right)
    assert any(not e.right for e in examples)  # alternatives are candidates too


def test_decide_model_weights_are_plain_arrays() -> None:
    with np.load(PACKAGED / "events.npz", allow_pickle=False) as data:
        assert {"keys", "type_w", "type_b", "right_w", "right_b", "calibration"} <= set(data.files)
        assert data["keys"].dtype == np.uint64


def test_settings_event_decision_is_checked() -> None:
    from dragoman.errors import SettingsError
    from dragoman.pipeline import Pipeline

    with pytest.raises(SettingsError, match="event_decision"):
        Pipeline(dataclasses.replace(Settings(), event_decision="guess"))
