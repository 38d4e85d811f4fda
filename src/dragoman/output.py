"""The output contract: an `Extraction` as the versioned JSON object of `docs/schema.md`.

This is the one place where models become dicts. Field names are a public
schema (`"schema": "dragoman/2"`): change them only with a version bump.
"""

from __future__ import annotations

import json
import re
from typing import Any

from dragoman.models import (
    SCHEMA,
    ActorRef,
    Event,
    Extraction,
    Place,
    Quote,
    Reject,
    Source,
    Span,
)

# Control characters, and the bidirectional overrides that reorder what a terminal shows.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _span(span: Span, text: str) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text(text)}


def _ref(ref: ActorRef | None, text: str) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "actor": ref.actor,
        "code": ref.code,
        "country": ref.country,
        "sectors": list(ref.sectors),
        "text": ref.span.text(text),
        "start": ref.span.start,
        "end": ref.span.end,
    }


def _source(source: Source, text: str) -> dict[str, Any]:
    return {
        "role": source.role,
        "name": source.name,
        "code": source.code,
        "actor": source.actor,
        "text": source.span.text(text) if source.span is not None else None,
        "start": source.span.start if source.span is not None else None,
        "end": source.span.end if source.span is not None else None,
    }


def _place(place: Place | None) -> dict[str, Any] | None:
    if place is None:
        return None
    return {
        "name": place.name,
        "geonameid": place.geonameid,
        "country": place.country,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "feature": place.feature,
        "start": place.span.start,
        "end": place.span.end,
    }


def event_dict(event: Event, text: str) -> dict[str, Any]:
    """One event of the output contract."""
    return {
        "id": event.id,
        "sentence": event.sentence,
        "trigger": _span(event.trigger, text),
        "source": _ref(event.source, text),
        "target": _ref(event.target, text),
        "cameo": event.cameo,
        "root": event.root,
        "plover": event.plover,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "date": event.date.isoformat() if event.date else None,
        "date_text": event.date_text,
        "date_precision": event.date_precision,
        "place": _place(event.place),
        "negated": event.negated,
        "hypothetical": event.hypothetical,
        "attribution": [_source(s, text) for s in event.attribution],
        "quote": event.quote,
        "confidence": event.confidence,
        "rule": event.rule,
    }


def quote_dict(quote: Quote, text: str) -> dict[str, Any]:
    """One quote of the output contract."""
    speaker = None
    if quote.speaker is not None:
        speaker = {
            "actor": quote.speaker.actor,
            "name": quote.speaker.name,
            "code": quote.speaker.code,
            "text": quote.speaker.span.text(text),
            "start": quote.speaker.span.start,
            "end": quote.speaker.span.end,
        }
    return {
        "id": quote.id,
        "kind": quote.kind,
        "text": quote.span.text(text),
        "start": quote.span.start,
        "end": quote.span.end,
        "cue": quote.cue.text(text) if quote.cue is not None else None,
        "speaker": speaker,
        "via": [_source(s, text) for s in quote.via],
    }


def to_dict(extraction: Extraction) -> dict[str, Any]:
    """The JSON object of one article."""
    article = extraction.article
    text = article.text
    return {
        "schema": SCHEMA,
        "id": article.id,
        "hash": article.hash,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "author": article.author,
        "published": article.published.isoformat() if article.published else None,
        "language": article.language,
        "duplicate_of": extraction.duplicate_of,
        "text": text,
        "sentences": [{"start": s.start, "end": s.end} for s in extraction.sentences],
        "actors": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "code": a.code,
                "country": a.country,
                "sectors": list(a.sectors),
                "why": a.why,
                "mentions": [_span(m, text) for m in a.mentions],
            }
            for a in extraction.actors
        ],
        "events": [event_dict(e, text) for e in extraction.events],
        "quotes": [quote_dict(q, text) for q in extraction.quotes],
    }


def reject_dict(reject: Reject) -> dict[str, Any]:
    """One line of the rejects file."""
    return {
        "origin": reject.origin,
        "id": reject.record_id,
        "reason": reject.reason,
        "detail": reject.detail,
    }


def dumps(obj: dict[str, Any]) -> str:
    """One JSON Lines line."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def terminal_safe(text: str) -> str:
    """`text` with control characters shown as escapes (`\\x1b`), so that a value from
    an article (a title, an outlet) cannot move the cursor, recolour or rewrite a
    terminal; line breaks and tabs are kept."""
    return _TERMINAL_UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
