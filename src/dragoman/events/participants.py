"""Participants: who does an event (the subject, the "by" agent, the possessor of a
nominal trigger, the reporter of a reported clause) and to whom (the pattern's object
or preposition, the actor inside a nominal object, the nearest actor below the trigger,
the purpose or condition clause), and the pairs they make."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from spacy.tokens import Token

from dragoman.actors import ActorLayer, Mention
from dragoman.events.coder import Coder
from dragoman.events.frames import _objects, _preps
from dragoman.events.syntax import (
    CONDITION_MARKS,
    OBJECT_DEPS,
    PLACE_PREPS,
    REPORTER_PRONOUNS,
    _children,
    _conjuncts,
)
from dragoman.knowledge import VerbPattern
from dragoman.models import Span

SUBJECT_DEPS = {"nsubj", "csubj"}

# Clauses that take the subject of the clause they hang on.
INHERIT_DEPS = {"xcomp", "advcl", "conj", "pcomp", "acl", "acomp"}

# Prepositions through which a nominal object names its actor.
NOMINAL_ACTOR_PREPS = {"from", "by", "of"}

# Default target prepositions of nominal triggers when the pattern gives none.
NOMINAL_TARGET_PREPS = {"on", "against", "with", "to", "at", "toward", "towards", "into", "between"}

# Prepositions on a verb whose object is the event's target ("cut aid to Egypt").
VERB_TARGET_PREPS = {
    "with",
    "to",
    "against",
    "on",
    "over",
    "from",
    "at",
    "into",
    "toward",
    "between",
    "towards",
    "upon",
}

# How many of a sentence's actors, nearest the trigger first, are tried as participants.
ALTERNATIVES = 4


def _actors_at(token: Token, actors: ActorLayer) -> list[Mention]:
    """Mentions of a noun phrase, one per conjunct ("Hungarian and Romanian officials")."""
    found: list[Mention] = []
    for part in _conjuncts(token):
        mention = actors.at(part)
        if mention is None:
            # "Senior Hungarian and Romanian officials": the conjoined modifiers.
            mods: list[Mention] = []
            for child in part.children:
                if child.dep_ in {"amod", "compound", "poss", "nmod"}:
                    for sub in _conjuncts(child):
                        m = actors.at(sub)
                        if m is not None and m not in mods:
                            mods.append(m)
            found.extend(m for m in _fold_guessed(mods) if m not in found)
            continue
        if mention not in found:
            found.append(mention)
        # "Hungarian and Romanian officials": the second state's officials too.
        for child in part.children:
            if child.dep_ not in {"amod", "compound", "nmod"} or actors.at(child) != mention:
                continue
            for sub in _conjuncts(child)[1:]:
                other = actors.at(sub)
                if other is not None and other.country != mention.country and other.kind == "state":
                    found.append(_with_sectors(other, mention.sectors))
    return found


def _fold_guessed(mods: list[Mention]) -> list[Mention]:
    """ "Israeli army bulldozers", "Kampuchean guerrilla camps": modifiers of one noun,
    a named state and a role whose country is only guessed from the article, are one
    actor: the state's, with the role's sectors."""
    states = [m for m in mods if m.kind == "state" and m.country and not m.inferred]
    guessed = [m for m in mods if m.inferred]
    if len(states) != 1 or not guessed:
        return mods
    folded = _with_sectors(states[0], guessed[0].sectors)
    return [folded if m is states[0] else m for m in mods if m not in guessed]


def _with_sectors(mention: Mention, sectors: tuple[str, ...]) -> Mention:
    """A state's mention as the phrase it modifies, with that phrase's sectors."""
    code = (mention.country or "") + "".join(sectors)
    return dataclasses.replace(mention, code=code, sectors=sectors)


def _actor_inside(token: Token, actors: ActorLayer) -> list[Mention]:
    """The actor a phrase names, or the one inside a nominal phrase ("a call from Russia")."""
    direct = _actors_at(token, actors)
    if direct:
        return direct
    for child in token.children:
        if child.dep_ in {"poss", "compound"}:
            found = _actors_at(child, actors)
            if found:
                return found
    for child in token.children:
        if child.dep_ in {"prep", "agent"} and child.lower_ in NOMINAL_ACTOR_PREPS:
            for obj in _children(child, {"pobj"}):
                found = _actors_at(obj, actors)
                if found:
                    return found
    return []


def _subject(token: Token, actors: ActorLayer, depth: int = 0) -> list[Mention]:
    """Who does what `token` says, climbing through participles, infinitives and conjuncts."""
    if depth > 6:
        return []
    subjects = _children(token, SUBJECT_DEPS)
    if subjects:
        found = _actor_inside(subjects[0], actors)
        if not found and subjects[0].lower_ in REPORTER_PRONOUNS:
            return _reporter(token, actors, depth)
        return found
    for agent in _children(token, {"agent"}):
        for obj in _children(agent, {"pobj"}):
            return _actors_at(obj, actors)
    if _children(token, {"nsubjpass"}):
        return []  # a passive without "by X" names no doer; do not borrow one
    if token.dep_ in INHERIT_DEPS and token.head.i != token.i:
        head = token.head
        if token.dep_ == "conj" and token.tag_ != "VBN":
            # "X was indicted by the court and will resign": an active verb joined to a
            # passive one shares its subject, not its agent.
            for passive in _children(head, {"nsubjpass"}):
                return _actor_inside(passive, actors)
        if token.dep_ == "xcomp":
            # Object control: "urged Iran to withdraw" → Iran withdraws.
            objects = _children(head, {"dobj"})
            if objects:
                return _actor_inside(objects[0], actors)
        if head.pos_ in {"NOUN", "PROPN"}:
            return _nominal_source(head, actors, depth + 1)
        return _subject(head, actors, depth + 1)
    if token.dep_ == "relcl" and token.head.i != token.i:
        return _actors_at(token.head, actors)
    return []


def _stative_subject(token: Token, actors: ActorLayer, coder: Coder) -> list[Mention]:
    """ "Israel is opposed to the plan": a participle that names a stance, not a deed
    done to its subject (`stative_participles` in grammar.yaml); the subject holds it."""
    if token.lemma_.lower() not in coder.stative or _children(token, {"agent"}):
        return []
    # The parser hangs the subject on the participle or, at times, on its "is".
    holders = [token, *_children(token, {"auxpass", "aux"})]
    for holder in holders:
        for subject in _children(holder, {"nsubjpass", "nsubj"}):
            return _actors_at(subject, actors)
    return []


def _reporter(token: Token, actors: ActorLayer, depth: int) -> list[Mention]:
    """The subject of the reporting verb whose complement holds `token`: "Hungary said it
    will support …" → Hungary."""
    node = token
    for _ in range(4):
        if node.dep_ != "ccomp" or node.head.i == node.i:
            return []
        node = node.head
        subject = _children(node, SUBJECT_DEPS)
        if subject:
            return _actors_at(subject[0], actors)
    return []


