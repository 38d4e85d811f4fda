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

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from dragoman.actors import ActorLayer, Mention
from dragoman.dates import in_sentence as dates_in_sentence
from dragoman.events import decide
from dragoman.knowledge import Knowledge, VerbPattern
from dragoman.models import ActorRef, Event, Place, Source, Span
from dragoman.nlp import sentences
from dragoman.places import Gazetteer, division_place, event_place
from dragoman.quotes import QuoteLayer

log = logging.getLogger(__name__)

SUBJECT_DEPS = {"nsubj", "csubj"}
OBJECT_DEPS = {"dobj", "dative", "iobj", "attr", "oprd"}
# Clauses that take the subject of the clause they hang on.
INHERIT_DEPS = {"xcomp", "advcl", "conj", "pcomp", "acl", "acomp"}
# Prepositions that put an event somewhere.
PLACE_PREPS = {"in", "at", "near", "outside", "throughout", "across", "inside", "into"}
# Prepositions through which a nominal object names its actor.
NOMINAL_ACTOR_PREPS = {"from", "by", "of"}
# Default target prepositions of nominal triggers when the pattern gives none.
NOMINAL_TARGET_PREPS = {"on", "against", "with", "to", "at", "toward", "towards", "into", "between"}
DEMAND_CODE = "100"
# A generic candidate's code until the model types it: a statement, which no
# fallback or modality rule turns into something else.
GENERIC_CODE = "010"
# How many of a sentence's actors, nearest the trigger first, are tried as participants.
ALTERNATIVES = 4
GENERIC_SKIP = {"be", "have", "do", "get", "become", "seem", "say", "tell"}
# Subject pronouns of a reported clause that stand for the reporter ("Hungary said it …").
REPORTER_PRONOUNS = {"it", "they", "we", "he", "she", "i"}
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
# A coded event in one of these slots of another event is part of it ("pledged to
# cooperate", "demanded that Israel withdraw"), not a second event.
SUBSUMED_DEPS = {"xcomp", "ccomp", "dobj", "pcomp"}
# How a participle clause hangs on the verb it accompanies ("marched, demanding").
VOICED_DEPS = {"advcl", "conj"}
# Words that narrow a noun: "hunger strike", "air strike", "nuclear test".
MODIFIER_DEPS = {"compound", "amod", "nmod"}


@dataclass(frozen=True, slots=True)
class EventLayer:
    """What the events stage adds."""

    events: tuple[Event, ...]


