"""Quotes stage: direct, partial and indirect quotes, their speakers and attribution chains.

Direct quotes are found on the text (pairs of straight, curly or single marks,
continued across paragraphs when a paragraph opens a quote it does not
close); indirect ones on the parse (a speech verb from `data/cues.yaml` with a
clausal complement, or "according to X"). A quote's speaker is the subject of
its cue, resolved through the actors stage; a quote with no cue of its own
inherits the speaker of the quote just before it ("floating" quotes).
`via` holds the sources it passes through, innermost first: relays such as
"according to Tasnim" or "in an op-ed for The Hill", then the article's outlet.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from dragoman.actors import ActorLayer, Mention
from dragoman.knowledge import Knowledge
from dragoman.models import Quote, Source, Span, Speaker
from dragoman.nlp import sent_of

OPEN_CLOSE = {"“": "”", '"': '"', "‘": "’", "«": "»", "„": "“"}
# A closing single mark must not be an apostrophe inside a word ("Iran’s").
_SINGLE_CLOSE_OK = re.compile(r"’(?![A-Za-z])")
SCARE_MAX_WORDS = 3  # "malign" in marks with no cue is emphasis, not a quote
# “…” ― Esther Tapia: a quote signed after a dash (social media posts, readers' voices).
_DASH_SIGNATURE = re.compile(r"[ \t]*[―—–][ \t]*(?=[A-Z@])")
# "WALLACE: Let's start…", "Pence: Flowers won't be at debate": a speaker's name, a colon,
# then what they said, at the start of a line (transcripts and headlines).
_COLON_LINE = re.compile(r"(?m)^(?P<who>[A-Z][\w.'’\- ]{0,40}?):[ \t]+(?P<what>\S[^\n]*)$")
COLON_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class QuoteLayer:
    """What the quotes stage adds."""

    quotes: tuple[Quote, ...]

    def containing(self, span: Span) -> Quote | None:
        """The innermost quote whose content covers `span`."""
        best = None
        for quote in self.quotes:
            if quote.span.contains(span) and (best is None or len(quote.span) < len(best.span)):
                best = quote
        return best


def find_marked(text: str) -> list[tuple[int, int]]:
    """Content spans between quotation marks, continued across paragraphs."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        close = OPEN_CLOSE.get(ch)
        if ch == "”" and (i == 0 or text[i - 1] == "\n"):
            close = "”"  # a line opened with a closing mark (a common typo in posts)
        if close is None or (ch == "‘" and i > 0 and text[i - 1].isalnum()):
            i += 1
            continue
        start = i + 1
        j = start
        end = None
        depth = 0  # “… he calls “hell” than …”: nested marks of the same kind
        while j < n:
            c = text[j]
            if c == ch and ch != close and ch != '"':
                depth += 1
            elif c == close and (close != "’" or _SINGLE_CLOSE_OK.match(text, j)):
                if depth == 0:
                    end = j
                    break
                depth -= 1
            if text.startswith("\n\n", j):
                # A quote running on into the next paragraph reopens it there.
                k = j
                while k < n and text[k].isspace():
                    k += 1
                if k < n and text[k] == ch:
                    j = k + 1
                    continue
                break
            j += 1
        if end is None:
            i = start
            continue
        if text[start:end].strip():
            spans.append((start, end))
        i = end + 1
    return spans


def _token_range(doc: Doc, start: int, end: int) -> SpacySpan | None:
    return doc.char_span(start, end, alignment_mode="expand")


def _cue_lemmas(knowledge: Knowledge) -> set[str]:
    return set(knowledge.cues["speech"])


# Clauses whose subject is their head's: "Trump boasted, saying…", "refused to pledge…",
# "went on to say…"; and the relative pronouns that stand for the noun their clause
# modifies ("Morial, who told…").
SHARED_SUBJECT_DEPS = {"conj", "advcl", "xcomp"}
RELATIVE_PRONOUNS = {"who", "that", "which", "whom"}
MAX_CLIMB = 4


