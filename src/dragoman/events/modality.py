"""Modality: whether an event is negated, intended or hypothetical, and the decisions
that turn a frame's code into another (a joint act, an attack in words, a caution, a
refusal, an act promised on a condition)."""

from __future__ import annotations

from spacy.tokens import Token

from dragoman.actors import ActorLayer, Mention
from dragoman.events.coder import Coder
from dragoman.events.participants import _actors_at
from dragoman.events.syntax import CONDITION_MARKS, REPORTER_PRONOUNS, _children

THREAT_ROOT = "13"

THREAT_CODE = "130"

# Links through which a governing "plan", "threaten", "demand" makes an event unreal.
COMPLEMENT_DEPS = {"xcomp", "ccomp", "acl", "dobj", "pobj", "prep", "pcomp", "aux"}


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


def negated(token: Token, coder: Coder) -> bool:
    node = token
    for _ in range(3):
        for child in node.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ in coder.negators):
                return True
        if node.dep_ == "xcomp" and node.head.lemma_.lower() in coder.negating_verbs:
            return True  # "failed to reach agreement"
        if node.pos_ in {"VERB", "AUX"} and node.dep_ not in {"xcomp", "acl"}:
            break
        if node.head.i == node.i:
            break
        node = node.head
    return False


def intended(token: Token, coder: Coder) -> bool:
    """ "will support", "is ready to send", "would allow": a promise, not a deed."""
    node = token
    for _ in range(3):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in coder.intent_modals:
                return True
        head = node.head
        if node.dep_ == "xcomp" and (
            head.lemma_.lower() in coder.intent_adjectives
            or head.lemma_.lower() in coder.intent_verbs
        ):
            return True
        if node.dep_ not in {"xcomp", "conj"} or head.i == node.i:
            break
        node = head
    return False


def hypothetical(token: Token, coder: Coder) -> bool:
    """A modal on the clause, or a complement of "threaten", "plan", "demand"…

    A clause before the verb it hangs on is reported by it, not governed: in
    "Mali accused Algeria of arming the rebels, a charge Algiers denies" the parser
    makes "accused" a complement of "denies", as it makes the story's clause one of
    "said" in "Iran rejected the call, officials said"."""
    node = token
    for step in range(4):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in (coder.modal_hypo | coder.modal_must):
                return True
        if step and node.lemma_.lower() in coder.hypo_governors:
            return True
        if node.head.i == node.i or node.dep_ not in COMPLEMENT_DEPS:
            break
        if node.dep_ == "ccomp" and node.i < node.head.i:
            break
        node = node.head
    return False


def rewrite(
    token: Token,
    cameo: str,
    rule: str,
    src: Mention | None,
    tgt: Mention | None,
    coder: Coder,
) -> tuple[str, str, bool]:
    """The code and rule an event takes from its modality, and whether it is a refusal
    (which is asserted, not negated): an attack in words (`+verbal`), an act promised on
    a condition (`+conditional-threat`), a promise not to cooperate (`+refusal`), a
    failure to agree (`+failed`), an intended act (`+intent`, `+threat`)."""
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
        and (condition == "unless" or coder.knowledge.code(cameo).goldstein < 0)
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
    return cameo, rule, refused