class Coder:
    """Verb patterns indexed once per knowledge."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        index: dict[tuple[str, str], list[VerbPattern]] = {}
        for pattern in knowledge.verbs:
            index.setdefault((pattern.lemma, pattern.pos), []).append(pattern)
        for patterns in index.values():
            patterns.sort(key=lambda p: -p.specificity)
        self.index = index
        self.speech = set(knowledge.cues["speech"]) - {
            p.lemma for p in knowledge.verbs if p.pos == "VERB"
        }
        grammar = knowledge.grammar
        self.modal_hypo = {w.lower() for w in grammar["modal_hypothetical"]}
        self.modal_must = {w.lower() for w in grammar["modal_obligation"]}
        self.hypo_governors = set(grammar["hypothetical_governors"])
        self.negators = {w.lower() for w in grammar["negators"]}
        self.negating_verbs = {w.lower() for w in grammar["negating_verbs"]}
        self.intent_modals = {w.lower() for w in grammar["intent_modals"]}
        self.intent_adjectives = {w.lower() for w in grammar["intent_adjectives"]}
        self.intent_codes = {str(k): str(v) for k, v in grammar["intent_codes"].items()}
        self.threat_codes = {str(k): str(v) for k, v in grammar["threat_codes"].items()}
        self.intent_verbs = set(grammar["intent_verbs"])
        self.domestic_roots = {str(r) for r in grammar["domestic_roots"]}
        self.place_source_roots = {str(r) for r in grammar["place_source_roots"]}
        self.home_target_roots = {str(r) for r in grammar["home_target_roots"]}
        self.voiced_by = {str(k): frozenset(v) for k, v in grammar["voiced_by"].items()}
        self.mutual_codes = tuple(str(c) for c in grammar["mutual_codes"])
        self.event_heads = {w.lower() for w in grammar["event_heads"]}
        failed = grammar["failed_agreement"]
        self.failed_agreement_prefixes = tuple(str(p) for p in failed["prefixes"])
        self.failed_agreement_code = str(failed["code"])
        # Longest prefix first.
        self.refusal_codes = sorted(
            ((str(k), str(v)) for k, v in grammar["refusal_codes"].items()),
            key=lambda pair: -len(pair[0]),
        )
        self.transparent = {w.lower() for w in grammar["transparent_nouns"]}
        self.causatives = frozenset(w.lower() for w in grammar["causative_verbs"])
        self.actor_object_verbs = {w.lower() for w in grammar["actor_object_verbs"]}
        cautions = grammar["cautions"]
        self.caution_verbs = {w.lower() for w in cautions["verbs"]}
        self.caution_code = str(cautions["code"])
        self.own_side_sectors = set(cautions["own_side_sectors"])
        self.undergo_verbs = {w.lower() for w in cautions["undergo_verbs"]}
        self.nonspecific = {w.lower() for w in grammar["nonspecific"]}
        verbal = grammar["verbal_attacks"]
        self.verbal_attacks = {w.lower() for w in verbal["verbs"]}
        self.verbal_roots = {str(r) for r in verbal["roots"]}
        self.verbal_attack_code = str(verbal["code"])
        self.armed_sectors = set(verbal["armed_sectors"])
        self.stative = {w.lower() for w in grammar["stative_participles"]}
        # The code a decided type takes when the trigger's own frames have none of that
        # type: the type's most common code among the verb patterns.
        counts: dict[str, dict[str, int]] = {}
        for pattern in knowledge.verbs:
            label = decide.label_of(knowledge.code(pattern.cameo).plover)
            by_code = counts.setdefault(label, {})
            by_code[pattern.cameo] = by_code.get(pattern.cameo, 0) + 1
        self.type_codes = {
            label: max(sorted(by_code), key=lambda c: by_code[c])
            for label, by_code in counts.items()
        }

    def code_for(self, label: str, token: Token, current: str) -> str:
        """The CAMEO code of a decided type: the frame's own when it has that type, else
        one of the trigger's patterns of that type, else the type's most common code."""
        if decide.label_of(self.knowledge.code(current).plover) == label:
            return current
        for pattern in self.patterns_for(token):
            if decide.label_of(self.knowledge.code(pattern.cameo).plover) == label:
                return pattern.cameo
        return self.type_codes.get(label, current)

    def patterns_for(self, token: Token) -> list[VerbPattern]:
        pos = (
            "VERB"
            if token.pos_ in {"VERB", "AUX"}
            else "NOUN"
            if token.pos_ in {"NOUN", "PROPN"}
            else None
        )
        if pos is None:
            return []
        return self.index.get((token.lemma_.lower(), pos), [])


def _children(token: Token, deps: set[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _preps(token: Token, word: str) -> list[Token]:
    """Prepositions `word` under the token or under its particle ("pull out of")."""
    words = word.lower().split()
    found = []
    for child in token.children:
        if child.dep_ in {"prep", "prt", "agent", "dative"} and child.lower_ == words[-1]:
            found.append(child)
        if child.dep_ in {"prt", "prep", "advmod"}:
            found.extend(g for g in child.children if g.dep_ == "prep" and g.lower_ == words[-1])
    return found


def _has_particle(token: Token, particle: str) -> bool:
    return any(
        c.dep_ in {"prt", "prep", "advmod"} and c.lower_ == particle.lower() for c in token.children
    )


def _matches(pattern: VerbPattern, token: Token, coder: Coder) -> bool:
    if pattern.pos == "NOUN" and token.dep_ == "compound":
        return False  # "riot police", "protest leaders": the noun names, it does not happen
    if pattern.particle and not _has_particle(token, pattern.particle):
        return False
    nouns = [token]
    if pattern.object:
        objects = _objects(token, pattern, coder)
        nouns = [o for o in objects if o.lemma_.lower() in pattern.object]
        if not nouns:
            return False
    if pattern.modifier and not any(
        c.dep_ in MODIFIER_DEPS and c.lemma_.lower() in pattern.modifier
        for noun in nouns
        for c in noun.children
    ):
        return False  # "a hunger strike": the word that makes the noun this event
    if pattern.complement:
        comps = _children(token, {"xcomp", "ccomp", "advcl"})
        for obj in _children(token, OBJECT_DEPS):
            comps.extend(_children(obj, {"acl", "relcl"}))
        if not any(c.lemma_.lower() in pattern.complement for c in comps):
            return False
    if pattern.prep and not pattern.object:
        preps = [p for p in _preps(token, pattern.prep) if not _temporal(p)]
        if not preps:
            return False
        if pattern.prep_object and not any(
            o.lemma_.lower() in pattern.prep_object for p in preps for o in _children(p, {"pobj"})
        ):
            return False  # "took to the streets", not "took to Twitter"
    return True


def _objects(token: Token, pattern: VerbPattern, coder: Coder) -> list[Token]:
    """The objects a pattern's `object` is checked against: a verb's objects (and a
    passive's subject); a nominal trigger's "of" phrase ("the suspension of air links");
    with their conjuncts ("launched artillery, mortar and rocket fire")."""
    if pattern.pos == "NOUN":
        heads = _of_objects(token)
    else:
        heads = _children(token, OBJECT_DEPS | {"nsubjpass"})
        # "allowed the return of the inspectors": what returns is the object too.
        heads += [o for h in heads if h.lemma_.lower() in coder.transparent for o in _of_objects(h)]
    return [c for o in heads for c in _conjuncts(o)]


def _of_objects(noun: Token) -> list[Token]:
    return [
        o for p in _children(noun, {"prep"}) if p.lower_ == "of" for o in _children(p, {"pobj"})
    ]


def _temporal(prep: Token) -> bool:
    """ "a strike on Monday", "talks at noon": the preposition says when, not whom."""
    objects = _children(prep, {"pobj"})
    return bool(objects) and all(o.ent_type_ in {"DATE", "TIME"} for o in objects)


def _conjuncts(token: Token) -> list[Token]:
    return [token, *[c for c in token.conjuncts if c.i != token.i]]


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


THREAT_ROOT = "13"
THREAT_CODE = "130"
CONDITION_MARKS = {"unless", "if"}


def _mutual(cameo: str, coder: Coder, sources: list[Mention]) -> bool:
    """A joint act ("agreed", "met", "fought") of a conjoined subject from two or more
    states (the caller checks that no one else is named as target)."""
    return (
        any(cameo.startswith(prefix) for prefix in coder.mutual_codes)
        and len({m.country for m in sources if m.country}) >= 2
    )


def _verbal(src: Mention | None, tgt: Mention | None, coder: Coder) -> bool:
    """An attack of a person on someone who is neither a state nor armed, by a person
    who is not armed either: words, not force."""
    return (
        src is not None
        and src.kind == "person"
        and not set(src.sectors) & coder.armed_sectors
        and tgt is not None
        and tgt.kind != "state"
        and not set(tgt.sectors) & coder.armed_sectors
    )


def _caution(token: Token, actors: ActorLayer, sources: list[Mention], coder: Coder) -> bool:
    """ "X warned that …" with no one warned, and a reported clause whose doer is not on
    X's side: neither a pronoun standing for X nor an organ of X's state when X is one,
    and not one who will suffer the act ("would face sanctions", "would be arrested")."""
    if _children(token, {"dobj", "dative"}):
        return False  # "warned Finland that…": someone is warned
    for clause in _children(token, {"ccomp"}):
        if clause.lemma_.lower() in coder.undergo_verbs:
            return False
        if not _children(clause, {"agent"}) and any(
            subject.lower_ in coder.nonspecific or actors.at(subject) is not None
            for subject in _children(clause, {"nsubjpass"})
        ):
            return False  # "anyone who …", "protesters who …" would be dealt with
        for subject in _children(clause, {"nsubj", "nsubjpass", "expl"}):
            if subject.lower_ in REPORTER_PRONOUNS:
                return False
            found = _actors_at(subject, actors)
            if any(_same_side(m, src, coder.own_side_sectors) for m in found for src in sources):
                return False
        return True
    return False


def _same_side(one: Mention, other: Mention, organs: set[str]) -> bool:
    """Two mentions of one actor, or of one state's organs (`organs`: sectors of the
    state's own bodies), as "Cairo's security chief" and "police"."""

    def organ(mention: Mention) -> bool:
        return (mention.kind == "state" and not mention.sectors) or bool(
            set(mention.sectors) & organs
        )

    return one.actor == other.actor or (
        one.country is not None and one.country == other.country and organ(one) and organ(other)
    )


def _refusal(cameo: str, coder: Coder) -> str | None:
    """The CAMEO code of refusing the cooperative act `cameo` (`refusal_codes` of
    grammar.yaml, longest prefix), or None."""
    for prefix, code in coder.refusal_codes:
        if cameo.startswith(prefix):
            return code
    return None


def _condition(token: Token) -> str | None:
    """The mark of a condition clause ("unless"/"if") on the trigger's clause or on the
    verb whose complement it is ("said it would withdraw unless…"), else None."""
    heads = [token]
    if token.dep_ in {"xcomp", "ccomp"} and token.head.i != token.i:
        heads.append(token.head)
    for head in heads:
        for clause in _children(head, {"advcl"}):
            for mark in _children(clause, {"mark"}):
                if mark.lower_ in CONDITION_MARKS:
                    return mark.lower_
    return None


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


_LocalIndex = dict[int, list[tuple[SpacySpan, set[int]]]]


class _Context:
    """Per-article helpers for flags, dates and places."""

    def __init__(
        self,
        coder: Coder,
        doc: Doc,
        published: dt.date | None,
        gazetteer: Gazetteer,
        actors: ActorLayer,
    ) -> None:
        self.coder, self.doc, self.published = coder, doc, published
        self.gazetteer, self.actors = gazetteer, actors
        self.countries = {m.country for m in actors.by_token.values() if m.country}
        # (sentence number, kind) -> token index -> the entities of that kind whose
        # `_local_path` holds the token, in sentence order: built once per sentence, so
        # that an event looks up its dates and places instead of walking every entity.
        self._local: dict[tuple[int, str], _LocalIndex] = {}
        self._dates: dict[int, list[tuple[SpacySpan, tuple, set[int]]]] = {}

    def _local_ents(self, token: Token, kind: str) -> _LocalIndex:
        """For the sentence of `token`: token index -> its dates (`kind` "date") or
        place names ("place") with their `_local_path`, each path computed once."""
        _, sent_number, sent_entities = sentences(token.doc)
        key = (sent_number[token.i], kind)
        index = self._local.get(key)
        if index is None:
            index = {}
            for ent in sent_entities[sent_number[token.i]]:
                if kind == "date":
                    if ent.label_ != "DATE":
                        continue
                elif ent.label_ not in {"GPE", "LOC", "FAC"} and not (
                    # The parser takes some towns for nationalities ("near Samarra"/NORP);
                    # after a preposition a nationality word would be a place.
                    ent.label_ == "NORP" and ent.root.dep_ == "pobj"
                ):
                    continue
                path = _local_path(ent.root)
                for i in path:
                    index.setdefault(i, []).append((ent, path))
            self._local[key] = index
        return index

    def negated(self, token: Token) -> bool:
        node = token
        for _ in range(3):
            for child in node.children:
                if child.dep_ == "neg" or (
                    child.dep_ == "det" and child.lower_ in self.coder.negators
                ):
                    return True
            if node.dep_ == "xcomp" and node.head.lemma_.lower() in self.coder.negating_verbs:
                return True  # "failed to reach agreement"
            if node.pos_ in {"VERB", "AUX"} and node.dep_ not in {"xcomp", "acl"}:
                break
            if node.head.i == node.i:
                break
            node = node.head
        return False

    def intended(self, token: Token) -> bool:
        """ "will support", "is ready to send", "would allow": a promise, not a deed."""
        node = token
        for _ in range(3):
            for child in node.children:
                if child.dep_ == "aux" and child.lower_ in self.coder.intent_modals:
                    return True
            head = node.head
            if node.dep_ == "xcomp" and (
                head.lemma_.lower() in self.coder.intent_adjectives
                or head.lemma_.lower() in self.coder.intent_verbs
            ):
                return True
            if node.dep_ not in {"xcomp", "conj"} or head.i == node.i:
                break
            node = head
        return False

    def hypothetical(self, token: Token) -> bool:
        """A modal on the clause, or a complement of "threaten", "plan", "demand"…

        A clause before the verb it hangs on is reported by it, not governed: in
        "Mali accused Algeria of arming the rebels, a charge Algiers denies" the parser
        makes "accused" a complement of "denies", as it makes the story's clause one of
        "said" in "Iran rejected the call, officials said"."""
        node = token
        for step in range(4):
            for child in node.children:
                if child.dep_ == "aux" and child.lower_ in (
                    self.coder.modal_hypo | self.coder.modal_must
                ):
                    return True
            if step and node.lemma_.lower() in self.coder.hypo_governors:
                return True
            if node.head.i == node.i or node.dep_ not in COMPLEMENT_DEPS:
                break
            if node.dep_ == "ccomp" and node.i < node.head.i:
                break
            node = node.head
        return False

    def _sentence_dates(self, token: Token) -> list[tuple[SpacySpan, tuple, set[int]]]:
        """The dates of the sentence of `token` with their readings and the tokens each
        governs (its `_local_path`; a participle's date also the clause of the noun the
        participle describes), computed once per sentence."""
        _, sent_number, _ = sentences(token.doc)
        key = sent_number[token.i]
        found = self._dates.get(key)
        if found is None:
            found = []
            for span, reading in dates_in_sentence(token, self.published):
                if reading is None:
                    continue
                path = _local_path(span.root)
                for i in list(path):
                    verb = self.doc[i]
                    # A participle describes its noun ("bases hosting U.S. troops in Iraq
                    # on Wednesday"): its date is that of the clause the noun is in.
                    if verb.dep_ == "acl" and verb.tag_ in {"VBG", "VBN"}:
                        path |= _local_path(verb.head)
                found.append((span, reading, path))
            self._dates[key] = found
        return found

    def date(self, token: Token) -> tuple[dt.date | None, str | None, str]:
        """The date of the clause of `token` (climbing to the clauses above it) with the
        words it was read from and its precision, else the publication date
        (`publication`). Ages, durations and counts are not dates (`dates.read`)."""
        dates = self._sentence_dates(token)
        node = token
        for _ in range(6):
            for span, reading, path in dates:
                if node.i in path:
                    return reading[0], span.text, reading[1]
            if node.head.i == node.i:
                break
            node = node.head
        return self.published, None, "publication"

    def place(self, token: Token) -> tuple[Place | None, Mention | None]:
        """Where the clause of `token` happened ("in Kirkuk", "at the border in Syria"),
        as a gazetteer entry, and the actor mention naming it, if any."""
        for ent, path in self._local_ents(token, "place").get(token.i, ()):
            preps = [t for t in (ent.doc[i] for i in path) if t.dep_ == "prep"]
            if not any(p.lower_ in PLACE_PREPS for p in preps):
                continue
            span = Span(ent.start_char, ent.end_char)
            mention = self.actors.at(ent.root)
            place = division_place(ent, self.actors) or self.gazetteer.resolve(
                ent.text, span, self.countries
            )
            if place is not None and place.country:
                # "Juba" in 1990 is in Sudan (`formed` in countries.yaml).
                day = self.published
                country = self.coder.knowledge.country_on(place.country, day)
                place = dataclasses.replace(place, country=country)
            if place is None and mention is not None and mention.country:
                place = Place(
                    name=ent.text,
                    geonameid=None,
                    country=mention.country,
                    latitude=None,
                    longitude=None,
                    feature="country",
                    span=span,
                )
            if place is not None:
                return place, mention
        return None, None


# Links through which a governing "plan", "threaten", "demand" makes an event unreal.
COMPLEMENT_DEPS = {"xcomp", "ccomp", "acl", "dobj", "pobj", "prep", "pcomp", "aux"}
CLAUSAL_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "ROOT", "csubj", "pcomp"}


