"""`plv`: real news sentences with one gold source–target pair and its PLOVER type.

The format is Zero-Shot-PLOVER's TSV (`PLV_train.tsv`): one row per pair, with
`sentence_id`, `sentence`, `marked_sentence` (the source in `<s>…</s>`, the target
in `<t>…</t>`), `gold_root` (the PLOVER type) and `gold_penta` (the CAMEO
pentaclass, 0–4). A sentence may have more than one row (pair).

Matching rules (the figures mean nothing without them):

* The pair's spans are where the marks sit in the sentence (the marks removed); a
  role marked twice matches either span; a pair with no `<t>` mark (gold target "a
  recipient") has no target, and only an event with no target has its dyad (the
  same for a pair with no source).
* Predicted events are the sentence's events with a PLOVER type, not negated. PLV
  uses PLOVER's earlier 15 types: a predicted CONCEDE or RETREAT is its YIELD.
* An event *has the pair's dyad* when its source span overlaps the gold source span
  and its target span overlaps the gold target span.
* `pairs_found`: gold pairs for which some event has the dyad and the gold type.
* `type_given_dyad`: of the gold pairs some event has the dyad of, those where the
  most confident such event has the gold type.
* `top_type`: gold pairs whose sentence's most confident event (first on ties) has
  the gold type (a sentence with no event is wrong).
* `no_event`: the share of sentences with no predicted event (lower is better, so
  the gate pins `with_event`, its complement).
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from dragoman.errors import EvalError
from dragoman.evaluate.metrics import confusion_rows, ratio
from dragoman.evaluate.plover_gsr import NONE, predicted_events, top_type
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import Extractor, code_and_score
from dragoman.models import ActorRef, Event, Extraction, Record, Reject, Span

FORMAT = "plv"

_MARK = re.compile(r"</?[st]>")

# PLV codes with PLOVER's earlier 15 types, where YIELD held what PLOVER now splits
# into CONCEDE (giving in on a demand or position) and RETREAT (withdrawing, releasing,
# easing). A prediction of either is a YIELD here.
EARLIER_TYPES = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


def plover_of(event: Event) -> str:
    kind = str(event.plover)
    return EARLIER_TYPES.get(kind, kind)


@dataclass(frozen=True, slots=True)
class Pair:
    """One gold source–target pair of a sentence."""

    source: tuple[Span, ...]
    target: tuple[Span, ...]  # empty: the gold names no target
    plover: str
    penta: int


@dataclass(frozen=True, slots=True)
class PlvSentence:
    """A gold sentence and its pairs."""

    id: str
    text: str
    pairs: tuple[Pair, ...]

    def record(self, origin: str) -> Record:
        return Record(origin=f"{origin}#{self.id}", text=self.text, id=self.id)


def unmark(marked: str) -> tuple[str, dict[str, tuple[Span, ...]]]:
    """The sentence without its `<s>`/`<t>` marks, and where each mark's spans are.

    A role may be marked more than once ("<t>Ukraine</t> … <t>Kiev</t>"); a pair with
    no target (the gold target is "a recipient") has no `t` spans, one with no source
    no `s` spans.

    Raises:
        ValueError: a mark is unbalanced, or nothing is marked.
    """
    text: list[str] = []
    spans: dict[str, list[Span]] = {"s": [], "t": []}
    opened: dict[str, int] = {}
    pos = length = 0
    for m in _MARK.finditer(marked):
        chunk = marked[pos : m.start()]
        text.append(chunk)
        length += len(chunk)
        tag = m.group()
        name = tag.strip("</>")
        if tag.startswith("</"):
            if name not in opened:
                raise ValueError(f"closing {tag} without an opening mark")
            spans[name].append(Span(opened.pop(name), length))
        else:
            opened[name] = length
        pos = m.end()
    text.append(marked[pos:])
    if opened or not (spans["s"] or spans["t"]):
        raise ValueError(f"marks not balanced: {marked[:80]!r}")
    return "".join(text), {k: tuple(v) for k, v in spans.items()}


def read(path: Path, limit: int | None = None) -> list[PlvSentence]:
    """Read a PLV TSV file, grouping its pairs by sentence.

    Raises:
        EvalError: the file cannot be read or a row is malformed.
    """
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise EvalError(f"{path}: cannot read PLV pairs: {exc}") from exc
    texts: dict[str, str] = {}
    pairs: dict[str, list[Pair]] = defaultdict(list)
    for n, row in enumerate(rows, start=2):
        try:
            sid = str(row["sentence_id"]).strip()
            text, spans = unmark(row["marked_sentence"])
            pair = Pair(spans["s"], spans["t"], row["gold_root"].strip(), int(row["gold_penta"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise EvalError(f"{path}: line {n}: {exc!r}") from exc
        if sid in texts and texts[sid] != text:
            raise EvalError(f"{path}: line {n}: sentence {sid} differs from its earlier row")
        if sid not in texts and limit is not None and len(texts) >= limit:
            continue
        texts[sid] = text
        pairs[sid].append(pair)
    if not texts:
        raise EvalError(f"{path}: no PLV rows")
    return [PlvSentence(sid, text, tuple(pairs[sid])) for sid, text in texts.items()]


class Participants(Protocol):
    """What a dyad is read from: an `Event`, or a candidate (`decide.Candidate`)."""

    @property
    def source(self) -> ActorRef | None: ...

    @property
    def target(self) -> ActorRef | None: ...


def _overlaps(ref: ActorRef | None, golds: tuple[Span, ...]) -> bool:
    """`ref` is there when the gold role is, overlapping one of its spans; absent when
    the gold names no one in that role."""
    if not golds:
        return ref is None
    return ref is not None and any(ref.span.overlaps(g) for g in golds)


def has_dyad(event: Participants, pair: Pair) -> bool:
    """The event (or candidate) has the pair's source and target (module docstring)."""
    return _overlaps(event.source, pair.source) and _overlaps(event.target, pair.target)