def _nominal_source(
    noun: Token, actors: ActorLayer, depth: int = 0, causatives: frozenset[str] = frozenset()
) -> list[Mention]:
    """The actor of a nominal event: possessor, "by/from X", else the clause's subject."""
    for child in noun.children:
        if child.dep_ == "poss":
            found = _actors_at(child, actors)
            if found:
                return found
    for child in noun.children:
        if child.dep_ in {"prep", "agent"} and child.lower_ in {"by", "from"}:
            for obj in _children(child, {"pobj"}):
                found = _actors_at(obj, actors)
                if found:
                    return found
    for child in noun.children:
        if child.dep_ in {"compound", "amod", "nmod"}:
            found = _actors_at(child, actors)
            if found:
                return found
    head = noun
    for _ in range(6):
        if head.head.i == head.i:
            break
        head = head.head
        if head.pos_ in {"VERB", "AUX"}:
            if head.lemma_.lower() in causatives:
                return []  # "the abduction drew protests": the abduction did not protest
            return _subject(head, actors, depth + 1)
        if head.pos_ in {"NOUN", "PROPN"}:
            # "imposed a blackout on the withdrawal of weapons": the withdrawal belongs
            # to the blackout's phrase, not to whoever imposed the blackout.
            break
    return []


def _target(pattern: VerbPattern, token: Token, actors: ActorLayer, coder: Coder) -> list[Mention]:
    if pattern.target == "none":
        return []
    if pattern.object:
        for obj in _objects(token, pattern, coder):
            if obj.lemma_.lower() in pattern.object:
                if pattern.prep:
                    for prep in _preps(obj, pattern.prep) + _preps(token, pattern.prep):
                        for pobj in _children(prep, {"pobj"}):
                            return _actors_at(pobj, actors)
                for child in obj.children:
                    if child.dep_ == "prep" and child.lower_ in NOMINAL_TARGET_PREPS:
                        for pobj in _children(child, {"pobj"}):
                            found = _actors_at(pobj, actors)
                            if found:
                                return found
                # "demanded Iran's withdrawal": the actor inside the object phrase.
                found = _actor_inside(obj, actors) or _object_prep_target(obj, actors)
                if found:
                    return found
                break
        # The parser often hangs "from Greece" on the verb: "rejected a proposal from Greece".
        return _generic_target(token, actors)
    if pattern.prep:
        for prep in _preps(token, pattern.prep):
            for pobj in _children(prep, {"pobj"}):
                # "called for sanctions against Nigeria": the target of the nominal object.
                found = _phrase_target(pobj, actors)
                if found:
                    return found
        if pattern.target == "prep":
            return []
    if pattern.pos == "NOUN":
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ in NOMINAL_TARGET_PREPS:
                for pobj in _children(child, {"pobj"}):
                    found = _actor_inside(pobj, actors)
                    if found:
                        return found
        return []
    found = _generic_target(token, actors)
    if found:
        return found
    for passive in _children(token, {"nsubjpass"}):
        # "a camp for Congolese refugees was attacked": the actor inside the subject.
        return _actors_at(passive, actors) or _nearest_target(passive, actors, [])
    return _complement_target(token, actors)