def _local_path(token: Token) -> set[int]:
    """Tokens from `token` up to the first clause head above it (a date's attachment)."""
    path = {token.i}
    node = token
    for _ in range(8):
        if node.dep_ in CLAUSAL_DEPS or node.head.i == node.i:
            break
        node = node.head
        path.add(node.i)
        if node.pos_ in {"VERB", "AUX"}:
            break
    return path


SUBORDINATE_DEPS = {
    "advcl",
    "relcl",
    "acl",
    "pcomp",
    "pobj",
    "prep",
    "npadvmod",
    "amod",
    "xcomp",
    "csubj",
    "nsubj",
    "dobj",
}


def _main_clause(token: Token) -> bool:
    """True when the trigger heads its sentence or a clause reported by the main verb."""
    node = token
    for _ in range(8):
        if node.dep_ == "ROOT" or node.head.i == node.i:
            return True
        if node.dep_ in SUBORDINATE_DEPS and not _free_adjunct(node):
            return False
        node = node.head
    return False


def _main_object(token: Token) -> bool:
    """ "Italy announced a suspension of air links": an event noun that is the object of
    the main verb is the act the clause reports (were the verb an event itself, the noun
    would be part of it and dropped)."""
    return token.pos_ in {"NOUN", "PROPN"} and token.dep_ == "dobj" and _main_clause(token.head)


