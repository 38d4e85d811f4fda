"""`penta`: news sentences with a CAMEO pentaclass label (`sentence TAB label`).

The classes (ConfliBERT's CAMEO classification data): 0 statements and appeals
(roots 01–02), 1 verbal cooperation (03–05), 2 material cooperation (06–08),
3 verbal conflict (09–13), 4 material conflict (14–20).

Matching rule: the sentence's most confident event (not negated; first on ties)
gives the predicted class through its CAMEO root; a sentence with no event is
wrong. `with_event` is the share of sentences with an event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate.metrics import confusion_rows, ratio
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import Extractor, code_and_score
from dragoman.models import Event, Extraction, Record, Reject

FORMAT = "penta"
NONE = "none"


@dataclass(frozen=True, slots=True)
class PentaSentence:
    """A gold sentence and its pentaclass."""

    id: str
    text: str
    label: int

    def record(self, origin: str) -> Record:
        return Record(origin=f"{origin}#{self.id}", text=self.text, id=self.id)


def penta_of_root(root: str | None) -> int | None:
    """The pentaclass of a two-digit CAMEO root ("12" → 3), None when not a root."""
    try:
        n = int(root or "")
    except ValueError:
        return None
    if not 1 <= n <= 20:
        return None
    return 0 if n <= 2 else 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def read(path: Path, limit: int | None = None) -> list[PentaSentence]:
    """Read `sentence TAB label` lines (blank lines skipped).

    Raises:
        EvalError: the file cannot be read, or a line has no label 0–4.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read pentaclass sentences: {exc}") from exc
    sentences = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        text, tab, label = line.rpartition("\t")
        if not tab or label.strip() not in {"0", "1", "2", "3", "4"} or not text.strip():
            raise EvalError(f"{path}: line {n}: expected 'sentence<TAB>0-4'")
        sentences.append(PentaSentence(f"{n}", text.strip(), int(label)))
        if limit is not None and len(sentences) >= limit:
            break
    if not sentences:
        raise EvalError(f"{path}: no sentences")
    return sentences


def top_class(events: Sequence[Event]) -> int | None:
    """Pentaclass of the most confident event, None when there is none."""
    if not events:
        return None
    return penta_of_root(max(events, key=lambda e: e.confidence).root)


def score(
    sentences: Sequence[PentaSentence],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against pentaclass sentences (pure: no pipeline is run)."""
    right = empty = 0
    confusion: list[tuple[str, str]] = []
    per: dict[int, Counter[str]] = {k: Counter() for k in range(5)}
    misses: list[dict[str, Any]] = []
    for sentence in sentences:
        result = results.get(sentence.id)
        events = (
            [e for e in result.events if not e.negated] if isinstance(result, Extraction) else []
        )
        empty += not events
        predicted = top_class(events)
        right += predicted == sentence.label
        per[sentence.label]["n"] += 1
        per[sentence.label]["right"] += predicted == sentence.label
        confusion.append((str(sentence.label), NONE if predicted is None else str(predicted)))
        if predicted != sentence.label:
            misses.append(
                {
                    "id": sentence.id,
                    "gold": sentence.label,
                    "predicted": "; ".join(
                        f"{e.cameo} ({e.confidence:.2f}, {e.rule})" for e in events
                    )
                    or NONE,
                    "text": sentence.text,
                }
            )
    columns, rows = confusion_rows(confusion)
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures={
            "accuracy": ratio(right, len(sentences)),
            "with_event": ratio(len(sentences) - empty, len(sentences)),
        },
        counts={"sentences": len(sentences), "sentences_without_event": empty},
        breakdowns=(
            Table(
                "per class",
                ("class", "sentences", "accuracy"),
                tuple((str(k), c["n"], ratio(c["right"], c["n"])) for k, c in per.items()),
            ),
        ),
        confusion=Table("confusion: gold class × top predicted class", columns, rows),
        misses=tuple(misses),
    )


def run(
    gold: Path,
    settings: Any,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file, run the pipeline on every sentence, score."""
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
