"""`brat-attribution`: attribution annotations in brat standoff (PolNeAR).

A gold directory holds `text/NAME.txt` and `attributions/NAME_ANNOTATOR.ann`.
An `.ann` file has text-bound lines `T3\\tContent 115 290;300 310\\ttext…`
(`;` separates the fragments of a discontinuous span; the excerpt may run on
over following lines when the span covers a newline) and event lines
`E1\\tAttribution:T4 Content:T3 Cue:T2 Source:T1` (also `Attribution-no-source`,
a second `Content2:`, and a few with parts missing). `#` notes and labels that
no event uses (`Discard`, `Discuss`) are ignored. Offsets are character offsets
into the text file read as UTF-8 with newlines kept as they are (checked
against each annotation's excerpt: PolNeAR agrees on all but the excerpts that
span a newline, which brat writes over several lines).

A text annotated by several annotators (PolNeAR dev has two, six times each)
is scored once, against the annotator whose file sorts first.

Matching rules:

* PolNeAR's unit is an attribution act: one source mention and one cue with all
  the content they introduce, pieces included (`"A," she said. "B."`). Quotes
  dragoman reports separately are scored as one prediction when they carry on
  one act: consecutive, in one paragraph, naming the same speaker mention, and
  the later ones with the same cue or none of their own (`_same_attribution`).
* A predicted quote matches a gold attribution when the words (`\\w+` runs)
  of their content spans have a Dice overlap (token F1) of at least 0.5;
  pairs are made one to one, best overlap first. The `overlap` figures use
  any shared word instead.
* Gold attributions are split by cue into `speech` (said, told, according
  to, wrote, a colon or dash introducing a quote…: `SPEECH_WORDS`) and
  `other` (beliefs, feelings, evidence: thinks, wants, mocked, shows…).
  Speech recall is over speech attributions; speech precision leaves out the
  predictions that matched an `other` attribution (they are neither right nor
  wrong for speech). The `all` figures count every attribution.
* Speaker accuracy, over matched pairs whose gold has a Source: the predicted
  speaker span overlaps the gold Source, or the predicted speaker's actor has
  a mention that does. A quote without a speaker is wrong.

When the pipeline's clean text differs from the file (cleaning turns no-break
spaces into spaces, collapses runs, splits paragraphs, drops furniture lines),
predicted spans are moved back onto the file text by `OffsetMap`, which
aligns the two texts on their visible characters.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate.metrics import (
    PRF,
    OffsetMap,
    dice,
    match_greedy,
    overlaps_any,
    ratio,
    word_starts,
)
from dragoman.evaluate.report import Report, Table, sha256_of
from dragoman.evaluate.runner import Extractor, default_pipeline, extract_all
from dragoman.models import Extraction, Quote, Record, Reject, Span
from dragoman.settings import Settings

log = logging.getLogger(__name__)

FORMAT = "brat-attribution"
THRESHOLD = 0.5
# Any shared word: the smallest positive Dice score.
OVERLAP = 1e-9

# Cue words that report speech or writing. Everything else PolNeAR annotates
# (beliefs, wants, feelings, evidence, evaluations such as "praised") is `other`.
SPEECH_WORDS = frozenset(
    {
        "say",
        "says",
        "said",
        "saying",
        "tell",
        "tells",
        "told",
        "telling",
        "add",
        "adds",
        "added",
        "adding",
        "state",
        "states",
        "stated",
        "stating",
        "statement",
        "announce",
        "announces",
        "announced",
        "announcing",
        "claim",
        "claims",
        "claimed",
        "claiming",
        "write",
        "writes",
        "wrote",
        "written",
        "writing",
        "ask",
        "asks",
        "asked",
        "asking",
        "explain",
        "explains",
        "explained",
        "explaining",
        "note",
        "notes",
        "noted",
        "noting",
        "argue",
        "argues",
        "argued",
        "arguing",
        "insist",
        "insists",
        "insisted",
        "insisting",
        "warn",
        "warns",
        "warned",
        "warning",
        "declare",
        "declares",
        "declared",
        "declaring",
        "report",
        "reports",
        "reported",
        "reporting",
        "reportedly",
        "reply",
        "replies",
        "replied",
        "replying",
        "respond",
        "responds",
        "responded",
        "responding",
        "tweet",
        "tweets",
        "tweeted",
        "tweeting",
        "comment",
        "comments",
        "commented",
        "commenting",
        "testify",
        "testifies",
        "testified",
        "testifying",
        "acknowledge",
        "acknowledges",
        "acknowledged",
        "acknowledging",
        "admit",
        "admits",
        "admitted",
        "admitting",
        "confirm",
        "confirms",
        "confirmed",
        "confirming",
        "deny",
        "denies",
        "denied",
        "denying",
        "recall",
        "recalls",
        "recalled",
        "recalling",
        "remark",
        "remarks",
        "remarked",
        "quote",
        "quotes",
        "quoted",
        "quoting",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "predict",
        "predicts",
        "predicted",
        "predicting",
        "vow",
        "vows",
        "vowed",
        "vowing",
        "promise",
        "promises",
        "promised",
        "promising",
        "pledge",
        "pledges",
        "pledged",
        "assert",
        "asserts",
        "asserted",
        "asserting",
        "stress",
        "stresses",
        "stressed",
        "stressing",
        "emphasize",
        "emphasizes",
        "emphasized",
        "emphasizing",
        "reiterate",
        "reiterates",
        "reiterated",
        "recount",
        "recounts",
        "recounted",
        "concede",
        "concedes",
        "conceded",
        "conceding",
        "answer",
        "answers",
        "answered",
        "answering",
        "contend",
        "contends",
        "contended",
        "allege",
        "alleges",
        "alleged",
        "mention",
        "mentions",
        "mentioned",
        "mentioning",
        "complain",
        "complains",
        "complained",
        "complaining",
        "boast",
        "boasts",
        "boasted",
        "joke",
        "jokes",
        "joked",
        "caution",
        "cautions",
        "cautioned",
        "post",
        "posts",
        "posted",
        "email",
        "emailed",
        "emails",
        "interview",
        "speech",
        "continue",
        "continues",
        "continued",
        "continuing",
    }
)
SPEECH_PHRASES = ("according to", "put it")
# A colon or dash that introduces a quotation ("Trump: 'We will win'").
SPEECH_PUNCT = frozenset({":", "-", "–", "—", "―"})

_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_EVENT = re.compile(r"^(E\d+)\t(\S.*)$")


def cue_kind(cue: str) -> str:
    """`speech` or `other`, from the cue's words."""
    low = " ".join(cue.lower().split())
    if low in SPEECH_PUNCT:
        return "speech"
    if any(p in low for p in SPEECH_PHRASES):
        return "speech"
    return "speech" if any(w in SPEECH_WORDS for w in re.findall(r"[a-z]+", low)) else "other"


