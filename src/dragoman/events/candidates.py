"""Candidates: the triggers whose verb patterns' frames match propose events
(trigger, code, source, target), as do modal demands ("Iran must withdraw", said by an
actor) and, when the model decides more, verbs no frame names."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from dragoman.actors import ActorLayer
from dragoman.events.coder import Coder
from dragoman.events.participants import _actors_at
from dragoman.events.syntax import _children, _main_clause
from dragoman.models import Span
from dragoman.quotes import QuoteLayer

DEMAND_CODE = "100"

# A generic candidate's code until the model types it: a statement, which no
# fallback or modality rule turns into something else.
GENERIC_CODE = "010"

GENERIC_SKIP = {"be", "have", "do", "get", "become", "seem", "say", "tell"}


def _generic_trigger(token: Token, coder: Coder) -> bool:
    """A verb that may be an act no frame names: a main-clause verb, not a word of
    speech (what is said is coded from the quote) and not "be" or "have"."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() not in coder.speech
        and token.lemma_.lower() not in GENERIC_SKIP
        and _main_clause(token)
    )


def _modal_demands(doc: Doc, actors: ActorLayer, quotes: QuoteLayer, coder: Coder, emit) -> None:
    """ "Iran must withdraw", said by an actor: the speaker demands it of Iran."""
    for token in doc:
        if token.dep_ != "aux" or token.lower_ not in coder.modal_must:
            continue
        verb = token.head
        span = Span(token.idx, token.idx + len(token.text))
        quote = quotes.containing(span)
        if quote is None or quote.speaker is None or quote.speaker.actor is None:
            continue
        subjects = _children(verb, {"nsubj"})
        if not subjects:
            continue
        targets = _actors_at(subjects[0], actors)
        named = doc.char_span(
            quote.speaker.span.start, quote.speaker.span.end, alignment_mode="expand"
        )
        speaker = actors.at(named.root) if named is not None else None
        if speaker is None:
            continue
        trigger = Span(token.idx, verb.idx + len(verb.text))
        for tgt in targets:
            emit(verb, DEMAND_CODE, "modal:must", speaker, tgt, 0, trigger)
