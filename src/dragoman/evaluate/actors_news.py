"""`actors-news`: actor mentions in real news articles, coded blind (JSON lines).

The gold file (`tests/gold/actors-news.jsonl`, described in full in
`tests/gold/actors-news.README.md`) holds one article per line, `{"source",
"doc", "published", "exhaustive_to", "mentions", "coded_as_of"?}`, and each
mention is `{"text", "occurrence", "kind", "country", "sector", "person",
"countries"?, "country_from_context"?, "note"?}`. It holds no article text:
`read` loads each article from the `shared/data` folder beside the checkout
(the first `shared/data` found above the gold file, else above the current
directory) at run time:

=======================  ======================================================
`polnear-train`, `-dev`  `polnear/{train,dev}/text/<doc>.txt`, read as UTF-8 with
                         Python's default newline handling
`voa`                    field `text` of the line of `voa/stories-dev.jsonl`
                         whose `id` is `<doc>`
`article-extraction`     field `articleBody` of key `<doc>` in
                         `article-extraction/ground-truth.json`
=======================  ======================================================

A mention is located by `occurrence`: the n-th match of `str.find` of its
`text`, counting matches inside longer words. Missing data, an article or a
mention that cannot be found, a malformed field, overlapping mentions, a
repeated article, a page listed in `article-extraction/HELD_OUT.txt`, or a
Wikidata id this module cannot name (`QID_NAMES`) is an `EvalError` naming the
line and the article.

Matching rules (documented here because the figures mean nothing without them):

* dragoman runs on each article's text with its `published` date; an article
  with no `published` date gets the first day of its `coded_as_of` month (the
  date the page itself shows, which the annotator coded it as of).
* System mentions are every span of every `Extraction.actors` entry. Gold
  offsets are moved onto the cleaned text with `OffsetMap` when cleaning
  changed the text. A gold mention is *found* when a system mention shares a
  character with it; it is scored against the system mention that shares the
  most characters (then the shorter, then the earlier one). A longer system
  span counts ("Ohio Gov. Jane Roe" for gold "Jane Roe"), and one system span
  may cover two gold mentions ("CNN anchor Jane Roe"): both are scored against
  its actor. A rejected article finds nothing.
* Mention recall = found / gold mentions lying wholly in the article's
  `text[:exhaustive_to]` (the prefix annotated exhaustively). System mentions
  in the prefix that overlap no gold mention are counted, not scored: they
  include the pronouns dragoman links to their actors, which the gold set
  does not annotate.
* Country accuracy, over found mentions: the actor's country (`Actor.country`,
  else the country part of `Actor.code`, both through `codes.country`) equals
  the gold `country`; a gold `""` is right only when the actor has no country;
  a compound mention (`countries`) accepts any of its countries.
  `context_country_accuracy` is the same over the `country_from_context`
  mentions alone (they are in `country_accuracy` too).
* Sector accuracy, over found mentions: the actor's primary sector
  (`Actor.sectors[0]`) equals the gold `sector`; a gold `""` is right only when
  the actor has no sector. A gold `REF` also accepts `CVL` (the gold README's
  clarification 5: CAMEO codes migrants as civilians).
* Person accuracy, over found `person` mentions whose `person` is a Wikidata id
  or a name. When the gold gives an id and the actor carries one (a `wikidata`
  attribute; dragoman's `Actor` has none yet), the ids must be equal.
  Otherwise the actor's `name` must be the individual's name (`QID_NAMES` for
  an id), compared after `name_key` (accents, case, punctuation and one-letter
  initials dropped). A bare surname ("Trump") is not a link to the individual
  ("Donald Trump").
* A figure with no case to count (no found mention of its kind, with
  `--limit`) is left out of the report rather than reported as 0.

Breakdowns: per source, per gold sector (with a gold × system sector
confusion table), per kind, by how the country is known (stated, from
context, none, compound), person linking by QID or name, per article; the
misses (not found first, then wrong person, country, sector) for reading.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate import codes
from dragoman.evaluate.metrics import OffsetMap, confusion_rows, ratio
from dragoman.evaluate.report import Report, Table
from dragoman.evaluate.runner import Extractor, code_and_score, json_lines
from dragoman.models import Actor, Extraction, Record, Reject, Span
from dragoman.settings import Settings

FORMAT = "actors-news"

# Where each source's article text lives under shared/data (tests/gold/actors-news.README.md).
POLNEAR = {"polnear-train": "train", "polnear-dev": "dev"}
VOA = "voa"
ARTICLE_EXTRACTION = "article-extraction"
SOURCES = (*POLNEAR, VOA, ARTICLE_EXTRACTION)
KINDS = frozenset({"person", "group", "org", "gpe"})

# The individuals the gold set names by Wikidata id, with the name each has on
# Wikidata (English label, accents kept): dragoman's actors carry names, not ids.
QID_NAMES: dict[str, str] = {
    "Q76": "Barack Obama",
    "Q352": "Adolf Hitler",
    "Q517": "Napoleon",
    "Q6279": "Joe Biden",
    "Q6294": "Hillary Clinton",
    "Q7747": "Vladimir Putin",
    "Q15031": "Xi Jinping",
    "Q22686": "Donald Trump",
    "Q24313": "Mike Pence",
    "Q39259": "Recep Tayyip Erdoğan",
    "Q311440": "António Guterres",
    "Q359442": "Bernie Sanders",
    "Q434706": "Elizabeth Warren",
    "Q3052772": "Emmanuel Macron",
    "Q3099714": "Justin Trudeau",
}

# Gold sectors that also accept another code (the gold README's clarification 5).
ALSO_ACCEPTED = {"REF": frozenset({"CVL"})}

# Error-analysis lists are for reading: keep the report short.
MAX_LISTED = 100

_QID = re.compile(r"Q[1-9][0-9]*")
_CODE = re.compile(r"[A-Z]{3}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_NOT_WORD = re.compile(r"[\W_]+")

# Why a gold mention counts as a miss, in the order the list is sorted.
NOT_FOUND = "not found"
WRONG_PERSON = "person"
WRONG_COUNTRY = "country"
WRONG_SECTOR = "sector"
MISS_ORDER = (WRONG_PERSON, WRONG_COUNTRY, WRONG_SECTOR)


@dataclass(frozen=True, slots=True)
class GoldMention:
    """One annotated actor mention.

    Attributes:
        text: the mention as written; `start` is its offset in the article text
            (the `occurrence`-th match of `text`).
        kind: person, group, org or gpe.
        country: ISO alpha-3, `IGO`, `NGO`, or "" (no country may be given).
        countries: for a compound mention, the countries any of which is right.
        sector: primary CAMEO sector, or "" (no sector may be given).
        person: a Wikidata id, a name, or "" (unnamed, or not a person).
        from_context: the country follows from the article, not the phrase.
        note: the annotator's note, for reading.
    """

    text: str
    occurrence: int
    start: int
    kind: str
    country: str
    sector: str
    person: str = ""
    countries: tuple[str, ...] = ()
    from_context: bool = False
    note: str = ""

    @property
    def span(self) -> Span:
        return Span(self.start, self.start + len(self.text))

    @property
    def individual(self) -> str:
        """The person's name: the Wikidata label of a QID, else `person` itself."""
        return QID_NAMES.get(self.person, self.person)

    @property
    def how_known(self) -> str:
        """How the gold country is known: compound, none, context or stated."""
        if self.countries:
            return "compound"
        if not self.country:
            return "none"
        return "context" if self.from_context else "stated"

    def describe(self) -> str:
        country = "/".join(self.countries) if self.countries else self.country or "-"
        person = f" {self.person}" if self.person else ""
        if self.person in QID_NAMES:
            person += f" ({QID_NAMES[self.person]})"
        return f"{country} {self.sector or '-'}{person}"


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One line of the gold file, with its text loaded from shared/data.

    Attributes:
        source, doc: where the text comes from (module docstring).
        text: the article text the mentions' offsets point into.
        published: the article's date, or None.
        date: the date dragoman is given: `published`, else the first day of
            the `coded_as_of` month, else None.
        exhaustive_to: every mention wholly in `text[:exhaustive_to]` is annotated.
        mentions: in text order, never overlapping.
        line: line number in the gold file.
    """

    source: str
    doc: str
    text: str
    published: dt.date | None
    date: dt.date | None
    exhaustive_to: int
    mentions: tuple[GoldMention, ...]
    line: int

    @property
    def id(self) -> str:
        return f"{self.source}/{self.doc}"

    def record(self, origin: str) -> Record:
        return Record(origin=f"{origin}#{self.id}", text=self.text, published=self.date, id=self.id)


# --- reading -------------------------------------------------------------------


def find_data(gold: Path) -> Path | None:
    """The `shared/data` folder for `gold`: the first found in an ancestor of the gold
    file (`<checkout>/../shared/data`), else of the current directory; None if none."""
    for start in (gold.resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            candidate = folder / "shared" / "data"
            if candidate.is_dir():
                return candidate
    return None


class _Texts:
    """Article texts under shared/data, each big source file loaded once."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self._voa: dict[str, str] | None = None
        self._pages: dict[str, Any] | None = None
        self._held_out: frozenset[str] | None = None

    def text(self, source: str, doc: str) -> str:
        if source in POLNEAR:
            path = self.data / "polnear" / POLNEAR[source] / "text" / f"{doc}.txt"
            try:
                with open(path, encoding="utf-8") as handle:
                    return handle.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise ValueError(f"cannot read the article text {path}: {exc}") from None
        if source == VOA:
            stories = self._stories()
            if doc not in stories:
                raise ValueError(f"no story with id {doc!r} in {self.data / 'voa'}")
            return stories[doc]
        pages = self._ground_truth()
        if doc in self._held_out_pages():
            raise ValueError(f"page {doc!r} is held out (HELD_OUT.txt): never annotated")
        page = pages.get(doc)
        if not isinstance(page, dict) or not isinstance(page.get("articleBody"), str):
            raise ValueError(f"no page {doc!r} with an articleBody in the ground truth")
        return page["articleBody"]

    def _stories(self) -> dict[str, str]:
        if self._voa is None:
            path = self.data / "voa" / "stories-dev.jsonl"
            stories: dict[str, str] = {}
            try:
                for line in path.read_text(encoding="utf-8").split("\n"):
                    if line.strip():
                        story = json.loads(line)
                        stories[str(story["id"])] = story["text"]
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"cannot read the VOA stories {path}: {exc}") from None
            self._voa = stories
        return self._voa

    def _ground_truth(self) -> dict[str, Any]:
        if self._pages is None:
            path = self.data / "article-extraction" / "ground-truth.json"
            try:
                pages = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise ValueError(
                    f"cannot read the article-extraction pages {path}: {exc}"
                ) from None
            if not isinstance(pages, dict):
                raise ValueError(f"{path}: expected a JSON object of pages")
            self._pages = pages
        return self._pages

    def _held_out_pages(self) -> frozenset[str]:
        if self._held_out is None:
            path = self.data / "article-extraction" / "HELD_OUT.txt"
            lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else []
            self._held_out = frozenset(
                s for s in (x.strip() for x in lines) if s and not s.startswith("#")
            )
        return self._held_out