@dataclass(frozen=True, slots=True)
class Attribution:
    """One gold attribution: who (source) says/believes what (content), by which cue."""

    id: str
    content: tuple[Span, ...]
    cue: tuple[Span, ...]
    source: tuple[Span, ...]
    kind: str  # "speech" or "other"

    def text(self, doc: str, part: str) -> str:
        return " … ".join(s.text(doc) for s in getattr(self, part))


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One text with its attributions."""

    id: str
    path: Path
    text: str
    date: dt.date | None
    annotator: str
    attributions: tuple[Attribution, ...]

    def record(self) -> Record:
        return Record(origin=str(self.path), text=self.text, published=self.date, id=self.id)


@dataclass(frozen=True, slots=True)
class GoldSet:
    """The documents of a gold directory, with what the reader noticed on the way."""

    documents: tuple[GoldDocument, ...]
    notes: tuple[str, ...]
    counts: Mapping[str, int]


def read_ann(text: str, ann: str, origin: str = "<ann>") -> tuple[list[Attribution], Counter[str]]:
    """Parse one `.ann` file against its text.

    Returns:
        The attributions that have content, and counts of what was skipped or
        odd (`no_content`, `excerpt_mismatch`, `unknown_lines`…).

    Raises:
        EvalError: an offset lies outside the text, or an event names an
            annotation that does not exist.
    """
    spans: dict[str, tuple[str, tuple[Span, ...]]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    odd: Counter[str] = Counter()
    for number, line in enumerate(ann.splitlines(), 1):
        if m := _TEXT_BOUND.match(line):
            ident, label, ranges, excerpt = m.groups()
            fragments = tuple(
                Span(int(a), int(b)) for a, b in (r.split() for r in ranges.split(";"))
            )
            for f in fragments:
                if not 0 <= f.start <= f.end <= len(text):
                    raise EvalError(
                        f"{origin}:{number}: span {f.start}-{f.end} outside "
                        f"the text ({len(text)} characters)"
                    )
            # brat writes fragment texts joined by a space; an excerpt covering a
            # newline continues on the next line, so compare the first line only.
            expected = " ".join(f.text(text) for f in fragments).split("\n", 1)[0]
            if excerpt != expected:
                odd["excerpt_mismatch"] += 1
            spans[ident] = (label, fragments)
        elif m := _EVENT.match(line):
            ident, body = m.groups()
            args = [tuple(a.split(":", 1)) for a in body.split()]
            if any(len(a) != 2 for a in args):
                raise EvalError(f"{origin}:{number}: malformed event line {line!r}")
            events.append((ident, args))  # type: ignore[arg-type]
        elif line.startswith("#") or not line.strip() or re.match(r"^[RAMN]\d+\t", line):
            continue
        else:
            # The run-on of an excerpt that covers a newline (see above).
            odd["continuation_lines"] += 1
    attributions = []
    for ident, args in events:
        parts: dict[str, list[Span]] = defaultdict(list)
        for role, ref in args[1:]:
            if ref not in spans:
                raise EvalError(f"{origin}: event {ident} refers to missing {ref}")
            parts[re.sub(r"\d+$", "", role)].extend(spans[ref][1])
        if not parts["Content"]:
            odd["no_content"] += 1
            continue
        if not parts["Cue"]:
            odd["no_cue"] += 1
        cue = tuple(sorted(parts["Cue"]))
        cue_text = " ".join(s.text(text) for s in cue)
        attributions.append(
            Attribution(
                id=ident,
                content=tuple(sorted(parts["Content"])),
                cue=cue,
                source=tuple(sorted(parts["Source"])),
                kind=cue_kind(cue_text),
            )
        )
    return attributions, odd


def _dates(gold: Path) -> dict[str, dt.date]:
    """Publication dates from PolNeAR's `metadata.tsv`, in the gold directory or its parent."""
    for candidate in (gold / "metadata.tsv", gold.parent / "metadata.tsv"):
        if candidate.is_file():
            dates = {}
            with candidate.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle, delimiter="\t"):
                    try:
                        dates[row["filename"]] = dt.date.fromisoformat(row["publication_date"])
                    except (KeyError, TypeError, ValueError):
                        continue
            return dates
    return {}


