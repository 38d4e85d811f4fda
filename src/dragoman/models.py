"""The data model: one frozen, slotted dataclass per record type.

An article moves through the pipeline as an `Article` plus the layers each
stage adds. Everything that points at text is a `Span` into `Article.text`;
the text itself is stored once and never changed after cleaning.
Dicts appear only at the edges (JSON output, database rows): see `output.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

SCHEMA = "dragoman/2"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open character range `[start, end)` into `Article.text`."""

    start: int
    end: int

    def text(self, source: str) -> str:
        """The characters of `source` this span covers."""
        return source[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """True when `other` lies wholly inside this span."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Record:
    """One raw input as a reader found it, before cleaning.

    Attributes:
        origin: where it came from, `path` or `path:line` (for rejects and logs).
        text: plain text body, or None when `html` is given.
        html: HTML page, or None.
        id: the input's own id, kept as the output id.
        url, title, outlet, author: metadata from the record, when known.
        published: publication date from the record, when known.
    """

    origin: str
    text: str | None = None
    html: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """An input set aside, with the reason (`empty`, `binary`, `json`, `language:fr`, …)."""

    origin: str
    reason: str
    detail: str = ""
    record_id: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article.

    Attributes:
        id: the input record's id, else `hash`.
        hash: stable hash of the clean text (sha1, hex, first 16 characters).
        text: the clean body; all spans point into it.
        published: publication date used to resolve relative dates.
        language: ISO 639-1 code of the text.
        origin: where the input came from.
    """

    id: str
    hash: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: dt.date | None = None
    language: str = "en"
    origin: str = ""


@dataclass(frozen=True, slots=True)
class Actor:
    """One entity of an article, all its mentions linked.

    Attributes:
        id: article-local id (`A1`, `A2`, …).
        name: canonical name ("Bahram Qasemi", "Iran").
        kind: state, person, organization, igo, armed_group, media, group.
        code: CAMEO-style code, country + sectors ("IRNGOV").
        country: ISO 3166-1 alpha-3 or an IGO/NGO code, or None.
        sectors: sector codes, primary first ("GOV", "MIL", …).
        mentions: every span that names this actor.
        why: how the code was decided ("dict:countries:IRN", "role:spokesperson", …).
    """

    id: str
    name: str
    kind: str
    code: str
    country: str | None
    sectors: tuple[str, ...]
    mentions: tuple[Span, ...]
    why: str = ""


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as it takes part in one event or quote, with its code as of then.

    `span` is the mention at that place in the text.
    """

    actor: str | None
    code: str
    country: str | None
    sectors: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Place:
    """A gazetteer entry for where an event happened."""

    name: str
    geonameid: int | None
    country: str | None
    latitude: float | None
    longitude: float | None
    feature: str
    span: Span


@dataclass(frozen=True, slots=True)
class Source:
    """One link of an attribution chain: who says so ("Qasemi", "Tasnim", the outlet).

    Attributes:
        role: `speaker` (the person or body quoted), `relay` (an "according to"
            source or a medium quoted), or `outlet` (the article's publisher).
        actor: article-local actor id, when the source is one of the actors.
        span: where the text names this source, or None for the outlet.
    """

    role: str
    name: str
    code: str | None = None
    actor: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event: who did what to whom, when and where, and who says so.

    Attributes:
        id: article-local id (`E1`, …).
        sentence: index of the sentence in `Extraction.sentences`.
        trigger: the words that express the action.
        cameo, root: full CAMEO code and its two-digit root, as strings.
        plover: PLOVER event type; quad_class: 1 verbal coop … 4 material conflict.
        goldstein: Goldstein score of the CAMEO code.
        date: resolved date; date_text: the words it was resolved from.
        date_precision: what `date` is good to: `day`; `month` or `year` (the date is
            the first of that month or year); `publication` (the text names no time for
            the event and the publication date stands in, or None without one); None
            for an event stored by a dragoman that did not record it.
        negated, hypothetical: flags ("did not attack", "must withdraw").
        attribution: sources it comes through, innermost first.
        quote: id of the quote it sits in, or None.
        confidence: 0..1; rule: id of the pattern that fired.
    """

    id: str
    sentence: int
    trigger: Span
    source: ActorRef | None
    target: ActorRef | None
    cameo: str
    root: str
    plover: str | None
    quad_class: int
    goldstein: float
    date: dt.date | None = None
    date_text: str | None = None
    date_precision: str | None = "publication"
    place: Place | None = None
    negated: bool = False
    hypothetical: bool = False
    attribution: tuple[Source, ...] = ()
    quote: str | None = None
    confidence: float = 0.5
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a quote is attributed to, and the span that names them there."""

    name: str
    span: Span
    actor: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation.

    Attributes:
        kind: `direct` (in quotation marks), `partial` (marks inside reported
            speech), or `indirect` (reported speech without marks).
        span: the quoted content.
        cue: the words that attribute it ("said", "according to"), or None.
        speaker: who said it, or None when unknown.
        via: sources it comes through beyond the speaker, innermost first.
    """

    id: str
    kind: str
    span: Span
    cue: Span | None
    speaker: Speaker | None
    via: tuple[Source, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the pipeline returns for one article.

    `warnings` holds notes on the article; `duplicate_of:<hash>` marks a copy of an
    article seen earlier in the same run (exact or near duplicate), which is not
    coded again: its layers are empty and `duplicate_of` names the original.
    """

    article: Article
    sentences: tuple[Span, ...] = ()
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    quotes: tuple[Quote, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def duplicate_of(self) -> str | None:
        """The hash of the article this one copies, when it is a duplicate."""
        for warning in self.warnings:
            if warning.startswith("duplicate_of:"):
                return warning.split(":", 1)[1]
        return None