def _speaker_of(verb: Token, actors: ActorLayer) -> Speaker | None:
    for _ in range(MAX_CLIMB):
        # The subject nearest the cue: a parse of '“…great. One of…,” Cummings said' may
        # give the verb a second subject inside the quote.
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            child = min(subjects, key=lambda c: abs(c.i - verb.i))
            if child.lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                # The pronoun names the speaker there; the noun it stands for says who.
                who = _speaker_from(verb.head, actors)
                span = Span(child.idx, child.idx + len(child.text))
                return dataclasses.replace(who, span=span) if who.actor else who
            return _speaker_from(child, actors)
        if verb.head.i == verb.i:
            return None
        if verb.dep_ == "acl" and verb.head.pos_ in {"PROPN", "NOUN"}:
            return _speaker_from(verb.head, actors)  # "Trump, saying that…"
        if verb.dep_ == "pcomp" and verb.head.head.i != verb.head.i:
            verb = verb.head.head  # "…by announcing that…"
        elif verb.dep_ in SHARED_SUBJECT_DEPS:
            verb = verb.head
        else:
            return None
    return None


def _speaker_from(token: Token, actors: ActorLayer) -> Speaker:
    mention = actors.at(token)
    if mention is None or mention.kind != "person":
        # "TIP CEO and President Joshua S. Block": the person named in the subject phrase.
        found = [
            actors.at(t)
            for t in token.subtree
            if t.dep_ not in {"relcl", "acl", "ccomp"} and actors.at(t) is not None
        ]
        people = [m for m in found if m is not None and m.kind == "person"]
        mention = people[0] if people else (mention or (found[0] if found else None))
    if mention is not None:
        return Speaker(name=mention.name, span=mention.span, actor=mention.actor, code=mention.code)
    words = [t for t in token.subtree if t.dep_ not in {"punct"}]
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return Speaker(name=token.doc[words[0].i : words[-1].i + 1].text, span=Span(start, end))


def _named_near(doc: Doc, start: int, end: int, cue: Token, actors: ActorLayer) -> Speaker | None:
    """When the parser gives the cue no subject, the person named beside it outside the
    marks: "“…,” Flynn, a top Trump surrogate, said", "“…,” said James Acton, a
    physicist", "Said Ellis: “…”" (else the first actor named there)."""
    if cue.idx >= end:
        regions = [(_token_index(doc, end), cue.i), (cue.i + 1, sent_of(cue).end)]
    elif cue.idx < start:
        regions = [(cue.i + 1, _token_index(doc, start))]
    else:
        return None
    for first, last in regions:
        found = []
        for token in doc[first:last]:
            if token.i > first and (token.text in OPEN_CLOSE or token.text in OPEN_CLOSE.values()):
                break  # another quote begins (the first token may close this one)
            mention = actors.at(token)
            if mention is not None and not (start <= mention.span.start < end):
                found.append(mention)
        people = [m for m in found if m.kind == "person"]
        mention = people[0] if people else (found[0] if found else None)
        if mention is not None:
            return Speaker(
                name=mention.name, span=mention.span, actor=mention.actor, code=mention.code
            )
    return None


def _token_index(doc: Doc, char: int) -> int:
    token = _token_at(doc, char)
    return token.i if token is not None else len(doc)


def _relays(verb: Token, actors: ActorLayer, knowledge: Knowledge) -> list[Source]:
    """ "according to X", "in an op-ed for X", "told X" (a medium) under the cue verb."""
    found: list[Source] = []
    statement_nouns = set(knowledge.cues["statement_nouns"])
    for child in verb.subtree:
        if (
            child.lower_ == "according"
            and child.i + 1 < len(child.doc)
            and child.doc[child.i + 1].lower_ == "to"
        ):
            for obj in child.doc[child.i + 1].children:
                if obj.dep_ == "pobj":
                    found.append(_source(obj, actors, "relay"))
        elif child.dep_ == "pobj" and _noun_text(child) in statement_nouns:
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ in {"for", "in", "to", "with", "on"}:
                    for obj in prep.children:
                        mention = actors.at(obj)
                        if obj.dep_ == "pobj" and mention is not None and mention.kind == "media":
                            found.append(_source(obj, actors, "relay"))
    return found


def _noun_text(token: Token) -> str:
    """A noun with its hyphen-joined compounds, lower-cased: "op-ed", "press conference"."""
    left = [c for c in token.lefts if c.dep_ in {"compound", "punct"}]
    first = min([token.i] + [c.i for c in left])
    return token.doc[first : token.i + 1].text.lower()


