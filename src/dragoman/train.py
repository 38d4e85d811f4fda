"""`dragoman train events`: the learned event decision, built from labelled real news.

The recipe (every number is in `Recipe`, the same data and recipe give the same
model file):

1. The pipeline runs over each training sentence with a recording decider, which
   keeps every candidate the rules propose (frames and generic main-clause acts)
   with its features (`decide.features`) instead of deciding.
2. A candidate is *right* when its source and target are the gold pair's (spans
   overlap, as `dragoman eval plv` matches them). The type head (multinomial
   logistic regression) learns the gold type from the right candidates; the
   right head (binary logistic regression) learns which candidates are right.
3. Calibration: the product of the two probabilities is scored on held-out folds of
   the training data (`Recipe.calibration_folds`), and a logistic curve on its
   logit (Platt scaling) maps it to the probability that the event is right
   (source, target and type); one curve for the frames' own candidates with their
   type kept (`event_decision=score`), one for every candidate (`wide`).
4. The arrays go to `events.npz`, names and the card to `events.json`, and their
   SHA-256 to `events.sha256` (see `decide.load`).

Training needs scikit-learn (the `train` extra); using a model needs only numpy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dragoman.errors import DragomanError
from dragoman.evaluate.plv import PlvSentence, has_dyad
from dragoman.events import decide
from dragoman.events.decide import Candidate  # `decide` is a method name in Recorder
from dragoman.models import Extraction

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recipe:
    """Every choice of a training run."""

    min_count: int = 2  # a feature seen fewer times is left out
    type_c: float = 1.0  # inverse regularisation of the type head
    right_c: float = 0.5  # … and of the right head
    calibration_folds: int = 5
    seed: int = 13


@dataclass(frozen=True, slots=True)
class Example:
    """One candidate of a training sentence with its labels."""

    sentence: str
    names: tuple[str, ...]
    right: bool
    label: str | None  # the gold type (model label) when right
    framed: str | None = None  # the frame's type (model label), None for a generic candidate
    alt: bool = False  # proposed as another pair for a frame's trigger (`event_decision=wide`)


class Recorder:
    """A decider that records candidates and leaves the rules' coding alone."""

    def __init__(self) -> None:
        self.seen: list[tuple[list[str], decide.Candidate]] = []

    def decide(self, names: list[str], candidate: decide.Candidate) -> None:
        self.seen.append((names, candidate))

    def take(self) -> list[tuple[list[str], Candidate]]:
        seen, self.seen = self.seen, []
        return seen


def collect(pipeline: Any, sentences: Sequence[PlvSentence]) -> list[Example]:
    """Run `pipeline` with a recording decider over `sentences`; label each candidate."""
    recorder = Recorder()
    # Candidates as wide as `event_decision=wide` proposes them.
    settings = dataclasses.replace(pipeline.resources.settings, event_decision="wide")
    recording = dataclasses.replace(pipeline.resources, decider=recorder, settings=settings)
    original, pipeline.resources = pipeline.resources, recording
    examples: list[Example] = []
    try:
        for sentence in sentences:
            try:
                result = pipeline.extract(sentence.record("train"))
            except DragomanError as exc:
                log.warning("training sentence %s left out: %s", sentence.id, exc)
                recorder.take()
                continue
            assert isinstance(result, Extraction)
            for names, candidate in recorder.take():
                pair = next((p for p in sentence.pairs if has_dyad(candidate, p)), None)
                examples.append(
                    Example(
                        sentence.id,
                        tuple(names),
                        pair is not None,
                        decide.label_of(pair.plover) if pair else None,
                        decide.label_of(candidate.plover)
                        if candidate.plover and candidate.rule != "generic"
                        else None,
                        "+alt" in candidate.rule,
                    )
                )
    finally:
        pipeline.resources = original
    return examples


def _vocabulary(examples: Iterable[Example], min_count: int) -> list[str]:
    counts: dict[str, int] = {}
    for example in examples:
        for name in set(example.names):
            counts[name] = counts.get(name, 0) + 1
    return sorted(n for n, c in counts.items() if c >= min_count)


def _matrix(examples: Sequence[Example], index: Mapping[str, int]) -> Any:
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for r, example in enumerate(examples):
        for c in sorted({index[n] for n in example.names if n in index}):
            rows.append(r)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((data, (rows, cols)), shape=(len(examples), len(index)))


def _heads(examples: Sequence[Example], recipe: Recipe) -> tuple[list[str], list[str], Any, Any]:
    """Fit both heads; (features, labels, type model, right model)."""
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError as exc:  # pragma: no cover - the message is the point
        raise DragomanError("training needs scikit-learn: pip install 'dragoman[train]'") from exc
    names = _vocabulary(examples, recipe.min_count)
    index = {n: i for i, n in enumerate(names)}
    typed = [e for e in examples if e.right and e.label]
    labels = sorted({e.label for e in typed if e.label})
    if len(labels) < 2 or not any(e.right for e in examples):
        raise DragomanError("training data too small: need right candidates of two types")
    type_model = LogisticRegression(C=recipe.type_c, max_iter=2000)
    type_model.fit(_matrix(typed, index), [e.label for e in typed])
    right_model = LogisticRegression(C=recipe.right_c, max_iter=2000)
    right_model.fit(_matrix(examples, index), [int(e.right) for e in examples])
    return names, labels, type_model, right_model


