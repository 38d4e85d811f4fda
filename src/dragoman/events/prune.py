"""Pruning: of the events proposed, drop those that are part of another (a
complement, what a demand or a demonstration voices), keep each sentence's best, one
per trigger, and number what is left."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from spacy.tokens import Doc

from dragoman.models import Event

# A coded event in one of these slots of another event is part of it ("pledged to
# cooperate", "demanded that Israel withdraw"), not a second event.
SUBSUMED_DEPS = {"xcomp", "ccomp", "dobj", "pcomp"}

# How a participle clause hangs on the verb it accompanies ("marched, demanding").
VOICED_DEPS = {"advcl", "conj"}


def _drop_subsumed(
    doc: Doc, events: list[Event], voiced_by: dict[str, frozenset[str]]
) -> list[Event]:
    """Drop events whose trigger is the complement of another event's trigger."""
    by_token: dict[int, list[Event]] = {}
    for event in events:
        span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if span is not None:
            by_token.setdefault(span.root.i, []).append(event)
    dropped: set[str] = set()
    for i, inner in by_token.items():
        token = doc[i]
        outer = by_token.get(token.head.i) if token.head.i != i else None
        # "called for sanctions", "demanded an end to": the noun is what the verb is about.
        about = (
            token.dep_ == "pobj"
            and token.head.dep_ in {"prep", "prt"}
            and token.head.head.i in by_token
            and token.head.head.i != i
        )
        if (outer and token.dep_ in SUBSUMED_DEPS) or about:
            dropped.update(e.id for e in inner)
        elif outer and token.dep_ in VOICED_DEPS:
            # "marched through the city demanding a recount", "demonstrated calling for
            # independence": a demand voiced by a demonstration is the demonstration.
            voiced = {t for e in outer for t in voiced_by.get(e.plover or "", ())}
            dropped.update(e.id for e in inner if e.plover in voiced)
    # "Iran must withdraw" said by Pompeo: his demand covers Iran's withdrawal.
    for inner in by_token.values():
        if any(_base_rule(e) == "modal:must" for e in inner):
            dropped.update(e.id for e in inner if _base_rule(e) != "modal:must")
    return [e for e in events if e.id not in dropped]


def _drop_secondary(
    events: list[Event],
    floor: float,
    untargeted: set[str],
    scores: dict[str, float] | None = None,
) -> list[Event]:
    """Keep each sentence's most confident events, and the others that reach `floor`
    with their frame complete: an event whose frame has a target slot that names no one
    (`untargeted` ids) is kept only as its sentence's best, and not beside a complete
    event as confident ("opened fire to disperse the crowd, killing one person": the
    killing names no victim we can code). A floor of 0 keeps every event. `scores`:
    the rules' score of events whose confidence is the model's."""
    if floor <= 0:
        return events
    rules = scores or {}

    def score(event: Event) -> float:
        return rules.get(event.id, event.confidence)

    best: dict[int, float] = {}
    complete: dict[int, float] = {}
    for event in events:
        best[event.sentence] = max(best.get(event.sentence, 0.0), score(event))
        if event.id not in untargeted:
            complete[event.sentence] = max(complete.get(event.sentence, 0.0), score(event))

    def kept(event: Event) -> bool:
        if event.id in untargeted:
            return score(event) >= best[event.sentence] and score(event) > complete.get(
                event.sentence, -1.0
            )
        return score(event) >= floor or score(event) >= best[event.sentence]

    return [e for e in events if kept(e)]


def _best_per_trigger(events: list[Event]) -> list[Event]:
    """One event per trigger and source: the most confident (first on ties)."""
    best: dict[tuple[int, str], Event] = {}
    for event in events:
        key = (event.trigger.start, event.source.actor or event.source.code if event.source else "")
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    kept = {id(e) for e in best.values()}
    return [e for e in events if id(e) in kept]


def _base_rule(event: Event) -> str:
    """The rule that proposed an event, without the model's part (`…|model:0.91`)."""
    return event.rule.partition("|")[0]


def _renumber(events: list[Event]) -> Iterator[Event]:
    for i, event in enumerate(events, start=1):
        yield dataclasses.replace(event, id=f"E{i}")