def read(path: Path, limit: int | None = None, data: Path | None = None) -> list[GoldArticle]:
    """Read an actors-news gold file and load its articles' texts.

    Args:
        path: the JSON-lines gold file.
        limit: read only the first `limit` articles.
        data: the `shared/data` folder; found from `path` when None (`find_data`).

    Raises:
        EvalError: no `shared/data` folder, the gold file cannot be read, or a line
            is malformed (not JSON, a field missing or of the wrong type, an unknown
            source, kind, code or Wikidata id, an article text that cannot be found,
            a mention not found at its occurrence, overlapping mentions, a repeated
            article); the message names the line and article.
    """
    if data is None:
        data = find_data(path)
        if data is None:
            raise EvalError(
                f"{path}: actors-news reads its article texts from the shared/data folder "
                "beside the checkout (../shared/data), and none was found above the gold "
                "file or the current directory"
            )
    elif not data.is_dir():
        raise EvalError(f"{data}: no such shared/data folder (actors-news article texts)")
    texts = _Texts(data)
    articles: list[GoldArticle] = []
    lines: dict[str, int] = {}
    for n, raw in json_lines(path, "actors-news"):
        where = f"{path}:{n}"
        if isinstance(raw, dict) and isinstance(raw.get("doc"), str):
            where += f" ({raw.get('source')}/{raw['doc']})"
        try:
            article = _article(raw, n, texts)
        except ValueError as exc:
            raise EvalError(f"{where}: {exc}") from exc
        if article.id in lines:
            raise EvalError(f"{where}: article already on line {lines[article.id]}")
        lines[article.id] = n
        articles.append(article)
        if limit is not None and len(articles) >= limit:
            break
    return articles


