"""Dependency labels and walks over the parse that the events stage's steps share."""

from __future__ import annotations

from spacy.tokens import Token

OBJECT_DEPS = {"dobj", "dative", "iobj", "attr", "oprd"}

# Prepositions that put an event somewhere.
PLACE_PREPS = {"in", "at", "near", "outside", "throughout", "across", "inside", "into"}

# Subject pronouns of a reported clause that stand for the reporter ("Hungary said it …").
REPORTER_PRONOUNS = {"it", "they", "we", "he", "she", "i"}

CONDITION_MARKS = {"unless", "if"}


def _children(token: Token, deps: set[str]) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _conjuncts(token: Token) -> list[Token]:
    return [token, *[c for c in token.conjuncts if c.i != token.i]]


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


def _passive(token: Token) -> bool:
    """A passive verb with no doer named ("were detained", not "were detained by police")."""
    return bool(_children(token, {"nsubjpass", "auxpass"})) and not _children(token, {"agent"})