def _raw(
    type_model: Any, right_model: Any, matrix: Any, framed: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """(decided label index, uncalibrated score) of each row; a row keeps its frame's
    type where it has one the model knows (as `event_decision=score` does)."""
    probs = type_model.predict_proba(matrix)
    best = probs.argmax(axis=1)
    index = {label: i for i, label in enumerate(type_model.classes_)}
    for row, label in enumerate(framed):
        if label in index:
            best[row] = index[label]
    right = right_model.predict_proba(matrix)[:, 1]
    return best, right * probs[np.arange(len(best)), best]


def folds_of(ids: Sequence[str], k: int, seed: int) -> dict[str, int]:
    """A fold number for each sentence id: sentences are shuffled with `seed`, then
    dealt out in turn (all candidates of a sentence stay in one fold)."""
    unique = sorted(set(ids))
    order = np.random.default_rng(seed).permutation(len(unique))
    return {unique[j]: n % k for n, j in enumerate(order)}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit(examples: Sequence[Example], recipe: Recipe = Recipe()) -> dict[str, Any]:
    """Train the model: `{"arrays": {...}, "meta": {...}}` ready for `write`."""
    from sklearn.linear_model import LogisticRegression

    names, labels, type_model, right_model = _heads(examples, recipe)
    # Calibration on held-out folds of the training data, once for each way the model
    # is used: scoring what the frames coded (their type kept; `event_decision=score`)
    # and deciding among every candidate (`wide`).
    fold = folds_of([e.sentence for e in examples], recipe.calibration_folds, recipe.seed)
    scored: dict[str, list[tuple[float, int]]] = {"score": [], "wide": []}
    for k in range(recipe.calibration_folds):
        train = [e for e in examples if fold[e.sentence] != k]
        test = [e for e in examples if fold[e.sentence] == k]
        if not test:
            continue
        sub_names, sub_labels, sub_type, sub_right = _heads(train, recipe)
        matrix = _matrix(test, {n: i for i, n in enumerate(sub_names)})
        for mode, framed in (("score", [e.framed for e in test]), ("wide", [None] * len(test))):
            best, raw = _raw(sub_type, sub_right, matrix, framed)
            for e, b, r in zip(test, best, raw, strict=True):
                if mode == "wide" or (e.framed is not None and not e.alt):
                    scored[mode].append((float(r), int(e.right and e.label == sub_labels[b])))
    curves = []
    for mode in ("score", "wide"):
        platt = LogisticRegression(C=1e6, max_iter=1000)
        raw_scores = np.array([r for r, _ in scored[mode]])
        platt.fit(_logit(raw_scores).reshape(-1, 1), [o for _, o in scored[mode]])
        curves.append([platt.coef_[0][0], platt.intercept_[0]])
    index_labels = list(type_model.classes_)
    type_w = (
        type_model.coef_.T
        if len(index_labels) > 2
        else np.hstack([-type_model.coef_.T, type_model.coef_.T])
    )
    type_b = (
        type_model.intercept_
        if len(index_labels) > 2
        else np.array([-type_model.intercept_[0], type_model.intercept_[0]])
    )
    arrays = {
        "keys": np.array([decide.feature_key(n) for n in names], dtype=np.uint64),
        "type_w": np.asarray(type_w, dtype=np.float32),
        "type_b": np.asarray(type_b, dtype=np.float64),
        "right_w": np.asarray(right_model.coef_[0], dtype=np.float32),
        "right_b": np.asarray(right_model.intercept_, dtype=np.float64),
        "calibration": np.array(curves, dtype=np.float64),
    }
    meta = {
        "features": len(names),
        "labels": index_labels,
        "recipe": dataclasses.asdict(recipe),
        "examples": {
            "candidates": len(examples),
            "right": sum(e.right for e in examples),
            "sentences": len({e.sentence for e in examples}),
        },
    }
    assert labels == index_labels
    return {"arrays": arrays, "meta": meta}


def _npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """The arrays as an .npz whose bytes depend only on the arrays (zip times fixed)."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(
                member, np.ascontiguousarray(arrays[name]), allow_pickle=False
            )
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def write(model: Mapping[str, Any], folder: Path) -> None:
    """Write `events.npz`, `events.json` and `events.sha256` into `folder`.

    The bytes depend only on the model: the same data and recipe give the same files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "events.npz": _npz_bytes(model["arrays"]),
        "events.json": (json.dumps(model["meta"], indent=1, sort_keys=True) + "\n").encode(),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    pins = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in files.items())
    (folder / "events.sha256").write_text(
        "# SHA-256 of the event model files, checked when the model loads\n" + pins, "utf-8"
    )


def write_card(
    folder: Path, sources: Sequence[Path], figures: Mapping[str, Any], recipe: Recipe
) -> Path:
    """The model card beside the model: data, recipe, held-out figures, date."""
    meta = json.loads((folder / "events.json").read_text("utf-8"))
    lines = [
        "# dragoman event model",
        "",
        f"Trained {dt.date.today().isoformat()} by `dragoman train events`; "
        f"model files sha256 in `events.sha256`.",
        "",
        "## Data",
        "",
        *(f"- `{p.name}` sha256 `{hashlib.sha256(p.read_bytes()).hexdigest()}`" for p in sources),
        "",
        f"{meta['examples']['sentences']} sentences, {meta['examples']['candidates']} candidates "
        f"({meta['examples']['right']} with the gold source and target); "
        f"{meta['features']} features; labels {', '.join(meta['labels'])}.",
        "",
        "## Recipe",
        "",
        *(f"- {k}: {v}" for k, v in dataclasses.asdict(recipe).items()),
        "",
        "## Figures on held-out folds (never on data the fold's model was trained on)",
        "",
        *(f"- {k}: {v}" for k, v in figures.items()),
        "",
    ]
    path = folder / "CARD.md"
    path.write_text("\n".join(lines), "utf-8")
    return path