def _article(raw: Any, line: int, texts: _Texts) -> GoldArticle:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    source = _string(raw, "source")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    doc = _string(raw, "doc")
    if not doc.strip() or "/" in doc or doc.startswith("."):
        raise ValueError(f"'doc' {doc!r} is not a document name")
    published = _date(_string(raw, "published"), "published")
    date = published
    as_of = raw.get("coded_as_of")
    if as_of is not None:
        if not isinstance(as_of, str) or not (_MONTH.fullmatch(as_of) or _date(as_of, "")):
            raise ValueError(f"'coded_as_of' {as_of!r} is not YYYY-MM or YYYY-MM-DD")
        if date is None:
            date = _date(as_of if len(as_of) > 7 else f"{as_of}-01", "coded_as_of")
    exhaustive_to = raw.get("exhaustive_to")
    if isinstance(exhaustive_to, bool) or not isinstance(exhaustive_to, int) or exhaustive_to < 0:
        raise ValueError(f"'exhaustive_to' must be a non-negative integer, got {exhaustive_to!r}")
    mentions = raw.get("mentions")
    if not isinstance(mentions, list):
        raise ValueError("'mentions' must be a list")
    text = texts.text(source, doc)
    gold: list[GoldMention] = []
    for i, mention in enumerate(mentions, 1):
        try:
            gold.append(_mention(mention, text))
        except ValueError as exc:
            raise ValueError(f"mention {i}: {exc}") from None
    ordered = sorted(gold, key=lambda m: m.start)
    for a, b in itertools.pairwise(ordered):
        if a.span.overlaps(b.span):
            raise ValueError(
                f"mentions {a.text!r} ({a.occurrence}) and {b.text!r} ({b.occurrence}) overlap"
            )
    return GoldArticle(
        source=source,
        doc=doc,
        text=text,
        published=published,
        date=date,
        exhaustive_to=exhaustive_to,
        mentions=tuple(gold),
        line=line,
    )