def score(
    sentences: Sequence[PlvSentence],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against PLV sentences (pure: no pipeline is run)."""
    found = dyads = dyad_typed = top_right = empty = rejected = pairs_total = 0
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: list[tuple[str, str]] = []
    misses: list[dict[str, Any]] = []
    for sentence in sentences:
        result = results.get(sentence.id)
        rejected += not isinstance(result, Extraction)
        events = predicted_events(result)
        empty += not events
        top = EARLIER_TYPES.get(top_type(events), top_type(events))
        for pair in sentence.pairs:
            pairs_total += 1
            with_dyad = [e for e in events if has_dyad(e, pair)]
            hit = any(plover_of(e) == pair.plover for e in with_dyad)
            found += hit
            row = per_type[pair.plover]
            row["pairs"] += 1
            row["found"] += hit
            if with_dyad:
                dyads += 1
                best = max(with_dyad, key=lambda e: e.confidence)
                dyad_typed += plover_of(best) == pair.plover
                row["dyad"] += 1
                row["dyad_typed"] += plover_of(best) == pair.plover
            top_right += top == pair.plover
            row["top"] += top == pair.plover
            confusion.append((pair.plover, top))
            if not hit:
                misses.append(
                    {
                        "id": sentence.id,
                        "gold": f"{pair.plover} {_at(sentence.text, pair.source)}→"
                        f"{_at(sentence.text, pair.target)}",
                        "predicted": "; ".join(
                            f"{plover_of(e)} {_name(sentence.text, e.source)}→"
                            f"{_name(sentence.text, e.target)} ({e.confidence:.2f}, {e.rule})"
                            for e in events
                        )
                        or NONE,
                        "text": sentence.text,
                    }
                )
    with_event = ratio(len(sentences) - empty, len(sentences))
    figures = {
        "pairs_found": ratio(found, pairs_total),
        "type_given_dyad": ratio(dyad_typed, dyads),
        "top_type": ratio(top_right, pairs_total),
        "with_event": with_event,
        "dyad_found": ratio(dyads, pairs_total),
    }
    rows = tuple(
        (
            kind,
            c["pairs"],
            ratio(c["found"], c["pairs"]),
            ratio(c["dyad_typed"], c["dyad"]),
            ratio(c["top"], c["pairs"]),
        )
        for kind, c in sorted(per_type.items())
    )
    columns, confusion_table = confusion_rows(confusion)
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "sentences": len(sentences),
            "pairs": pairs_total,
            "sentences_without_event": empty,
            "pairs_with_dyad": dyads,
            "rejected": rejected,
        },
        breakdowns=(
            Table(
                "per PLOVER type",
                ("type", "pairs", "found", "type|dyad", "top type"),
                rows,
            ),
        ),
        confusion=Table("confusion: gold type × top predicted type", columns, confusion_table),
        misses=tuple(misses),
        notes=(f"no event in {1 - with_event:.3f} of sentences",),
    )


def _at(text: str, spans: Span | tuple[Span, ...]) -> str:
    if isinstance(spans, Span):
        spans = (spans,)
    return "/".join(repr(text[s.start : s.end]) for s in spans) or "-"


def _name(text: str, ref: Any) -> str:
    return "-" if ref is None else f"{ref.code or ref.country or '?'}{_at(text, ref.span)}"


def run(
    gold: Path,
    settings: Any,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file, run the pipeline on every sentence, score."""
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