def _source(token: Token, actors: ActorLayer, role: str) -> Source:
    mention = actors.at(token)
    if mention is None:
        # "the Tasnim news website": the outlet named inside the phrase.
        for child in token.children:
            if child.dep_ in {"compound", "poss", "nmod", "amod"} and actors.at(child):
                mention = actors.at(child)
                break
    if mention is not None:
        return Source(
            role=role, name=mention.name, code=mention.code, actor=mention.actor, span=mention.span
        )
    words = list(token.subtree)
    start, end = words[0].idx, words[-1].idx + len(words[-1].text)
    return Source(
        role=role, name=token.doc[words[0].i : words[-1].i + 1].text, span=Span(start, end)
    )


def _find_cue(doc: Doc, text: str, start: int, end: int, cues: set[str]) -> Token | None:
    """A speech verb outside the quote, in the sentences the quote starts or ends in
    (`text` is `doc.text`, which spaCy rebuilds on every access)."""
    first = _token_at(doc, start)
    last = _token_at(doc, max(start, end - 1))
    sents = []
    for piece in (last, first):
        if piece is not None and sent_of(piece) not in sents:
            sents.append(sent_of(piece))
    # Also the sentence right after the quote: “…,” Qasemi said.
    if last is not None and sent_of(last).end < len(doc):
        after = sent_of(doc[sent_of(last).end])
        if after.start_char - end < 6 and not any(
            "\n\n" in t.whitespace_ or (t.is_space and "\n\n" in t.text)
            for t in doc[last.i : after.start]
        ):
            sents.append(after)
    # And the sentence that introduces it with a colon, across a paragraph break:
    # "He said:\n\n“In all the administrations…”".
    i = start - 2  # the character before the opening mark
    while i >= 0 and text[i].isspace():
        i -= 1
    if i >= 0 and text[i] == ":" and (colon := _token_at(doc, i)) is not None:
        if sent_of(colon) not in sents:
            sents.append(sent_of(colon))
    best: Token | None = None
    for sent in sents:
        for token in sent:
            inside = start <= token.idx < end
            if inside or token.lemma_.lower() not in cues or token.pos_ not in {"VERB", "AUX"}:
                continue
            if best is None or abs(token.idx - end) < abs(best.idx - end):
                best = token
    return best