def _mention(raw: Any, text: str) -> GoldMention:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    written = _string(raw, "text")
    if not written.strip():
        raise ValueError("empty mention text")
    occurrence = raw.get("occurrence")
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        raise ValueError(f"'occurrence' must be a positive integer, got {occurrence!r}")
    start = -1
    for _ in range(occurrence):
        start = text.find(written, start + 1)
        if start < 0:
            raise ValueError(f"{written!r} does not occur {occurrence} times in the article")
    kind = _string(raw, "kind")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(sorted(KINDS))}")
    country = _string(raw, "country")
    if country and not _CODE.fullmatch(country):
        raise ValueError(f'country {country!r} is not an ISO3 code, IGO, NGO or ""')
    sector = _string(raw, "sector")
    if sector and not _CODE.fullmatch(sector):
        raise ValueError(f'sector {sector!r} is not a three-letter sector code or ""')
    person = _string(raw, "person")
    if person and kind != "person":
        raise ValueError(f"'person' {person!r} on a mention of kind {kind!r}")
    if _QID.fullmatch(person) and person not in QID_NAMES:
        raise ValueError(f"Wikidata id {person} has no name in actors_news.QID_NAMES")
    countries = raw.get("countries", [])
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and _CODE.fullmatch(c) for c in countries
    ):
        raise ValueError(f"'countries' must be a list of ISO3 codes, got {countries!r}")
    if countries and country:
        raise ValueError("a compound mention ('countries') has country \"\"")
    from_context = raw.get("country_from_context", False)
    if not isinstance(from_context, bool):
        raise ValueError(f"'country_from_context' must be true or false, got {from_context!r}")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"'note' must be a string, got {type(note).__name__}")
    return GoldMention(
        text=written,
        occurrence=occurrence,
        start=start,
        kind=kind,
        country=country,
        sector=sector,
        person=person,
        countries=tuple(countries),
        from_context=from_context,
        note=note,
    )


