"""Checks on the hand-written country knowledge file (data/actors/countries.yaml)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

COUNTRIES_PATH = Path(__file__).parent.parent / "src/dragoman/data/actors/countries.yaml"

LIST_FIELDS = (
    "names",
    "demonyms",
    "capitals",
    "seats",
    "military_seats",
    "legislature",
    "descriptive",
)
FIELDS = ("code", "un", *LIST_FIELDS)

# ISO 3166-1 alpha-3 codes of the 193 UN member states.
# fmt: off
UN_MEMBERS = frozenset({
    "AFG", "ALB", "DZA", "AND", "AGO", "ATG", "ARG", "ARM", "AUS", "AUT", "AZE", "BHS", "BHR",
    "BGD", "BRB", "BLR", "BEL", "BLZ", "BEN", "BTN", "BOL", "BIH", "BWA", "BRA", "BRN", "BGR",
    "BFA", "BDI", "CPV", "KHM", "CMR", "CAN", "CAF", "TCD", "CHL", "CHN", "COL", "COM", "COG",
    "CRI", "CIV", "HRV", "CUB", "CYP", "CZE", "PRK", "COD", "DNK", "DJI", "DMA", "DOM", "ECU",
    "EGY", "SLV", "GNQ", "ERI", "EST", "SWZ", "ETH", "FJI", "FIN", "FRA", "GAB", "GMB", "GEO",
    "DEU", "GHA", "GRC", "GRD", "GTM", "GIN", "GNB", "GUY", "HTI", "HND", "HUN", "ISL", "IND",
    "IDN", "IRN", "IRQ", "IRL", "ISR", "ITA", "JAM", "JPN", "JOR", "KAZ", "KEN", "KIR", "KWT",
    "KGZ", "LAO", "LVA", "LBN", "LSO", "LBR", "LBY", "LIE", "LTU", "LUX", "MDG", "MWI", "MYS",
    "MDV", "MLI", "MLT", "MHL", "MRT", "MUS", "MEX", "FSM", "MCO", "MNG", "MNE", "MAR", "MOZ",
    "MMR", "NAM", "NRU", "NPL", "NLD", "NZL", "NIC", "NER", "NGA", "MKD", "NOR", "OMN", "PAK",
    "PLW", "PAN", "PNG", "PRY", "PER", "PHL", "POL", "PRT", "QAT", "KOR", "MDA", "ROU", "RUS",
    "RWA", "KNA", "LCA", "VCT", "WSM", "SMR", "STP", "SAU", "SEN", "SRB", "SYC", "SLE", "SGP",
    "SVK", "SVN", "SLB", "SOM", "ZAF", "SSD", "ESP", "LKA", "SDN", "SUR", "SWE", "CHE", "SYR",
    "TJK", "THA", "TLS", "TGO", "TON", "TTO", "TUN", "TUR", "TKM", "TUV", "UGA", "UKR", "ARE",
    "GBR", "TZA", "USA", "URY", "UZB", "VUT", "VEN", "VNM", "YEM", "ZMB", "ZWE",
})
# fmt: on

# Non-members the file must also describe.
REQUIRED_OTHERS = frozenset({"PSE", "VAT", "XKX", "TWN", "ESH", "HKG", "PRI", "GRL"})

# UN members whose only English demonyms are shared with another state, so the
# file deliberately gives them none: "Congolese" (both Congos), "Dominican"
# (Dominica and the Dominican Republic).
NO_UNAMBIGUOUS_DEMONYM = frozenset({"COG", "COD", "DMA", "DOM"})

# Every string here is matched against the state it must resolve to.
SPOT_CHECKS = {
    "Tehran": "IRN",
    "the Kremlin": "RUS",
    "the White House": "USA",
    "Downing Street": "GBR",
    "the Jewish State": "ISR",
    "the Islamic Republic": "IRN",
    "Iranians": "IRN",
    "U.S.": "USA",
    "Kyiv": "UKR",
}


@pytest.fixture(scope="module")
def countries() -> list[dict[str, Any]]:
    with COUNTRIES_PATH.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list), "countries.yaml must be a YAML list"
    return data


@pytest.fixture(scope="module")
def string_index(countries: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Case-folded string -> set of codes, over every list field."""
    index: dict[str, set[str]] = defaultdict(set)
    for entry in countries:
        for field in LIST_FIELDS:
            for value in entry[field]:
                index[value.casefold()].add(entry["code"])
    return index


