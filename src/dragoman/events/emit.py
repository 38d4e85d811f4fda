"""Emitting: one proposed candidate (trigger, code, source, target) made an event, in
steps: its doer when the parse names none, its modality, its target when the frame's
slot names no one, its attribution, the rules' score and the model's decision."""

from __future__ import annotations

from spacy.tokens import Token

from dragoman.actors import ActorLayer, Mention
from dragoman.events import decide
from dragoman.events.coder import Coder
from dragoman.events.context import _Context
from dragoman.events.modality import hypothetical, negated, rewrite
from dragoman.events.participants import _implied
from dragoman.events.syntax import _main_clause, _main_object, _passive
from dragoman.knowledge import Code
from dragoman.models import ActorRef, Event, Place, Source, Span
from dragoman.places import event_place
from dragoman.quotes import QuoteLayer


def _ref(mention: Mention | None) -> ActorRef | None:
    return mention.ref() if mention is not None else None


class _Emitter:
    """Codes the candidates of one article into `events`, each (trigger, root, source,
    target) once; called as `emit(token, cameo, rule, src, tgt, specificity, …)`."""

    def __init__(
        self,
        coder: Coder,
        actors: ActorLayer,
        quotes: QuoteLayer,
        ctx: _Context,
        outlet: Source | None,
        decider: decide.Decider | None,
        wide: bool,
        sent_number: list[int],
        skipped: set[int],
    ) -> None:
        self.coder, self.knowledge = coder, coder.knowledge
        self.actors, self.quotes, self.ctx, self.outlet = actors, quotes, ctx, outlet
        self.decider, self.wide = decider, wide
        self.sent_number = sent_number
        self.skipped = skipped  # the numbers of the sentences not coded (too long)
        self.events: list[Event] = []
        self.seen: set[tuple] = set()
        self.untargeted: set[str] = set()  # events whose frame's target slot names no one
        # The rules' score of the events whose confidence is the model's.
        self.rule_confidence: dict[str, float] = {}

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
    ) -> None:
        """Code one event; `slot`: the frame has a target slot (filled or not);
        `generic`: no frame names the act, the decider types it."""
        if self.sent_number[token.i] in self.skipped:
            return
        unnamed = cameo[:2] in self.coder.place_source_roots
        unnamed_passive = unnamed and _passive(token)
        if src is None and tgt is None and not unnamed_passive:
            return
        key = (token.i, cameo[:2], src.actor if src else None, tgt.actor if tgt else None)
        if key in self.seen:
            return
        self.seen.add(key)
        place, place_mention = self.ctx.place(token)
        doer = self._source(token, src, place, unnamed, unnamed_passive)
        if doer is None:
            return  # an event needs a doer; "was attacked" with no "by" names none
        source, suffix = doer
        cameo, rule, refused = rewrite(token, cameo, rule + suffix, src, tgt, self.coder)
        row = self.knowledge.code(cameo)
        span = trigger or Span(token.idx, token.idx + len(token.text))
        source, target, rule = self._fallback_target(
            token, cameo, rule, source, _ref(tgt), place, place_mention, slot
        )
        confidence = _rule_score(token, tgt, specificity)
        decided = False
        if self.decider is not None:
            decision = self._decide(
                self.decider, token, cameo, rule, source, target, span, row, confidence, generic
            )
            if decision is None:
                return  # collected for training; no frame codes it
            cameo, rule, row, confidence, decided = decision
        if slot and target is None:
            self.untargeted.add(self._next_id())
        self.events.append(
            self._event(
                token, span, cameo, row, rule, source, target, place, confidence, decided, refused
            )
        )

    def _next_id(self) -> str:
        return f"E{len(self.events) + 1}"

    def _source(
        self,
        token: Token,
        src: Mention | None,
        place: Place | None,
        unnamed: bool,
        unnamed_passive: bool,
    ) -> tuple[ActorRef, str] | None:
        """The event's doer and the rule's suffix for how it was found: the parse's, else
        the country of the place (`+place-source`) or of the story (`+home-source`) for
        acts whose doer goes unnamed; None when there is none."""
        actors = self.actors
        if src is not None:
            return src.ref(), ""
        if unnamed and place is not None and place.country:
            # "three soldiers were killed by a bomb in Basra": the attacker is unnamed; the
            # event is coded from the country where it happened.
            return ActorRef(None, place.country, place.country, (), place.span), "+place-source"
        if unnamed_passive and actors.home:
            # "27 people were detained" in a story about one country: by its authorities.
            home = ActorRef(
                None, actors.home, actors.home, (), _implied(actors.home, actors, token)
            )
            return home, "+home-source"
        return None

    def _fallback_target(
        self,
        token: Token,
        cameo: str,
        rule: str,
        source: ActorRef,
        target: ActorRef | None,
        place: Place | None,
        place_mention: Mention | None,
        slot: bool,
    ) -> tuple[ActorRef, ActorRef | None, str]:
        """The source, target and rule after the fallbacks for a target no phrase names:
        the place (`+place-target`, which also gives a source without a country its
        country), the protesters' own state (`+domestic-target`), the story's country
        (`+home-target`)."""
        coder, actors = self.coder, self.actors
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
        return source, target, rule

    def _decide(
        self,
        decider: decide.Decider,
        token: Token,
        cameo: str,
        rule: str,
        source: ActorRef,
        target: ActorRef | None,
        span: Span,
        row: Code,
        confidence: float,
        generic: bool,
    ) -> tuple[str, str, Code, float, bool] | None:
        """The model's part: (code, rule, codebook row, confidence, whether the model
        decided). A decider that records candidates decides nothing; then a generic
        candidate, which no frame codes, is no event (None)."""
        names = decide.features(token, None if generic else cameo, rule, source, target)
        decision = decider.decide(
            names,
            decide.Candidate(span, source, target, row.plover, rule, not (self.wide or generic)),
        )
        if decision is None:
            if generic:
                return None
            return cameo, rule, row, confidence, False
        if self.wide or generic:
            cameo = self.coder.code_for(decision.label, token, cameo)
        row = self.knowledge.code(cameo)
        self.rule_confidence[self._next_id()] = min(confidence, 0.95)
        confidence = decision.confidence
        rule += f"|model:{confidence:.2f}"
        return cameo, rule, row, confidence, True

    def _attribution(self, span: Span) -> tuple[tuple[Source, ...], str | None]:
        """Who says so: the speaker and relays of the quote the trigger is in, else the
        outlet; and that quote's id."""
        quote = self.quotes.containing(span)
        if quote is None:
            return ((self.outlet,) if self.outlet is not None else ()), None
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
        return first + quote.via, quote.id

    def _event(
        self,
        token: Token,
        span: Span,
        cameo: str,
        row: Code,
        rule: str,
        source: ActorRef,
        target: ActorRef | None,
        place: Place | None,
        confidence: float,
        decided: bool,
        refused: bool,
    ) -> Event:
        ctx = self.ctx
        attribution, quote = self._attribution(span)
        day, day_text, day_precision = ctx.date(token)
        return Event(
            id=self._next_id(),
            sentence=self.sent_number[token.i],
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
            negated=negated(token, self.coder) and not refused,
            hypothetical=hypothetical(token, self.coder),
            attribution=attribution,
            quote=quote,
            confidence=round(confidence if decided else min(confidence, 0.95), 2),
            rule=rule,
        )


def _rule_score(token: Token, tgt: Mention | None, specificity: int) -> float:
    """The rules' score of an event."""
    # Evidence for the coding: both actors found in the parse, a specific frame, the
    # main clause (not a subordinate or nominal mention), a verb rather than a noun.
    return (
        0.35
        + 0.1 * (tgt is not None)
        + 0.1 * min(specificity, 1)
        + 0.25 * (_main_clause(token) or _main_object(token))
        + 0.1 * (token.pos_ in {"VERB", "AUX"})
    )