def _string(raw: Mapping[str, Any], name: str) -> str:
    if name not in raw:
        raise ValueError(f"missing field {name!r}")
    value = raw[name]
    if not isinstance(value, str):
        raise ValueError(f"{name!r} must be a string, got {type(value).__name__}")
    return value


def _date(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        if not name:
            return None
        raise ValueError(f"{name!r} {value!r} is not an ISO date (YYYY-MM-DD)") from None


# --- scoring -------------------------------------------------------------------


def name_key(name: str) -> str:
    """A name as compared: accents, case, punctuation and one-letter initials dropped
    ("Recep Tayyip Erdoğan" = "recep tayyip erdogan", "Jonathan P. Blair" = "jonathan blair")."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    return " ".join(w for w in _NOT_WORD.split(plain) if len(w) > 1)


def system_country(actor: Actor) -> str:
    """The actor's comparable country, "" when it has none."""
    return codes.country(actor.country) or codes.country(actor.code) or ""


def system_sector(actor: Actor) -> str:
    """The actor's primary sector, "" when it has none."""
    return (codes.sector(actor.sectors[0]) if actor.sectors else None) or ""


def country_right(gold: GoldMention, actor: Actor) -> bool:
    got = system_country(actor)
    if gold.countries:
        return got in {codes.country(c) for c in gold.countries}
    return got == (codes.country(gold.country) or "")


def sector_right(gold: GoldMention, actor: Actor) -> bool:
    got = system_sector(actor)
    return got == gold.sector or got in ALSO_ACCEPTED.get(gold.sector, ())


def person_right(gold: GoldMention, actor: Actor) -> bool:
    # Read with getattr: Wikidata ids on actors are planned (issue 17), not in the model yet.
    qid = getattr(actor, "wikidata", None)
    if qid and gold.person in QID_NAMES:
        return bool(qid == gold.person)
    return name_key(actor.name) == name_key(gold.individual)


def best_actors(
    mentions: Sequence[Span], extraction: Extraction
) -> tuple[list[Actor | None], list[Span]]:
    """For each gold span (in the clean text), the actor of the system mention sharing
    the most characters with it (then the shorter, then the earlier), or None; and the
    system mentions that overlap no gold span."""
    system = [
        (span, n, actor) for n, actor in enumerate(extraction.actors) for span in actor.mentions
    ]
    chosen: list[Actor | None] = []
    used: set[int] = set()
    for gold in mentions:
        best: tuple[tuple[int, int, int, int], int] | None = None
        for i, (span, n, _) in enumerate(system):
            shared = min(span.end, gold.end) - max(span.start, gold.start)
            if shared <= 0:
                continue
            used.add(i)
            rank = (-shared, len(span), span.start, n)
            if best is None or rank < best[0]:
                best = (rank, i)
        chosen.append(system[best[1]][2] if best is not None else None)
    spare = [span for i, (span, _, _) in enumerate(system) if i not in used]
    return chosen, spare


class _Tally:
    """Hits over cases for the figures of one breakdown row."""

    def __init__(self) -> None:
        self.n: Counter[str] = Counter()

    def add(self, name: str, right: bool) -> None:
        self.n[name + "_cases"] += 1
        self.n[name + "_hits"] += right

    def cases(self, name: str) -> int:
        return self.n[name + "_cases"]

    def rate(self, name: str) -> float:
        return ratio(self.n[name + "_hits"], self.n[name + "_cases"])

    def cell(self, name: str) -> float | str:
        return self.rate(name) if self.cases(name) else "-"


def score(
    articles: Sequence[GoldArticle],
    results: Mapping[str, Extraction | Reject],
    *,
    gold: str,
    gold_sha256: str,
    limit: int | None,
) -> Report:
    """Score extractions against gold articles (pure: no pipeline is run)."""
    total = _Tally()
    rows: dict[str, dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    sector_pairs: list[tuple[str, str]] = []
    per_article: list[tuple[Any, ...]] = []
    misses: list[tuple[int, int, int, dict[str, Any]]] = []
    rejected = realigned = spare_in_prefix = ref_as_cvl = 0
    dated_as_of = sum(1 for a in articles if a.published is None and a.date is not None)

    for order, article in enumerate(articles):
        result = results.get(article.id)
        extraction = result if isinstance(result, Extraction) else None
        actors: list[Actor | None] = [None] * len(article.mentions)
        if extraction is None:
            rejected += 1
        else:
            clean = extraction.article.text
            offsets = OffsetMap.between(clean, article.text)
            spans = [offsets.span(m.span) for m in article.mentions]
            realigned += sum(
                1 for m, s in zip(article.mentions, spans, strict=True) if s.text(clean) != m.text
            )
            actors, spare = best_actors(spans, extraction)
            prefix = (
                len(clean)
                if article.exhaustive_to >= len(article.text)
                else offsets.to_original(article.exhaustive_to)
            )
            spare_in_prefix += sum(1 for s in spare if s.end <= prefix)
        art = _Tally()
        for position, (mention, actor) in enumerate(zip(article.mentions, actors, strict=True)):
            tallies = (
                total,
                art,
                rows["source"][article.source],
                rows["sector"][mention.sector or "-"],
                rows["kind"][mention.kind],
                rows["country"][mention.how_known],
            )
            found = actor is not None
            for t in tallies:
                t.n["mentions"] += 1
            if mention.span.end <= article.exhaustive_to:
                for t in tallies:
                    t.add("recall", found)
            if actor is None:
                misses.append(
                    (0, order, position, _miss(article, mention, None, NOT_FOUND, result))
                )
                continue
            wrong = []
            person_scored = mention.kind == "person" and bool(mention.person)
            checks = [
                (WRONG_COUNTRY, country_right(mention, actor)),
                (WRONG_SECTOR, sector_right(mention, actor)),
            ]
            if person_scored:
                checks.append((WRONG_PERSON, person_right(mention, actor)))
                key = "QID" if mention.person in QID_NAMES else "name"
                rows["person"][key].add("person", checks[-1][1])
            for name, right in checks:
                for t in tallies:
                    t.add(name, right)
                if not right:
                    wrong.append(name)
            if mention.how_known == "context":
                total.add("context_country", checks[0][1])
            got = system_sector(actor)
            sector_pairs.append((mention.sector or "-", got or "-"))
            ref_as_cvl += mention.sector == "REF" and got == "CVL"
            if wrong:
                severity = 1 + min(MISS_ORDER.index(w) for w in wrong)
                why = ", ".join(sorted(wrong, key=MISS_ORDER.index))
                misses.append(
                    (severity, order, position, _miss(article, mention, actor, why, result))
                )
        per_article.append(
            (
                article.id,
                len(article.mentions),
                art.cases("recall"),
                art.cell("recall"),
                art.cell("country"),
                art.cell("sector"),
                art.cell("person"),
            )
        )

    figures = {
        name: total.rate(case)
        for name, case in (
            ("mention_recall", "recall"),
            ("country_accuracy", "country"),
            ("sector_accuracy", "sector"),
            ("person_accuracy", "person"),
            ("context_country_accuracy", "context_country"),
        )
        if total.cases(case)
    }
    misses.sort(key=lambda m: m[:3])
    mentions = sum(len(a.mentions) for a in articles)
    scored = total.cases("country")
    notes = []
    if dated_as_of:
        notes.append(
            f"{dated_as_of} articles have no published date: dragoman was given the first "
            "day of their coded_as_of month"
        )
    if realigned:
        notes.append(f"{realigned} gold mentions read differently in the cleaned text")
    if ref_as_cvl:
        notes.append(f"{ref_as_cvl} REF mentions coded CVL counted right (clarification 5)")
    notes.append(
        f"{spare_in_prefix} system mentions in the annotated prefixes overlap no gold "
        "mention (pronouns dragoman links to an actor are among them)"
    )
    if len(misses) > MAX_LISTED:
        notes.append(f"misses cut to {MAX_LISTED} of {len(misses)}")
    sector_columns, sector_rows = confusion_rows(sector_pairs)
    return Report(
        format=FORMAT,
        gold=gold,
        gold_sha256=gold_sha256,
        limit=limit,
        figures=figures,
        counts={
            "articles": len(articles),
            "gold_mentions": mentions,
            "gold_mentions_in_prefix": total.cases("recall"),
            "found": scored,
            "not_found": mentions - scored,
            "person_mentions_scored": total.cases("person"),
            "context_mentions_found": total.cases("context_country"),
            "system_mentions_in_prefix_unmatched": spare_in_prefix,
            "mentions_changed_by_cleaning": realigned,
            "rejected": rejected,
        },
        breakdowns=(
            _table("per source", "source", rows["source"], SOURCES),
            _table("per gold sector", "sector", rows["sector"]),
            _table("per kind", "kind", rows["kind"], ("person", "group", "org", "gpe")),
            _table(
                "by how the gold country is known",
                "country",
                rows["country"],
                ("stated", "context", "none", "compound"),
            ),
            Table(
                "person linking (found person mentions with a QID or a name)",
                ("gold person", "found", "linked", "accuracy"),
                tuple(
                    (key, t.cases("person"), t.n["person_hits"], t.rate("person"))
                    for key, t in sorted(rows["person"].items())
                ),
            ),
            Table(
                "per article",
                ("article", "gold", "in prefix", "recall", "country", "sector", "person"),
                tuple(per_article),
            ),
        ),
        confusion=Table(
            "confusion: gold sector × system sector (found)", sector_columns, sector_rows
        ),
        misses=tuple(m[3] for m in misses[:MAX_LISTED]),
        notes=tuple(notes),
    )


def _table(
    name: str, label: str, tallies: Mapping[str, _Tally], order: Sequence[str] = ()
) -> Table:
    keys = [k for k in order if k in tallies] + sorted(k for k in tallies if k not in order)
    return Table(
        name,
        (label, "gold", "found", "recall", "country", "sector", "person"),
        tuple(
            (
                key,
                tallies[key].n["mentions"],
                tallies[key].cases("country"),
                tallies[key].cell("recall"),
                tallies[key].cell("country"),
                tallies[key].cell("sector"),
                tallies[key].cell("person"),
            )
            for key in keys
        ),
    )


def _miss(
    article: GoldArticle,
    mention: GoldMention,
    actor: Actor | None,
    why: str,
    result: Extraction | Reject | None,
) -> dict[str, Any]:
    miss: dict[str, Any] = {
        "article": article.id,
        "mention": mention.text,
        "occurrence": mention.occurrence,
        "kind": mention.kind,
        "gold": mention.describe(),
        "system": (
            f"{actor.name} [{actor.kind}] {system_country(actor) or '-'} "
            f"{system_sector(actor) or '-'}"
            if actor is not None
            else "NONE"
        ),
        "wrong": why,
    }
    if isinstance(result, Reject):
        miss["rejected"] = result.reason
    if mention.note:
        miss["note"] = mention.note
    return miss


def run(
    gold: Path,
    settings: Settings,
    limit: int | None = None,
    system: Extractor | None = None,
) -> Report:
    """Read the gold file and its articles, run the pipeline on every article, score.

    Args:
        gold: the gold JSON-lines file; its texts come from `shared/data` (`find_data`).
        settings: pipeline settings.
        limit: score only the first `limit` articles.
        system: the pipeline under test; dragoman's own by default.
    """
    return code_and_score(read(gold, limit), score, gold, settings, limit, system)
