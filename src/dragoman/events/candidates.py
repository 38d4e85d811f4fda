"""Candidates: the triggers whose verb patterns' frames match propose events
(trigger, code, source, target), as do modal demands ("Iran must withdraw", said by an
actor) and, when the model decides more, verbs no frame names."""

from __future__ import annotations

from typing import Protocol

from spacy.tokens import Doc, Token

from dragoman.actors import ActorLayer, Mention
from dragoman.events.coder import Coder
from dragoman.events.frames import _matches
from dragoman.events.modality import THREAT_ROOT, _caution, _mutual
from dragoman.events.participants import (
    _actors_at,
    _alternatives,
    _condition_target,
    _generic_target,
    _nearest_target,
    _nominal_source,
    _pairs,
    _purpose_target,
    _stative_subject,
    _subject,
    _target,
)
from dragoman.events.syntax import _children, _main_clause
from dragoman.knowledge import VerbPattern
from dragoman.models import Span
from dragoman.quotes import QuoteLayer

DEMAND_CODE = "100"

# A generic candidate's code until the model types it: a statement, which no
# fallback or modality rule turns into something else.
GENERIC_CODE = "010"


class Emit(Protocol):
    """Where candidates go: codes one event (`emit._Emitter`)."""

    def __call__(
        self,
        token: Token,
        cameo: str,
        rule: str,
        src: Mention | None,
        tgt: Mention | None,
        specificity: int,
        trigger: Span | None = None,
        slot: bool = False,
        generic: bool = False,
    ) -> None: ...


def propose(
    doc: Doc,
    actors: ActorLayer,
    coder: Coder,
    emit: Emit,
    wide: bool,
    sent_number: list[int],
    skipped: set[int],
) -> None:
    """Propose the candidates of the frames that match each trigger (the most specific
    pattern whose frame is present), and, with `wide`, of verbs no frame names; the
    sentences `skipped` are not coded."""
    for word in doc:
        if sent_number[word.i] in skipped:
            continue
        # "launched a mediation effort between X and Y": the event noun names the act of
        # the noun it modifies, which holds the frame and sits in the clause.
        token, trigger = word, None
        if word.dep_ == "compound" and word.head.lemma_.lower() in coder.event_heads:
            token, trigger = word.head, Span(word.idx, word.head.idx + len(word.head.text))
        for pattern in coder.patterns_for(word):
            if _matches(pattern, token, coder) and _frame(
                pattern, token, trigger, actors, coder, emit, wide
            ):
                break
        else:
            if wide and _generic_trigger(word, coder):
                # A main-clause act between two actors that no frame names: the model
                # says what it is, or that it is nothing ("hosted a dinner for Netanyahu").
                sources = _subject(word, actors)
                targets = _generic_target(word, actors) if sources else []
                for src, tgt in _pairs(sources, targets):
                    if src is not None and tgt is not None:
                        emit(word, GENERIC_CODE, "generic", src, tgt, 0, None, True, True)


def _frame(
    pattern: VerbPattern,
    token: Token,
    trigger: Span | None,
    actors: ActorLayer,
    coder: Coder,
    emit: Emit,
    wide: bool,
) -> bool:
    """Emit the candidates of a pattern whose frame matches `token`: its participants,
    with the fallbacks for a target no slot names. False when the pattern does not code
    the trigger after all, and the next pattern is tried."""
    if pattern.pos == "NOUN":
        sources = _nominal_source(token, actors, causatives=coder.causatives)
    else:
        sources = _subject(token, actors) or _stative_subject(token, actors, coder)
    targets = _target(pattern, token, actors, coder)
    if (
        not targets
        and not pattern.specificity
        and pattern.lemma in coder.actor_object_verbs
        and (_children(token, {"dobj", "nsubjpass"}) or token.dep_ == "acl")
    ):
        # "met his wife", "released an ad", "a poll released last week", "was
        # met with opposition": what the verb is done to is no one.
        return False
    rule = f"verbs:{pattern.id}"
    cameo = pattern.cameo
    if pattern.lemma in coder.caution_verbs and _caution(token, actors, sources, coder):
        # "warned that the museum would not be a panacea": a warning about what
        # others or things may do is a pessimistic comment, not a threat.
        for warner in sources:
            emit(token, coder.caution_code, rule + "+caution", warner, None, 0, trigger)
        return True
    if targets and all(m.inferred for m in targets):
        # "demanded the sailors from Iran": the sailors' country is only a guess
        # from the article; an actor named with its country nearby is better.
        named = _nearest_target(token, actors, sources, named_only=True)
        if named:
            targets, rule = named, rule + "+named-target"
    own = {m.country for m in sources}
    if _mutual(cameo, coder, sources) and {t.country for t in targets} <= own:
        # "Indian and Pakistani troops exchanged fire", "Israel and the
        # Palestinians agreed to share data": each acts on the other.
        for doer in sources:
            for other in sources:
                if other.country != doer.country:
                    emit(token, cameo, rule + "+mutual", doer, other, 1, trigger)
        return True
    if not targets and cameo[:2] in coder.domestic_roots:
        # "blocked a road to show their disapproval of the United States'
        # policies": a protest's target is often named in its purpose.
        targets = _purpose_target(token, actors, sources)
        rule += "+purpose-target" if targets else ""
    if not targets and cameo.startswith(THREAT_ROOT):
        targets = _condition_target(token, actors, sources)
        rule += "+condition-target" if targets else ""
    if not targets:
        # An actor named with its country before one whose country is a guess.
        targets = _nearest_target(token, actors, sources, prefer_named=True)
        rule += "+deep-target" if targets else ""
    for src, tgt in _pairs(sources, targets):
        emit(
            token,
            cameo,
            rule,
            src,
            tgt,
            pattern.specificity,
            trigger,
            pattern.target != "none",
        )
    if wide:
        # The frame's participants are the parser's guess; the other actors of
        # the sentence are candidates too, and the model says which pair is right.
        for src, tgt in _alternatives(token, actors, sources, targets):
            emit(token, cameo, rule + "+alt", src, tgt, 0, trigger, True)
    return True


def _generic_trigger(token: Token, coder: Coder) -> bool:
    """A verb that may be an act no frame names: a main-clause verb, not a word of
    speech (what is said is coded from the quote) and not "be" or "have"."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() not in coder.speech
        and token.lemma_.lower() not in coder.generic_skip
        and _main_clause(token)
    )


def _modal_demands(
    doc: Doc, actors: ActorLayer, quotes: QuoteLayer, coder: Coder, emit: Emit
) -> None:
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
