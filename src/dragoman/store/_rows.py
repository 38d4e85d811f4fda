"""An `Extraction` as database rows, and back: the only place models meet table columns."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from dragoman.models import (
    Actor,
    ActorRef,
    Article,
    Event,
    Extraction,
    Place,
    Quote,
    Source,
    Span,
    Speaker,
)

Row = tuple[Any, ...]

ARTICLE_COLUMNS = (
    "hash",
    "id",
    "url",
    "outlet",
    "title",
    "author",
    "published",
    "language",
    "text",
    "origin",
    "warnings",
    "mentions",
    "sources",
    "added_at",
)
SENTENCE_COLUMNS = ("article", "position", "start_char", "end_char")
ACTOR_COLUMNS = (
    "article",
    "id",
    "position",
    "name",
    "kind",
    "code",
    "country",
    "sectors",
    "why",
    "mention_count",
)
MENTION_COLUMNS = ("article", "actor", "position", "start_char", "end_char", "text")
_REF = ("actor", "name", "kind", "code", "country", "sectors", "text", "start", "end")
_PLACE = ("name", "geonameid", "country", "latitude", "longitude", "feature", "start", "end")
EVENT_COLUMNS = (
    "article",
    "id",
    "position",
    "global_id",
    "sentence",
    "sentence_text",
    "trigger_start",
    "trigger_end",
    "trigger_text",
    *(f"source_{c}" for c in _REF),
    *(f"target_{c}" for c in _REF),
    "cameo",
    "root",
    "plover",
    "quad_class",
    "goldstein",
    "date",
    "date_text",
    "date_precision",
    *(f"place_{c}" for c in _PLACE),
    "negated",
    "hypothetical",
    "quote",
    "confidence",
    "rule",
)
QUOTE_COLUMNS = (
    "article",
    "id",
    "position",
    "kind",
    "text",
    "start_char",
    "end_char",
    "cue_start",
    "cue_end",
    "cue_text",
    "speaker_name",
    "speaker_actor",
    "speaker_code",
    "speaker_text",
    "speaker_start",
    "speaker_end",
)
ATTRIBUTION_COLUMNS = (
    "article",
    "owner_kind",
    "owner",
    "position",
    "role",
    "name",
    "code",
    "actor",
    "start_char",
    "end_char",
    "text",
)
TABLES = {
    "sentences": SENTENCE_COLUMNS,
    "actors": ACTOR_COLUMNS,
    "mentions": MENTION_COLUMNS,
    "events": EVENT_COLUMNS,
    "quotes": QUOTE_COLUMNS,
    "attributions": ATTRIBUTION_COLUMNS,
}


def global_id(article_hash: str, event_id: str) -> int:
    """A stable 60-bit number for one event (GDELT's integer GlobalEventID)."""
    digest = hashlib.sha1(f"{article_hash}:{event_id}".encode()).hexdigest()
    return int(digest[:15], 16)


def mention_key(url: str | None, outlet: str | None, published: dt.date | None) -> str:
    """What makes two copies of an article the same copy: the URL, else outlet and date."""
    if url:
        return url
    return f"{(outlet or '').strip().lower()}|{published.isoformat() if published else ''}"


def duplicate_of(extraction: Extraction) -> str | None:
    """The hash of the article this one near-duplicates, when dedup reported one.

    Read from a `duplicate_of` attribute of the extraction or its article, or a
    `duplicate_of:<hash>` warning.
    """
    for obj in (extraction, extraction.article):
        value = getattr(obj, "duplicate_of", None)
        if value:
            return str(value)
    for warning in extraction.warnings:
        if warning.startswith("duplicate_of:"):
            return warning.split(":", 1)[1].strip() or None
    return None


def _ref_row(ref: ActorRef | None, names: Mapping[str, Actor], text: str) -> list[Any]:
    if ref is None:
        return [None] * len(_REF)
    actor = names.get(ref.actor) if ref.actor else None
    return [
        ref.actor,
        actor.name if actor else ref.span.text(text),
        actor.kind if actor else None,
        ref.code,
        ref.country,
        list(ref.sectors),
        ref.span.text(text),
        ref.span.start,
        ref.span.end,
    ]


def _place_row(place: Place | None) -> list[Any]:
    if place is None:
        return [None] * len(_PLACE)
    return [
        place.name,
        place.geonameid,
        place.country,
        place.latitude,
        place.longitude,
        place.feature,
        place.span.start,
        place.span.end,
    ]


def _span_cells(span: Span | None, text: str) -> tuple[int | None, int | None, str | None]:
    # `is None`, never truthiness: an empty Span has len() 0 and is falsy.
    if span is None:
        return None, None, None
    return span.start, span.end, span.text(text)


def _source_rows(
    key: str, kind: str, owner: str, sources: Iterable[Source], text: str
) -> list[Row]:
    return [
        (key, kind, owner, i, s.role, s.name, s.code, s.actor, *_span_cells(s.span, text))
        for i, s in enumerate(sources)
    ]


def to_rows(extraction: Extraction, added_at: dt.datetime) -> tuple[Row, dict[str, list[Row]]]:
    """The article row and the rows of every child table."""
    article = extraction.article
    key, text = article.hash, article.text
    head = (
        key,
        article.id,
        article.url,
        article.outlet,
        article.title,
        article.author,
        article.published,
        article.language,
        text,
        article.origin,
        list(extraction.warnings),
        1,
        1 if article.outlet else 0,
        added_at,
    )
    actors = {a.id: a for a in extraction.actors}
    rows: dict[str, list[Row]] = {name: [] for name in TABLES}
    rows["sentences"] = [(key, i, s.start, s.end) for i, s in enumerate(extraction.sentences)]
    for i, a in enumerate(extraction.actors):
        rows["actors"].append(
            (
                key,
                a.id,
                i,
                a.name,
                a.kind,
                a.code,
                a.country,
                list(a.sectors),
                a.why,
                len(a.mentions),
            )
        )
        rows["mentions"].extend(
            (key, a.id, j, m.start, m.end, m.text(text)) for j, m in enumerate(a.mentions)
        )
    for i, e in enumerate(extraction.events):
        sentence = (
            extraction.sentences[e.sentence].text(text)
            if 0 <= e.sentence < len(extraction.sentences)
            else None
        )
        rows["events"].append(
            (
                key,
                e.id,
                i,
                global_id(key, e.id),
                e.sentence,
                sentence,
                e.trigger.start,
                e.trigger.end,
                e.trigger.text(text),
                *_ref_row(e.source, actors, text),
                *_ref_row(e.target, actors, text),
                e.cameo,
                e.root,
                e.plover,
                e.quad_class,
                float(e.goldstein),
                e.date,
                e.date_text,
                e.date_precision,
                *_place_row(e.place),
                e.negated,
                e.hypothetical,
                e.quote,
                float(e.confidence),
                e.rule,
            )
        )
        rows["attributions"].extend(_source_rows(key, "event", e.id, e.attribution, text))
    for i, q in enumerate(extraction.quotes):
        sp = q.speaker
        cue_start, cue_end, cue_text = _span_cells(q.cue, text)
        if sp is None:
            speaker: tuple[Any, ...] = (None,) * 6
        else:
            speaker = (sp.name, sp.actor, sp.code, sp.span.text(text), sp.span.start, sp.span.end)
        rows["quotes"].append(
            (
                key,
                q.id,
                i,
                q.kind,
                q.span.text(text),
                q.span.start,
                q.span.end,
                cue_start,
                cue_end,
                cue_text,
                *speaker,
            )
        )
        rows["attributions"].extend(_source_rows(key, "quote", q.id, q.via, text))
    return head, rows


# --- rows → models ------------------------------------------------------------------


def _span(start: Any, end: Any) -> Span | None:
    return None if start is None else Span(int(start), int(end))


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(value) if value is not None else ()


def _ref(row: Mapping[str, Any], side: str) -> ActorRef | None:
    span = _span(row[f"{side}_start"], row[f"{side}_end"])
    if span is None:
        return None
    return ActorRef(
        actor=row[f"{side}_actor"],
        code=row[f"{side}_code"],
        country=row[f"{side}_country"],
        sectors=_tuple(row[f"{side}_sectors"]),
        span=span,
    )


def _place(row: Mapping[str, Any]) -> Place | None:
    span = _span(row["place_start"], row["place_end"])
    if span is None:
        return None
    geonameid = row["place_geonameid"]
    return Place(
        name=row["place_name"],
        geonameid=None if geonameid is None else int(geonameid),
        country=row["place_country"],
        latitude=row["place_latitude"],
        longitude=row["place_longitude"],
        feature=row["place_feature"],
        span=span,
    )


def _sources(rows: Iterable[Mapping[str, Any]]) -> tuple[Source, ...]:
    return tuple(
        Source(
            role=r["role"],
            name=r["name"],
            code=r["code"],
            actor=r["actor"],
            span=_span(r["start_char"], r["end_char"]),
        )
        for r in sorted(rows, key=lambda r: r["position"])
    )


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def from_rows(head: Mapping[str, Any], tables: Mapping[str, list[Mapping[str, Any]]]) -> Extraction:
    """The `Extraction` that `to_rows` was given (rows may come in any order)."""

    def ordered(name: str) -> list[Mapping[str, Any]]:
        return sorted(tables.get(name, []), key=lambda r: r["position"])

    article = Article(
        id=head["id"],
        hash=head["hash"],
        text=head["text"],
        url=head["url"],
        outlet=head["outlet"],
        title=head["title"],
        author=head["author"],
        published=_date(head["published"]),
        language=head["language"],
        origin=head["origin"],
    )
    mentions: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for m in tables.get("mentions", []):
        mentions[m["actor"]].append(m)
    links: dict[tuple[str, str], list[Mapping[str, Any]]] = defaultdict(list)
    for link in tables.get("attributions", []):
        links[(link["owner_kind"], link["owner"])].append(link)
    actors = tuple(
        Actor(
            id=a["id"],
            name=a["name"],
            kind=a["kind"],
            code=a["code"],
            country=a["country"],
            sectors=_tuple(a["sectors"]),
            mentions=tuple(
                Span(m["start_char"], m["end_char"])
                for m in sorted(mentions[a["id"]], key=lambda m: m["position"])
            ),
            why=a["why"],
        )
        for a in ordered("actors")
    )
    events = tuple(
        Event(
            id=e["id"],
            sentence=e["sentence"],
            trigger=Span(e["trigger_start"], e["trigger_end"]),
            source=_ref(e, "source"),
            target=_ref(e, "target"),
            cameo=e["cameo"],
            root=e["root"],
            plover=e["plover"],
            quad_class=e["quad_class"],
            goldstein=e["goldstein"],
            date=_date(e["date"]),
            date_text=e["date_text"],
            date_precision=e["date_precision"],
            place=_place(e),
            negated=bool(e["negated"]),
            hypothetical=bool(e["hypothetical"]),
            attribution=_sources(links[("event", e["id"])]),
            quote=e["quote"],
            confidence=e["confidence"],
            rule=e["rule"],
        )
        for e in ordered("events")
    )
    quotes = []
    for q in ordered("quotes"):
        speaker = None
        span = _span(q["speaker_start"], q["speaker_end"])
        if span is not None:
            speaker = Speaker(
                name=q["speaker_name"], span=span, actor=q["speaker_actor"], code=q["speaker_code"]
            )
        quotes.append(
            Quote(
                id=q["id"],
                kind=q["kind"],
                span=Span(q["start_char"], q["end_char"]),
                cue=_span(q["cue_start"], q["cue_end"]),
                speaker=speaker,
                via=_sources(links[("quote", q["id"])]),
            )
        )
    sentences = tuple(Span(s["start_char"], s["end_char"]) for s in ordered("sentences"))
    return Extraction(
        article=article,
        sentences=sentences,
        actors=actors,
        events=events,
        quotes=tuple(quotes),
        warnings=_tuple(head["warnings"]),
    )