def test_knowledge_countries_entries_have_typed_fields(countries: list[dict[str, Any]]) -> None:
    problems = []
    for i, entry in enumerate(countries):
        where = entry.get("code", f"entry #{i}") if isinstance(entry, dict) else f"entry #{i}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if set(entry) - {"formed"} != set(FIELDS):
            problems.append(f"{where}: fields {sorted(entry)} != {sorted(FIELDS)}")
            continue
        if not isinstance(entry["un"], bool):
            problems.append(f"{where}: un must be a boolean")
        for field in LIST_FIELDS:
            values = entry[field]
            if not isinstance(values, list):
                problems.append(f"{where}: {field} must be a list")
                continue
            for value in values:
                if not isinstance(value, str) or not value.strip() or value != value.strip():
                    problems.append(f"{where}: {field} has a bad value {value!r}")
            if len(values) != len(set(values)):
                problems.append(f"{where}: {field} has duplicate values")
    assert not problems, "\n".join(problems)


def test_knowledge_countries_codes_are_unique_alpha3(countries: list[dict[str, Any]]) -> None:
    codes = [entry["code"] for entry in countries]
    bad = [
        c
        for c in codes
        if not (isinstance(c, str) and len(c) == 3 and c.isascii() and c.isalpha() and c.isupper())
    ]
    assert not bad, f"codes not 3-letter upper-case: {bad}"
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    assert not dupes, f"duplicate codes: {dupes}"


def test_knowledge_countries_un_members_are_exactly_the_193(
    countries: list[dict[str, Any]],
) -> None:
    assert len(UN_MEMBERS) == 193
    un_codes = [entry["code"] for entry in countries if entry["un"] is True]
    assert len(un_codes) == 193
    assert set(un_codes) == UN_MEMBERS, (
        f"missing: {sorted(UN_MEMBERS - set(un_codes))}, "
        f"not members: {sorted(set(un_codes) - UN_MEMBERS)}"
    )


def test_knowledge_countries_include_observers_and_others(
    countries: list[dict[str, Any]],
) -> None:
    by_code = {entry["code"]: entry for entry in countries}
    missing = REQUIRED_OTHERS - set(by_code)
    assert not missing, f"missing non-member entries: {sorted(missing)}"
    assert all(by_code[c]["un"] is False for c in REQUIRED_OTHERS)
    assert all(by_code[c]["names"] for c in REQUIRED_OTHERS)


def test_knowledge_countries_un_members_have_name_demonym_capital(
    countries: list[dict[str, Any]],
) -> None:
    problems = []
    for entry in countries:
        if not entry["un"]:
            continue
        code = entry["code"]
        if not entry["names"]:
            problems.append(f"{code}: no name")
        if not entry["capitals"]:
            problems.append(f"{code}: no capital")
        if code in NO_UNAMBIGUOUS_DEMONYM:
            if entry["demonyms"]:
                problems.append(
                    f"{code}: expected no (ambiguous) demonyms, got {entry['demonyms']}"
                )
        elif not entry["demonyms"]:
            problems.append(f"{code}: no demonym")
    assert not problems, "\n".join(problems)


def test_knowledge_countries_no_string_maps_to_two_countries(
    string_index: dict[str, set[str]],
) -> None:
    clashes = {s: sorted(codes) for s, codes in string_index.items() if len(codes) > 1}
    assert not clashes, "strings mapping to several countries:\n" + "\n".join(
        f"  {s!r}: {codes}" for s, codes in sorted(clashes.items())
    )


def test_knowledge_countries_ambiguous_forms_are_absent(
    string_index: dict[str, set[str]],
) -> None:
    for form in ("Korea", "Korean", "Koreans", "Congo", "Congolese", "Dominican", "Dominicans"):
        assert form.casefold() not in string_index, f"{form!r} is ambiguous and must be absent"


@pytest.mark.parametrize(("text", "code"), sorted(SPOT_CHECKS.items()))
def test_knowledge_countries_spot_checks(
    string_index: dict[str, set[str]], text: str, code: str
) -> None:
    assert string_index.get(text.casefold()) == {code}


def test_knowledge_countries_field_placement(countries: list[dict[str, Any]]) -> None:
    by_code = {entry["code"]: entry for entry in countries}
    assert "the Pentagon" in by_code["USA"]["military_seats"]
    assert "Capitol Hill" in by_code["USA"]["legislature"]
    assert "Capitol Hill" not in by_code["USA"]["seats"]
    assert "the Knesset" in by_code["ISR"]["legislature"]
    assert by_code["USA"]["names"][0] == "United States"
    assert by_code["GBR"]["names"][0] == "United Kingdom"
