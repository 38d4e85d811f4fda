"""Actors stage: find who is named, code them, and link their mentions.

Mentions come from three places: dictionary phrases (countries and their
demonyms, capitals and seats of power; organisations, armed groups, outlets,
people), spaCy's PERSON/ORG entities that no dictionary knows, and role words
("spokesperson", "forces", "regime"). A noun phrase is coded as a whole: its
head plus its compound, adjectival, possessive and appositive modifiers, so
"Iran's Foreign Ministry spokesperson Bahram Qasemi" is one person coded IRN
(from "Iran's") + GOV (from "Ministry", "spokesperson").

Linking: a person keeps the role of the phrase that introduced them ("Russian
President Vladimir Putin") for later mentions ("Putin"); a role inferred from
the text outranks the dictionary, and the dictionary's dated role is chosen by
the article's date. "the envoy" links to the last person introduced as an
envoy; "he"/"she" to the only person named in the sentence or the one before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from dragoman.knowledge import FORM_SECTORS, Entry, Knowledge, Phrase
from dragoman.models import Actor, ActorRef, Span
from dragoman.nlp import sent_of
from dragoman.places import Gazetteer

log = logging.getLogger(__name__)

# Dependencies that make a token part of the noun phrase of its head.
PHRASE_DEPS = {"compound", "amod", "poss", "nmod", "appos", "flat", "nn"}
# Prepositions through which a role noun takes its country ("the regime in Tehran").
COUNTRY_PREPS = {"in", "of"}
# Prepositions that say where a phrase's actor is, not whose it is.
LOCATING_PREPS = {"in", "at", "inside", "near"}
# Country slots of actors that belong to no state (intergovernmental and international
# non-governmental bodies, transnational militant groups): no country for the article.
STATELESS = {"IGO", "NGO", "IMG", "MNC"}
NOUN_POS = {"NOUN", "PROPN"}
# Dictionary entries that are places standing for their country.
PLACE_KINDS = {"state", "division"}
# spaCy entity labels that name actors the dictionaries may not know.
PERSON_LABELS = {"PERSON"}
ORG_LABELS = {"ORG"}


@dataclass(frozen=True, slots=True)
class Mention:
    """One coded noun phrase: what the events and quotes stages look up by token."""

    actor: str
    code: str
    country: str | None
    sectors: tuple[str, ...]
    kind: str
    name: str
    span: Span
    tokens: tuple[int, ...]
    head: int
    # The country was inferred from the article ("the rebels" in a story about
    # Uganda), not named in the phrase: see `_country_from_context`.
    inferred: bool = False

    def ref(self) -> ActorRef:
        """This mention as an event or quote participant."""
        return ActorRef(self.actor, self.code, self.country, self.sectors, self.span)


@dataclass(slots=True)
class _Draft:
    """A phrase being coded (internal, mutable while the stage runs)."""

    head: int
    tokens: set[int]
    country: str | None = None
    sectors: list[str] = field(default_factory=list)
    kind: str = "group"
    name: str = ""
    person: str | None = None  # the person's name when the phrase names a person
    entry: Entry | None = None
    role_words: set[str] = field(default_factory=set)
    why: list[str] = field(default_factory=list)
    country_rank: int = 9  # lower is stronger evidence
    code: str | None = None  # an explicit code of a dated role (UN Secretary-General: IGOUNO)
    member: Entry | None = None  # the known organisation the phrase names its actor part of
    form: str = ""  # the dictionary form matched (name, capital, demonym, …)
    surname: str = ""  # the one word of their name a known person is named by ("Blair")


@dataclass(frozen=True, slots=True)
class ActorLayer:
    """What the actors stage adds: the actors and a token → mention index."""

    actors: tuple[Actor, ...]
    by_token: dict[int, Mention]
    # The country a story about one country is about (domestic news), else None.
    home: str | None = None

    def at(self, token: Token | int) -> Mention | None:
        """The mention whose phrase covers `token`, if any."""
        return self.by_token.get(token if isinstance(token, int) else token.i)


@dataclass(frozen=True, slots=True)
class PhraseWords:
    """The grammar.yaml word lists the actors stage reads while building phrases, as
    sets made once per knowledge."""

    stances: frozenset[str]
    languages: frozenset[str]
    leaders: frozenset[str]
    ethnic: frozenset[str]
    platforms: frozenset[str]  # as written ("Twitter", "X")

    @classmethod
    def of(cls, knowledge: Knowledge) -> PhraseWords:
        grammar = knowledge.grammar

        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in grammar[key])

        return cls(
            words("stance_prefixes"),
            words("language_nouns"),
            words("leader_participles"),
            words("ethnic_words"),
            frozenset(grammar.get("platforms", ())),
        )


class PhraseTable:
    """Token patterns (the ids of their tokens' LOWER or ORTH attribute) and their keys,
    all found by one spaCy `PhraseMatcher` in one pass over a document.

    The matcher holds every pattern under a single key and this table tells which
    keys a matched span's ids belong to: adding thousands of patterns one key at a
    time costs a lexeme and a hash-table search per key, three times as long.
    """

    def __init__(self, attr: str) -> None:
        from spacy.vocab import Vocab

        self.attr = attr
        self.keys: dict[tuple[int, ...], list[str]] = {}
        # Matching compares attribute ids, which are the same hashes in any vocabulary;
        # a blank one keeps the matcher's own key out of the pipeline's.
        self.matcher = PhraseMatcher(Vocab(), attr=attr)
        self._ids = operator.attrgetter(attr.lower())

    def add(self, key: str, ids: tuple[int, ...]) -> None:
        self.keys.setdefault(ids, []).append(key)

    def compile(self) -> PhraseTable:
        """Hand the patterns to the matcher (once, after the last `add`)."""
        if self.keys:
            # spaCy's stub types patterns as Docs; `PhraseMatcher.add` takes the ids a Doc
            # would give it as they are (the `else` branch of its loop, phrasematcher.pyx).
            self.matcher.add(self.attr, list(self.keys))  # type: ignore[arg-type]
        return self

    def __call__(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(key, start, end) of every pattern found in `doc`, by start."""
        found = []
        for _, start, end in self.matcher(doc):
            for key in self.keys[tuple(map(self._ids, doc[start:end]))]:
                found.append((key, start, end))
        return found


class ActorMatcher:
    """Dictionary matching compiled once per (pipeline, knowledge).

    The patterns are the tokens spaCy's tokenizer makes of each dictionary form.
    Tokenizing thousands of names takes most of a second, so the token texts are kept
    in the disk cache (`pattern_words`); the tables get each pattern as the ids of
    its tokens' LOWER or ORTH attribute, which is what a matcher would take from a
    tokenized `Doc` (`tests/test_cache.py`).
    """

    def __init__(self, nlp, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.words = PhraseWords.of(knowledge)
        self.lower = PhraseTable("LOWER")
        self.exact = PhraseTable("ORTH")
        self.role_phrases = PhraseTable("LOWER")
        self.phrases: dict[str, list[Phrase]] = {}
        # The first words of each entry's names of two words or more ("tony" of Tony
        # Blair): a longer name in the text that starts so is still the entry's.
        firsts: dict[str, set[str]] = {}
        for phrase in knowledge.phrases:
            parts = _strip_article(phrase.text).split()
            if len(parts) > 1:
                firsts.setdefault(phrase.entry.key, set()).add(parts[0].lower())
        self.first_words = {key: frozenset(words) for key, words in firsts.items()}
        lower_patterns: dict[str, str] = {}
        exact_patterns: dict[str, str] = {}
        for phrase in knowledge.phrases:
            text = _strip_article(phrase.text)
            if not text:
                continue
            # Short all-capitals acronyms match exactly ("US" is not "us").
            exact = text.isupper() and len(text.replace(".", "")) <= 5
            key = ("=" if exact else "~") + (text if exact else text.lower())
            self.phrases.setdefault(key, []).append(phrase)
            (exact_patterns if exact else lower_patterns).setdefault(key, text)
        # Multi-word roles, and hyphenated ones the tokenizer splits ("vice-premier").
        role_texts = [r for r in knowledge.roles if " " in r or "-" in r]
        words = pattern_words(
            nlp, [*lower_patterns.values(), *exact_patterns.values(), *role_texts]
        )
        lower = _lower_ids(nlp.vocab)
        orth = nlp.vocab.strings.add
        for key, text in lower_patterns.items():
            self.lower.add(key, lower(words[text]))
        for key, text in exact_patterns.items():
            self.exact.add(key, tuple(orth(w) for w in words[text]))
        for text in role_texts:
            self.role_phrases.add(text, lower(words[text]))
        for phrase_table in (self.lower, self.exact, self.role_phrases):
            phrase_table.compile()

    def matches(self, doc: Doc) -> list[tuple[int, int, list[Phrase]]]:
        """Dictionary matches as (start, end, phrases), longest first, no overlaps."""
        found = []
        for table in (self.lower, self.exact):
            for key, start, end in table(doc):
                span = doc[start:end]
                phrases = self.phrases[key]
                # A capitalised dictionary form needs capitalised text ("Turkey" not
                # "turkey", "Male" not "male"), unless the text is all capitals.
                if _strip_article(phrases[0].text)[:1].isupper() and span.text[:1].islower():
                    continue
                found.append((start, end, phrases))
        found.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        taken: set[int] = set()
        kept = []
        for start, end, phrases in found:
            if taken.isdisjoint(range(start, end)):
                kept.append((start, end, phrases))
                taken.update(range(start, end))
        return sorted(kept)

    def organization_roles(self, doc: Doc, knowledge: Knowledge) -> list[tuple[int, int]]:
        """(start, end) of the multi-word role phrases that name a body ("the National
        Security Council" of a state, not the UN's "Security Council")."""
        return [
            (start, end)
            for key, start, end in self.role_phrases(doc)
            if knowledge.roles[key].kind == "organization"
        ]

    def role_spans(self, doc: Doc) -> dict[int, str]:
        """Multi-word role phrases by their last (head) token: "security forces"."""
        return {end - 1: key for key, _start, end in self.role_phrases(doc)}


def pattern_words(nlp, texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The token texts spaCy's tokenizer makes of each of `texts`, read from the disk
    cache (`dragoman.cache`) while neither the texts nor the tokenizer have changed."""
    import spacy

    from dragoman import cache

    unique = sorted(set(texts))
    tokenizer = nlp.tokenizer

    def build() -> dict[str, tuple[str, ...]]:
        return {text: tuple(t.text for t in tokenizer(text)) for text in unique}

    parts: list[bytes | str] = [
        cache.source(__file__),
        spacy.__version__,
        str(nlp.meta.get("name")),
        str(nlp.meta.get("version")),
        *_tokenizer_rules(tokenizer),
        str(len(unique)),
        *unique,
    ]
    return cache.cached("patterns", parts, build)


def _tokenizer_rules(tokenizer) -> list[str]:
    """What a spaCy tokenizer's output depends on: its special cases and its patterns."""

    def pattern(function) -> str:
        # The compiled regex behind `prefix_search` and the like (a bound method); else
        # the function's name (its repr would hold its address, new in every process).
        regex = getattr(getattr(function, "__self__", None), "pattern", None)
        if regex is not None or function is None:
            return str(regex)
        return f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"

    return [
        type(tokenizer).__qualname__,
        repr(sorted((tokenizer.rules or {}).items())),
        *(
            pattern(getattr(tokenizer, name, None))
            for name in ("prefix_search", "suffix_search", "infix_finditer", "token_match")
        ),
        pattern(getattr(tokenizer, "url_match", None)),
        str(getattr(tokenizer, "faster_heuristics", None)),
    ]


def _lower_ids(vocab) -> Callable[[tuple[str, ...]], tuple[int, ...]]:
    """Words → the LOWER ids their lexemes have (what `PhraseMatcher(attr="LOWER")` reads
    from a tokenized pattern), without making a lexeme of each word."""
    from spacy.attrs import LOWER

    getter = vocab.lex_attr_getters.get(LOWER)
    if getter is None:  # a language without the attribute: ask the lexemes themselves
        return lambda words: tuple(vocab[w].lower for w in words)
    add = vocab.strings.add
    return lambda words: tuple(add(getter(w)) for w in words)


def _strip_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _choose(phrases: list[Phrase], day: dt.date | None = None) -> Phrase:
    """One phrase when several entries share a form: states first, then people, then
    others; among people ("President Bush", "Assad"), the one in office on the article's
    day, else one holding any role then ("former"), else the first in the file."""
    order = {"state": 0, "person": 1, "igo": 2, "armed_group": 3, "party": 4, "media": 5}

    def rank(phrase: Phrase) -> tuple[int, int]:
        entry = phrase.entry
        held = 2
        if entry.kind == "person" and day is not None:
            roles = [r for r in entry.roles if r.holds_on(day)]
            if roles:
                held = 0 if any(s != "ELI" for r in roles for s in r.sectors[:1]) else 1
        return order.get(entry.kind, 9), held

    return min(phrases, key=rank)


def _code(country: str | None, sectors: Iterable[str]) -> str:
    return (country or "") + "".join(sectors)


def _role_of(token: Token, knowledge: Knowledge, multi: dict[int, str]) -> str | None:
    if token.i in multi:
        return multi[token.i]
    if token.pos_ not in NOUN_POS:
        return None
    lemma = token.lemma_.lower()
    if lemma in knowledge.roles:
        return lemma
    text = token.text.lower()
    return text if text in knowledge.roles else None


def find(
    doc: Doc,
    knowledge: Knowledge,
    matcher: ActorMatcher,
    published: dt.date | None,
    gazetteer: Gazetteer | None = None,
) -> ActorLayer:
    """Find, code and link the actors of a parsed article."""
    drafts = _seed_drafts(doc, knowledge, matcher, published, gazetteer)
    drafts = _merge_phrases(doc, drafts, matcher.words)
    for draft in drafts.values():
        _finish(doc, draft, knowledge, published)
    return _link(doc, list(drafts.values()), knowledge, published)


def _seed_drafts(
    doc: Doc,
    knowledge: Knowledge,
    matcher: ActorMatcher,
    published: dt.date | None,
    gazetteer: Gazetteer | None,
) -> dict[int, _Draft]:
    """One draft per matched name, entity or role word, keyed by its head token."""
    drafts: dict[int, _Draft] = {}
    covered: set[int] = set()
    stances, languages = matcher.words.stances, matcher.words.languages
    pending: list[tuple[int, int, list[Phrase]]] = []
    matches = matcher.matches(doc)
    persons = [ent for ent in doc.ents if ent.label_ in PERSON_LABELS]
    # People the text names in full ("Tony Blair"): their surname alone is theirs.
    in_full = {p.entry.key for start, end, ps in matches if end - start > 1 for p in ps}
    others: dict[str, str] = {}  # surname → the other person's full name ("Jonathan P. Blair")
    bodies = matcher.organization_roles(doc, knowledge)
    for start, end, phrases in matches:
        if _after_stance(doc, start, stances) or any(
            s <= start and end <= e and e - s > end - start for s, e in bodies
        ):
            continue
        fuller = _fuller_name(doc, start, end, phrases, persons, matcher.first_words)
        if fuller is not None:
            # "Sheriff Jonathan P. Blair", "Michelle Obama", "Fiona Hill", "Georgia Smith":
            # a dictionary name inside a longer name of someone else yields to it.
            others[fuller[-1].text] = fuller.text
            continue
        if (
            end - start == 1
            and doc[start].text in others
            and all(p.entry.kind == "person" and p.entry.key not in in_full for p in phrases)
        ):
            # "Blair said": the surname of the Blair this story named, not Tony Blair.
            person = others[doc[start].text]
            known = _Draft(head=start, tokens={start}, kind="person", name=person, person=person)
            known.why.append("surname-of-named")
            drafts[start] = known
            covered.add(start)
            continue
        if len(phrases) > 1 and _credit(doc, start, end):
            # "NEW DELHI (PTI) -", "By PTI": a wire credit or byline names the outlet
            # (Press Trust of India), not the party that shares its letters.
            phrases = [p for p in phrases if p.entry.kind == "media"] or phrases
        if any(p.entry.kind == "division" for p in phrases):
            if not _place_like(doc, start, end):
                # "Georgia Smith", "Victoria Beckham": a division's name used otherwise.
                phrases = [p for p in phrases if p.entry.kind != "division"]
            if not phrases:
                continue
        if len({p.entry.country for p in phrases}) > 1 and all(
            p.entry.kind != "person" for p in phrases
        ):
            # Georgia (the state or the country), Punjab (India or Pakistan), the Peoples
            # Democratic Party (Nigeria's or Kashmir's): decided below by the countries
            # the rest of the story names.
            pending.append((start, end, phrases))
            continue
        found = _dictionary_draft(
            doc, start, end, _choose(phrases, published), knowledge, published, languages
        )
        if found is not None:
            drafts[found.head] = found
            covered.update(range(start, end))
    if pending:
        by_country: dict[str | None, set[str]] = {}
        for other in drafts.values():
            if other.country and other.country_rank < 5:
                keys = by_country.setdefault(other.country, set())
                if other.entry is not None and other.entry.kind == "division":
                    keys.add(other.entry.key)
        for start, end, phrases in pending:
            chosen = _choose_place(doc, start, end, phrases, by_country, knowledge.populations)
            found = _dictionary_draft(
                doc,
                start,
                end,
                chosen or _choose(phrases, published),
                knowledge,
                published,
                languages,
            )
            if found is not None:
                drafts[found.head] = found
                covered.update(range(start, end))
    _places_in_divisions(doc, drafts)
    # Countries the dictionaries found choose among same-named towns ("Greenville" in a
    # story that names Liberia is Liberia's, not the American city).
    named = {d.country for d in drafts.values() if d.country}
    platforms = matcher.words.platforms
    for ent in doc.ents:
        if covered.intersection(range(ent.start, ent.end)) or _after_stance(
            doc, ent.start, stances
        ):
            continue
        if ent.text.strip() in platforms:
            continue  # "Twitter": where something was said, not who
        if ent.label_ in PERSON_LABELS:
            if not any(t.text[:1].isupper() for t in ent):
                continue  # "state", "van", "marijuana": the parser's guess at a name
            name = ent.text.strip()
            draft = _Draft(
                head=ent.root.i,
                tokens=set(range(ent.start, ent.end)),
                kind="person",
                name=name,
                person=name,
            )
            draft.why.append("ner:PERSON")
        elif ent.label_ in {"GPE", "LOC"} and gazetteer is not None:
            # A town the dictionaries do not list stands for its country ("Russia shelled
            # Kharkiv" is an act against Ukraine), as in CAMEO.
            place = gazetteer.resolve(ent.text, Span(ent.start_char, ent.end_char), named)
            if place is None or place.country is None:
                continue
            place = dataclasses.replace(
                place, country=knowledge.country_on(place.country, published)
            )
            draft = _Draft(
                head=ent.root.i,
                tokens=set(range(ent.start, ent.end)),
                kind="state",
                name=place.name,
                country=place.country,
                country_rank=3,
            )
            draft.why.append(f"gazetteer:{place.geonameid}")
        elif ent.label_ in ORG_LABELS:
            draft = _Draft(
                head=ent.root.i,
                tokens=set(range(ent.start, ent.end)),
                kind="organization",
                name=_strip_article(ent.text.strip()),
            )
            draft.why.append("ner:ORG")
        else:
            continue
        drafts[draft.head] = draft
        covered.update(range(ent.start, ent.end))
    multi = matcher.role_spans(doc)
    for token in doc:
        role_text = _role_of(token, knowledge, multi)
        if role_text is None:
            continue
        holder = drafts.get(token.i)
        if holder is not None and holder.entry is not None and holder.entry.kind != "person":
            continue  # "South Lebanon Army", "West Bank": the word is part of the name
        if holder is None and token.i in covered:
            # A title inside a name the parser found ("Archbishop Desmond Tutu") is the
            # person's role; inside a dictionary name it is part of the name.
            holder = next(
                (
                    d
                    for d in drafts.values()
                    if d.entry is None and d.person and token.i in d.tokens
                ),
                None,
            )
            if holder is None:
                continue
        if holder is None:
            holder = _Draft(head=token.i, tokens={token.i}, kind=knowledge.roles[role_text].kind)
            drafts[token.i] = holder
        holder.role_words.add(role_text)
    _head_hyphenated_roles(doc, drafts, matcher)
    return drafts


def _head_hyphenated_roles(doc: Doc, drafts: dict[int, _Draft], matcher: ActorMatcher) -> None:
    """A hyphenated role ("vice-premier") is one phrase headed where the parser hangs it:
    the small model parses "China's vice-premier" as "vice" with "premier" hanging off
    the hyphen, so the role found on "premier" would miss "China's"."""
    for _key, start, end in matcher.role_phrases(doc):
        last = end - 1
        if not any(t.text == "-" for t in doc[start:end]) or last not in drafts:
            continue
        root = doc[start:end].root.i
        draft = drafts[last]
        if root == last or draft.entry is not None or draft.person:
            continue
        del drafts[last]
        host = drafts.get(root)
        if host is None:
            draft.head, draft.tokens = root, draft.tokens | set(range(start, end))
            drafts[root] = draft
        else:
            host.tokens |= draft.tokens | set(range(start, end))
            host.role_words |= draft.role_words


def _fuller_name(
    doc: Doc,
    start: int,
    end: int,
    phrases: list[Phrase],
    persons: list,
    first_words: dict[str, frozenset[str]],
):
    """The parser's longer person name that a dictionary name sits in, when it names
    someone else: other given names before it ("Jonathan P. Blair" is not Tony Blair,
    "Michelle Obama" not Barack Obama, "Fiona Hill" not The Hill), or a surname after a
    place's name ("Georgia Smith"). None when the name is the dictionary's own
    ("Vladimir Vladimirovich Putin": the given name is the entry's)."""
    for ent in persons:
        if not (ent.start <= start and end <= ent.end) or (ent.start, ent.end) == (start, end):
            continue
        before = [t for t in doc[ent.start : start] if t.pos_ == "PROPN"]
        after = [t for t in doc[end : ent.end] if t.pos_ == "PROPN"]
        if before:
            given = before[0].lower_
            if any(given in first_words.get(p.entry.key, ()) for p in phrases):
                return None
            return ent
        if (
            after
            and doc[end].pos_ == "PROPN"
            and all(p.entry.kind in PLACE_KINDS and p.form in {"name", "capital"} for p in phrases)
        ):
            return ent  # "Georgia Smith" (not "Kenyan Archbishop X", "Georgia's governor")
    return None


def _line_bounds(doc: Doc, i: int) -> tuple[int, int]:
    """The first and last token of the line token `i` is on."""
    start = i
    while start > 0 and "\n" not in doc[start - 1].text_with_ws:
        start -= 1
    end = i
    while end + 1 < len(doc) and "\n" not in doc[end].text_with_ws:
        end += 1
    return start, end


def _credit(doc: Doc, start: int, end: int) -> bool:
    """A name in the place of a wire credit or byline: in brackets after a dateline's
    city or date ("NEW DELHI (PTI) -", "March 3 (AFP) -") or at a paragraph's edge,
    after "By" at the start of a line, or alone on its line."""
    line_start, line_end = _line_bounds(doc, start)
    before = doc[start - 1] if start > 0 else None
    after = doc[end] if end < len(doc) else None
    if before is not None and before.text == "(" and after is not None and after.text == ")":
        lead = doc[start - 2] if start - 2 >= line_start else None
        return (
            lead is None
            or end == line_end
            or lead.like_num
            or lead.text == ","
            or (lead.text.isupper() and len(lead.text) > 1)
        )
    if before is not None and before.lower_ == "by" and start - 1 == line_start:
        return True
    rest = [t for t in doc[line_start : line_end + 1] if not (start <= t.i < end)]
    return all(t.is_punct or t.is_space for t in rest)


def _dictionary_draft(
    doc: Doc,
    start: int,
    end: int,
    phrase: Phrase,
    knowledge: Knowledge,
    published: dt.date | None,
    languages: frozenset[str],
) -> _Draft | None:
    """The draft of one dictionary match (None for a language named by a demonym)."""
    span = doc[start:end]
    if (
        phrase.form == "demonym"
        and span.root.dep_ in {"amod", "compound"}
        and span.root.head.lemma_.lower() in languages
    ):
        return None  # "the Russian language", "Arabic media": a language, not the state
    entry = phrase.entry
    draft = _Draft(
        head=span.root.i,
        tokens=set(range(start, end)),
        entry=entry,
        kind=entry.kind,
        name=entry.name,
        form=phrase.form,
    )
    draft.why.append(f"dict:{entry.key}:{phrase.form}")
    if entry.kind == "state":
        draft.country, draft.country_rank = knowledge.country_on(entry.country, published), 1
        if draft.country == entry.country:
            draft.sectors.extend(FORM_SECTORS.get(phrase.form, ()))
        elif draft.country in knowledge.countries:
            # Before the state was formed ("Juba" in 1990): a place of the state it
            # was part of, whose government sat elsewhere.
            draft.name = knowledge.countries[draft.country].name
        if phrase.form == "demonym" and span.root.pos_ == "ADJ":
            draft.kind = "modifier"
        elif phrase.form == "demonym":
            # A people ("Serbs", "Kurds") yields to the state an adjective puts them
            # in: "Bosnian Serbs" are BIH, "Iraqi Kurds" IRQ.
            draft.country_rank = 2
    elif entry.kind == "division":
        # A state, province or Land stands for its country, as a town does ("Indiana
        # police", "Victoria's premier"), a little below the country's own names.
        draft.country, draft.country_rank = knowledge.country_on(entry.country, published), 3
        draft.kind = "modifier" if phrase.form == "demonym" and span.root.pos_ == "ADJ" else "state"
    elif entry.kind == "person":
        draft.person = entry.name
        draft.surname = span.text if end - start == 1 and phrase.form == "alias" else ""
        role = entry.role_on(published)
        if role is not None:
            draft.country, draft.country_rank = role.country, 5
            draft.sectors.extend(role.sectors)
            draft.code = role.code
    else:
        draft.country, draft.country_rank = entry.country, 2
        draft.sectors.extend(entry.sectors)
    return draft


def _place_like(doc: Doc, start: int, end: int) -> bool:
    """A division's name is read as the place unless the parser takes it for a person's
    name ("Georgia Smith", "Victoria Beckham"); inside an organisation's name it still
    places it ("Indiana State Police"). Outside any entity it must be a proper name of
    its own, not a piece of a hyphenated one ("Shan-e-Mustafa" is no Shan State)."""
    for ent in doc.ents:
        if ent.start < end and start < ent.end:
            return ent.label_ not in PERSON_LABELS
    joined = (start > 0 and doc[start - 1].text == "-" and not doc[start - 2].whitespace_) or (
        end < len(doc) and doc[end].text == "-" and not doc[end - 1].whitespace_
    )
    return not joined and all(t.pos_ in {"PROPN", "ADJ", "PUNCT"} for t in doc[start:end])


def _choose_place(
    doc: Doc,
    start: int,
    end: int,
    phrases: list[Phrase],
    named: dict[str | None, set[str]],
    populations: dict[str, int],
) -> Phrase | None:
    """Among same-named entries of several countries (Georgia, Victoria, Punjab, the
    Peoples Democratic Party), the one the story means. A country's own name (Georgia,
    Niger) stays the country unless the story names the division's country and calls it
    a state ("Niger State") or names another division of it (an American story that names
    Georgia and Ohio). Otherwise: the entry whose country the story names (states, then
    divisions, then others); else, among places, that of the most populous country:
    Florida is the US state, not Uruguay's department, and Victoria the Australian state,
    not the Seychelles' capital. None: no place, no named country (the usual choice).

    `named` maps each country the rest of the story names to the divisions named of it."""
    states = [p for p in phrases if p.entry.kind == "state"]
    divisions = [p for p in phrases if p.entry.kind == "division"]
    others = [p for p in phrases if p.entry.kind not in PLACE_KINDS]
    own_names = [p for p in states if p.form == "name"]
    if own_names:
        called_state = end < len(doc) and doc[end].lower_ == "state"
        for phrase in divisions:
            country = phrase.entry.country
            if country in named and (called_state or named[country] - {phrase.entry.key}):
                return phrase
        return own_names[0]
    for group in (states, divisions, others):
        for phrase in group:
            if phrase.entry.country in named:
                return phrase
    if states or divisions:
        return max(states + divisions, key=lambda p: populations.get(p.entry.country or "", 0))
    return None


def _places_in_divisions(doc: Doc, drafts: dict[int, _Draft]) -> None:
    """ "Paris, Texas", "Lebanon, Pennsylvania": a capital or country name followed by a
    division of another country is a town of that division's country."""
    by_start = {min(d.tokens): d for d in drafts.values()}
    for draft in list(drafts.values()):
        if (
            draft.entry is None
            or draft.entry.kind != "state"
            or draft.form not in {"name", "capital"}
        ):
            continue
        after = max(draft.tokens) + 1
        if after + 1 >= len(doc) or doc[after].text != ",":
            continue
        division = by_start.get(after + 1)
        if (
            division is None
            or division.entry is None
            or division.entry.kind != "division"
            or division.country == draft.country
        ):
            continue
        draft.country, draft.country_rank = division.country, 3
        draft.entry, draft.sectors, draft.kind = None, [], "state"
        draft.name = doc[min(draft.tokens) : after].text
        draft.why.append(f"in:{division.entry.key}")


def _after_stance(doc: Doc, start: int, stances: frozenset[str]) -> bool:
    """ "an anti-Syria journalist", "pro-Iranian militias": a name after a stance prefix
    (`stance_prefixes` of grammar.yaml) is what the actor is for or against, not who."""
    return start > 1 and doc[start - 1].text == "-" and doc[start - 2].lower_ in stances


def _phrase_parent(token: Token, drafts: dict[int, _Draft], words: PhraseWords) -> Token | None:
    """The head this token's phrase attaches to, when that head is also an actor phrase."""
    if token.dep_ in PHRASE_DEPS and token.head.i != token.i:
        return token.head
    # "Vietnamese-led forces", "US-led coalition": the leader's country is the phrase's
    # ("Syrian-backed militias" are not Syria's: only "-led" says whose they are).
    if (
        token.dep_ == "npadvmod"
        and token.head.lower_ in words.leaders
        and token.head.dep_ == "amod"
    ):
        return token.head
    # "TIP CEO and President Joshua S. Block": conjoined titles all belong to the person.
    if (
        token.dep_ == "conj"
        and token.i in drafts
        and drafts[token.i].person
        and token.head.i in drafts
        and not drafts[token.head.i].person
        and drafts[token.head.i].role_words
    ):
        return token.head
    # "the regime in Tehran", "the government of Iran": pobj → prep → role noun.
    if (
        token.dep_ == "pobj"
        and token.head.dep_ == "prep"
        and token.head.lower_ in COUNTRY_PREPS | {"for", "to"}
        and token.head.head.i in drafts
    ):
        return token.head.head
    # The parser often hangs "in Tehran" on the verb: "accusing the regime in Tehran of…".
    # A country right after a role noun that has none still belongs to that noun.
    if (
        token.dep_ == "pobj"
        and token.head.dep_ == "prep"
        and token.head.lower_ in COUNTRY_PREPS
        and token.head.i > 0
        and token.head.head.pos_ in {"VERB", "AUX"}
    ):
        before = token.doc[token.head.i - 1]
        if (
            before.i in drafts
            and drafts[before.i].country is None
            and drafts[before.i].role_words
            and before.head.i == token.head.head.i
        ):
            return before
    return None


def _merge_phrases(doc: Doc, drafts: dict[int, _Draft], words: PhraseWords) -> dict[int, _Draft]:
    """Fold each draft into the draft of the phrase it modifies."""

    def outer(i: int) -> int:
        token = doc[i]
        seen = {i}
        best = i
        named = _named(drafts[i])
        while True:
            parent = _phrase_parent(token, drafts, words)
            if parent is None or parent.i in seen:
                return best
            seen.add(parent.i)
            if parent.i in drafts:
                host = drafts[parent.i]
                if _separated(doc, drafts[best], host, QUOTE_MARKS):
                    return best  # "…the president and our military,” Flynn said"
                if not (named and _named(host) and _separated(doc, drafts[best], host)):
                    named = named or _named(host)
                    best = parent.i
                # else "In Doha, Qatar's minister", "out of Gaza, The Times of Israel": a
                # phrase with a name in it does not join another name across a comma (the
                # parser's appositive); it may still join a role beyond it ("Russia's
                # envoy for Syria, Alexander Lavrentiev").
            elif parent.pos_ not in NOUN_POS and parent.dep_ not in PHRASE_DEPS:
                return best
            token = parent

    merged: dict[int, _Draft] = {}
    for head in sorted(drafts, key=lambda i: -_depth(doc[i])):
        target = outer(head)
        if target == head:
            merged.setdefault(head, drafts[head])
            continue
        inner = drafts[head]
        host = drafts[target]
        if _two_names(doc, inner, host):
            # "…out of Syria, The Times of Israel reported", "NEW DELHI (PTI)": two names
            # that a comma or a bracket separates are two mentions.
            merged.setdefault(head, inner)
            continue
        via_prep = doc[head].dep_ == "pobj" or doc[head].head.dep_ == "prep"
        prep = doc[head].head.lower_
        # "envoy for Syria", "ambassador to Russia": the place is the topic. But "a
        # spokesperson for the British Foreign Office" speaks for the body named.
        body = inner.entry is not None and inner.entry.kind not in PLACE_KINDS | {"person"}
        topic = via_prep and (prep == "to" or (prep == "for" and not body))
        # "Ramaphosa's spokesman, Vincent Magwenya": whose the role is says where it
        # is, not who holds it.
        possessor = doc[head].dep_ == "poss" and bool(host.role_words) and not host.person
        # "the People's Liberation Army in Hong Kong": where a body is says less about
        # whose it is than its own name does.
        located = via_prep and prep in LOCATING_PREPS and inner.kind == "state"
        _absorb(host, inner, topic, via_prep, possessor, located)
        if via_prep and inner.country and _residents(doc, host, doc[head].head, words):
            # "the Albanians of southern Serbia", "ethnic Albanians in south Serbia": a
            # people placed in a state by the phrase live there (CAMEO codes ethnic
            # groups by the state they live in, as "Bosnian Serbs").
            host.country, host.country_rank = inner.country, 1
    for head, draft in drafts.items():
        if outer(head) == head:
            merged[head] = draft
    return merged


def _named(draft: _Draft) -> bool:
    """The phrase names someone: a dictionary entry or a person."""
    return bool(draft.entry or draft.person)


def _two_names(doc: Doc, inner: _Draft, host: _Draft) -> bool:
    """Both phrases name someone and a comma or a bracket stands between them."""
    return _named(inner) and _named(host) and _separated(doc, inner, host)


# Quotation marks: a phrase never runs into or out of a quote.
QUOTE_MARKS = frozenset({'"', "“", "”", "‘", "’", "«", "»", "„", "''", "``"})


def _separated(
    doc: Doc, inner: _Draft, host: _Draft, marks: frozenset[str] = frozenset({",", "(", ")"})
) -> bool:
    """One of `marks` (by default a comma or a bracket) stands between the two phrases."""
    a, b = sorted((inner.tokens, host.tokens), key=min)
    between = doc[max(a) + 1 : min(b)]
    return any(t.text in marks for t in between)


def _depth(token: Token) -> int:
    depth = 0
    while token.head.i != token.i and depth < 100:
        token = token.head
        depth += 1
    return depth


def _residents(doc: Doc, host: _Draft, prep: Token, words: PhraseWords) -> bool:
    """A people (a demonym used as a noun) placed by "of", or called "ethnic" and placed
    by "in": residents of the place, not nationals of the demonym's state abroad
    ("Americans in Iraq" stay American)."""
    people = host.entry is not None and host.entry.kind == "state" and host.country_rank == 2
    ethnic = any(doc[i].lower_ in words.ethnic for i in host.tokens) or any(
        c.lower_ in words.ethnic for c in doc[host.head].children
    )
    return people and (prep.lower_ == "of" or (ethnic and prep.lower_ == "in"))


def _absorb(
    host: _Draft,
    inner: _Draft,
    topic_only: bool,
    via_prep: bool,
    possessor: bool = False,
    located: bool = False,
) -> None:
    """Fold a modifier phrase into its host phrase (`possessor`: a person whose role
    the host names gives only a country)."""
    host.tokens |= inner.tokens
    host.role_words |= inner.role_words
    host.why.extend(inner.why)
    if possessor and inner.person:
        if inner.country and host.country is None:
            host.country, host.country_rank = inner.country, inner.country_rank + 1
        return
    if inner.person and not host.person:
        host.person, host.kind, host.surname = inner.person, "person", inner.surname
        host.entry = inner.entry if inner.entry and inner.entry.kind == "person" else host.entry
    if topic_only:
        # "envoy for Syria", "ambassador to Russia": Syria is the topic, not the envoy's state.
        return
    rank = inner.country_rank + (2 if via_prep else 0) + (2 if located else 0)
    if inner.country and (host.country is None or rank < host.country_rank):
        if not (host.entry and host.entry.kind not in PLACE_KINDS | {"person"}):
            host.country, host.country_rank = inner.country, rank
    body = inner.entry if inner.entry and inner.entry.kind not in PLACE_KINDS | {"person"} else None
    if body is not None and host.entry is not None and host.entry.kind in PLACE_KINDS:
        return  # a member state stays itself: "NATO-member Norway" is Norway
    if body is not None:
        # Membership of a known organisation outranks generic role words (CEO of an NGO).
        host.sectors = list(body.sectors) + host.sectors
        host.member = body
    else:
        host.sectors.extend(s for s in inner.sectors if s not in host.sectors)


def _finish(
    doc: Doc, draft: _Draft, knowledge: Knowledge, published: dt.date | None = None
) -> None:
    """Settle kind, sectors and name of a merged phrase."""
    if draft.surname and draft.entry is not None and not _plausible(draft, knowledge, published):
        # "Sheriff Blair", "Coach Obama" in a story before Obama held office: someone
        # else of that name.
        draft.why.append(f"not:{draft.entry.key}")
        draft.person, draft.entry, draft.code = draft.surname, None, None
        draft.sectors = []
        if draft.country_rank == 5:
            draft.country, draft.country_rank = None, 9
    for role in sorted(draft.role_words):
        if draft.member is None:
            for sector in knowledge.roles[role].sectors:
                if sector not in draft.sectors:
                    draft.sectors.append(sector)
        draft.why.append(f"role:{role}")
    if draft.person:
        draft.kind = "person"
        # A role in the text outranks the dictionary: its sectors go first.
        if draft.role_words and draft.entry is not None and draft.member is None:
            text_sectors = [s for r in sorted(draft.role_words) for s in knowledge.roles[r].sectors]
            draft.sectors = list(dict.fromkeys(text_sectors + draft.sectors))
    elif draft.entry is not None and draft.entry.kind == "state" and draft.sectors:
        draft.kind = "state"
    if not draft.name:
        tokens = sorted(draft.tokens)
        words = [t for t in doc[tokens[0] : tokens[-1] + 1] if t.dep_ != "det"]
        # The words as written ("Vietnamese-led forces"), without the article.
        name = "".join(t.text_with_ws for t in words).strip()
        draft.name = " ".join(name.split()) if words else doc[draft.head].text
    # Sectors: drop duplicates, at most three (primary first).
    draft.sectors = list(dict.fromkeys(draft.sectors))[:3]


def _plausible(draft: _Draft, knowledge: Knowledge, published: dt.date | None) -> bool:
    """A known person named by their surname alone is the one meant when a role the text
    gives them is one they held (a sheriff is no prime minister) and the story is not
    from before their first known role."""
    entry = draft.entry
    if entry is None or not entry.roles:
        return True
    held = {s for role in entry.roles for s in role.sectors}
    given = {
        s
        for word in draft.role_words
        if knowledge.roles[word].kind == "person"
        for s in knowledge.roles[word].sectors
    }
    if given and not given & held:
        return False
    starts = [role.start for role in entry.roles if role.start is not None]
    return (
        published is None
        or not starts
        or len(starts) < len(entry.roles)
        or min(starts) <= published
    )


def _is_actor(draft: _Draft) -> bool:
    return bool(draft.country or draft.person or draft.entry or draft.kind == "organization")


def _link(
    doc: Doc, drafts: list[_Draft], knowledge: Knowledge, published: dt.date | None
) -> ActorLayer:
    """Group phrases into actors; resolve surnames, definite roles and pronouns."""
    actors: dict[str, dict] = {}
    by_token: dict[int, Mention] = {}
    persons: list[tuple[int, str]] = []  # (sentence start, actor key) in text order
    person_roles: dict[str, set[str]] = {}
    drafts.sort(key=lambda d: min(d.tokens))
    pronouns = knowledge.grammar.get("person_pronouns", {})
    no_context = {w.lower() for w in knowledge.grammar.get("no_context_roles", ())}

    def add(key: str, draft: _Draft, span: Span, info: dict) -> None:
        actor = actors.setdefault(key, {**info, "mentions": [], "id": f"A{len(actors) + 1}"})
        actor["mentions"].append(span)

    # The country each body word ("ministry", "army") was last named with: "Cambodia's
    # Ministry of Defence accused… ministry spokesperson Sok Vannak said" is Cambodia's.
    body_countries: dict[str, str] = {}
    for draft in drafts:
        tokens = sorted(draft.tokens)
        first, last = doc[tokens[0]], doc[tokens[-1]]
        span = Span(first.idx, last.idx + len(last.text))
        bodies = sorted(r for r in draft.role_words if knowledge.roles[r].kind != "person")
        if draft.country:
            body_countries.update(dict.fromkeys(bodies, draft.country))
        elif not draft.entry and (
            named := [body_countries[r] for r in bodies if r in body_countries]
        ):
            draft.country = named[0]
            draft.why.append(f"body:{named[0]}")
        key: str | None = None
        if draft.person:
            key = _person_key(draft.person, actors)
            known = actors.get(key)
            if known and not draft.country and not draft.role_words:
                # A later bare mention ("Qasemi") keeps the role it was introduced with.
                draft.country, draft.sectors = known["country"], list(known["sectors"])
            person_roles.setdefault(key, set()).update(draft.role_words)
            persons.append((sent_of(doc[draft.head]).start, key))
        elif not draft.country and not draft.entry and draft.role_words:
            key = _resolve_role(doc[draft.head], draft, persons, person_roles, knowledge)
            if key is None:
                # "Protesters", "the opposition", "farmers": an actor known only by its
                # sector (CAMEO's "---CVL"); the country may come from elsewhere in the text.
                key = "code:" + _code(None, draft.sectors) + ":" + draft.name.lower()
            else:
                known = actors[key]
                draft.country, draft.sectors = known["country"], list(known["sectors"])
                draft.why.append(f"link:{known['name']}")
        elif _is_actor(draft):
            if draft.entry is not None and draft.entry.kind != "state" and not draft.role_words:
                key = draft.entry.key
            else:
                key = (
                    "code:"
                    + _code(draft.country, draft.sectors)
                    + (f":{draft.name}" if not draft.country else "")
                )
        if key is None:
            continue
        if draft.code and not draft.role_words:
            code = draft.code
        elif draft.entry and draft.entry.code and not draft.person:
            code = draft.entry.code
        elif draft.member is not None and draft.member.code:
            # "UNPROFOR troops", "Arab League Secretary-General X": the body's own code,
            # and what the role words add to it.
            extra = [x for x in draft.sectors if x not in draft.member.sectors]
            code = draft.member.code + "".join(extra)
        else:
            code = _code(draft.country, draft.sectors)
        name = draft.person or (
            draft.entry.name
            if draft.entry and draft.entry.kind != "state" and not draft.role_words
            else None
        )
        if name is None:
            name = (
                knowledge.countries[draft.country].name
                if draft.country in knowledge.countries and not draft.sectors
                else draft.name
            )
        kind = (
            "state"
            if (
                draft.kind == "modifier"
                or (draft.country and not draft.sectors and not draft.person)
            )
            else draft.kind
        )
        add(
            key,
            draft,
            span,
            {
                "name": name,
                "kind": kind,
                "code": code,
                "country": draft.country,
                "sectors": tuple(draft.sectors),
                "why": ";".join(draft.why),
                # "Analysts", "a mediator": a role that names no one of the story's country.
                "generic": bool(draft.role_words)
                and draft.role_words <= no_context
                and not (draft.country or draft.entry or draft.person),
            },
        )
        mention = Mention(
            actor=actors[key]["id"],
            code=code,
            country=draft.country,
            sectors=tuple(draft.sectors),
            kind=actors[key]["kind"],
            name=actors[key]["name"],
            span=span,
            tokens=tuple(tokens),
            head=draft.head,
        )
        for i in tokens:
            by_token[i] = mention
    _link_pronouns(doc, by_token, actors, persons, pronouns)
    home = _country_from_context(actors, by_token, _paragraph_of(doc))
    result = tuple(
        Actor(
            id=a["id"],
            name=a["name"],
            kind=a["kind"],
            code=a["code"],
            country=a["country"],
            sectors=a["sectors"],
            mentions=tuple(a["mentions"]),
            why=a["why"],
        )
        for a in actors.values()
    )
    return ActorLayer(actors=result, by_token=by_token, home=home)


# When a story is about one country (see `_country_from_context`).
DOMESTIC_MENTIONS = 3
DOMESTIC_SHARE = 2 / 3


def _paragraph_of(doc: Doc) -> Callable[[int], int]:
    """Character offset → the number of its paragraph (a blank line ends one)."""
    import bisect
    import re

    starts = [0] + [m.end() for m in re.finditer(r"\n[ \t]*\n", doc.text)]
    return lambda char: bisect.bisect_right(starts, char)


def _country_from_context(
    actors: dict[str, dict],
    by_token: dict[int, Mention],
    paragraph: Callable[[int], int] = lambda char: 0,
) -> str | None:
    """ "President Yoweri Museveni", "the rebels": an actor known only by its sector takes
    the country the article is about (the one named most often), as a human coder would.
    The actor's `why` records it, so the inference can be told from a named country.
    Returns the country of a story about one country (domestic news), else None."""
    counts: dict[str, int] = {}
    for actor in actors.values():
        if actor["country"] and actor["country"] not in STATELESS:
            counts[actor["country"]] = counts.get(actor["country"], 0) + len(actor["mentions"])
    if not counts:
        return None
    country = max(counts, key=lambda c: counts[c])  # ties: the first named (dict order)
    # A story about one country (named again and again, and far more than any other:
    # domestic news) also gives it to the people and bodies it names with no sector
    # ("Atiku", "CGT leader Sophie Binet"); in a story about several, a bare name's
    # country is anyone's guess.
    total = sum(counts.values())
    domestic = counts[country] >= DOMESTIC_MENTIONS and counts[country] >= DOMESTIC_SHARE * total
    # A role ("Officers") takes a country the story names only once only in the
    # paragraph that names it: a passing mention of Austria paragraphs before does not
    # make the story's police Austrian.
    named_in = {
        paragraph(a_span.start)
        for actor in actors.values()
        if actor["country"] == country
        for a_span in actor["mentions"]
    }
    changed = {}
    for actor in actors.values():
        if (
            actor["country"] is None
            and (actor["sectors"] or (domestic and actor["kind"] in {"person", "organization"}))
            and actor["kind"] != "media"
            and not actor.get("generic")
            and (
                counts[country] > 1
                or any(paragraph(m.start) in named_in for m in actor["mentions"])
            )
        ):
            actor["country"] = country
            actor["code"] = country + "".join(actor["sectors"])
            actor["why"] += f";context:{country}"
            changed[actor["id"]] = actor
    for i, mention in list(by_token.items()):
        if mention.actor in changed:
            known = changed[mention.actor]
            by_token[i] = dataclasses.replace(
                mention, country=known["country"], code=known["code"], inferred=True
            )
    return country if domestic else None


def _person_key(name: str, actors: dict[str, dict]) -> str:
    """The key of the person `name` refers to: "Putin" → the earlier "Vladimir Putin"."""
    words = name.split()
    for key, actor in actors.items():
        if not key.startswith("person:"):
            continue
        known = actor["name"].split()
        if name == actor["name"] or (len(words) == 1 and known and known[-1] == words[0]):
            return key
    return f"person:{name}"


def _resolve_role(
    head: Token,
    draft: _Draft,
    persons: list[tuple[int, str]],
    person_roles: dict[str, set[str]],
    knowledge: Knowledge,
) -> str | None:
    """ "the envoy" → the last person introduced as an envoy (person role words only)."""
    if not any(child.lower_ == "the" for child in head.children):
        return None
    words = {r for r in draft.role_words if knowledge.roles[r].kind == "person"}
    for _sent, key in reversed(persons):
        if words & person_roles.get(key, set()):
            return key
    return None


def _link_pronouns(
    doc: Doc,
    by_token: dict[int, Mention],
    actors: dict[str, dict],
    persons: list[tuple[int, str]],
    pronouns: dict[str, str],
) -> None:
    """ "he"/"she" → the only person named in this sentence (before it) or the previous one."""
    id_to_key = {a["id"]: k for k, a in actors.items()}
    for token in doc:
        if token.lower_ not in pronouns or token.pos_ != "PRON":
            continue
        sent = sent_of(token)
        prev_start = sent_of(doc[sent.start - 1]).start if sent.start > 0 else sent.start
        window = {
            m.actor for i, m in by_token.items() if prev_start <= i < token.i and m.kind == "person"
        }
        if len(window) != 1:
            continue
        actor = actors[id_to_key[window.pop()]]
        span = Span(token.idx, token.idx + len(token.text))
        actor["mentions"].append(span)
        by_token[token.i] = Mention(
            actor=actor["id"],
            code=actor["code"],
            country=actor["country"],
            sectors=actor["sectors"],
            kind="person",
            name=actor["name"],
            span=span,
            tokens=(token.i,),
            head=token.i,
        )