def _generic_target(token: Token, actors: ActorLayer) -> list[Mention]:
    """The object's actor, else the actor of a target preposition on the verb."""
    for obj in _children(token, OBJECT_DEPS):
        found = _phrase_target(obj, actors)
        if found:
            return found
    return _object_prep_target(token, actors)


def _phrase_target(noun: Token, actors: ActorLayer) -> list[Mention]:
    """Who a nominal object names: the actor it is or holds ("demanded Iran's
    withdrawal"), of its target preposition ("sanctions on Iran"), or the subject of its
    that-clause ("its demand that Burundi's government grant rights")."""
    return (
        _actor_inside(noun, actors)
        or _object_prep_target(noun, actors)
        or _clause_target(noun, actors)
    )


def _clause_target(noun: Token, actors: ActorLayer) -> list[Mention]:
    """ "its demand that Burundi's government grant more rights": the subject of a noun's
    that-clause is who is asked or meant."""
    for clause in _children(noun, {"acl", "ccomp"}):
        if any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children):
            for subject in _children(clause, {"nsubj", "nsubjpass"}):
                return _actors_at(subject, actors)
    return []


def _object_prep_target(head: Token, actors: ActorLayer) -> list[Mention]:
    """The actor of a target preposition on `head`: on an object noun ("lift sanctions
    on Iran", "sever ties with Morocco") or on the verb itself ("cut aid to Egypt")."""
    for prep in _children(head, {"prep", "dative"}):
        if prep.lower_ in VERB_TARGET_PREPS:
            for pobj in _children(prep, {"pobj"}):
                found = _actor_inside(pobj, actors)
                if found:
                    return found
    return []


def _complement_target(token: Token, actors: ActorLayer) -> list[Mention]:
    """ "pledged to cooperate with India", "demanded that Israel withdraw": the target
    named in the complement clause."""
    for comp in _children(token, {"xcomp", "ccomp"}):
        if comp.dep_ == "ccomp":
            for subject in _children(comp, {"nsubj", "nsubjpass"}):
                found = _actors_at(subject, actors)
                if found:
                    return found
        found = _generic_target(comp, actors)
        if found:
            return found
    return []


# How far below the trigger the nearest-actor fallback looks (8 links, in practice the
# whole clause: on PLOVER GSR 4 links found 12 fewer right targets and no fewer wrong
# ones), and the branches it does not enter: the doer's own phrase, clauses of their
# own, and apposed words.
NEAREST_TARGET_DEPTH = 8

NEAREST_TARGET_SKIP = SUBJECT_DEPS | {"nsubjpass", "agent", "relcl", "advcl", "appos", "conj", "cc"}

# Prepositions whose phrase is what did not happen: "agreed to resign without returning
# to Kyrgyzstan" does nothing to Kyrgyzstan; or who says so: "according to state media,
# the two ministers discussed…" is not done to the media.
NEAREST_TARGET_SKIP_PREPS = {"without", "according"}