def read(gold: Path, limit: int | None = None) -> GoldSet:
    """Read a brat attribution directory (`text/*.txt`, `attributions/*.ann`).

    Raises:
        EvalError: the directory lacks `text/` or `attributions/`, or a file is malformed.
    """
    text_dir, ann_dir = gold / "text", gold / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise EvalError(
            f"{gold}: expected text/ and attributions/ directories (brat, PolNeAR layout)"
        )
    by_text: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        name, _, _annotator = ann.stem.rpartition("_")
        by_text[name or ann.stem].append(ann)
    dates = _dates(gold)
    documents, notes = [], []
    counts: Counter[str] = Counter()
    missing = []
    for name in sorted(by_text):
        txt = text_dir / f"{name}.txt"
        if not txt.is_file():
            missing.append(name)
            continue
        anns = by_text[name]
        if len(anns) > 1:
            counts["texts_with_several_annotators"] += 1
        ann = anns[0]
        try:
            # newline="": offsets count "\r\n" as two characters, as brat does.
            with txt.open(encoding="utf-8", newline="") as handle:
                text = handle.read()
            with ann.open(encoding="utf-8", newline="") as handle:
                ann_text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise EvalError(f"{txt}: cannot read: {exc}") from exc
        attributions, odd = read_ann(text, ann_text, str(ann))
        counts.update(odd)
        documents.append(
            GoldDocument(
                id=name,
                path=txt,
                text=text,
                date=dates.get(name),
                annotator=ann.stem.rpartition("_")[2],
                attributions=tuple(attributions),
            )
        )
        if limit is not None and len(documents) >= limit:
            break
    if missing:
        notes.append(f"{len(missing)} annotation files without a text: {', '.join(missing[:5])}")
    if counts["excerpt_mismatch"]:
        notes.append(
            f"{counts['excerpt_mismatch']} annotation excerpts differ from the text at "
            "their offsets (character offsets into UTF-8 text are assumed)"
        )
    if counts["texts_with_several_annotators"]:
        notes.append(
            f"{counts['texts_with_several_annotators']} texts have several "
            "annotators; each is scored against the first annotator's file"
        )
    if not documents:
        raise EvalError(f"{gold}: no annotated texts found")
    return GoldSet(tuple(documents), tuple(notes), dict(counts))


# --- scoring -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pred:
    """One predicted attribution: a quote, or a run of quotes sharing one speaker mention."""

    quote: Quote  # the first quote of the run
    content: tuple[Span, ...]  # the quotes' spans, moved onto the gold text
    speaker: tuple[Span, ...]  # the speaker span and the speaker actor's mentions

    def text(self, doc: str) -> str:
        return " … ".join(s.text(doc) for s in self.content)


