"""Cross-validated figures of the learned event decision: `dragoman eval plv --folds K`.

The sentences are dealt into K folds (`train.folds_of`, seeded; all pairs of one
sentence in one fold). For each fold, a model is trained on the other K−1 folds
exactly as `dragoman train events` trains the packaged one, and the pipeline with
that model codes the held-out fold, which is scored as `plv` scores it. The report
gives each figure's mean over the folds (its standard deviation in the notes and
the per-fold table), and a reliability table of every held-out event: confidence bins
against the share of events that are right (source, target and type of a gold
pair), with the expected calibration error (`ece`, lower is better).

A figure of a learned part is never reported on data it was trained on: no
held-out sentence is in its fold's training data.
"""

from __future__ import annotations

import dataclasses
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dragoman import train
from dragoman.evaluate import plv
from dragoman.evaluate.metrics import ratio
from dragoman.evaluate.report import Report, Table, sha256_of
from dragoman.evaluate.runner import extract_all
from dragoman.events import decide
from dragoman.models import Extraction
from dragoman.settings import Settings

BINS = 10


def reliability(points: Sequence[tuple[float, bool]]) -> tuple[Table, float]:
    """Confidence bins against observed accuracy, and the expected calibration error."""
    rows = []
    ece = 0.0
    for b in range(BINS):
        low, high = b / BINS, (b + 1) / BINS
        inside = [(c, r) for c, r in points if low <= c < high or (b == BINS - 1 and c == 1.0)]
        if not inside:
            continue
        mean_conf = statistics.fmean(c for c, _ in inside)
        accuracy = ratio(sum(r for _, r in inside), len(inside))
        ece += len(inside) / len(points) * abs(accuracy - mean_conf)
        rows.append((f"{low:.1f}-{high:.1f}", len(inside), round(mean_conf, 3), accuracy))
    table = Table(
        "reliability: held-out events by confidence (right = a gold pair's dyad and type)",
        ("confidence", "events", "mean confidence", "right"),
        tuple(rows),
    )
    return table, ece


def _right(event, sentence: plv.PlvSentence) -> bool:
    return any(plv.has_dyad(event, p) and plv.plover_of(event) == p.plover for p in sentence.pairs)


def cross_validate(
    gold: Path,
    settings: Settings,
    folds: int,
    limit: int | None = None,
    recipe: train.Recipe | None = None,
) -> Report:
    """Train on K−1 folds, score the held-out one, for each fold; mean and spread."""
    recipe = recipe or train.Recipe()
    sentences = plv.read(gold, limit)
    from dragoman.pipeline import Pipeline  # loads spaCy

    # Gold sets repeat sentences on purpose: no deduplication (as `default_pipeline`).
    pipeline = Pipeline(dataclasses.replace(settings, event_model="none", deduplicate=False))
    examples = train.collect(pipeline, sentences)
    fold_of = train.folds_of([s.id for s in sentences], folds, recipe.seed)
    reports: list[Report] = []
    points: list[tuple[float, bool]] = []
    rules_only = pipeline.resources
    for k in range(folds):
        model = train.fit([e for e in examples if fold_of[e.sentence] != k], recipe)
        held = [s for s in sentences if fold_of[s.id] == k]
        with tempfile.TemporaryDirectory(prefix="dragoman-fold-") as tmp:
            train.write(model, Path(tmp))
            decider = decide.load(tmp)
        pipeline.resources = dataclasses.replace(rules_only, decider=decider)
        try:
            results = extract_all([s.record(str(gold)) for s in held], pipeline)
        finally:
            pipeline.resources = rules_only
        reports.append(plv.score(held, results, gold=str(gold), gold_sha256="", limit=limit))
        for sentence in held:
            result = results.get(sentence.id)
            if isinstance(result, Extraction):
                points += [
                    (e.confidence, _right(e, sentence)) for e in plv.predicted_events(result)
                ]
    figures: dict[str, float] = {}
    spread: list[str] = []
    for name in reports[0].figures:
        values = [r.figures[name] for r in reports]
        figures[name] = statistics.fmean(values)
        spread.append(f"{name} {figures[name]:.3f} ± {statistics.pstdev(values):.3f}")
    table, ece = reliability(points)
    figures["calibration"] = 1.0 - ece  # pinned higher-is-better; ece = 1 − this
    per_fold = Table(
        "per held-out fold",
        ("fold", "sentences", *reports[0].figures),
        tuple(
            (k, r.counts["sentences"], *(r.figures[n] for n in reports[0].figures))
            for k, r in enumerate(reports)
        ),
    )
    return Report(
        format=f"{plv.FORMAT}-cv",
        gold=str(gold),
        gold_sha256=sha256_of(gold),
        limit=limit,
        figures=figures,
        counts={
            "folds": folds,
            "sentences": len(sentences),
            "candidates": len(examples),
            "held_out_events": len(points),
        },
        breakdowns=(per_fold, table),
        notes=(
            "mean ± standard deviation over the folds: " + "; ".join(spread),
            f"expected calibration error {ece:.3f} over {len(points)} held-out events",
            f"min_confidence {settings.min_confidence}",
        ),
    )