def _free_adjunct(token: Token) -> bool:
    """ "demanded Iran's withdrawal, accusing the regime of…": a participle clause with no
    subordinator asserts a second act of the same subject, as a main clause does."""
    return (
        token.dep_ == "advcl"
        and token.tag_ == "VBG"
        and not any(c.dep_ in {"mark", "nsubj", "nsubjpass"} for c in token.children)
    )


def _ref(mention: Mention | None) -> ActorRef | None:
    return mention.ref() if mention is not None else None


def _passive(token: Token) -> bool:
    """A passive verb with no doer named ("were detained", not "were detained by police")."""
    return bool(_children(token, {"nsubjpass", "auxpass"})) and not _children(token, {"agent"})


def _pairs(
    sources: list[Mention], targets: list[Mention]
) -> Iterator[tuple[Mention | None, Mention | None]]:
    src_options: list[Mention | None] = list(sources) or [None]
    tgt_options: list[Mention | None] = list(targets) or [None]
    for src in src_options:
        for tgt in tgt_options:
            same = src is not None and tgt is not None and src.actor == tgt.actor
            yield src, None if same else tgt


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
            and ctx.hypothetical(token)
            and (condition == "unless" or knowledge.code(cameo).goldstein < 0)
        ):
            # "will withdraw its force unless Chad holds elections", "may halt mediation
            # if the talks founder": an act promised on a condition is a threat.
            cameo = coder.threat_codes.get(cameo[:2], THREAT_CODE)
            rule += "+conditional-threat"
        elif (
            (refusal := _refusal(cameo, coder)) is not None
            and ctx.intended(token)
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
        elif ctx.intended(token) and not ctx.negated(token):
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
                negated=ctx.negated(token) and not refused,
                hypothetical=ctx.hypothetical(token),
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
    for src in nearest:
        for tgt in targets or [None]:
            if tgt is None or tgt.actor != src.actor:
                yield src, tgt


def _best_per_trigger(events: list[Event]) -> list[Event]:
    """One event per trigger and source: the most confident (first on ties)."""
    best: dict[tuple[int, str], Event] = {}
    for event in events:
        key = (event.trigger.start, event.source.actor or event.source.code if event.source else "")
        if key not in best or event.confidence > best[key].confidence:
            best[key] = event
    kept = {id(e) for e in best.values()}
    return [e for e in events if id(e) in kept]


def _generic_trigger(token: Token, coder: Coder) -> bool:
    """A verb that may be an act no frame names: a main-clause verb, not a word of
    speech (what is said is coded from the quote) and not "be" or "have"."""
    return (
        token.pos_ == "VERB"
        and token.lemma_.lower() not in coder.speech
        and token.lemma_.lower() not in GENERIC_SKIP
        and _main_clause(token)
    )


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


def _base_rule(event: Event) -> str:
    """The rule that proposed an event, without the model's part (`…|model:0.91`)."""
    return event.rule.partition("|")[0]


def _renumber(events: list[Event]) -> Iterator[Event]:
    for i, event in enumerate(events, start=1):
        yield dataclasses.replace(event, id=f"E{i}")


@functools.lru_cache(maxsize=8)
def coder_for(knowledge: Knowledge) -> Coder:
    """The coder of `knowledge`, built once."""
    return Coder(knowledge)