def _same_attribution(previous: Quote, quote: Quote, text: str) -> bool:
    """True when `quote` carries on `previous`'s attribution act.

    PolNeAR's unit is one attribution: a source mention and a cue with all the
    content they introduce, pieces included (`"A," she said, "B."` is one). Quotes
    form one when they are consecutive, name the same speaker mention (a split
    quote shares its cue's speaker; a quote that follows on inherits it), have
    the same cue or none of their own, and sit in one paragraph.
    """
    if previous.speaker is None or quote.speaker is None:
        return False
    if previous.speaker.span != quote.speaker.span:
        return False
    if quote.cue is not None and quote.cue != previous.cue:
        return False
    return "\n" not in text[previous.span.end : quote.span.start]


def _predictions(doc: GoldDocument, result: Extraction) -> tuple[list[_Pred], bool]:
    """The extraction's attributions on the gold text; True when realignment was needed."""
    offsets = OffsetMap.between(doc.text, result.article.text)
    mentions = {a.id: a.mentions for a in result.actors}
    runs: list[list[Quote]] = []
    for quote in result.quotes:
        if runs and _same_attribution(runs[-1][-1], quote, result.article.text):
            runs[-1].append(quote)
        else:
            runs.append([quote])
    preds = []
    for run in runs:
        first = run[0]
        speaker: list[Span] = []
        if first.speaker is not None:
            speaker.append(first.speaker.span)
            speaker.extend(mentions.get(first.speaker.actor or "", ()))
        preds.append(
            _Pred(
                first,
                tuple(offsets.span(q.span) for q in run),
                tuple(offsets.span(s) for s in speaker),
            )
        )
    return preds, not offsets.identity


