"""Events stage: CAMEO and PLOVER coding over the dependency parse.

Triggers are verbs and nouns whose lemma has a pattern in `data/verbs.yaml`
(plus the user's verb files). The most specific pattern whose frame (particle,
preposition, object, complement) is present wins. Source and target come from
the parse: the subject (or the "by" agent of a passive) and the object, the
object of the pattern's preposition, or, for a nominal object that is not an
actor itself, the actor inside it ("rejected a call from Russia" → Russia,
"demanded Iran's withdrawal" → Iran). Participles and infinitives take the
subject of the clause they hang on; nominal triggers take their possessor,
their "by"/"from" phrase, or the subject of their clause. Conjoined actors
("Hungarian and Romanian officials") give one event per pair.

Reporting verbs are never events: an event said by someone sits in a quote
(direct or indirect) of the quotes stage, and takes that quote's speaker and
relays as its attribution chain. "X must V" inside a quote whose speaker is an
actor is coded as the speaker DEMANDING it of X (CAMEO 100).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from dragoman.actors import ActorLayer
from dragoman.events import decide
from dragoman.events.candidates import _modal_demands, propose
from dragoman.events.coder import Coder, coder_for
from dragoman.events.context import _Context
from dragoman.events.emit import _Emitter
from dragoman.events.prune import _best_per_trigger, _drop_secondary, _drop_subsumed, _renumber
from dragoman.models import Event, Source
from dragoman.nlp import sentences
from dragoman.places import Gazetteer
from dragoman.quotes import QuoteLayer

__all__ = ["Coder", "EventLayer", "code", "coder_for"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EventLayer:
    """What the events stage adds."""

    events: tuple[Event, ...]


def code(
    doc: Doc,
    actors: ActorLayer,
    quotes: QuoteLayer,
    coder: Coder,
    published: dt.date | None,
    outlet: Source | None,
    gazetteer: Gazetteer,
    secondary_confidence: float = 0.0,
    decider: decide.Decider | None = None,
    min_confidence: float = 0.0,
    wide: bool = False,
    max_sentence_tokens: int = 0,
) -> EventLayer:
    """Code the events of a parsed article.

    The rules' coding: of each sentence's events the most confident (by the rules'
    score) is kept, and the others when that score reaches `secondary_confidence`
    (0 keeps all). With a `decider` (the learned event model), each event's
    confidence is the model's calibrated probability that it is right, and events
    below `min_confidence` are dropped. With `wide` as well, the model decides more:
    the other actors of the sentence are tried as participants, main-clause verbs
    between two actors that no frame names are candidates (`generic`), the model's
    type replaces the frame's, and each trigger keeps its most probable pair.
    A sentence longer than `max_sentence_tokens` (0: no limit) is not coded, with a
    warning: it is a table or a list without full stops, and its coding time is not
    bounded by a sentence's.
    """
    ctx = _Context(coder, doc, published, gazetteer, actors)
    sents, sent_number, _ = sentences(doc)
    too_long = _too_long(sents, max_sentence_tokens)
    emit = _Emitter(coder, actors, quotes, ctx, outlet, decider, wide, sent_number, too_long)
    propose(doc, actors, coder, emit, wide, sent_number, too_long)
    _modal_demands(doc, actors, quotes, coder, emit)
    events = _drop_subsumed(doc, emit.events, coder.voiced_by)
    if wide:
        events = _best_per_trigger([e for e in events if e.confidence >= min_confidence])
    else:
        # The rules choose among a sentence's events by their own score; the model's
        # probability then filters what they chose.
        events = _drop_secondary(
            events, secondary_confidence, emit.untargeted, emit.rule_confidence
        )
        events = [e for e in events if e.confidence >= min_confidence]
    events.sort(key=lambda e: e.trigger.start)
    return EventLayer(tuple(_renumber(events)))


def _too_long(sents: list[SpacySpan], limit: int) -> set[int]:
    """Numbers of the sentences over `limit` tokens (none when `limit` is 0), warned of."""
    if limit <= 0:
        return set()
    found = {n for n, sent in enumerate(sents) if len(sent) > limit}
    for n in sorted(found):
        sent = sents[n]
        log.warning(
            "sentence %d (characters %d-%d) has %d tokens, more than max_sentence_tokens %d: "
            "its events are not coded",
            n,
            sent.start_char,
            sent.end_char,
            len(sent),
            limit,
        )
    return found
