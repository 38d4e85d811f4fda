"""`dated-sentences`: dragoman's own gold set of event dates (JSON lines).

One item per line: `{"id", "published", "text", "anchor", "date", "precision", "kind"}`.
`anchor` is an exact substring of `text`, occurring exactly once, that contains the
trigger of the event whose date is scored; `precision` is `day`, `month`, `year` or
`publication`; `date` is written to its precision (`"2019-03-10"`, `"2019-03"`,
`"2019"`) and is null for `publication` (the text names no time for the event; the
publication date stands in). `published` is an ISO date; `kind` names the class of
expression for the breakdown and is not scored. Blank lines are skipped; a malformed
line is an error that names its line and item. The conventions are in
`tests/gold/DATED-SENTENCES.md`.

Matching rules:

* The event scored is the first of the extraction's events (negated and hypothetical
  ones included: a date is a date whatever the event's flags) whose trigger overlaps
  the anchor's span in the clean text. An item with no such event is counted as
  `no_event` and not scored for its date.
* The date is right when the event's `date_precision` equals the gold precision and
  its date, cut to that precision, equals the gold date; for `publication`, when the
  event's precision is `publication` and its date is the publication date.
* `date_accuracy` = right / items with an event at the anchor; `anchor_coverage` =
  items with an event at the anchor / items; `date_accuracy_all` = right / items
  (an item with no event counting as wrong). A rejected item has no event.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.dates import PRECISIONS
from dragoman.errors import EvalError
from dragoman.evaluate.metrics import ratio
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import Extractor, code_and_score, json_lines
from dragoman.models import Event, Extraction, Record, Reject, Span
from dragoman.settings import Settings

FORMAT = "dated-sentences"
MAX_LISTED = 50
# The length of a gold date written to each precision ("2019-03-10", "2019-03", "2019").
_SHAPE = {"day": 10, "month": 7, "year": 4}


@dataclass(frozen=True, slots=True)
class GoldDate:
    """One line of the gold file: a text, the event at `anchor`, and when it happened.

    Attributes:
        date: the gold date as written ("2019-03", …), None for `publication`.
        start: the anchor's offset in `text`.
    """

    id: str
    published: dt.date
    text: str
    anchor: str
    start: int
    date: str | None
    precision: str
    kind: str
    line: int

    def record(self, origin: str) -> Record:
        return Record(
            origin=f"{origin}#{self.id}", text=self.text, published=self.published, id=self.id
        )


def read(path: Path, limit: int | None = None) -> list[GoldDate]:
    """Read a dated-sentences gold file.

    Raises:
        EvalError: the file cannot be read, or a line is malformed (not JSON, a field
            missing or of the wrong type, a bad date or precision, a date not written
            to its precision, an anchor not in the text or not unique, a repeated id).
    """
    items: list[GoldDate] = []
    lines: dict[str, int] = {}
    for n, raw in json_lines(path, "dated-sentences"):
        name = raw.get("id") if isinstance(raw, dict) else None
        where = f"{path}:{n}" + (f" ({name})" if isinstance(name, str) and name else "")
        try:
            item = _item(raw, n)
        except ValueError as exc:
            raise EvalError(f"{where}: {exc}") from exc
        if item.id in lines:
            raise EvalError(f"{where}: id {item.id!r} already used on line {lines[item.id]}")
        lines[item.id] = n
        items.append(item)
        if limit is not None and len(items) >= limit:
            break
    return items


def _item(raw: Any, line: int) -> GoldDate:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    fields = {}
    for name in ("id", "published", "text", "anchor", "precision"):
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{name!r} must be a non-empty string")
        fields[name] = value
    try:
        published = dt.date.fromisoformat(fields["published"])
    except ValueError:
        raise ValueError(f"'published' {fields['published']!r} is not an ISO date") from None
    precision = fields["precision"]
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")
    date = raw.get("date")
    if precision == "publication":
        if date is not None:
            raise ValueError("a 'publication' item has no date (null)")
    else:
        if not isinstance(date, str) or len(date) != _SHAPE[precision]:
            raise ValueError(f"date {date!r} is not written to its precision ({precision})")
        try:
            _first_day(date)
        except ValueError:
            raise ValueError(f"date {date!r} is not a date") from None
    text, anchor = fields["text"], fields["anchor"]
    start = text.find(anchor)
    if start < 0:
        raise ValueError(f"anchor {anchor!r} is not in the text")
    if text.find(anchor, start + 1) >= 0:
        raise ValueError(f"anchor {anchor!r} occurs more than once in the text; lengthen it")
    kind = raw.get("kind") or ""
    if not isinstance(kind, str):
        raise ValueError("'kind' must be a string")
    return GoldDate(
        id=fields["id"],
        published=published,
        text=text,
        anchor=anchor,
        start=start,
        date=date,
        precision=precision,
        kind=kind,
        line=line,
    )


def _first_day(date: str) -> dt.date:
    """The first day a gold date names ("2019-03" → 2019-03-01)."""
    return dt.date.fromisoformat((date + "-01-01")[:10] if len(date) < 10 else date)


def event_at(item: GoldDate, extraction: Extraction) -> Event | None:
    """The first event whose trigger overlaps the anchor in the clean text."""
    start = extraction.article.text.find(item.anchor)
    if start < 0:
        return None
    span = Span(start, start + len(item.anchor))
    return next((e for e in extraction.events if e.trigger.overlaps(span)), None)


def predicted(event: Event, published: dt.date) -> str:
    """An event's date as the gold writes one ("2019-03", "publication")."""
    if event.date_precision == "publication":
        return "publication" if event.date == published else f"publication {event.date}"
    if event.date is None or event.date_precision not in _SHAPE:
        return f"{event.date_precision} {event.date}"
    return event.date.isoformat()[: _SHAPE[event.date_precision]]


