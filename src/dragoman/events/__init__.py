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

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from dragoman.actors import ActorLayer, Mention
from dragoman.events import decide
from dragoman.events.candidates import GENERIC_CODE, _generic_trigger, _modal_demands
from dragoman.events.coder import Coder, coder_for
from dragoman.events.context import _Context
from dragoman.events.frames import _matches
from dragoman.events.modality import (
    THREAT_CODE,
    THREAT_ROOT,
    _caution,
    _condition,
    _mutual,
    _refusal,
    _verbal,
    hypothetical,
    intended,
    negated,
)
from dragoman.events.participants import (
    _alternatives,
    _condition_target,
    _generic_target,
    _implied,
    _nearest_target,
    _nominal_source,
    _pairs,
    _purpose_target,
    _stative_subject,
    _subject,
    _target,
)
from dragoman.events.prune import _best_per_trigger, _drop_secondary, _drop_subsumed, _renumber
from dragoman.events.syntax import _children, _main_clause, _main_object, _passive
from dragoman.models import ActorRef, Event, Source, Span
from dragoman.nlp import sentences
from dragoman.places import Gazetteer, event_place
from dragoman.quotes import QuoteLayer

__all__ = ["Coder", "EventLayer", "code", "coder_for"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EventLayer:
    """What the events stage adds."""

    events: tuple[Event, ...]


def _ref(mention: Mention | None) -> ActorRef | None:
    return mention.ref() if mention is not None else None


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
    knowledge = coder.knowledge
    ctx = _Context(coder, doc, published, gazetteer, actors)
    sents, sent_number, _ = sentences(doc)
    too_long = _too_long(sents, max_sentence_tokens)
    events: list[Event] = []
    seen: set[tuple] = set()
    untargeted: set[str] = set()  # events whose frame's target slot names no one
    rule_confidence: dict[str, float] = {}  # the rules' score, where the model's replaced it

    def emit(
        token: Token,
        cameo: str,
        rule: str,
        src: Mention | None,
        tgt: Mention | None,
        specificity: int,
        trigger: Span | None = None,
        slot: bool = False,
        generic: bool = False,
    ) -> None:
        """Code one event; `slot`: the frame has a target slot (filled or not);
        `generic`: no frame names the act, the decider types it."""
        if sent_number[token.i] in too_long:
            return
        unnamed = cameo[:2] in coder.place_source_roots
        unnamed_passive = unnamed and _passive(token)
        if src is None and tgt is None and not unnamed_passive:
            return
        key = (token.i, cameo[:2], src.actor if src else None, tgt.actor if tgt else None)
        if key in seen:
            return
        seen.add(key)
        place, place_mention = ctx.place(token)
        if src is not None:
            source = src.ref()
        elif unnamed and place is not None and place.country:
            # "three soldiers were killed by a bomb in Basra": the attacker is unnamed; the
            # event is coded from the country where it happened.
            source = ActorRef(None, place.country, place.country, (), place.span)
            rule += "+place-source"
        elif unnamed_passive and actors.home:
            # "27 people were detained" in a story about one country: by its authorities.
            source = ActorRef(
                None, actors.home, actors.home, (), _implied(actors.home, actors, token)
            )
            rule += "+home-source"
        else:
            return  # an event needs a doer; "was attacked" with no "by" names none
        condition, refused = _condition(token), False
        if (
            cameo[:2] in coder.verbal_roots
            and token.lemma_.lower() in coder.verbal_attacks
            and _verbal(src, tgt, coder)
        ):
            # "Trump attacked McCain": one politician attacking another does it in words.
            cameo, rule = coder.verbal_attack_code, rule + "+verbal"
        if (
            condition is not None
            and cameo[:2] != THREAT_ROOT
            and hypothetical(token, coder)
            and (condition == "unless" or knowledge.code(cameo).goldstein < 0)
        ):
            # "will withdraw its force unless Chad holds elections", "may halt mediation
            # if the talks founder": an act promised on a condition is a threat.
            cameo = coder.threat_codes.get(cameo[:2], THREAT_CODE)
            rule += "+conditional-threat"
        elif (
            (refusal := _refusal(cameo, coder)) is not None
            and intended(token, coder)
            and any(c.dep_ == "neg" for c in token.children)
        ):
            # "Syria will not accept more refugees", "would not meet the demands": a
            # promise not to cooperate or yield is a refusal (CAMEO 12), asserted.
            cameo, rule, refused = refusal, rule + "+refusal", True
        elif (
            token.dep_ == "xcomp"
            and token.head.lemma_.lower() in coder.negating_verbs
            and cameo.startswith(coder.failed_agreement_prefixes)
        ):
            # "Palestinians and Israelis failed to reach agreement": no agreement was
            # reached, a rejection of the deal on the table (PLOVER codes it REJECT).
            cameo, rule, refused = coder.failed_agreement_code, rule + "+failed", True
        elif intended(token, coder) and not negated(token, coder):
            if cameo[:2] in coder.intent_codes:
                cameo, rule = coder.intent_codes[cameo[:2]], rule + "+intent"
            elif cameo[:2] in coder.threat_codes:
                cameo, rule = coder.threat_codes[cameo[:2]], rule + "+threat"
        row = knowledge.code(cameo)
        span = trigger or Span(token.idx, token.idx + len(token.text))
        target = _ref(tgt)
        if place is not None and place.country:
            if target is None and place.country:
                # No one acted upon: the event happened to the place (CAMEO/PLOVER practice:
                # "students demonstrated in Jakarta" is IDN→IDN).
                target = ActorRef(
                    place_mention.actor if place_mention else None,
                    place.country,
                    place.country,
                    (),
                    place.span,
                )
                rule += "+place-target"
            if source.country is None:
                source = ActorRef(
                    source.actor,
                    place.country + "".join(source.sectors),
                    place.country,
                    source.sectors,
                    source.span,
                )
        if target is None and source.country and cameo[:2] in coder.domestic_roots:
            # A protest with no one named is against the protesters' own state (CAMEO
            # and PLOVER code "Egyptian demonstrators rioted" EGY→EGY).
            target = ActorRef(
                None,
                source.country + "GOV",
                source.country,
                ("GOV",),
                _implied(source.country, actors, token),
            )
            rule += "+domestic-target"
        if (
            target is None
            and slot
            and actors.home
            and source.country == actors.home
            and cameo[:2] in coder.home_target_roots
        ):
            # In a story about one country, what its own people criticise, praise or ask
            # for without naming anyone ("criticised the raids", "praised the decision")
            # is done to their own country: PLOVER codes such domestic events X→X.
            target = ActorRef(
                None, actors.home, actors.home, (), _implied(actors.home, actors, token)
            )
            rule += "+home-target"
        quote = quotes.containing(span)
        attribution: tuple[Source, ...] = ()
        if quote is not None:
            speaker = quote.speaker
            first = (
                (
                    Source(
                        role="speaker",
                        name=speaker.name,
                        code=speaker.code,
                        actor=speaker.actor,
                        span=speaker.span,
                    ),
                )
                if speaker
                else ()
            )
            attribution = first + quote.via
        elif outlet is not None:
            attribution = (outlet,)
        day, day_text, day_precision = ctx.date(token)
        # Evidence for the coding: both actors found in the parse, a specific frame, the
        # main clause (not a subordinate or nominal mention), a verb rather than a noun.
        confidence = (
            0.35
            + 0.1 * (tgt is not None)
            + 0.1 * min(specificity, 1)
            + 0.25 * (_main_clause(token) or _main_object(token))
            + 0.1 * (token.pos_ in {"VERB", "AUX"})
        )
        decision = None
        if decider is not None:
            names = decide.features(token, None if generic else cameo, rule, source, target)
            decision = decider.decide(
                names,
                decide.Candidate(span, source, target, row.plover, rule, not (wide or generic)),
            )
            if decision is None:
                if generic:
                    return  # collected for training; no frame codes it
            else:
                if wide or generic:
                    cameo = coder.code_for(decision.label, token, cameo)
                row = knowledge.code(cameo)
                rule_confidence[f"E{len(events) + 1}"] = min(confidence, 0.95)
                confidence = decision.confidence
                rule += f"|model:{confidence:.2f}"
        if slot and target is None:
            untargeted.add(f"E{len(events) + 1}")
        events.append(
            Event(
                id=f"E{len(events) + 1}",
                sentence=sent_number[token.i],
                trigger=span,
                source=source,
                target=target,
                cameo=cameo,
                root=cameo[:2],
                plover=row.plover,
                quad_class=row.quad_class,
                goldstein=row.goldstein,
                date=day,
                date_text=day_text,
                date_precision=day_precision,
                place=place or event_place(token, ctx.actors, ctx.gazetteer, ctx.countries),
                negated=negated(token, coder) and not refused,
                hypothetical=hypothetical(token, coder),
                attribution=attribution,
                quote=quote.id if quote else None,
                confidence=round(confidence if decision else min(confidence, 0.95), 2),
                rule=rule,
            )
        )

    for word in doc:
        if sent_number[word.i] in too_long:
            continue
        # "launched a mediation effort between X and Y": the event noun names the act of
        # the noun it modifies, which holds the frame and sits in the clause.
        token, trigger = word, None
        if word.dep_ == "compound" and word.head.lemma_.lower() in coder.event_heads:
            token, trigger = word.head, Span(word.idx, word.head.idx + len(word.head.text))
        for pattern in coder.patterns_for(word):
            if not _matches(pattern, token, coder):
                continue
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
                continue
            rule = f"verbs:{pattern.id}"
            cameo = pattern.cameo
            if pattern.lemma in coder.caution_verbs and _caution(token, actors, sources, coder):
                # "warned that the museum would not be a panacea": a warning about what
                # others or things may do is a pessimistic comment, not a threat.
                for warner in sources:
                    emit(token, coder.caution_code, rule + "+caution", warner, None, 0, trigger)
                break
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
                break
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
    _modal_demands(doc, actors, quotes, coder, emit)
    events = _drop_subsumed(doc, events, coder.voiced_by)
    if wide:
        events = _best_per_trigger([e for e in events if e.confidence >= min_confidence])
    else:
        # The rules choose among a sentence's events by their own score; the model's
        # probability then filters what they chose.
        events = _drop_secondary(events, secondary_confidence, untargeted, rule_confidence)
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