def find(doc: Doc, actors: ActorLayer, knowledge: Knowledge, outlet: Source | None) -> QuoteLayer:
    """Find the quotes of a parsed article."""
    text = doc.text
    cues = _cue_lemmas(knowledge)
    needs_complement = set(knowledge.cues["speech_needs_complement"])
    quotes: list[Quote] = []
    previous: Quote | None = None
    tail = [outlet] if outlet is not None else []
    for start, end in find_marked(text):
        cue = _find_cue(doc, text, start, end, cues)
        words = len(text[start:end].split())
        if words <= SCARE_MAX_WORDS or _is_title(text[start:end]):
            continue  # "disgusting", "Miss Piggy", "Fox News Sunday": emphasis or a title
        speaker: Speaker | None = None
        via: list[Source] = []
        kind = "direct"
        if cue is not None:
            speaker = _speaker_of(cue, actors) or _named_near(doc, start, end, cue, actors)
            via = _relays(cue, actors, knowledge)
            # Marks inside a reported clause ("wrote that the U.S. must “make clear…”").
            clause = [c for c in cue.children if c.dep_ in {"ccomp", "xcomp"}]
            if clause:
                sub = list(clause[0].subtree)
                if sub[0].idx < start - 1 and sub[0].idx < cue.idx + 200:
                    kind = "partial"
        elif (signed := _DASH_SIGNATURE.match(text, end + 1)) is not None:
            token = _token_at(doc, signed.end())
            if token is not None:
                speaker = _speaker_from(token, actors)
                cue = doc[token.i - 1] if token.i > 0 else None
        elif previous is not None and start - previous.span.end < 400:
            speaker, via = previous.speaker, [v for v in previous.via if v.role != "outlet"]
        else:
            continue  # marks with no cue and no speaker nearby: a title or a scare quote
        quote = Quote(
            id=f"Q{len(quotes) + 1}",
            kind=kind,
            span=Span(start, end),
            cue=Span(cue.idx, cue.idx + len(cue.text)) if cue is not None else None,
            speaker=speaker,
            via=tuple(via + tail),
        )
        quotes.append(quote)
        previous = quote
    marked = [q.span for q in quotes]
    commitments = set(knowledge.cues["commitment"])
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        if lemma in cues or lemma in commitments:
            # What was said is the clausal complement; what was promised may be
            # an infinitive too ("vowed to protect …").
            said = {"ccomp", "xcomp"} if lemma in commitments else {"ccomp"}
            clause = [c for c in token.children if c.dep_ in said]
            if not clause:
                continue
            sub = [t for t in clause[0].subtree]
            while len(sub) > 1 and (sub[0].dep_ == "mark" or sub[0].is_punct):
                sub = sub[1:]  # "that …": the content starts after the complementizer
            while len(sub) > 1 and sub[-1].is_punct:
                sub = sub[:-1]
            content = Span(sub[0].idx, sub[-1].idx + len(sub[-1].text))
        elif lemma == "accord" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            continue
        else:
            continue
        if lemma in needs_complement and not any(c.dep_ == "mark" for c in clause[0].children):
            # "warned that …" is speech; "warned Iran" is an event.
            if not any(c.dep_ == "nsubj" for c in clause[0].children):
                continue
        if any(content.overlaps(m) and len(m) >= len(content) * 0.5 for m in marked):
            continue
        if any(token.idx >= m.start and token.idx < m.end for m in marked):
            continue
        speaker = _speaker_of(token, actors)
        quotes.append(
            Quote(
                id=f"Q{len(quotes) + 1}",
                kind="indirect",
                span=content,
                cue=Span(token.idx, token.idx + len(token.text)),
                speaker=speaker,
                via=tuple(_relays(token, actors, knowledge) + tail),
            )
        )
    quotes.extend(_according_to(doc, actors, marked, len(quotes), tail, cues))
    quotes.extend(
        _colon_lines(
            doc,
            actors,
            len(quotes),
            tail,
            {w.lower() for w in knowledge.cues["colon_not_speakers"]},
        )
    )
    quotes = _drop_repeats(quotes)
    # Marks inside a reported clause that is itself a quote ("said that X must “act
    # now”"): the clause is the quote; the marked words are part of it.
    clauses = [q for q in quotes if q.kind == "indirect"]
    quotes = [
        q
        for q in quotes
        if not (
            q.kind == "partial" and any(c.cue == q.cue and c.span.contains(q.span) for c in clauses)
        )
    ]
    # A headline is not a quotation: its words are the desk's, and a quote it carries
    # ("Obama Says Museum Will Tell of 'Suffering'") is told again in the story.
    headline = _headline_end(doc.text)
    quotes = sorted((q for q in quotes if q.span.start >= headline), key=lambda q: q.span.start)
    quotes = _resolve_speakers(doc, quotes, actors, knowledge)
    return QuoteLayer(
        tuple(dataclasses.replace(q, id=f"Q{i}") for i, q in enumerate(quotes, start=1))
    )


# Two finders claiming nearly the same words (a transcript line "Stone: “…”" is both
# a colon line and a marked quote) give one quote: the share of the longer span the
# two have in common from which they count as the same.
SAME_QUOTE_SHARE = 0.8


def _drop_repeats(quotes: list[Quote]) -> list[Quote]:
    """One quote per stretch of text: where two cover nearly the same words, keep
    the one whose speaker is best known (an actor, then a name), the first found on a tie."""

    def known(q: Quote) -> int:
        return 0 if q.speaker is None else 1 + (q.speaker.actor is not None)

    kept: list[Quote] = []
    for quote in sorted(quotes, key=known, reverse=True):
        span = quote.span
        if not any(
            min(span.end, k.span.end) - max(span.start, k.span.start)
            >= SAME_QUOTE_SHARE * max(len(span), len(k.span))
            for k in kept
        ):
            kept.append(quote)
    return kept


def _paragraph_starts(text: str) -> list[int]:
    """Where each paragraph of `text` starts (a blank line ends one)."""
    return [0] + [m.end() for m in re.finditer(r"\n[ \t]*\n\s*", text)]