def _nearest_target(
    token: Token,
    actors: ActorLayer,
    sources: list[Mention],
    named_only: bool = False,
    prefer_named: bool = False,
) -> list[Mention]:
    """When the pattern's slots name no one, the actor nearest the trigger in the words
    that depend on it ("agreed to set up a centre in Tokyo", "lifted a state of
    emergency in West Darfur", "rejected an offer from Afghanistan"): breadth first,
    at most `NEAREST_TARGET_DEPTH` links down, only actors with a country (a name the
    stage could not place says nothing of whom). Rule suffix `+deep-target`. With
    `named_only`, actors whose country is only inferred from the article are passed over;
    with `prefer_named`, they are taken only when no actor named with its country is
    found (one search for both)."""
    own = {m.actor for m in sources}
    guessed: list[Mention] = []  # the first find whose country is only inferred
    # (node, under a place preposition): "in a suburb of Beirut" names a place too.
    level = [(c, False) for c in token.children if _searched(c)]
    for _ in range(NEAREST_TARGET_DEPTH):
        following: list[tuple[Token, bool]] = []
        for node, under_place in level:
            place = under_place or (node.dep_ == "pobj" and node.head.lower_ in PLACE_PREPS)
            found = [m for m in _actors_at(node, actors) if m.actor not in own and m.country]
            if place:
                # "in London" says where, not who: the country, not its government.
                found = [_as_place(m) for m in found]
            named = [m for m in found if not m.inferred]
            if named or (found and not (named_only or prefer_named)):
                return named if named_only or prefer_named else found
            if found and not guessed:
                guessed = found
            following.extend((c, place) for c in node.children if _searched(c))
        level = following
    return guessed if prefer_named else []


def _searched(token: Token) -> bool:
    """Whether the nearest-target search goes into this branch."""
    return token.dep_ not in NEAREST_TARGET_SKIP and not (
        token.dep_ == "prep" and token.lower_ in NEAREST_TARGET_SKIP_PREPS
    )


def _purpose_target(token: Token, actors: ActorLayer, sources: list[Mention]) -> list[Mention]:
    """An actor named with its country in the trigger's purpose clause ("to protest
    against Sweden's decision")."""
    for clause in _children(token, {"advcl"}):
        if any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
            found = _nearest_target(clause, actors, sources, named_only=True)
            if found:
                return found
    return []


def _as_place(mention: Mention) -> Mention:
    """A state's mention as the place it names: its country code without sectors."""
    if mention.kind != "state" or not mention.country:
        return mention
    return dataclasses.replace(mention, code=mention.country, sectors=())


def _condition_target(token: Token, actors: ActorLayer, sources: list[Mention]) -> list[Mention]:
    """An ultimatum's target is who must comply: the subject of its "unless"/"if"
    clause ("threatened to launch an offensive unless Baghdad accepted" → Iraq), on the
    threat verb or on the act threatened."""
    own = {m.actor for m in sources}
    for head in [token, *_children(token, {"xcomp", "ccomp"})]:
        for clause in _children(head, {"advcl"}):
            if not any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in clause.children):
                continue
            for subject in _children(clause, SUBJECT_DEPS | {"nsubjpass"}):
                found = [m for m in _actors_at(subject, actors) if m.actor not in own]
                if found:
                    return found
    return []


def _implied(country: str, actors: ActorLayer, token: Token) -> Span:
    """Where an implied participant (a country no phrase of the sentence names) is
    named: the article's first mention of that state, else nowhere (an empty span at
    the trigger). Never the trigger's own words ("said at a rally" is no actor)."""
    for actor in actors.actors:
        if actor.country == country and actor.kind == "state" and actor.mentions:
            return min(actor.mentions, key=lambda m: m.start)
    return Span(token.idx, token.idx)


def _alternatives(
    token: Token, actors: ActorLayer, sources: list[Mention], targets: list[Mention]
) -> Iterator[tuple[Mention, Mention | None]]:
    """Other source–target pairs for a trigger: the frame's source with each of the
    sentence's actors nearest the trigger, and each of those with the frame's target."""
    sent = token.sent
    seen: dict[str, Mention] = {}
    for i in range(sent.start, sent.end):
        mention = actors.at(i)
        if mention is not None and mention.actor not in seen:
            seen[mention.actor] = mention
    nearest = sorted(seen.values(), key=lambda m: abs(m.head - token.i))[:ALTERNATIVES]
    for src in sources or nearest[:1]:
        for tgt in nearest:
            if tgt.actor != src.actor:
                yield src, tgt
    tgt_options: list[Mention | None] = list(targets) or [None]
    for src in nearest:
        for option in tgt_options:
            if option is None or option.actor != src.actor:
                yield src, option


def _pairs(
    sources: list[Mention], targets: list[Mention]
) -> Iterator[tuple[Mention | None, Mention | None]]:
    src_options: list[Mention | None] = list(sources) or [None]
    tgt_options: list[Mention | None] = list(targets) or [None]
    for src in src_options:
        for tgt in tgt_options:
            same = src is not None and tgt is not None and src.actor == tgt.actor
            yield src, None if same else tgt