def score(
    gold_set: GoldSet,
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extracted quotes against gold attributions (pure: no pipeline is run)."""
    strict = {"speech": [0, 0, 0, 0], "all": [0, 0, 0, 0]}  # hit_pred, pred, hit_gold, gold
    loose = {"speech": [0, 0, 0, 0], "all": [0, 0, 0, 0]}
    speaker = {"speech": [0, 0], "all": [0, 0]}
    per_cue: dict[str, Counter[str]] = defaultdict(Counter)
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[tuple[int, dict[str, Any]]] = []
    rejected = realigned = 0
    for doc in gold_set.documents:
        result = results.get(doc.id)
        if isinstance(result, Extraction):
            preds, moved = _predictions(doc, result)
            realigned += moved
        else:
            preds = []
            rejected += 1
        golds = doc.attributions
        pred_words = [word_starts(doc.text, p.content) for p in preds]
        gold_words = [word_starts(doc.text, g.content) for g in golds]
        scores = [
            (dice(pw, gw), i, j)
            for i, pw in enumerate(pred_words)
            for j, gw in enumerate(gold_words)
            if pw & gw
        ]
        matched = match_greedy(scores, THRESHOLD)
        _tally(strict, matched, preds, golds)
        _tally(loose, match_greedy(scores, OVERLAP), preds, golds)

        matched_gold = {j: i for i, j in matched.items()}
        for i, p in enumerate(preds):
            per_kind[p.quote.kind]["predicted"] += 1
            per_kind[p.quote.kind]["matched"] += i in matched
            per_kind[p.quote.kind]["matched_speech"] += (
                i in matched and golds[matched[i]].kind == "speech"
            )
            if i not in matched:
                misses.append(
                    (
                        1,
                        {
                            "doc": doc.id,
                            "kind": "spurious",
                            "quote kind": p.quote.kind,
                            "content": p.text(doc.text),
                            "speaker": p.quote.speaker.name if p.quote.speaker else "-",
                        },
                    )
                )
        for j, g in enumerate(golds):
            cue = " ".join(s.text(doc.text).lower() for s in g.cue) or "(none)"
            row = per_cue[cue]
            row["gold"] += 1
            row["speech"] = g.kind == "speech"
            found = matched_gold.get(j)
            row["matched"] += found is not None
            right = None
            if found is not None and g.source:
                right = any(overlaps_any(s, g.source) for s in preds[found].speaker)
                row["speaker_scored"] += 1
                row["speaker_right"] += right
                for kind in ("all", "speech") if g.kind == "speech" else ("all",):
                    speaker[kind][1] += 1
                    speaker[kind][0] += right
            if g.kind != "speech":
                continue
            if found is None:
                best = max((s for s in scores if s[2] == j), default=None)
                misses.append(
                    (
                        0,
                        {
                            "doc": doc.id,
                            "gold": g.id,
                            "kind": "missed",
                            "cue": cue,
                            "source": g.text(doc.text, "source") or "-",
                            "content": g.text(doc.text, "content"),
                            "closest": (
                                f"{best[0]:.2f} {preds[best[1]].text(doc.text)}" if best else "-"
                            ),
                        },
                    )
                )
            elif right is False:
                who = preds[found].quote.speaker
                misses.append(
                    (
                        2,
                        {
                            "doc": doc.id,
                            "gold": g.id,
                            "kind": "wrong speaker",
                            "cue": cue,
                            "source": g.text(doc.text, "source"),
                            "predicted speaker": who.name if who else "-",
                            "content": g.text(doc.text, "content"),
                        },
                    )
                )

    figures: dict[str, float] = {}
    for kind in ("speech", "all"):
        figures.update(PRF(*strict[kind]).figures(kind))
        figures[f"{kind}_speaker_accuracy"] = ratio(*speaker[kind])
    for kind in ("speech", "all"):
        figures.update(PRF(*loose[kind]).figures(f"{kind}_overlap"))
    cue_rows = []
    for cue, row in sorted(per_cue.items(), key=lambda kv: (-kv[1]["gold"], kv[0]))[:30]:
        cue_rows.append(
            (
                cue,
                "speech" if row["speech"] else "other",
                row["gold"],
                ratio(row["matched"], row["gold"]),
                ratio(row["speaker_right"], row["speaker_scored"]),
            )
        )
    kind_rows = tuple(
        (
            kind,
            row["predicted"],
            ratio(row["matched"], row["predicted"]),
            ratio(row["matched_speech"], row["predicted"]),
        )
        for kind, row in sorted(per_kind.items())
    )
    notes = list(gold_set.notes)
    if realigned:
        notes.append(
            f"{realigned} texts came back from the pipeline changed; predicted "
            "spans were aligned back onto the gold text"
        )
    misses.sort(key=lambda m: (m[0], m[1]["doc"], m[1].get("gold", "")))
    gold_counts = Counter(a.kind for d in gold_set.documents for a in d.attributions)
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "documents": len(gold_set.documents),
            "gold_attributions": strict["all"][3],
            "gold_speech": gold_counts["speech"],
            "gold_other": gold_counts["other"],
            "predicted_quotes": strict["all"][1],
            "rejected": rejected,
            "texts_realigned": realigned,
            **{f"gold_{k}": v for k, v in gold_set.counts.items()},
        },
        breakdowns=(
            Table(
                "per gold cue (30 most frequent): recall and speaker accuracy",
                ("cue", "kind", "gold", "recall", "speaker"),
                tuple(cue_rows),
            ),
            Table(
                "per predicted quote kind: share matching any / a speech attribution",
                ("kind", "predicted", "precision", "speech"),
                kind_rows,
            ),
        ),
        misses=tuple(m for _, m in misses),
        notes=tuple(notes),
    )


def _tally(
    counts: dict[str, list[int]],
    matched: Mapping[int, int],
    preds: Sequence[_Pred],
    golds: Sequence[Attribution],
) -> None:
    """Add one document's matches to `[hit_pred, pred, hit_gold, gold]` for `all` and `speech`.

    For `speech`, predictions matched to an `other` attribution are left out
    of the precision denominator: they are neither right nor wrong for speech.
    """
    to_other = sum(1 for j in matched.values() if golds[j].kind != "speech")
    speech_hits = len(matched) - to_other
    speech_gold = sum(1 for g in golds if g.kind == "speech")
    for kind, add in (
        ("all", (len(matched), len(preds), len(matched), len(golds))),
        ("speech", (speech_hits, len(preds) - to_other, speech_hits, speech_gold)),
    ):
        counts[kind] = [a + b for a, b in zip(counts[kind], add, strict=True)]


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold directory, run the pipeline on each text, score.

    Args:
        gold: a directory with `text/` and `attributions/` (e.g. PolNeAR `dev`).
        settings: pipeline settings.
        limit: score only the first `limit` texts (sorted by name).
        system: the pipeline under test; dragoman's own by default.
    """
    gold_set = read(gold, limit)
    pipeline = system if system is not None else default_pipeline(settings)
    results = extract_all([d.record() for d in gold_set.documents], pipeline)
    # The hash covers the whole gold directory, not just the texts scored.
    return score(gold_set, results, gold=str(gold), gold_sha256=_directory_hash(gold), limit=limit)


def _directory_hash(gold: Path) -> str:
    files = sorted([*(gold / "text").glob("*.txt"), *(gold / "attributions").glob("*.ann")])
    return sha256_of(gold, files)
