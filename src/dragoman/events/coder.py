"""The coder: the verb patterns indexed once per knowledge, and `grammar.yaml` read
into fields (modal words, negators, the codes of intents, threats and refusals, the
roots that fallbacks and rewrites apply to)."""

from __future__ import annotations

import functools

from spacy.tokens import Token

from dragoman.events import decide
from dragoman.knowledge import Knowledge, VerbPattern


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
        self.generic_skip = {w.lower() for w in grammar["generic_skip"]}
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


@functools.lru_cache(maxsize=8)
def coder_for(knowledge: Knowledge) -> Coder:
    """The coder of `knowledge`, built once."""
    return Coder(knowledge)
