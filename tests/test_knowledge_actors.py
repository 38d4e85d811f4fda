"""Checks on the hand-written actor knowledge files (data/actors/*.yaml and roles.tsv).

Covers organizations.yaml, armed_groups.yaml, media.yaml, people.yaml and roles.tsv:
their schema, that no name is claimed by two entries of one file, that dated roles are
consistent, and spot checks of codes a reader would expect.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

ACTORS_DIR = Path(__file__).parent.parent / "src/dragoman/data/actors"
ENTRY_FILES = ("organizations.yaml", "armed_groups.yaml", "media.yaml", "people.yaml")
ROLES_PATH = ACTORS_DIR / "roles.tsv"
COUNTRIES_PATH = ACTORS_DIR / "countries.yaml"

KINDS = frozenset({"igo", "ngo", "armed_group", "party", "media", "organization", "person"})
ROLE_KINDS = frozenset({"person", "group", "organization"})
# fmt: off
SECTORS = frozenset({
    "GOV", "MIL", "REB", "OPP", "PTY", "JUD", "COP", "SPY", "MED", "EDU", "BUS", "CVL", "NGO",
    "IGO", "LEG", "ELI", "CRM", "REF", "HLH", "LAB", "AGR", "ENV", "REL", "SEP", "INS", "UAF",
    "IMG",
})
# fmt: on
# Country slots for bodies that belong to no one state; such entries must carry a `code`.
INTERNATIONAL = frozenset({"IGO", "NGO", "MNC", "IMG"})

ENTRY_FIELDS = {"name", "aliases", "kind", "country", "sectors", "code", "domains", "roles"}
ROLE_FIELDS = {"country", "sectors", "title", "start", "end", "code"}
ROLE_REQUIRED = {"country", "sectors", "title", "start", "end"}

MIN_ENTRIES = {
    "organizations.yaml": 100,
    "armed_groups.yaml": 60,
    "media.yaml": 120,
    "people.yaml": 250,
}
MIN_ROLE_PHRASES = 250

# Strings that two entries of the SAME file may both claim, keyed (file, match key),
# each with the reason. Empty today: every clash found so far was resolved by dropping
# the ambiguous alias (see the YAML comments).
# Forms two people share on purpose: the resolver takes the one in office on the
# article's date (`actors._choose`).
ALLOWED_CLASHES: dict[tuple[str, str], str] = {
    ("people.yaml", key): "father and son in the same office, years apart"
    for key in (
        "bush",
        "george bush",
        "president bush",
        "assad",
        "al-assad",
        "president assad",
        "aliyev",
        "president aliyev",
        "kabila",
        "president kabila",
    )
} | {
    ("organizations.yaml", key): "Nigeria's and Kashmir's parties: the story's countries decide"
    for key in ("peoples democratic party", "people's democratic party")
}

# Strings shared by entries of DIFFERENT files. The resolver must use context for these;
# the list is checked so that a new cross-file clash is a deliberate decision.
CROSS_FILE_CLASHES: dict[str, str] = {
    "PTI": "Press Trust of India (media) vs Pakistan Tehreek-e-Insaf (party)",
    "RSF": "Reporters Without Borders (NGO) vs Sudan's Rapid Support Forces",
}

CODE_RE = re.compile(r"^(IGO|NGO|MNC|IMG)[A-Z0-9]{3}$")
COUNTRY_RE = re.compile(r"^[A-Z]{3}$")
DOMAIN_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")


def match_key(text: str) -> str:
    """How the matcher compares strings: case-sensitive for all-caps acronyms of up to
    5 letters, case-insensitive otherwise."""
    letters = re.sub(r"[^A-Za-z]", "", text)
    if text == text.upper() and 0 < len(letters) <= 5:
        return text
    return text.casefold()


def as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"not a date: {value!r}")


# the C loader when PyYAML was built with libyaml; same results, much faster
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(name: str) -> list[dict[str, Any]]:
    with (ACTORS_DIR / name).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=LOADER)
    assert isinstance(data, list), f"{name} must be a YAML list"
    return data


@pytest.fixture(scope="module")
def files() -> dict[str, list[dict[str, Any]]]:
    return {name: load(name) for name in ENTRY_FILES}


@pytest.fixture(scope="module")
def roles_rows() -> list[list[str]]:
    with ROLES_PATH.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


def strings_of(entry: dict[str, Any]) -> set[str]:
    return {entry["name"], *entry.get("aliases", [])}


def find(entries: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    key = match_key(text)
    return [e for e in entries if key in {match_key(s) for s in strings_of(e)}]


def roles_on(person: dict[str, Any], day: dt.date) -> list[dict[str, Any]]:
    """Roles held on `day`; a role covers [start, end)."""
    held = []
    for role in person["roles"]:
        start, end = as_date(role["start"]), as_date(role["end"])
        assert start is not None
        if start <= day and (end is None or day < end):
            held.append(role)
    return held


def role_table(rows: list[list[str]]) -> dict[str, list[str]]:
    header, *body = rows
    assert header == ["phrase", "sectors", "kind", "note"]
    return {match_key(row[0]): row for row in body}


# --------------------------------------------------------------------------- schema


def check_sectors(where: str, sectors: Any, problems: list[str]) -> None:
    if not isinstance(sectors, list) or not sectors:
        problems.append(f"{where}: sectors must be a non-empty list")
        return
    bad = [s for s in sectors if s not in SECTORS]
    if bad:
        problems.append(f"{where}: unknown sectors {bad}")
    if len(set(sectors)) != len(sectors):
        problems.append(f"{where}: repeated sector in {sectors}")


def check_country_and_code(where: str, holder: dict[str, Any], problems: list[str]) -> None:
    country = holder.get("country")
    if not isinstance(country, str) or not COUNTRY_RE.match(country):
        problems.append(f"{where}: country {country!r} is not 3 upper-case letters")
        return
    code = holder.get("code")
    if code is None:
        if country in INTERNATIONAL:
            problems.append(f"{where}: country {country} needs an explicit code")
        return
    if not isinstance(code, str) or not CODE_RE.match(code):
        problems.append(f"{where}: code {code!r} is not IGO/NGO/MNC/IMG + 3 characters")
    elif country not in INTERNATIONAL or not code.startswith(country):
        problems.append(f"{where}: code {code} does not fit country {country}")


def check_entry(name: str, i: int, entry: Any, problems: list[str]) -> None:
    if not isinstance(entry, dict):
        problems.append(f"{name} #{i}: not a mapping")
        return
    where = f"{name}: {entry.get('name', f'#{i}')}"
    extra = set(entry) - ENTRY_FIELDS
    if extra:
        problems.append(f"{where}: unknown fields {sorted(extra)}")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        problems.append(f"{where}: name must be a non-empty string")
    aliases = entry.get("aliases")
    if not isinstance(aliases, list):
        problems.append(f"{where}: aliases must be a list")
    else:
        for alias in aliases:
            if not isinstance(alias, str) or not alias.strip() or alias != alias.strip():
                problems.append(f"{where}: bad alias {alias!r}")
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: kind {kind!r} not in {sorted(KINDS)}")
    if kind == "person":
        if set(entry) & {"country", "sectors", "code"}:
            problems.append(f"{where}: a person's country/sectors belong in roles")
        check_roles(where, entry.get("roles"), problems)
    else:
        if "roles" in entry:
            problems.append(f"{where}: only persons have roles")
        check_country_and_code(where, entry, problems)
        check_sectors(where, entry.get("sectors"), problems)


def check_roles(where: str, roles: Any, problems: list[str]) -> None:
    if not isinstance(roles, list) or not roles:
        problems.append(f"{where}: a person needs a non-empty roles list")
        return
    spans: dict[tuple[str, str], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for j, role in enumerate(roles):
        rwhere = f"{where} role #{j}"
        if not isinstance(role, dict):
            problems.append(f"{rwhere}: not a mapping")
            continue
        if ROLE_REQUIRED - set(role) or set(role) - ROLE_FIELDS:
            problems.append(f"{rwhere}: fields {sorted(role)}")
            continue
        check_country_and_code(rwhere, role, problems)
        check_sectors(rwhere, role["sectors"], problems)
        if not isinstance(role["title"], str) or not role["title"].strip():
            problems.append(f"{rwhere}: title must be a non-empty string")
            continue
        try:
            start, end = as_date(role["start"]), as_date(role["end"])
        except (TypeError, ValueError) as exc:
            problems.append(f"{rwhere}: {exc}")
            continue
        if start is None:
            problems.append(f"{rwhere}: start is required")
            continue
        if end is not None and end < start:
            problems.append(f"{rwhere}: end {end} before start {start}")
        spans[(role["country"], role["title"])].append((start, end))
    for (country, title), intervals in spans.items():
        intervals.sort(key=lambda span: span[0])
        for (s1, e1), (s2, _) in pairwise(intervals):
            if e1 is None or s2 < e1:
                problems.append(f"{where}: overlapping '{title}' ({country}) from {s1} and {s2}")


def test_knowledge_actors_entries_follow_the_schema(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    problems: list[str] = []
    for name, entries in files.items():
        for i, entry in enumerate(entries):
            check_entry(name, i, entry, problems)
    assert not problems, "\n".join(problems)


def test_knowledge_actors_files_have_their_kinds(files: dict[str, list[dict[str, Any]]]) -> None:
    assert {e["kind"] for e in files["people.yaml"]} == {"person"}
    assert {e["kind"] for e in files["media.yaml"]} == {"media"}
    assert "person" not in {e["kind"] for e in files["organizations.yaml"]}
    assert "person" not in {e["kind"] for e in files["armed_groups.yaml"]}


def test_knowledge_actors_files_are_large_enough(
    files: dict[str, list[dict[str, Any]]], roles_rows: list[list[str]]
) -> None:
    for name, minimum in MIN_ENTRIES.items():
        assert len(files[name]) >= minimum, f"{name}: {len(files[name])} < {minimum}"
    assert len(roles_rows) - 1 >= MIN_ROLE_PHRASES


def test_knowledge_actors_names_are_unique_per_file(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    for name, entries in files.items():
        names = [e["name"] for e in entries]
        dupes = sorted({n for n in names if names.count(n) > 1})
        assert not dupes, f"{name}: duplicate names {dupes}"


def test_knowledge_actors_no_alias_clash_within_a_file(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    clashes = []
    for name, entries in files.items():
        owners: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            for text in strings_of(entry):
                owners[match_key(text)].add(entry["name"])
        for key, who in sorted(owners.items()):
            if len(who) > 1 and (name, key) not in ALLOWED_CLASHES:
                clashes.append(f"{name}: {key!r} claimed by {sorted(who)}")
    assert not clashes, "\n".join(clashes)


def test_knowledge_actors_cross_file_clashes_are_documented(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for name, entries in files.items():
        for entry in entries:
            for text in strings_of(entry):
                owners[match_key(text)].add(name)
    found = {key for key, where in owners.items() if len(where) > 1}
    assert found == set(CROSS_FILE_CLASHES), (
        f"undocumented: {sorted(found - set(CROSS_FILE_CLASHES))}, "
        f"stale: {sorted(set(CROSS_FILE_CLASHES) - found)}"
    )


def test_knowledge_actors_countries_are_known(files: dict[str, list[dict[str, Any]]]) -> None:
    if not COUNTRIES_PATH.exists():
        pytest.skip("countries.yaml not present")
    known = {e["code"] for e in load("countries.yaml")} | INTERNATIONAL
    unknown = set()
    for entries in files.values():
        for entry in entries:
            if "country" in entry:
                unknown.add(entry["country"])
            unknown.update(role["country"] for role in entry.get("roles", []))
    assert not unknown - known, f"country codes not in countries.yaml: {sorted(unknown - known)}"


def test_knowledge_actors_media_have_domains(files: dict[str, list[dict[str, Any]]]) -> None:
    problems = []
    seen: dict[str, str] = {}
    for entry in files["media.yaml"]:
        domains = entry.get("domains")
        if not isinstance(domains, list) or not domains:
            problems.append(f"{entry['name']}: needs a non-empty domains list")
            continue
        for domain in domains:
            if not isinstance(domain, str) or not DOMAIN_RE.match(domain):
                problems.append(f"{entry['name']}: bad domain {domain!r}")
            elif domain in seen:
                problems.append(f"{domain}: both {seen[domain]} and {entry['name']}")
            else:
                seen[domain] = entry["name"]
    for name in ("organizations.yaml", "armed_groups.yaml", "people.yaml"):
        assert not [e for e in files[name] if "domains" in e], f"{name}: domains are for media"
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- roles.tsv


def test_knowledge_actors_roles_tsv_parses(roles_rows: list[list[str]]) -> None:
    assert roles_rows[0] == ["phrase", "sectors", "kind", "note"]
    problems = []
    seen = set()
    for n, row in enumerate(roles_rows[1:], start=2):
        if len(row) != 4:
            problems.append(f"row {n}: {len(row)} columns: {row}")
            continue
        phrase, sectors, kind, _note = row
        if not phrase or phrase != phrase.strip():
            problems.append(f"row {n}: bad phrase {phrase!r}")
        key = match_key(phrase)
        if key in seen:
            problems.append(f"row {n}: duplicate phrase {phrase!r}")
        seen.add(key)
        codes = sectors.split(",")
        if not codes or any(c not in SECTORS for c in codes) or len(set(codes)) != len(codes):
            problems.append(f"row {n}: bad sectors {sectors!r}")
        if kind not in ROLE_KINDS:
            problems.append(f"row {n}: kind {kind!r} not in {sorted(ROLE_KINDS)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("phrase", "sector"),
    [
        ("spokesperson", "GOV"),
        ("spokesman", "GOV"),
        ("troops", "MIL"),
        ("rebels", "REB"),
        ("police", "COP"),
        ("lawmakers", "LEG"),
        ("judge", "JUD"),
        ("journalist", "MED"),
        ("refugees", "REF"),
        ("protesters", "CVL"),
        ("rebel spokesman", "REB"),
        ("defence minister", "GOV"),
    ],
)
def test_knowledge_actors_role_words_spot_checks(
    roles_rows: list[list[str]], phrase: str, sector: str
) -> None:
    table = role_table(roles_rows)
    assert match_key(phrase) in table, f"{phrase!r} missing from roles.tsv"
    assert table[match_key(phrase)][1].split(",")[0] == sector


# --------------------------------------------------------------------------- spot checks


@pytest.mark.parametrize(
    ("file", "text", "country", "sector"),
    [
        ("media.yaml", "Tasnim", "IRN", "MED"),
        ("media.yaml", "Tasnim news agency", "IRN", "MED"),
        ("media.yaml", "Tasnim News Agency", "IRN", "MED"),
        ("media.yaml", "CNN", "USA", "MED"),
        ("media.yaml", "The Times of Israel", "ISR", "MED"),
        ("media.yaml", "Times of Israel", "ISR", "MED"),
        ("media.yaml", "The Hill", "USA", "MED"),
        ("media.yaml", "the Associated Press", "USA", "MED"),
        ("media.yaml", "AP", "USA", "MED"),
        ("media.yaml", "Xinhua", "CHN", "MED"),
        ("media.yaml", "Al Jazeera", "QAT", "MED"),
        ("armed_groups.yaml", "Hezbollah", "LBN", "REB"),
        ("armed_groups.yaml", "Hizballah", "LBN", "REB"),
        ("armed_groups.yaml", "Houthis", "YEM", "REB"),
        ("armed_groups.yaml", "Wagner Group", "RUS", "UAF"),
        ("armed_groups.yaml", "PKK", "TUR", "REB"),
        ("organizations.yaml", "FBI", "USA", "COP"),
        ("organizations.yaml", "Mossad", "ISR", "SPY"),
        ("organizations.yaml", "Revolutionary Guards", "IRN", "MIL"),
        ("organizations.yaml", "GOP", "USA", "PTY"),
        ("organizations.yaml", "Congress party", "IND", "PTY"),
    ],
)
def test_knowledge_actors_entity_spot_checks(
    files: dict[str, list[dict[str, Any]]], file: str, text: str, country: str, sector: str
) -> None:
    found = find(files[file], text)
    assert len(found) == 1, f"{text!r} -> {[e['name'] for e in found]}"
    assert found[0]["country"] == country
    assert found[0]["sectors"][0] == sector


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("UN", "IGOUNO"),
        ("NATO", "IGONAT"),
        ("European Union", "IGOEUR"),
        ("Security Council", "IGOUSC"),
        ("Amnesty International", "NGOAMN"),
    ],
)
def test_knowledge_actors_international_codes(
    files: dict[str, list[dict[str, Any]]], text: str, code: str
) -> None:
    found = find(files["organizations.yaml"], text)
    assert [e["code"] for e in found] == [code]


def test_knowledge_actors_bare_congress_is_not_an_alias(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    for name in ("organizations.yaml", "armed_groups.yaml"):
        assert not find(files[name], "Congress"), "bare 'Congress' is a role word only"


@pytest.mark.parametrize(
    ("text", "day", "country", "sectors", "title"),
    [
        ("Mike Pompeo", "2018-05-22", "USA", ["GOV"], "Secretary of State"),
        ("Pompeo", "2017-06-01", "USA", ["SPY"], "CIA Director"),
        ("Putin", "2018-05-22", "RUS", ["GOV"], "President"),
        ("Putin", "2010-01-01", "RUS", ["GOV"], "Prime Minister"),
        ("Donald Trump", "2016-06-01", "USA", ["PTY"], "Republican nominee"),
        ("Trump", "2017-06-01", "USA", ["GOV"], "President"),
        ("Hillary Clinton", "2012-01-01", "USA", ["GOV"], "Secretary of State"),
        ("Hillary Clinton", "2016-06-01", "USA", ["PTY"], "Democratic nominee"),
        ("Zarif", "2016-01-01", "IRN", ["GOV"], "Minister of Foreign Affairs"),
        ("Bahram Ghasemi", "2018-05-22", "IRN", ["GOV"], "Foreign Ministry spokesman"),
        ("Bashar Assad", "2018-05-22", "SYR", ["GOV"], "President"),
        ("Bibi", "2018-05-22", "ISR", ["GOV"], "Prime Minister"),
        ("Erdogan", "2018-05-22", "TUR", ["GOV"], "President"),
        ("James Comey", "2016-07-05", "USA", ["COP"], "FBI Director"),
    ],
)
def test_knowledge_actors_dated_roles_spot_checks(
    files: dict[str, list[dict[str, Any]]],
    text: str,
    day: str,
    country: str,
    sectors: list[str],
    title: str,
) -> None:
    found = find(files["people.yaml"], text)
    assert len(found) == 1, f"{text!r} -> {[e['name'] for e in found]}"
    held = roles_on(found[0], dt.date.fromisoformat(day))
    matching = [r for r in held if r["title"] == title]
    assert len(matching) == 1, f"{text} on {day}: {[r['title'] for r in held]}"
    assert matching[0]["country"] == country
    assert matching[0]["sectors"] == sectors


def test_knowledge_actors_international_posts_carry_codes(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    guterres = find(files["people.yaml"], "Guterres")[0]
    held = roles_on(guterres, dt.date(2020, 1, 1))
    assert [(r["country"], r["code"]) for r in held] == [("IGO", "IGOUNO")]
    rutte = find(files["people.yaml"], "Mark Rutte")[0]
    assert [r.get("code") for r in roles_on(rutte, dt.date(2025, 1, 1))] == ["IGONAT"]


def test_knowledge_actors_common_surnames_are_not_aliases(
    files: dict[str, list[dict[str, Any]]],
) -> None:
    common = ["Johnson", "Kim", "Lee", "Khan", "Singh", "Brown", "Jones", "Sharif", "May"]
    for surname in common:
        assert not find(files["people.yaml"], surname), f"{surname!r} must not be an alias"
