"""`plover-gsr`: the PLOVER gold standard records (a JSON list of coded sentences).

Each record is one sentence with one PLOVER event: `event` (a v0.5 type name),
`source`/`target` (lists of `{actorText, code, sector?}`; a compound actor
gives several dyads), and `textInfo.markup` where `SRC/TAR` marks actors that
act on each other (“Hungarian and Romanian officials agreed”). The first
record is a `DOCUMENT` record and is skipped.

Matching rules (documented here because the figures mean nothing without them):

* Gold dyads. Each gold source country `s` with each gold target country `t`
  is one gold dyad `(type, s, {t})`. With no target it is `(type, s, {none})`;
  for reciprocal (`SRC/TAR`) actors with no target, the allowed targets are
  the other reciprocal actors' countries or none. Dyads are a set per sentence.
* Predicted events are the sentence's events that have a PLOVER type and are
  not negated, reduced to a set of `(plover, source country, target country)`.
* A prediction matches a gold dyad when the types are equal, its source
  country is the dyad's and its target country is allowed (both empty counts).
  Event precision = matching predictions / predictions; event recall = gold
  dyads some prediction matches / gold dyads (micro-averaged over sentences).
* Type accuracy: the sentence's highest-confidence event (first on ties) has
  the gold type; a sentence with no event, or rejected, is wrong.
* Actor accuracy, over gold actors found in the sentence text: some predicted
  actor (or event participant) whose mention overlaps the gold `actorText` has
  that country (country accuracy) / has that primary sector (sector accuracy,
  over gold actors with a real sector — `***` is a placeholder).

Countries compare through `codes.country` (old codes `JAP`→`JPN`, `IGO`/`NGO`
classes); v0.5 type names are mapped to current ones (`TYPE_ALIASES`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate import codes
from dragoman.evaluate.metrics import PRF, confusion_rows, ratio, set_prf
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import (
    Extractor,
    code_and_score,
    unique_ids,
)
from dragoman.models import Event, Extraction, Record, Reject, Span
from dragoman.settings import Settings

FORMAT = "plover-gsr"

# PLOVER v0.5 event type names → the names dragoman codes (PLOVER manual 0.8+).
TYPE_ALIASES: dict[str, str] = {
    "DEMAND": "REQUEST",
    "DISAPPROVE": "ACCUSE",
    "INVESTIGATE": "ACCUSE",
    "FIGHT": "ASSAULT",
}

NONE = "NONE"  # label of "no prediction" in tables


@dataclass(frozen=True, slots=True)
class GoldActor:
    """One source or target entry of a gold record."""

    text: str
    code: str
    country: str | None
    sector: str | None
    role: str  # "source" or "target"


@dataclass(frozen=True, slots=True)
class Dyad:
    """A gold dyad: a source country and the target countries that satisfy it."""

    source: str | None
    targets: frozenset[str | None]

    def __str__(self) -> str:
        targets = "|".join(sorted(t or "-" for t in self.targets))
        return f"{self.source or '-'}→{targets}"


@dataclass(frozen=True, slots=True)
class GoldSentence:
    """One gold record: a sentence and its PLOVER event."""

    id: str
    text: str
    date: dt.date | None
    plover: str
    gold_type: str
    sources: tuple[GoldActor, ...]
    targets: tuple[GoldActor, ...]
    reciprocal: bool

    def dyads(self) -> frozenset[Dyad]:
        """The gold dyads of this sentence (see the module docstring)."""
        sources = [a.country for a in self.sources] or [None]
        if self.targets:
            return frozenset(Dyad(s, frozenset({a.country})) for s in sources for a in self.targets)
        if self.reciprocal and len(self.sources) > 1:
            return frozenset(
                Dyad(
                    a.country,
                    frozenset({None} | {b.country for j, b in enumerate(self.sources) if j != i}),
                )
                for i, a in enumerate(self.sources)
            )
        return frozenset(Dyad(s, frozenset({None})) for s in sources)

    def record(self, origin: str) -> Record:
        return Record(origin=f"{origin}#{self.id}", text=self.text, published=self.date, id=self.id)


Triple = tuple[str, str | None, str | None]  # (plover, source country, target country)


def read(path: Path, limit: int | None = None) -> list[GoldSentence]:
    """Read PLOVER gold standard records.

    Raises:
        EvalError: the file is missing, is not JSON, or is not a list of records.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{path}: cannot read PLOVER gold records: {exc}") from exc
    if not isinstance(data, list):
        raise EvalError(f"{path}: expected a JSON list of records, got {type(data).__name__}")
    sentences = []
    for n, raw in enumerate(data):
        if not isinstance(raw, dict):
            raise EvalError(f"{path}: record {n} is not an object")
        if raw.get("event") == "DOCUMENT":
            continue
        try:
            sentences.append(_sentence(raw))
        except (KeyError, TypeError, ValueError) as exc:
            raise EvalError(f"{path}: record {n} ({raw.get('id', '?')}): {exc!r}") from exc
        if limit is not None and len(sentences) >= limit:
            break
    ids = unique_ids(s.id for s in sentences)
    return [s if s.id == i else replace(s, id=i) for s, i in zip(sentences, ids, strict=True)]


