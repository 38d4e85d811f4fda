"""`news-events`: dragoman's own gold set of whole news articles (JSON lines).

One article per line: `{"id", "published", "outlet", "text", "events"}`, where
each event is `{"anchor", "type", "mode", "source", "target", "source_text",
"target_text", "note"}`. `anchor` is an exact substring of `text`, occurring
exactly once, that contains the event's trigger; `type` is one of the 16 PLOVER
types (`PLOVER_TYPES`); `source`/`target` are ISO 3166 alpha-3 country codes,
`IGO`/`NGO`, or "" (no actor, no recipient). `mode`, `source_text`,
`target_text` and `note` are for people and are not scored. Required: `id`,
`text`, `events` (may be empty) and each event's `anchor`, `type`, `source`,
`target`; `published` is an ISO date or empty. Blank lines are skipped. A
malformed line is an error that names its line and article.

Matching rules (documented here because the figures mean nothing without them):

* Gold sentence. Each gold event is placed by its anchor's offset in the
  extraction's clean text (`Extraction.article.text`): its sentence is the
  extraction sentence (`Extraction.sentences`) holding the anchor's first
  non-space character, or the last sentence starting before it when that
  character falls between sentences. When cleaning changed the text so that
  the anchor is not found exactly once in the clean text, its offset in the
  gold text is moved onto the clean text with `OffsetMap` (which aligns the two
  texts on their visible characters) and counted as an anchor not found in the
  cleaned text. A rejected article has no sentences: its gold events are missed.
* Predicted events are the extraction's events that have a PLOVER type and are
  neither negated nor hypothetical; a prediction's sentence is its
  `Event.sentence`. The `event_with_hypothetical_*` figures count hypothetical
  events as predictions too (negated ones never).
* A prediction matches a gold event when they are in the same sentence and
  have the same PLOVER type, the same source country and the same target
  country. Countries compare through `codes.country` (`UNO`→`IGO`,
  `USAGOV`→`USA`, `JAP`→`JPN`); a prediction's country is its `ActorRef`'s
  country, else its code's; no actor (or one with no country) equals "" in gold.
* CONSULT, AGREE and COOPERATE have no direction: their source and target
  countries compare as an unordered pair.
* One to one: gold events, in file order, each take the first prediction (in
  extraction order) that matches and is not taken yet. Matching is equality of
  `(sentence, type, source, target)`, so this greedy pairing is a maximum one.
* Event precision = matched predictions / predictions; event recall = matched
  gold events / gold events; F1 of the two; all micro over the articles.
* Type precision = predictions whose sentence holds a gold event of the same
  type / predictions; type recall = gold events whose sentence holds a
  prediction of the same type / gold events (countries ignored, not one to one).
* Predictions per article, and predictions in sentences that hold no gold
  event ("events in event-free sentences"), are counts and notes, not figures:
  the gate holds every figure to "higher is better".

Breakdowns: P/R/F1 per PLOVER type, a per-article table, the false positives
(each with why it failed, event-free sentences first) and, as the report's
misses, the gold events not matched (nothing predicted in their sentence first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate import codes
from dragoman.evaluate.metrics import PRF, OffsetMap, ratio
from dragoman.evaluate.plover_gsr import TYPE_ALIASES
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import Extractor, code_and_score, json_lines
from dragoman.knowledge import plover_types
from dragoman.models import ActorRef, Event, Extraction, Record, Reject, Span
from dragoman.settings import Settings

FORMAT = "news-events"

# The PLOVER event types dragoman codes (PLOVER manual 0.8+; `data/cameo.tsv`).
PLOVER_TYPES = plover_types()

# Meetings, agreements and cooperation have no direction: which party the text names
# first decides who is the source (the gold set's convention 8, tests/gold/README.md).
SYMMETRIC_TYPES = frozenset({"CONSULT", "AGREE", "COOPERATE"})

# Error-analysis lists are for reading: keep the report short on a large gold set.
MAX_LISTED = 50
_SENTENCE_CHARS = 100
_CODE = re.compile(r"[A-Z]{3}")

# Why a false positive failed / a gold event was missed, best first in the sort order.
FP_EVENT_FREE = "no gold event in the sentence"
FP_OTHER_TYPE = "the sentence's gold events have other types"
FP_COUNTRIES = "gold type in the sentence, countries differ"
MISS_NOTHING = "nothing predicted in the sentence"
MISS_OTHER_TYPE = "only other types predicted in the sentence"
MISS_COUNTRIES = "type predicted in the sentence, countries differ"
MISS_TAKEN = "its match was paired with another gold event"
MISS_REJECTED = "article rejected"


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One coded event of a gold article.

    Attributes:
        anchor: the words around the trigger, as written in the article text.
        start: the anchor's offset in the gold text.
        plover: PLOVER type.
        source, target: codes as written ("" for none); `source_country` and
            `target_country` are the comparable forms (`codes.country`).
        mode, source_text, target_text, note: informational, not scored.
    """

    anchor: str
    start: int
    plover: str
    source: str
    target: str
    source_country: str | None
    target_country: str | None
    mode: str = ""
    source_text: str = ""
    target_text: str = ""
    note: str = ""

    @property
    def dyad(self) -> str:
        return f"{self.source_country or '-'}→{self.target_country or '-'}"


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One line of the gold file: an article and its coded events."""

    id: str
    text: str
    published: dt.date | None
    outlet: str
    events: tuple[GoldEvent, ...]
    line: int

    def record(self, origin: str) -> Record:
        return Record(
            origin=f"{origin}#{self.id}", text=self.text, published=self.published, id=self.id
        )


Key = tuple[int | None, str, str | None, str | None]  # (sentence, plover, source, target)


def read(path: Path, limit: int | None = None) -> list[GoldArticle]:
    """Read a news-events gold file.

    Args:
        path: the JSON-lines file.
        limit: read only the first `limit` articles.

    Raises:
        EvalError: the file cannot be read, or a line is malformed (not JSON,
            a required field missing or of the wrong type, an unknown PLOVER
            type or country code, an anchor not in the text or not unique, a
            repeated article id); the message names the line and article.
    """
    articles: list[GoldArticle] = []
    lines: dict[str, int] = {}
    for n, raw in json_lines(path, "news-events"):
        name = raw.get("id") if isinstance(raw, dict) else None
        where = f"{path}:{n}" + (f" ({name})" if isinstance(name, str) and name else "")
        try:
            article = _article(raw, n)
        except ValueError as exc:
            raise EvalError(f"{where}: {exc}") from exc
        if article.id in lines:
            raise EvalError(
                f"{where}: article id {article.id!r} already used on line {lines[article.id]}"
            )
        lines[article.id] = n
        articles.append(article)
        if limit is not None and len(articles) >= limit:
            break
    return articles


def _article(raw: Any, line: int) -> GoldArticle:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    ident = _required(raw, "id")
    text = _required(raw, "text")
    if not ident.strip() or not text.strip():
        raise ValueError("empty " + ("id" if not ident.strip() else "text"))
    if "events" not in raw:
        raise ValueError("missing field 'events'")
    events = raw["events"]
    if not isinstance(events, list):
        raise ValueError(f"'events' must be a list, got {type(events).__name__}")
    published = _optional(raw, "published")
    try:
        date = dt.date.fromisoformat(published) if published else None
    except ValueError:
        raise ValueError(f"'published' {published!r} is not an ISO date (YYYY-MM-DD)") from None
    gold = []
    for i, event in enumerate(events, 1):
        try:
            gold.append(_event(event, text))
        except ValueError as exc:
            raise ValueError(f"event {i}: {exc}") from None
    return GoldArticle(
        id=ident,
        text=text,
        published=date,
        outlet=_optional(raw, "outlet"),
        events=tuple(gold),
        line=line,
    )


def _event(raw: Any, text: str) -> GoldEvent:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    anchor = _required(raw, "anchor")
    kind = _required(raw, "type").strip().upper()
    if kind not in PLOVER_TYPES:
        hint = f" (PLOVER 0.8+ calls it {TYPE_ALIASES[kind]})" if kind in TYPE_ALIASES else ""
        raise ValueError(
            f"unknown PLOVER type {raw['type']!r}{hint}; one of {', '.join(sorted(PLOVER_TYPES))}"
        )
    if not anchor.strip():
        raise ValueError("empty anchor")
    start = text.find(anchor)
    if start < 0:
        raise ValueError(f"anchor {anchor!r} is not in the text")
    if text.find(anchor, start + 1) >= 0:
        raise ValueError(f"anchor {anchor!r} occurs more than once in the text; lengthen it")
    source = _code(raw, "source")
    target = _code(raw, "target")
    return GoldEvent(
        anchor=anchor,
        start=start,
        plover=kind,
        source=source,
        target=target,
        source_country=codes.country(source),
        target_country=codes.country(target),
        mode=_optional(raw, "mode"),
        source_text=_optional(raw, "source_text"),
        target_text=_optional(raw, "target_text"),
        note=_optional(raw, "note"),
    )


def _required(raw: Mapping[str, Any], name: str) -> str:
    if name not in raw:
        raise ValueError(f"missing field {name!r}")
    value = raw[name]
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
    return value


def _optional(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
    return value


def _code(raw: Mapping[str, Any], name: str) -> str:
    # null is read as "" (no actor); a missing field is an error all the same.
    value = "" if name in raw and raw[name] is None else _required(raw, name)
    code = value.strip().upper()
    if code and not _CODE.fullmatch(code):
        raise ValueError(f'{name} {value!r} is not an ISO3 country code, IGO, NGO or ""')
    return code


# --- scoring -------------------------------------------------------------------


def predicted_events(
    extraction: Extraction | Reject | None, *, hypothetical: bool = False
) -> list[Event]:
    """Events that take part in scoring: with a PLOVER type, not negated, and not
    hypothetical unless `hypothetical`."""
    if not isinstance(extraction, Extraction):
        return []
    return [
        e
        for e in extraction.events
        if e.plover and not e.negated and (hypothetical or not e.hypothetical)
    ]


def _country(ref: ActorRef | None) -> str | None:
    if ref is None:
        return None
    return codes.country(ref.country) or codes.country(ref.code)


def make_key(sentence: int | None, plover: str, source: str | None, target: str | None) -> Key:
    """The matching key; the two sides of a symmetric type in a fixed order."""
    if plover in SYMMETRIC_TYPES and (target or "") < (source or ""):
        source, target = target, source
    return (sentence, plover, source, target)


def predicted_key(event: Event) -> Key:
    """`(sentence, plover, source country, target country)` of a prediction."""
    return make_key(
        event.sentence, str(event.plover), _country(event.source), _country(event.target)
    )


def sentence_of(sentences: Sequence[Span], offset: int) -> int | None:
    """Index of the sentence holding `offset`, else of the last one starting before
    it; None when there is none."""
    before = None
    for i, span in enumerate(sentences):
        if span.start <= offset < span.end:
            return i
        if span.start <= offset:
            before = i
    return before


def locate(article: GoldArticle, extraction: Extraction) -> list[tuple[int | None, bool]]:
    """`(sentence index, realigned)` of each gold event in `extraction` (module docstring).

    `realigned` is True when the anchor was not found exactly once in the clean
    text and its gold-text offset was moved onto the clean text instead.
    """
    clean = extraction.article.text
    offsets: OffsetMap | None = None
    found = []
    for event in article.events:
        lead = len(event.anchor) - len(event.anchor.lstrip())
        start = clean.find(event.anchor)
        realigned = start < 0 or clean.find(event.anchor, start + 1) >= 0
        if realigned:
            if offsets is None:
                offsets = OffsetMap.between(clean, article.text)
            start = offsets.to_original(event.start + lead)
        else:
            start += lead
        found.append((sentence_of(extraction.sentences, start), realigned))
    return found


def pair(gold: Sequence[Key], predicted: Sequence[Key]) -> dict[int, int]:
    """One-to-one matches `{gold index: predicted index}`: each gold key, in order,
    takes the first untaken equal predicted key."""
    taken: set[int] = set()
    matched: dict[int, int] = {}
    for g, want in enumerate(gold):
        if want[0] is None:
            continue  # not placed in any sentence: cannot match
        for p, got in enumerate(predicted):
            if p not in taken and got == want:
                matched[g] = p
                taken.add(p)
                break
    return matched


def _dyad(key: Key) -> str:
    return f"{key[2] or '-'}→{key[3] or '-'}"


def _shorten(text: str, limit: int = _SENTENCE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _sentence_text(extraction: Extraction, index: int | None) -> str:
    if index is None or not 0 <= index < len(extraction.sentences):
        return ""
    return _shorten(extraction.sentences[index].text(extraction.article.text))


def score(
    articles: Sequence[GoldArticle],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against gold articles (pure: no pipeline is run)."""
    events_total = PRF()
    loose_total = PRF()  # hypothetical events counted too
    types_total = PRF()
    per_type: dict[str, Counter[str]] = defaultdict(Counter)
    per_article: list[tuple[str, int, int, int, int]] = []
    false_positives: list[tuple[int, int, tuple[str, ...]]] = []
    misses: list[tuple[int, int, dict[str, Any]]] = []
    rejected = no_plover = negated = hypothetical = realigned = event_free = 0

    for order, article in enumerate(articles):
        result = results.get(article.id)
        extraction = result if isinstance(result, Extraction) else None
        if extraction is None:
            rejected += 1
            places: list[tuple[int | None, bool]] = [(None, False)] * len(article.events)
        else:
            places = locate(article, extraction)
            realigned += sum(moved for _, moved in places)
            no_plover += sum(1 for e in extraction.events if not e.plover)
            negated += sum(1 for e in extraction.events if e.plover and e.negated)
            hypothetical += sum(
                1 for e in extraction.events if e.plover and not e.negated and e.hypothetical
            )
        gold_keys: list[Key] = [
            make_key(sentence, e.plover, e.source_country, e.target_country)
            for e, (sentence, _) in zip(article.events, places, strict=True)
        ]
        events = predicted_events(result)
        pred_keys = [predicted_key(e) for e in events]
        matched = pair(gold_keys, pred_keys)
        matched_pred = set(matched.values())
        events_total += PRF(len(matched), len(pred_keys), len(matched), len(gold_keys))
        loose = [predicted_key(e) for e in predicted_events(result, hypothetical=True)]
        loose_hits = len(pair(gold_keys, loose))
        loose_total += PRF(loose_hits, len(loose), loose_hits, len(gold_keys))

        gold_types: dict[int | None, set[str]] = defaultdict(set)
        for key in gold_keys:
            if key[0] is not None:
                gold_types[key[0]].add(key[1])
        pred_types: dict[int | None, set[str]] = defaultdict(set)
        for key in pred_keys:
            pred_types[key[0]].add(key[1])
        types_total += PRF(
            sum(1 for k in pred_keys if k[1] in gold_types.get(k[0], ())),
            len(pred_keys),
            sum(1 for k in gold_keys if k[1] in pred_types.get(k[0], ())),
            len(gold_keys),
        )

        free = 0
        for p, (key, event) in enumerate(zip(pred_keys, events, strict=True)):
            per_type[key[1]]["predicted"] += 1
            if p in matched_pred:
                per_type[key[1]]["matched"] += 1
                continue
            if key[0] not in gold_types:
                free += 1
                severity, why = 0, FP_EVENT_FREE
            elif key[1] not in gold_types[key[0]]:
                severity, why = 1, FP_OTHER_TYPE
            else:
                severity, why = 2, FP_COUNTRIES
            assert extraction is not None  # predictions come from an extraction
            false_positives.append(
                (
                    severity,
                    order,
                    (
                        article.id,
                        _sentence_text(extraction, key[0]),
                        _shorten(event.trigger.text(extraction.article.text), 40),
                        key[1],
                        _dyad(key),
                        event.rule or event.cameo,
                        why,
                    ),
                )
            )
        event_free += free

        for g, (key, wanted) in enumerate(zip(gold_keys, article.events, strict=True)):
            per_type[key[1]]["gold"] += 1
            if g in matched:
                continue
            near = [k for k in pred_keys if k[0] == key[0]] if key[0] is not None else []
            if extraction is None:
                severity, why = 0, MISS_REJECTED
            elif not near:
                severity, why = 0, MISS_NOTHING
            elif all(k[1] != key[1] for k in near):
                severity, why = 1, MISS_OTHER_TYPE
            elif any(k == key for k in near):
                severity, why = 3, MISS_TAKEN
            else:
                severity, why = 2, MISS_COUNTRIES
            misses.append(
                (
                    severity,
                    order,
                    {
                        "id": article.id,
                        "anchor": wanted.anchor,
                        "gold": f"{wanted.plover} {wanted.dyad}",
                        "predicted": "; ".join(f"{k[1]} {_dyad(k)}" for k in near) or "NONE",
                        "why": why,
                        **({"rejected": result.reason} if isinstance(result, Reject) else {}),
                    },
                )
            )
        per_article.append((article.id, len(gold_keys), len(pred_keys), len(matched), free))

    figures = {
        **events_total.figures("event"),
        **loose_total.figures("event_with_hypothetical"),
        **types_total.figures("type"),
    }
    type_rows = []
    for kind in sorted(per_type):
        row = per_type[kind]
        prf = PRF(row["matched"], row["predicted"], row["matched"], row["gold"])
        type_rows.append(
            (kind, row["gold"], row["predicted"], row["matched"], prf.precision, prf.recall, prf.f1)
        )
    false_positives.sort(key=lambda f: (f[0], f[1]))
    misses.sort(key=lambda m: (m[0], m[1]))
    notes = [
        f"{ratio(events_total.predicted, len(articles)):.2f} predictions per article "
        f"({events_total.predicted} / {len(articles)}); {event_free} of them "
        f"({ratio(event_free, events_total.predicted):.0%}) in event-free sentences"
    ]
    if realigned:
        notes.append(
            f"{realigned} anchors not found in the cleaned text; placed by their "
            "gold-text offsets, realigned onto the cleaned text"
        )
    if len(false_positives) > MAX_LISTED or len(misses) > MAX_LISTED:
        notes.append(
            f"error lists cut to {MAX_LISTED}: {len(false_positives)} false positives, "
            f"{len(misses)} missed gold events in all"
        )
    fp_rows = tuple(f[2] for f in false_positives[:MAX_LISTED])
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "articles": len(articles),
            "gold_events": events_total.gold,
            "predicted_events": events_total.predicted,
            "matched_events": events_total.matched_gold,
            "events_in_event_free_sentences": event_free,
            "hypothetical_events_skipped": hypothetical,
            "negated_events_skipped": negated,
            "events_without_plover": no_plover,
            "anchors_not_found_in_cleaned_text": realigned,
            "rejected": rejected,
        },
        breakdowns=(
            Table(
                "per PLOVER type (matched one to one)",
                ("type", "gold", "predicted", "matched", "precision", "recall", "f1"),
                tuple(type_rows),
            ),
            Table(
                "per article",
                ("article", "gold", "predicted", "matched", "event_free"),
                tuple(per_article),
            ),
            Table(
                f"false positives ({len(fp_rows)} of {len(false_positives)})",
                ("article", "sentence", "trigger", "type", "source→target", "rule", "why"),
                fp_rows,
            ),
        ),
        misses=tuple(m[2] for m in misses[:MAX_LISTED]),
        notes=tuple(notes),
    )


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file, run the pipeline on every article, score.

    Args:
        gold: the gold JSON-lines file.
        settings: pipeline settings.
        limit: score only the first `limit` articles.
        system: the pipeline under test; dragoman's own by default.
    """
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