def expected(item: GoldDate) -> str:
    return "publication" if item.precision == "publication" else str(item.date)


def score(
    items: Sequence[GoldDate],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against the gold dates (pure: no pipeline is run)."""
    right = found = rejected = 0
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    per_precision: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str]] = Counter()
    misses: list[dict[str, Any]] = []
    for item in items:
        result = results.get(item.id)
        event = event_at(item, result) if isinstance(result, Extraction) else None
        rejected += isinstance(result, Reject)
        for counter in (per_kind[item.kind], per_precision[item.precision]):
            counter["items"] += 1
        if event is None:
            misses.append({"id": item.id, "anchor": item.anchor, "why": "no event at the anchor"})
            continue
        found += 1
        got = predicted(event, item.published)
        want = expected(item)
        confusion[(item.precision, event.date_precision or "none")] += 1
        for counter in (per_kind[item.kind], per_precision[item.precision]):
            counter["found"] += 1
        if got == want:
            right += 1
            for counter in (per_kind[item.kind], per_precision[item.precision]):
                counter["right"] += 1
        else:
            misses.append(
                {
                    "id": item.id,
                    "kind": item.kind,
                    "published": item.published.isoformat(),
                    "gold": want,
                    "predicted": got,
                    "date_text": event.date_text,
                    "text": item.text,
                }
            )

    def rows(table: Mapping[str, Counter[str]]) -> tuple[tuple[Any, ...], ...]:
        return tuple(
            (name, c["items"], c["found"], c["right"], ratio(c["right"], c["found"]))
            for name, c in sorted(table.items())
        )

    levels = [p for p in PRECISIONS if any(p in key for key in confusion)]
    notes = []
    if len(misses) > MAX_LISTED:
        notes.append(f"misses cut to {MAX_LISTED} of {len(misses)}")
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures={
            "date_accuracy": ratio(right, found),
            "date_accuracy_all": ratio(right, len(items)),
            "anchor_coverage": ratio(found, len(items)),
        },
        counts={
            "items": len(items),
            "events_at_anchor": found,
            "dates_right": right,
            "no_event": len(items) - found,
            "rejected": rejected,
        },
        breakdowns=(
            Table(
                "per gold precision",
                ("precision", "items", "found", "right", "accuracy"),
                rows(per_precision),
            ),
            Table("per kind", ("kind", "items", "found", "right", "accuracy"), rows(per_kind)),
        ),
        confusion=Table(
            "confusion: gold precision × predicted precision",
            ("gold", *levels),
            tuple((g, *(confusion[(g, p)] for p in levels)) for g in levels),
        ),
        misses=tuple(misses[:MAX_LISTED]),
        notes=tuple(notes),
    )


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file, run the pipeline on every item, score."""
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