def _sentence(raw: Mapping[str, Any]) -> GoldSentence:
    text = raw["text"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError("empty text")
    info = raw.get("textInfo")
    # One record has the markup string directly instead of {"markup": ...}.
    markup = info if isinstance(info, str) else (info or {}).get("markup", "")
    date = dt.date.fromisoformat(raw["date"]) if raw.get("date") else None
    gold_type = str(raw["event"]).strip().upper()
    return GoldSentence(
        id=str(raw.get("id") or ""),
        text=text,
        date=date,
        plover=TYPE_ALIASES.get(gold_type, gold_type),
        gold_type=gold_type,
        sources=_actors(raw.get("source"), "source"),
        targets=_actors(raw.get("target"), "target"),
        reciprocal="SRC/TAR" in markup,
    )


def _actors(value: Any, role: str) -> tuple[GoldActor, ...]:
    # Missing, "" and stray strings (one record has target "diplomatic", a
    # context value in the wrong field) all mean: no actor in this role.
    if not isinstance(value, list):
        return ()
    return tuple(
        GoldActor(
            text=str(a.get("actorText", "")),
            code=str(a.get("code", "")),
            country=codes.country(a.get("code")),
            sector=codes.sector(a.get("sector")),
            role=role,
        )
        for a in value
        if isinstance(a, dict)
    )


# --- scoring -------------------------------------------------------------------


def predicted_events(extraction: Extraction | Reject | None) -> list[Event]:
    """Events that take part in PLOVER scoring: with a PLOVER type, not negated."""
    if not isinstance(extraction, Extraction):
        return []
    return [e for e in extraction.events if e.plover and not e.negated]


def _ref_country(ref: Any) -> str | None:
    if ref is None:
        return None
    return codes.country(ref.country) or codes.country(ref.code)


def triples(events: Iterable[Event]) -> frozenset[Triple]:
    """`(plover, source country, target country)` of each event, as a set."""
    return frozenset(
        (str(e.plover), _ref_country(e.source), _ref_country(e.target)) for e in events
    )


def matches(triple: Triple, plover: str, dyad: Dyad) -> bool:
    """The dyad matching rule of the module docstring."""
    kind, source, target = triple
    return kind == plover and source == dyad.source and target in dyad.targets


def top_type(events: Sequence[Event]) -> str:
    """PLOVER type of the highest-confidence event (first on ties), or `NONE`."""
    if not events:
        return NONE
    return str(max(events, key=lambda e: e.confidence).plover)


def locate(text: str, actor_text: str) -> Span | None:
    """Where a gold `actorText` is in the sentence, or None.

    Whitespace runs match any whitespace, case is ignored, and an elision
    (`"U.S. ... negotiators"`) matches from its first part to its last.
    """
    parts = [p for p in re.split(r"\s*\.{2,}\s*", " ".join(actor_text.split())) if p]
    if not parts:
        return None
    start = end = None
    pos = 0
    for part in parts:
        pattern = r"\s+".join(re.escape(w) for w in part.split())
        m = re.compile(pattern, re.IGNORECASE).search(text, pos)
        if m is None:
            return None
        start = m.start() if start is None else start
        end = pos = m.end()
    assert start is not None and end is not None
    return Span(start, end)


def _candidates(extraction: Extraction) -> list[tuple[str | None, set[str], tuple[Span, ...]]]:
    """(country, sectors, mention spans) of every predicted actor and event participant."""
    found = [
        (
            codes.country(a.country) or codes.country(a.code),
            {s[:3].upper() for s in a.sectors},
            a.mentions,
        )
        for a in extraction.actors
    ]
    for event in extraction.events:
        for ref in (event.source, event.target):
            if ref is not None:
                found.append((_ref_country(ref), {s[:3].upper() for s in ref.sectors}, (ref.span,)))
    return found


def score(
    sentences: Sequence[GoldSentence],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against gold sentences (pure: no pipeline is run)."""
    events_total = PRF()
    types_total = PRF()
    correct_top = 0
    per_type: dict[str, dict[str, int]] = defaultdict(Counter)
    confusion: list[tuple[str, str]] = []
    countries = [0, 0]  # hits, gold actors located
    sectors = [0, 0]
    unlocated: list[str] = []
    rejected = no_plover = negated = 0
    misses: list[tuple[int, dict[str, Any]]] = []

    for sentence in sentences:
        result = results.get(sentence.id)
        if not isinstance(result, Extraction):
            rejected += 1
        else:
            no_plover += sum(1 for e in result.events if not e.plover)
            negated += sum(1 for e in result.events if e.plover and e.negated)
        events = predicted_events(result)
        predicted = triples(events)
        dyads = sentence.dyads()
        hit_pred = {t for t in predicted if any(matches(t, sentence.plover, d) for d in dyads)}
        hit_gold = {d for d in dyads if any(matches(t, sentence.plover, d) for t in predicted)}
        events_total += PRF(len(hit_pred), len(predicted), len(hit_gold), len(dyads))
        types_total += set_prf({t[0] for t in predicted}, {sentence.plover})

        top = top_type(events)
        confusion.append((sentence.plover, top))
        correct_top += top == sentence.plover
        row = per_type[sentence.plover]
        row["sentences"] += 1
        row["top_correct"] += top == sentence.plover
        row["gold_dyads"] += len(dyads)
        row["gold_dyads_matched"] += len(hit_gold)
        for t in predicted:
            per_type[t[0]]["predicted"] += 1
            per_type[t[0]]["predicted_matched"] += t in hit_pred

        candidates = _candidates(result) if isinstance(result, Extraction) else []
        seen: set[tuple[str, str | None, str | None]] = set()
        for actor in (*sentence.sources, *sentence.targets):
            key = (actor.text, actor.country, actor.sector)
            if key in seen or actor.country is None:
                continue
            seen.add(key)
            span = locate(sentence.text, actor.text)
            if span is None:
                unlocated.append(f"{sentence.id}: {actor.text!r}")
                continue
            near = [c for c in candidates if any(span.overlaps(m) for m in c[2])]
            countries[1] += 1
            countries[0] += any(c[0] == actor.country for c in near)
            if actor.sector:
                sectors[1] += 1
                sectors[0] += any(actor.sector in c[1] for c in near)

        if top != sentence.plover or len(hit_gold) < len(dyads):
            severity = (
                0 if top != sentence.plover and not hit_gold else 1 if top != sentence.plover else 2
            )
            misses.append(
                (
                    severity,
                    {
                        "id": sentence.id,
                        "gold": f"{sentence.plover} {' '.join(sorted(map(str, dyads)))}",
                        "predicted": "; ".join(
                            f"{e.plover} {_ref_country(e.source) or '-'}→"
                            f"{_ref_country(e.target) or '-'}"
                            f" ({e.confidence:.2f}, {e.rule or e.cameo})"
                            for e in events
                        )
                        or NONE,
                        "text": sentence.text,
                        **({"rejected": result.reason} if isinstance(result, Reject) else {}),
                    },
                )
            )

    figures = {
        **events_total.figures("event"),
        "type_accuracy": ratio(correct_top, len(sentences)),
        **types_total.figures("type"),
        "actor_country_accuracy": ratio(*countries),
        "actor_sector_accuracy": ratio(*sectors),
    }
    breakdown_rows = []
    for kind in sorted(per_type):
        row = per_type[kind]
        prf = PRF(
            row["predicted_matched"], row["predicted"], row["gold_dyads_matched"], row["gold_dyads"]
        )
        breakdown_rows.append(
            (
                kind,
                row["sentences"],
                ratio(row["top_correct"], row["sentences"]),
                row["predicted"],
                prf.precision,
                prf.recall,
                prf.f1,
            )
        )
    columns, rows = confusion_rows(confusion)
    notes = []
    if unlocated:
        notes.append(
            f"{len(unlocated)} gold actor texts not found in their sentence "
            f"(left out of actor accuracy): " + "; ".join(unlocated)
        )
    misses.sort(key=lambda m: (m[0], m[1]["id"]))
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "sentences": len(sentences),
            "gold_dyads": events_total.gold,
            "predicted_events": events_total.predicted,
            "events_without_plover": no_plover,
            "negated_events_skipped": negated,
            "rejected": rejected,
            "gold_actors_scored": countries[1],
            "gold_actors_with_sector": sectors[1],
            "gold_actors_not_found": len(unlocated),
        },
        breakdowns=(
            Table(
                "per PLOVER type (event P/R/F1 by type; accuracy = top event right)",
                ("type", "sentences", "accuracy", "predicted", "precision", "recall", "f1"),
                tuple(breakdown_rows),
            ),
        ),
        confusion=Table("confusion: gold type × top predicted type", columns, rows),
        misses=tuple(m for _, m in misses),
        notes=tuple(notes),
    )


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file, run the pipeline on every sentence, score.

    Args:
        gold: the gold records JSON file.
        settings: pipeline settings.
        limit: score only the first `limit` sentences.
        system: the pipeline under test; dragoman's own by default.
    """
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