def _resolve_speakers(
    doc: Doc, quotes: list[Quote], actors: ActorLayer, knowledge: Knowledge
) -> list[Quote]:
    """Speakers named by a pronoun ("he told lawmakers", "she added") or only inside
    what they said are resolved: a pronoun to a person of its paragraph or the one
    before, the last person who spoke there first ("she added" after a press secretary
    is the press secretary, not the president she quoted), then the person named last
    outside quotation marks; where a person's gender is known ("Ms. Lynch", or a
    pronoun the actors stage linked to them), it must fit. A speaker named only inside
    the quote itself is no speaker ("“My reaction, that was outrageous,” he said")."""
    pronouns: dict[str, str] = knowledge.grammar.get("person_pronouns", {})
    text = doc.text
    starts = _paragraph_starts(text)
    mentions = {m.span: m for m in actors.by_token.values() if m.kind == "person"}
    person_actors = {m.actor for m in mentions.values()}
    people = sorted(
        (span.start, m)
        for span, m in mentions.items()
        if text[span.start : span.end].lower() not in pronouns
    )
    genders = _genders(text, actors, pronouns)
    marked = [q.span for q in quotes if q.kind != "indirect"]
    resolved: list[Quote] = []
    last: tuple[int, Speaker] | None = None  # the last person who spoke, and where
    for quote in quotes:
        speaker = quote.speaker
        if speaker is not None and quote.kind != "indirect" and quote.span.contains(speaker.span):
            speaker = None  # named only inside the marks
        if speaker is not None:
            word = text[speaker.span.start : speaker.span.end].lower()
            gender = pronouns.get(word)
            if gender is not None:
                window = starts[max(0, bisect.bisect_right(starts, speaker.span.start) - 2)]
                speaker = (
                    _antecedent(speaker, gender, window, last, people, genders, marked) or speaker
                )
        if speaker is not None and speaker.actor in person_actors:
            last = (quote.span.start, speaker)
        if speaker is not quote.speaker:
            quote = dataclasses.replace(quote, speaker=speaker)
        resolved.append(quote)
    return resolved


_TITLES = {
    "mr.": "male",
    "mr": "male",
    "ms.": "female",
    "mrs.": "female",
    "ms": "female",
    "mrs": "female",
    "miss": "female",
}


def _genders(text: str, actors: ActorLayer, pronouns: dict[str, str]) -> dict[str, str]:
    """The gender of each person actor where the text shows it: a title ("Mr. Ban",
    "Ms. Lynch") or a pronoun the actors stage linked to them; "" for the rest."""
    found: dict[str, set[str]] = {}
    for mention in actors.by_token.values():
        if mention.kind != "person":
            continue
        words = text[mention.span.start : mention.span.end].lower().split()
        seen = found.setdefault(mention.actor, set())
        # The title may open the mention or stand just before it ("Ms. Lynch").
        before = text[max(0, mention.span.start - 6) : mention.span.start].lower().split()
        for word in (words[:1] + before[-1:]) if words else before[-1:]:
            if word in _TITLES:
                seen.add(_TITLES[word])
        if len(words) == 1 and words[0] in pronouns:
            seen.add(pronouns[words[0]])
    return {actor: (g.pop() if len(g) == 1 else "") for actor, g in found.items()}


def _antecedent(
    speaker: Speaker,
    gender: str,
    window: int,
    last: tuple[int, Speaker] | None,
    people: list,
    genders: dict[str, str],
    marked: list[Span],
) -> Speaker | None:
    """The person a speaking pronoun stands for (see `_resolve_speakers`)."""

    def fits(actor: str | None) -> bool:
        return actor is not None and genders.get(actor, "") in {"", gender}

    if last is not None and last[0] >= window and fits(last[1].actor):
        return Speaker(last[1].name, speaker.span, last[1].actor, last[1].code)
    for start, mention in reversed(people):
        if start >= speaker.span.start or start < window:
            continue
        if any(q.start <= start < q.end for q in marked) or not fits(mention.actor):
            continue
        return Speaker(mention.name, speaker.span, mention.actor, mention.code)
    return None


_TITLE_SMALL_WORDS = {"a", "an", "the", "of", "and", "or", "with", "in", "on", "for", "to", "at"}


