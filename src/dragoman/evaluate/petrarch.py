"""`petrarch-validation`: PETRARCH / UniversalPetrarch validation XML.

The shape::

    <Sentences>
      <Sentence date="20150101" id="..." category="..." sentence="true">
        <EventCoding sourcecode="USAGOV" targetcode="RUS" eventcode="042"/>
        <Text>…</Text>
        <Parse>…</Parse>                   (ignored)
      </Sentence>
    </Sentences>

possibly inside a `<Validation>` root with an `<Environment>`. A sentence with
no `EventCoding`, or with `noevents="true"` (on an `EventCoding`, as PETRARCH
writes it, or on the `Sentence`), expects no event. Every sentence is scored,
whatever its `sentence=`/`evaluate=` flag: the flag says whether PETRARCH was
expected to pass it, not whether the coding is right.

Scoring is set-based per sentence, micro-averaged, at four strictnesses:
`root` (two-digit CAMEO root), `code` (full code), and each `_dyad` variant
where source and target must also agree on their country: the first three
letters of the codes, through `codes.country` (so `---GOV` is no country,
`JAP` is `JPN`, `IGOUNO` is `IGO`). Predicted events are the non-negated ones.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
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
from dragoman.models import Event, Extraction, Record, Reject
from dragoman.settings import Settings

log = logging.getLogger(__name__)

FORMAT = "petrarch-validation"
NONE = "NONE"


@dataclass(frozen=True, slots=True, order=True)
class Coding:
    """One `EventCoding`: CAMEO event code and the source/target actor codes."""

    event: str
    source: str
    target: str

    @property
    def root(self) -> str:
        return self.event[:2]


@dataclass(frozen=True, slots=True)
class GoldSentence:
    """One validation sentence and the events it should yield."""

    id: str
    text: str
    date: dt.date | None
    codings: frozenset[Coding]
    category: str = ""

    def record(self, origin: str) -> Record:
        return Record(origin=f"{origin}#{self.id}", text=self.text, published=self.date, id=self.id)


def read(path: Path, limit: int | None = None) -> tuple[list[GoldSentence], list[str]]:
    """Read a validation file.

    Returns:
        The sentences, and notes about the file (e.g. that it was not
        well-formed XML and was read in recovery mode).

    Raises:
        EvalError: the file is missing, unreadable, or has no `Sentence` element.
    """
    notes: list[str] = []
    try:
        elements = list(ET.parse(path).getroot().iter("Sentence"))
    except OSError as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from exc
    except ET.ParseError as exc:
        elements, broken = _recover(path)
        notes.append(
            f"not well-formed XML ({exc}); read sentence by sentence: {len(elements)} read, "
            f"{len(broken)} lost" + (f" ({'; '.join(broken)})" if broken else "")
        )
    if not elements:
        raise EvalError(f"{path}: no <Sentence> elements (is this a PETRARCH validation file?)")
    sentences = []
    for n, element in enumerate(elements):
        sentence = _sentence(element, n, path)
        if sentence is None:
            notes.append(f"sentence {n} ({element.get('id', '?')}) has no text; skipped")
            continue
        sentences.append(sentence)
        if limit is not None and len(sentences) >= limit:
            break
    if not sentences:
        raise EvalError(f"{path}: no items read from {path.name} (no sentence has text)")
    ids = unique_ids(s.id for s in sentences)
    sentences = [s if s.id == i else replace(s, id=i) for s, i in zip(sentences, ids, strict=True)]
    return sentences, notes


def _mend(chunk: str) -> ET.Element | None:
    """One `<Sentence>` whose only fault is a bare "&" in its text ("Arnor & Gondor"),
    read with the ampersands escaped; None when it is broken otherwise."""
    try:
        return ET.fromstring(_BARE_AMPERSAND.sub("&amp;", chunk))
    except ET.ParseError:
        return None


_BARE_AMPERSAND = re.compile(r"&(?!#?\w+;)")
_SENTENCE = re.compile(r"<Sentence\b.*?</Sentence\s*>", re.S)


def _recover(path: Path) -> tuple[list[ET.Element], list[str]]:
    """A file that is not well-formed XML, read one `<Sentence>` at a time: the
    sentences that parse, and where each one that does not is (its number and the
    error), so that one broken sentence costs only itself."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise EvalError(f"{path}: cannot read: {exc}") from exc
    elements: list[ET.Element] = []
    broken: list[str] = []
    for n, match in enumerate(_SENTENCE.finditer(text)):
        try:
            elements.append(ET.fromstring(match.group()))
            continue
        except ET.ParseError as exc:
            error = exc
        # A stray "&" in a sentence's text (the usual fault of real validation files).
        mended = _mend(match.group())
        if mended is not None:
            elements.append(mended)
        else:
            line = text.count("\n", 0, match.start()) + 1
            broken.append(f"sentence {n} at line {line}: {error}")
    for item in broken:
        log.warning("%s: %s", path, item)
    return elements, broken


def _is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "1", "yes"}


def _sentence(element: ET.Element, n: int, path: Path) -> GoldSentence | None:
    text_el = element.find("Text")
    text = " ".join((text_el.text or "").split()) if text_el is not None else ""
    if not text:
        return None
    raw_date = (element.get("date") or "").strip()
    try:
        date = dt.datetime.strptime(raw_date, "%Y%m%d").date() if raw_date else None
    except ValueError as exc:
        raise EvalError(f"{path}: sentence {n}: bad date {raw_date!r}") from exc
    codings = set()
    noevents = _is_true(element.get("noevents"))
    for coding in element.iter("EventCoding"):
        if _is_true(coding.get("noevents")):
            noevents = True
            continue
        event = (coding.get("eventcode") or "").strip()
        if not event:
            raise EvalError(f"{path}: sentence {n}: EventCoding without eventcode")
        codings.add(
            Coding(
                event,
                (coding.get("sourcecode") or "").strip(),
                (coding.get("targetcode") or "").strip(),
            )
        )
    if noevents and codings:
        raise EvalError(f'{path}: sentence {n}: noevents="true" and codings together')
    return GoldSentence(
        id=element.get("id") or f"sentence-{n}",
        text=text,
        date=date,
        codings=frozenset(codings),
        category=element.get("category") or "",
    )


