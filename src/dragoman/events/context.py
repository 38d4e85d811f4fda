"""The article's context of an event: its date and its place, read from the
sentence's dates and place names, each sentence's computed once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from dragoman.actors import ActorLayer, Mention
from dragoman.dates import in_sentence as dates_in_sentence
from dragoman.events.coder import Coder
from dragoman.events.syntax import PLACE_PREPS
from dragoman.models import Place, Span
from dragoman.nlp import sentences
from dragoman.places import Gazetteer, division_place

_LocalIndex = dict[int, list[tuple[SpacySpan, set[int]]]]


class _Context:
    """Per-article helpers for dates and places."""

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