def _is_title(content: str) -> bool:
    """ "Morning Joe", "Contract with America": a capitalised name of a show, book or slogan."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", content)]
    if not words or len(words) > 6 or content.rstrip().endswith(("?", "!")):
        return False
    return (
        all(w[0].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
        and words[0][0].isupper()
    )


def _token_at(doc: Doc, char: int) -> Token | None:
    """The token covering character `char`, else the next token (None past the end)."""
    if not len(doc):
        return None
    starts = doc.user_data.get("dragoman.starts")
    if starts is None:
        starts = doc.user_data["dragoman.starts"] = [t.idx for t in doc]
    i = bisect.bisect_right(starts, char) - 1 if char >= doc[0].idx else 0
    token = doc[max(i, 0)]
    if char >= token.idx + len(token.text) and token.i + 1 < len(doc):
        token = doc[token.i + 1]  # the character is whitespace after `token`
    return token


def _colon_lines(
    doc: Doc, actors: ActorLayer, offset: int, tail: list[Source], not_speakers: set[str]
) -> list[Quote]:
    """ "SPEAKER: what they said" lines of transcripts, not of the headline ("Hong Kong
    chaos: China deploys troops" is not said by Hong Kong) nor of a dateline ("NEW
    DELHI: India rejected…" is not said by India)."""
    found: list[Quote] = []
    headline = _headline_end(doc.text)
    for match in _COLON_LINE.finditer(doc.text):
        who = match.group("who").strip()
        if not who or len(who.split()) > COLON_MAX_WORDS or who.lower() in not_speakers:
            continue
        if match.start() < headline:
            continue
        token = _token_at(doc, match.start("who"))
        if token is None:
            continue
        mention = actors.at(token)
        if _a_place(token, who, mention):
            continue  # a dateline: places do not speak in colon lines
        start, end = match.start("who"), match.start("who") + len(who)
        speaker = Speaker(
            name=mention.name if mention else who,
            span=Span(start, end),
            actor=mention.actor if mention else None,
            code=mention.code if mention else None,
        )
        content = match.group("what").rstrip()
        c_start = match.start("what")
        found.append(
            Quote(
                id=f"Q{offset + len(found) + 1}",
                kind="direct",
                span=Span(c_start, c_start + len(content)),
                cue=Span(end, end + 1),
                speaker=speaker,
                via=tuple(tail),
            )
        )
    return found


# Entity types of the words before a dateline's colon.
_PLACES = {"GPE", "LOC", "FAC"}
_CLOSES_SENTENCE = tuple('.!?"”’»…')


def _a_place(token: Token, who: str, mention: Mention | None) -> bool:
    """Whether the words before a colon name a place: the parser's or the actors' word
    for it, or a dateline in capitals the gazetteer knows ("LAGOS:")."""
    if token.ent_type_ in _PLACES or (mention is not None and mention.kind == "state"):
        return True
    if not who.isupper() or (mention is not None and mention.kind == "person"):
        return False
    from dragoman.places import gazetteer

    return gazetteer().resolve(who.title(), Span(0, len(who)), set()) is not None


def _headline_end(text: str) -> int:
    """Where the headline ends: the first line of a text of several paragraphs when it
    does not close a sentence (a headline has no full stop) and does not open with a
    quotation mark; 0 when there is none."""
    first, newline, rest = text.partition("\n")
    if not newline or not rest.strip() or first.rstrip().endswith(_CLOSES_SENTENCE):
        return 0
    if first.lstrip()[:1] in OPEN_CLOSE:
        return 0  # "“Prices keep rising…” ― Maria Lopez": a signed quotation, not a headline
    return len(first)


def _according_to(
    doc: Doc,
    actors: ActorLayer,
    marked: list[Span],
    offset: int,
    tail: list[Source],
    cues: set[str],
) -> list[Quote]:
    """ "According to X, …" on a clause whose verb is not itself a speech verb."""
    found: list[Quote] = []
    for token in doc:
        if (
            token.lower_ != "according"
            or token.i + 1 >= len(doc)
            or doc[token.i + 1].lower_ != "to"
        ):
            continue
        head = token.head
        if head.lemma_.lower() in cues or any(
            head.idx >= m.start and head.idx < m.end for m in marked
        ):
            continue
        objs = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
        if not objs:
            continue
        skip = set(t.i for t in token.subtree) | {token.i + 1}
        words = [t for t in sent_of(head) if t.i not in skip and not t.is_punct]
        if not words:
            continue
        content = Span(words[0].idx, words[-1].idx + len(words[-1].text))
        speaker = _speaker_from(objs[0], actors)
        found.append(
            Quote(
                id=f"Q{offset + len(found) + 1}",
                kind="indirect",
                span=content,
                cue=Span(token.idx, doc[token.i + 1].idx + 2),
                speaker=speaker,
                via=tuple(tail),
            )
        )
    return found