# --- scoring -------------------------------------------------------------------


def predicted_events(result: Extraction | Reject | None) -> list[Event]:
    """Events that take part: coded and not negated."""
    if not isinstance(result, Extraction):
        return []
    return [e for e in result.events if e.cameo and not e.negated]


def _ref(ref: Any) -> str | None:
    if ref is None:
        return None
    return codes.country(ref.code) or codes.country(ref.country)


def _keys(codings: Sequence[tuple[str, str | None, str | None]]) -> dict[str, set[Any]]:
    """The four comparison sets of `(code, source country, target country)` triples."""
    return {
        "root": {c[:2] for c, _, _ in codings},
        "code": {c for c, _, _ in codings},
        "root_dyad": {(c[:2], s, t) for c, s, t in codings},
        "code_dyad": set(codings),
    }


def score(
    sentences: Sequence[GoldSentence],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
    notes: Sequence[str] = (),
) -> Report:
    """Score extractions against validation sentences (pure: no pipeline is run)."""
    totals = {k: PRF() for k in ("root", "code", "root_dyad", "code_dyad")}
    exact = noevents_right = noevents_total = rejected = 0
    per_root: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: list[tuple[str, str]] = []
    misses: list[tuple[int, dict[str, Any]]] = []
    for sentence in sentences:
        result = results.get(sentence.id)
        rejected += not isinstance(result, Extraction)
        events = predicted_events(result)
        predicted = [(e.cameo, _ref(e.source), _ref(e.target)) for e in events]
        wanted = [
            (c.event, codes.country(c.source), codes.country(c.target)) for c in sentence.codings
        ]
        got_keys, want_keys = _keys(predicted), _keys(wanted)
        for k in totals:
            totals[k] += set_prf(got_keys[k], want_keys[k])
        exact += got_keys["code_dyad"] == want_keys["code_dyad"]
        if not sentence.codings:
            noevents_total += 1
            noevents_right += not events

        top = max(events, key=lambda e: e.confidence).root if events else NONE
        for root in want_keys["root"]:
            confusion.append((root, root if root in got_keys["root"] else top))
        if not want_keys["root"]:
            confusion.append((NONE, top))
        for root, _s, _t in want_keys["root_dyad"]:
            per_root[root]["gold"] += 1
            per_root[root]["gold_matched"] += (root, _s, _t) in got_keys["root_dyad"]
        for key in got_keys["root_dyad"]:
            per_root[key[0]]["predicted"] += 1
            per_root[key[0]]["predicted_matched"] += key in want_keys["root_dyad"]

        missed = want_keys["code_dyad"] - got_keys["code_dyad"]
        spurious = got_keys["code_dyad"] - want_keys["code_dyad"]
        if missed or spurious:
            misses.append(
                (
                    -len(missed),
                    {
                        "id": sentence.id,
                        "gold": _show(want_keys["code_dyad"]) or NONE,
                        "predicted": _show(got_keys["code_dyad"]) or NONE,
                        "missed": _show(missed),
                        "spurious": _show(spurious),
                        "text": sentence.text,
                        **({"rejected": result.reason} if isinstance(result, Reject) else {}),
                    },
                )
            )

    figures: dict[str, float] = {}
    for k in ("root", "code", "root_dyad", "code_dyad"):
        figures.update(totals[k].figures(k))
    figures["sentence_exact"] = ratio(exact, len(sentences))
    if noevents_total:
        figures["noevents_accuracy"] = ratio(noevents_right, noevents_total)
    rows = []
    for root in sorted(per_root):
        c = per_root[root]
        prf = PRF(c["predicted_matched"], c["predicted"], c["gold_matched"], c["gold"])
        rows.append((root, c["gold"], c["predicted"], prf.precision, prf.recall, prf.f1))
    columns, conf_rows = confusion_rows(confusion)
    misses.sort(key=lambda m: (m[0], m[1]["id"]))
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "sentences": len(sentences),
            "gold_codings": totals["code_dyad"].gold,
            "predicted_codings": totals["code_dyad"].predicted,
            "noevents_sentences": noevents_total,
            "rejected": rejected,
        },
        breakdowns=(
            Table(
                "per CAMEO root (with actors)",
                ("root", "gold", "predicted", "precision", "recall", "f1"),
                tuple(rows),
            ),
        ),
        confusion=Table(
            "confusion: gold root × predicted root (same root if found, else the top event's)",
            columns,
            conf_rows,
        ),
        misses=tuple(m for _, m in misses),
        notes=tuple(notes),
    )


def _show(triples: set[Any]) -> str:
    return "; ".join(
        f"{c} {s or '-'}→{t or '-'}"
        for c, s, t in sorted(triples, key=lambda x: tuple(v or "" for v in x))
    )


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the validation file, run the pipeline on every sentence, score.

    Args:
        gold: the validation XML file.
        settings: pipeline settings.
        limit: score only the first `limit` sentences.
        system: the pipeline under test; dragoman's own by default.
    """
    sentences, notes = read(gold, limit)
    return code_and_score(sentences, score, gold, settings, limit, system, notes=notes)
