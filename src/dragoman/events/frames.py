"""Frames: whether a verb pattern's frame (particle, preposition, object, modifier,
complement) is present around a trigger in the parse."""

from __future__ import annotations

from spacy.tokens import Token

from dragoman.events.coder import Coder
from dragoman.events.syntax import OBJECT_DEPS, _children, _conjuncts
from dragoman.knowledge import VerbPattern

# Words that narrow a noun: "hunger strike", "air strike", "nuclear test".
MODIFIER_DEPS = {"compound", "amod", "nmod"}


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


def _temporal(prep: Token) -> bool:
    """ "a strike on Monday", "talks at noon": the preposition says when, not whom."""
    objects = _children(prep, {"pobj"})
    return bool(objects) and all(o.ent_type_ in {"DATE", "TIME"} for o in objects)
