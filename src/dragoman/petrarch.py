"""Importers that convert a user's PETRARCH/TABARI dictionaries into dragoman's formats.

Groups migrating from Phoenix/PETRARCH keep their dictionaries by converting them
once and loading the result through the settings `actor_files` and `verb_files`:

    import_actors(path)  TABARI/PETRARCH `.actors` file  → actor entries (docs/knowledge.md)
    import_agents(path)  PETRARCH `.agents` file         → rows of a roles TSV (roles.tsv)
    import_verbs(path)   PETRARCH verb dictionary        → verb patterns (verbs.yaml)

Each returns the converted items and an `ImportReport`: how many items were read,
how many converted, and what was skipped (or left out of a converted item) and why,
with examples. Input that cannot be skipped — a synonym or date restriction before
any entry, a verb pattern before any verb block, a broken substitution marker, a file
with nothing of the expected kind — raises `KnowledgeError` with the file and line.

The choices (what maps, what does not, how kinds and names are decided) are
documented in docs/petrarch.md. Nothing here ships converted data: the output is the
user's own file.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dragoman.errors import KnowledgeError

# ---------------------------------------------------------------- CAMEO code shapes
# The CAMEO actor-code vocabulary the importers need to split a code into its country
# slot and its sector chunks. A code is 3-character chunks: a country slot (ISO-like
# country, region, or one of INTERNATIONAL) and then sectors; a code may also start
# with a sector (a default like [ELI] that adds to a country found elsewhere).
INTERNATIONAL = {
    "IGO": "igo",
    "NGO": "ngo",
    "IMG": "armed_group",
    "MNC": "organization",
    "ISM": "organization",
}
SECTOR_SLOTS = frozenset(
    {
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "PTY",
        "COP",
        "JUD",
        "LEG",
        "SPY",
        "PRM",
        "UAF",
        "UNK",
        "AGR",
        "BUS",
        "CRM",
        "CVL",
        "EDU",
        "ELI",
        "JRN",
        "LAB",
        "MED",
        "REF",
        "PRE",
        "REL",
        "SOC",
        "HLH",
        "ENV",
        "HRI",
        "DEV",
        "INS",
        "SEP",
        "MOD",
        "RAD",
        "AMN",
        "IRC",
        "OCC",
        "UNR",
        "AUT",
        "CHR",
        "MUS",
        "BUD",
        "HIN",
        "JEW",
        "SUN",
        "SHI",
        "CTH",
        "PRO",
        "KID",
        "PPL",
    }
)
ARMED_SECTORS = frozenset({"REB", "INS", "SEP", "UAF", "PRM", "IMG"})
# CAMEO country codes that differ from ISO 3166-1 alpha-3 (dragoman's countries).
CAMEO_TO_ISO = {"KSV": "XKX", "TMP": "TLS", "ROM": "ROU"}

# Words that make a name an organisation or a place, never a person.
ORG_WORDS = frozenset(
    {
        "REPUBLIC",
        "KINGDOM",
        "STATE",
        "STATES",
        "EMIRATE",
        "PARTY",
        "FRONT",
        "ARMY",
        "FORCE",
        "FORCES",
        "BRIGADE",
        "BRIGADES",
        "MOVEMENT",
        "ORGANIZATION",
        "ORGANISATION",
        "COUNCIL",
        "COMMITTEE",
        "COMMISSION",
        "MINISTRY",
        "DEPARTMENT",
        "AGENCY",
        "UNION",
        "ASSOCIATION",
        "FEDERATION",
        "LEAGUE",
        "ALLIANCE",
        "GROUP",
        "CORPS",
        "COURT",
        "BANK",
        "FUND",
        "INSTITUTE",
        "UNIVERSITY",
        "COMPANY",
        "CORPORATION",
        "AUTHORITY",
        "GOVERNMENT",
        "PARLIAMENT",
        "ASSEMBLY",
        "PROVINCE",
        "REGION",
        "TERRITORY",
        "ISLANDS",
        "CITY",
        "FAMILY",
        "NATIONS",
        "OFFICE",
        "SERVICE",
        "POLICE",
        "MILITIA",
        "CONGRESS",
        "SOCIETY",
        "NETWORK",
        "CENTER",
        "CENTRE",
        "FOUNDATION",
        "PROGRAM",
        "PROGRAMME",
        "MISSION",
        "TRIBUNAL",
    }
)
_TWO_LETTER_BODIES = frozenset({"UN", "EU", "AU", "US", "UK"})
# Small words that stay lower case inside a display name.
_SMALL = frozenset(
    {
        "of",
        "the",
        "and",
        "for",
        "in",
        "on",
        "at",
        "to",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "des",
        "la",
        "le",
        "van",
        "von",
        "der",
        "den",
        "y",
    }
)
_COMMON_ONSETS = frozenset(
    {
        "BL",
        "BR",
        "CH",
        "CL",
        "CR",
        "DR",
        "FL",
        "FR",
        "GL",
        "GR",
        "KH",
        "KR",
        "PH",
        "PL",
        "PR",
        "SC",
        "SH",
        "SK",
        "SL",
        "SM",
        "SN",
        "SP",
        "ST",
        "SW",
        "TH",
        "TR",
        "TW",
        "WH",
        "WR",
        "ZH",
        "GH",
        "KN",
    }
)
_COMMON_CODAS = frozenset(
    {
        "CK",
        "CT",
        "FT",
        "LD",
        "LF",
        "LK",
        "LL",
        "LM",
        "LP",
        "LT",
        "MB",
        "MP",
        "ND",
        "NG",
        "NK",
        "NS",
        "NT",
        "PT",
        "RB",
        "RC",
        "RD",
        "RG",
        "RK",
        "RL",
        "RM",
        "RN",
        "RP",
        "RS",
        "RT",
        "SH",
        "SK",
        "SP",
        "SS",
        "ST",
        "TH",
        "CH",
        "GH",
        "NC",
        "RF",
        "LS",
        "TS",
        "DS",
        "MS",
        "XT",
    }
)
_STOP_WORDS = frozenset(
    {
        "A",
        "AN",
        "ALL",
        "AND",
        "ANY",
        "ARE",
        "AS",
        "AT",
        "BE",
        "BUT",
        "BY",
        "CAN",
        "DO",
        "FOR",
        "FROM",
        "HAD",
        "HAS",
        "HE",
        "HER",
        "HIS",
        "HOW",
        "IF",
        "IN",
        "IS",
        "IT",
        "ITS",
        "MAY",
        "ME",
        "MY",
        "NO",
        "NOT",
        "NOW",
        "OF",
        "ON",
        "ONE",
        "OR",
        "OUR",
        "OUT",
        "SHE",
        "SO",
        "THE",
        "THEY",
        "TO",
        "UP",
        "US",
        "WAS",
        "WE",
        "WHO",
        "WHY",
        "WILL",
        "YOU",
        "ALSO",
        "AID",
        "CARE",
        "HOPE",
        "WAR",
        "PEACE",
        "WORLD",
    }
)

# ---------------------------------------------------------------- verb-pattern vocabulary
# A bare word right after the verb that is one of these is the verb's particle
# ("SET OFF", "PUT FORWARD"); followed by `+` it is a preposition ("MOVE TOWARD +").
PARTICLES = frozenset(
    {
        "up",
        "down",
        "out",
        "off",
        "away",
        "back",
        "over",
        "forward",
        "aside",
        "along",
        "apart",
        "together",
        "ahead",
        "around",
        "through",
        "in",
        "on",
        "about",
        "across",
        "behind",
    }
)
PREPOSITIONS = frozenset(
    {
        "to",
        "toward",
        "towards",
        "with",
        "against",
        "on",
        "upon",
        "for",
        "from",
        "into",
        "onto",
        "in",
        "at",
        "of",
        "over",
        "about",
        "by",
        "across",
        "through",
        "under",
        "behind",
        "before",
        "after",
        "between",
        "among",
        "within",
        "without",
        "near",
        "around",
        "along",
        "beyond",
        "inside",
        "outside",
        "off",
        "out",
        "up",
        "down",
    }
)


# ---------------------------------------------------------------- the report


@dataclass
class ImportReport:
    """What an importer did: items read, converted, skipped (by reason) and details.

    `skipped` counts whole items left out; `dropped` counts parts left out of items
    that were converted (a role with an unreadable date, a synset phrase, …); `info`
    counts what was written. `examples` keeps the first few `file:line: text` per reason.
    """

    kind: str
    path: str
    read: int = 0
    converted: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    info: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    max_examples = 3

    @property
    def coverage(self) -> float:
        """Share of the items read that were converted (0..1)."""
        return self.converted / self.read if self.read else 0.0

    def skip(self, reason: str, line: int | None, text: str) -> None:
        """Count one skipped item."""
        self.skipped[reason] += 1
        self._example(reason, line, text)

    def drop(self, reason: str, line: int | None, text: str) -> None:
        """Count one part left out of a converted item."""
        self.dropped[reason] += 1
        self._example(reason, line, text)

    def _example(self, reason: str, line: int | None, text: str) -> None:
        found = self.examples.setdefault(reason, [])
        if len(found) < self.max_examples:
            where = f"{Path(self.path).name}:{line}" if line else Path(self.path).name
            found.append(f"{where}: {text.strip()}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary."""
        return {
            "kind": self.kind,
            "path": self.path,
            "read": self.read,
            "converted": self.converted,
            "coverage": round(self.coverage, 4),
            "skipped": dict(self.skipped.most_common()),
            "dropped": dict(self.dropped.most_common()),
            "info": dict(sorted(self.info.items())),
            "examples": self.examples,
        }

    def format_text(self) -> str:
        """The report as plain text, for the CLI."""
        lines = [
            f"{self.kind}: {self.path}",
            f"  read {self.read}, converted {self.converted} "
            f"({100 * self.coverage:.1f}%), skipped {sum(self.skipped.values())}",
        ]
        for title, counter in (
            ("skipped", self.skipped),
            ("left out of converted items", self.dropped),
        ):
            if counter:
                lines.append(f"  {title}:")
                for reason, count in counter.most_common():
                    lines.append(f"    {count:6d}  {reason}")
                    lines.extend(f"            e.g. {ex}" for ex in self.examples.get(reason, ()))
        if self.info:
            lines.append("  written:")
            lines.extend(f"    {count:6d}  {name}" for name, count in sorted(self.info.items()))
        return "\n".join(lines)


# ---------------------------------------------------------------- reading lines


def _read_lines(path: str | Path) -> list[str]:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise KnowledgeError(str(p), f"cannot read: {exc}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise KnowledgeError(str(p), f"not UTF-8 text ({exc.reason})", line) from exc
    if "\x00" in text:
        raise KnowledgeError(
            str(p),
            "binary data, not a PETRARCH dictionary",
            text[: text.index("\x00")].count("\n") + 1,
        )
    return text.splitlines()


def _content_lines(lines: list[str], semicolon: bool = True) -> Iterator[tuple[int, str, str]]:
    """(line number, raw line, line without comments) for every line with content.

    Comments: lines starting with `#`, anything after `#`, `<!-- … -->` (also over
    several lines) and, for TABARI files, anything after `;`.
    """
    in_xml = False
    for number, raw in enumerate(lines, start=1):
        line = raw
        if in_xml:
            if "-->" not in line:
                continue
            line = line[line.index("-->") + 3 :]
            in_xml = False
        while "<!--" in line:
            head, _, tail = line.partition("<!--")
            if "-->" in tail:
                line = head + tail[tail.index("-->") + 3 :]
            else:
                line, in_xml = head, True
        if line.lstrip().startswith("#"):
            continue
        line = line.split("#", 1)[0]
        if semicolon:
            line = line.split(";", 1)[0]
        if line.strip():
            yield number, raw, line.rstrip()


# ---------------------------------------------------------------- names


def _words(phrase: str) -> list[str]:
    """The words of a PETRARCH phrase: `_` and blanks separate words; `_` at the end is
    TABARI's end-of-word mark."""
    return [w for w in re.split(r"[_\s]+", phrase.strip()) if w]


def _acronym_like(word: str) -> bool:
    """True for a one-word form that reads as an acronym (UNDP, IPCC, WHO), not a word."""
    letters = word.replace(".", "")
    if "." in word or not letters.isalpha():
        return "." in word or any(c.isdigit() for c in word)
    if len(letters) > 5:
        return False
    if len(letters) <= 3 or letters.upper() in _STOP_WORDS:
        return True
    up = letters.upper()
    vowels = [c in "AEIOUY" for c in up]
    if not any(c in "AEIOU" for c in up):
        return True
    run_c = run_v = best_c = best_v = 0
    for char, is_vowel in zip(up, vowels, strict=True):
        run_c = 0 if is_vowel else run_c + 1
        run_v = run_v + 1 if char in "AEIOU" else 0  # Y breaks consonant runs only
        best_c, best_v = max(best_c, run_c), max(best_v, run_v)
    if best_c >= 3 or best_v >= 3:
        return True
    if not vowels[0] and not vowels[1] and up[:2] not in _COMMON_ONSETS:
        return True
    return not vowels[-1] and not vowels[-2] and up[-2:] not in _COMMON_CODAS


@functools.lru_cache(maxsize=65536)
def _cap(word: str) -> str:
    """ "MAZAR-I-SHARIF" → "Mazar-I-Sharif", "O'BRIEN" → "O'Brien", "CHILDREN'S" →
    "Children's", "(BOLIVIA)" → "(Bolivia)"."""
    parts = []
    for piece in re.split(r"([-/])", word):
        if piece in ("-", "/"):
            parts.append(piece)
            continue
        low = piece.lower()
        if "'" in low:
            head, _, tail = low.partition("'")
            low = (
                _first_up(head) + "'" + _first_up(tail)
                if len(head.strip("(")) == 1
                else _first_up(head) + "'" + tail
            )
        else:
            low = _first_up(low)
        parts.append(low)
    return "".join(parts)


def _first_up(text: str) -> str:
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


def _display(words: list[str], keep_acronyms: bool) -> str:
    """A display name from PETRARCH's upper-case words.

    Names keep mixed case they already have. Upper-case words are capitalised ("Hamid
    Karzai"); with `keep_acronyms` (organisations) a one-word name that reads as an
    acronym keeps its capitals, so it matches exactly ("IPCC", "WHO"), as do 2-letter
    words inside longer names ("UN Security Council").
    """
    if len(words) == 1 and keep_acronyms and words[0].isupper() and _acronym_like(words[0]):
        return words[0]
    out = []
    for i, word in enumerate(words):
        if not word.isupper():
            out.append(word)
        elif i and word.lower() in _SMALL:
            out.append(word.lower())
        elif keep_acronyms and word in _TWO_LETTER_BODIES:
            out.append(word)
        else:
            out.append(_cap(word))
    return " ".join(out)


def _forms(raw: str) -> tuple[list[str], list[list[str]], bool]:
    """The word lists of a raw name: the name itself, acronyms found in parentheses
    ("ETA" in `BASQUE_FATHERLAND_AND_FREEDOM_(ETA)_`), and whether the phrase had
    blanks (PETRARCH's "other words may come between")."""
    gapped = " " in raw.strip().strip("_")
    acronyms: list[list[str]] = []

    def acronym(match: re.Match[str]) -> str:
        inner_words = _words(match.group(1))
        if (
            len(inner_words) == 1
            and len(inner_words[0].replace(".", "")) >= 3
            and inner_words[0].isupper()
            and _acronym_like(inner_words[0])
        ):
            acronyms.append(inner_words)
            return " "
        return match.group(0)  # "(BOLIVIA)" tells two groups apart: it stays in the name

    text = _PAREN.sub(acronym, raw) if "(" in raw else raw
    return _words(text), acronyms, gapped


_PAREN = re.compile(r"\(([^()]*)\)")


# ---------------------------------------------------------------- codes and dates


@functools.lru_cache(maxsize=65536)
def _parse_date(text: str) -> dt.date | None:
    """A PETRARCH date: YYYYMMDD, or YYMMDD with YY 00-30 = 20YY, else 19YY."""
    if not text.isdigit() or len(text) not in (6, 8):
        return None
    if len(text) == 8:
        year, rest = int(text[:4]), text[4:]
    else:
        yy = int(text[:2])
        year, rest = (2000 + yy if yy <= 30 else 1900 + yy), text[2:]
    try:
        return dt.date(year, int(rest[:2]), int(rest[2:4]))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Code:
    """One bracketed code of an actor entry, with its date restriction."""

    code: str
    start: dt.date | None
    end: dt.date | None
    dated: bool
    line: int
    text: str


def _bracket_codes(body: str, number: int, report: ImportReport, codes: list[_Code]) -> None:
    """Parse every `[CODE restriction]` of a line into `codes`; bad ones are dropped."""
    if body.count("[") != body.count("]"):
        report.drop("unbalanced [ ] (code left out)", number, body)
        return
    for content in re.findall(r"\[([^\[\]]*)\]", body):
        parts = content.split(None, 1)
        if not parts:
            report.drop("empty [ ]", number, body)
            continue
        code, rest = parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")
        start = end = None
        if rest:
            before_after = re.fullmatch(r"([<>])\s*(\d+)", rest)
            interval = re.fullmatch(r"(\d+)\s*-\s*(\d+)", rest)
            if before_after:
                day = _parse_date(before_after.group(2))
                if day is None:
                    report.drop("unreadable date (role left out)", number, body)
                    continue
                start, end = (None, day) if before_after.group(1) == "<" else (day, None)
            elif interval:
                start, end = _parse_date(interval.group(1)), _parse_date(interval.group(2))
                if start is None or end is None:
                    report.drop("unreadable date (role left out)", number, body)
                    continue
                if end < start:
                    report.drop("end date before start date (role left out)", number, body)
                    continue
            else:
                report.drop("unreadable date restriction (role left out)", number, body)
                continue
        codes.append(_Code(code, start, end, bool(rest), number, body))


@functools.lru_cache(maxsize=65536)
def _split_code(code: str) -> tuple[str | None, tuple[str, ...], str | None, str | None] | None:
    """(country, sectors, explicit code, kind-by-slot) of a CAMEO actor code, or None.

    IGO/NGO/IMG/MNC/ISM codes keep the whole code as an explicit `code` (their
    country is that slot, sectors the slot plus the known sector chunks); codes that
    start with a sector have no country; otherwise the first chunk is the country
    (CAMEO codes that differ from ISO are mapped) and the other chunks its sectors.
    """
    if not (code.isascii() and code.isalnum()) or code != code.upper() or len(code) % 3:
        return None
    chunks = tuple(code[i : i + 3] for i in range(0, len(code), 3))
    first, rest = chunks[0], chunks[1:]
    if first in INTERNATIONAL:
        sectors = ((first,) if first in ("IGO", "NGO") else ()) + tuple(
            c for c in rest if c in SECTOR_SLOTS
        )
        return first, tuple(dict.fromkeys(sectors)), code, INTERNATIONAL[first]
    if first in SECTOR_SLOTS:
        return None, chunks, None, None
    return CAMEO_TO_ISO.get(first, first), rest, None, None


def _kind_by_shape(country: str | None, sectors: tuple[str, ...], slot_kind: str | None) -> str:
    if slot_kind:
        return slot_kind
    if country and not sectors:
        return "state"
    if ARMED_SECTORS.intersection(sectors):
        return "armed_group"
    if "PTY" in sectors:
        return "party"
    if sectors and sectors[0] == "MED":
        return "media"
    return "organization"


# ---------------------------------------------------------------- actors


@dataclass
class _RawEntry:
    name: str
    line: int
    text: str
    aliases: list[tuple[str, int]] = field(default_factory=list)
    codes: list[_Code] = field(default_factory=list)
    joined: int = 0  # primary phrases without codes that share this entry's codes


def _raw_entries(path: str | Path, report: ImportReport) -> list[_RawEntry]:
    entries: list[_RawEntry] = []
    current: _RawEntry | None = None
    for number, raw, line in _content_lines(_read_lines(path)):
        if "---STOP---" in line:
            break
        if raw[:1] in (" ", "\t"):  # date restriction (or a stray indented line)
            if current is None:
                raise KnowledgeError(str(path), "date restriction before any actor entry", number)
            if "[" not in line:
                report.drop("indented line without [code]", number, line)
                continue
            _bracket_codes(line, number, report, current.codes)
        elif line.startswith("+"):
            if current is None:
                raise KnowledgeError(str(path), "synonym (+) before any actor entry", number)
            name, _, codes = line[1:].partition("[")
            # `A_+_B`: two synonyms run together; keep both.
            for piece in name.split("+"):
                if piece.strip(" _"):
                    current.aliases.append((piece.strip(), number))
            if codes:
                _bracket_codes("[" + codes, number, report, current.codes)
        else:
            name, _, codes = line.partition("[")
            if current is not None and not current.codes:
                # PETRARCH gives a primary phrase without codes the codes of the next
                # entry (they share one code list): it becomes a name of that entry.
                current.aliases.append((name.strip(), number))
                current.joined += 1
            else:
                current = _RawEntry(name=name.strip(), line=number, text=line)
                entries.append(current)
            if codes:
                _bracket_codes("[" + codes, number, report, current.codes)
    return entries


def _looks_personal(words: list[str]) -> bool:
    """A name with an initial and no organisation or function word: "B. LYNN PASCOE"
    (a dotted initial, up to 5 words), "K ANNAN" (an undotted one, up to 3 words)."""
    upper = [w.upper().strip(".,") for w in words]
    if ORG_WORDS.intersection(upper) or _STOP_WORDS.intersection(upper) or not 2 <= len(words) <= 5:
        return False
    dotted = any(len(w) == 2 and w[0].isalpha() and w[1] == "." for w in words)
    bare = len(words) <= 3 and any(len(w) == 1 and w.isalpha() for w in words)
    return dotted or bare


def _current(codes: list[_Code]) -> _Code:
    """The code in force now: the default, else the open-ended one, else the latest."""
    undated = [c for c in codes if not c.dated]
    if undated:
        return undated[-1]
    open_ended = [c for c in codes if c.end is None]
    if open_ended:
        return open_ended[-1]
    return max(codes, key=lambda c: c.end or dt.date.min)


def _role(code: _Code) -> dict[str, Any] | None:
    split = _split_code(code.code)
    if split is None:
        return None
    country, sectors, explicit, _slot = split
    role: dict[str, Any] = {"country": country, "sectors": list(sectors)}
    if explicit:
        role["code"] = explicit
    role["start"], role["end"] = code.start, code.end
    return role


def import_actors(path: str | Path) -> tuple[list[dict[str, Any]], ImportReport]:
    """Convert a TABARI/PETRARCH actor dictionary into dragoman actor entries.

    One entry per primary phrase; `+` synonyms become `aliases`. The kind is `person`
    when the entry has dated codes (each becomes a role with `start`/`end`; an
    undated code is the fallback role, last) or when the name has an initial;
    otherwise it follows the code's shape (see docs/petrarch.md).

    Raises:
        KnowledgeError: unreadable file, a synonym or restriction before any entry,
            or no entries at all.
    """
    report = ImportReport("actors", str(path))
    raw_entries = _raw_entries(path, report)
    if not raw_entries:
        raise KnowledgeError(str(path), "no actor entries found (is this a PETRARCH .actors file?)")
    out: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for raw in raw_entries:
        report.read += 1 + raw.joined
        entry = _convert_actor(raw, report)
        if entry is None:
            for _ in range(raw.joined):
                report.skip("no code (shares the next entry's, which has none)", raw.line, raw.text)
            continue
        if raw.joined:
            report.converted += raw.joined
            report.info["entries without codes joined to the next (PETRARCH shares codes)"] += (
                raw.joined
            )
        key = entry["name"].lower()
        first = by_key.get(key)
        if first is not None:
            same = all(
                first.get(k) == entry.get(k)
                for k in ("kind", "country", "sectors", "code", "roles")
            )
            if not same:
                report.skip(
                    "same name as an earlier entry, other code (first kept)", raw.line, raw.text
                )
                report.converted -= raw.joined
                continue
            for alias in entry.get("aliases", ()):
                aliases = first.setdefault("aliases", [])
                if alias not in aliases and alias != first["name"]:
                    aliases.append(alias)
            report.info["entries merged into an identical earlier entry"] += 1
            report.converted += 1
            continue
        by_key[key] = entry
        out.append(entry)
        report.converted += 1
        report.info[f"entries: {entry['kind']}"] += 1
        report.info["aliases"] += len(entry.get("aliases", ()))
        report.info["dated roles"] += sum(
            1 for r in entry.get("roles", ()) if r["start"] or r["end"]
        )
    return out, report


def _convert_actor(raw: _RawEntry, report: ImportReport) -> dict[str, Any] | None:
    words, acronyms, gapped = _forms(raw.name)
    if not words:
        report.skip("no name", raw.line, raw.text)
        return None
    codes = [c for c in raw.codes if c.code != "---"]
    if not codes:
        reason = "null code [---] only" if raw.codes else "no code"
        report.skip(reason, raw.line, raw.text)
        return None
    good = []
    for code in codes:
        if _split_code(code.code) is None:
            report.drop("malformed code (role left out)", code.line, code.text)
        else:
            good.append(code)
    if not good:
        report.skip("malformed code", raw.line, raw.text)
        return None
    dated = [c for c in good if c.dated]
    splits = [_split_code(c.code) for c in good]
    # A territory whose sovereign changed ([USRARM <911221] [ARM >911221]) is a place.
    bare_country = any(s is not None and s[0] and not s[1] and s[2] is None for s in splits)
    org_name = bool(ORG_WORDS.intersection(w.upper() for w in words))
    person = not bare_country and (
        (bool(dated) and not org_name) or (not dated and _looks_personal(words))
    )
    entry: dict[str, Any] = {}
    if person:
        entry["name"] = _display(words, keep_acronyms=False)
        aliases = _aliases(raw, entry["name"], acronyms, keep_acronyms=False)
        if aliases:
            entry["aliases"] = aliases
        entry["kind"] = "person"
        defaults = [c for c in good if not c.dated]
        if len(defaults) > 1:
            for extra in defaults[:-1]:
                report.drop("second undated code (PETRARCH keeps the last)", extra.line, extra.text)
        ordered = dated + defaults[-1:]
        entry["roles"] = [r for r in (_role(c) for c in ordered) if r is not None]
    else:
        chosen = _current(good)
        for other in good:
            if other is not chosen:
                report.drop(
                    "other dated code of a non-person (the current one kept)",
                    other.line,
                    other.text,
                )
        country, sectors, explicit, slot_kind = _split_code(chosen.code)  # type: ignore[misc]
        kind = _kind_by_shape(country, sectors, slot_kind)
        keep = kind not in ("state",)
        entry["name"] = _display(words, keep_acronyms=keep)
        aliases = _aliases(raw, entry["name"], acronyms, keep_acronyms=keep)
        if aliases:
            entry["aliases"] = aliases
        entry["kind"] = kind
        if country:
            entry["country"] = country
        if sectors:
            entry["sectors"] = list(sectors)
        if explicit:
            entry["code"] = explicit
    if gapped or any(" " in a.strip() for a, _ in raw.aliases):
        report.info["phrases with gaps (blank) made consecutive"] += 1
    return entry


def _aliases(
    raw: _RawEntry, shown_name: str, acronyms: list[list[str]], keep_acronyms: bool
) -> list[str]:
    seen: dict[str, str] = {}
    name = shown_name.lower()
    forms = list(acronyms)
    for text, _number in raw.aliases:
        words, inner, _ = _forms(text)
        if words:
            forms.append(words)
        forms.extend(inner)
    for words in forms:
        shown = _display(
            words, keep_acronyms=keep_acronyms or (len(words) == 1 and words in acronyms)
        )
        if shown.lower() != name and shown.lower() not in seen:
            seen[shown.lower()] = shown
    return list(seen.values())


# ---------------------------------------------------------------- agents

_ORG_HEADS = frozenset(
    {
        "ministry",
        "ministries",
        "department",
        "agency",
        "company",
        "corporation",
        "party",
        "council",
        "committee",
        "commission",
        "court",
        "bank",
        "union",
        "association",
        "organization",
        "organisation",
        "office",
        "army",
        "navy",
        "police",
        "military",
        "force",
        "government",
        "parliament",
        "assembly",
        "industry",
        "business",
        "firm",
        "enterprise",
        "conglomerate",
        "institute",
        "university",
        "school",
        "church",
        "mosque",
        "temple",
        "cabinet",
        "regime",
        "administration",
        "embassy",
        "consulate",
        "senate",
        "congress",
        "legislature",
        "judiciary",
        "tribunal",
        "chamber",
        "federation",
        "league",
        "movement",
        "front",
        "militia",
        "network",
        "group",
        "media",
        "press",
        "newspaper",
        "agencies",
        "gendarmerie",
        "gendarmery",
        "guard",
        "service",
        "secretariat",
        "directorate",
        "bureau",
        "corp",
        "inc",
        "ltd",
        "treasury",
        "board",
        "authority",
        "body",
    }
)


def _plural(word: str) -> str:
    low = word.lower()
    if low.endswith("y") and len(low) > 1 and low[-2] not in "aeiou":
        return word[:-1] + ("IES" if word.isupper() else "ies")
    if re.search(r"(s|x|z|ch|sh)$", low):
        return word + ("ES" if word.isupper() else "es")
    return word + ("S" if word.isupper() else "s")


_GROUP_HEADS = frozenset(
    {
        "delegation",
        "community",
        "team",
        "crew",
        "staff",
        "personnel",
        "population",
        "public",
        "people",
        "troops",
        "forces",
        "clergy",
        "youth",
        "opposition",
        "leadership",
        "establishment",
        "family",
    }
)
_HEAD_BREAKS = frozenset({"of", "for", "to", "in", "on", "at", "with", "from", "against"})


def _role_kind(phrase: str, plural: bool, explicit_none: bool) -> str:
    """person | group | organization, from the phrase's head word ("ministry of the
    treasury" → ministry) and whether the form is plural."""
    words = phrase.split()
    cut = next((i for i, w in enumerate(words) if i and w in _HEAD_BREAKS), len(words))
    head = words[cut - 1]
    if plural:
        return "group"
    if head in _ORG_HEADS:
        return "organization"
    if head in _GROUP_HEADS:
        return "group"
    if explicit_none:  # `{}`: no plural form — collective ("police") or already plural
        return "group" if head.endswith("s") and not head.endswith("ss") else "organization"
    return "person"


def import_agents(path: str | Path) -> tuple[list[dict[str, str]], ImportReport]:
    """Convert a PETRARCH agents dictionary into roles-TSV rows (phrase, sectors, kind, note).

    `WORD {PLURAL} [~CODE]`: the singular and its plural (regular when not given,
    none for `{}`) each give a row; `!MARKER!` substitution sets expand. The code's
    3-letter chunks are the sectors; `~` before the code (added after the actor's
    code) and after it (`IGO~`, added before) both give the same sectors, the note
    keeps which.

    Raises:
        KnowledgeError: unreadable file, a malformed `!MARKER! = …` definition, or no
            agent lines at all.
    """
    report = ImportReport("agents", str(path))
    markers: dict[str, list[str]] = {}
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, _raw, line in _content_lines(_read_lines(path)):
        if "!" in line and "=" in line and "[" not in line:
            match = re.fullmatch(r"\s*!([A-Za-z0-9_]+)!\s*=\s*(.*)", line)
            items = [i.strip() for i in match.group(2).split(",")] if match else []
            if not match or not all(items):
                raise KnowledgeError(
                    str(path), f"malformed substitution marker: {line.strip()}", number
                )
            markers[match.group(1)] = items
            report.info["substitution markers"] += 1
            continue
        report.read += 1
        text, _, code_part = line.partition("[")
        if not code_part:
            report.skip("no [code]", number, line)
            continue
        if "]" not in code_part:
            report.skip("unclosed [", number, line)
            continue
        code = code_part.partition("]")[0].strip()
        prefix = code.endswith("~")
        sectors_code = code.strip("~")
        if (
            "~" in sectors_code
            or not re.fullmatch(r"[A-Z0-9]+", sectors_code)
            or len(sectors_code) % 3
        ):
            report.skip("malformed code", number, line)
            continue
        sectors = [sectors_code[i : i + 3] for i in range(0, len(sectors_code), 3)]
        if text.count("{") != text.count("}"):
            report.skip("unclosed {", number, line)
            continue
        plural_given = re.search(r"\{([^{}]*)\}", text)
        phrase_text = re.sub(r"\{[^{}]*\}", " ", text).strip()
        forms: list[tuple[str, bool, bool]] = []  # (form, is plural, explicit no plural)
        if " " in phrase_text.strip():
            report.info["phrases with gaps (blank) made consecutive"] += 1
        if "!" in phrase_text:
            found = re.search(r"!([A-Za-z0-9_]+)!", phrase_text)
            if not found or found.group(1) not in markers:
                report.skip("undefined substitution marker", number, line)
                continue
            for item in markers[found.group(1)]:
                form = phrase_text[: found.start()] + item + phrase_text[found.end() :]
                forms.append((form, _words(item)[-1].upper().endswith(("S", "MEN")), False))
            report.info["forms from substitution markers"] += len(markers[found.group(1)])
        else:
            words = _words(phrase_text)
            if not words:
                report.skip("no phrase", number, line)
                continue
            if plural_given is None:
                forms.append((phrase_text, False, False))
                forms.append((" ".join([*words[:-1], _plural(words[-1])]), True, False))
                report.info["regular plurals generated"] += 1
            elif plural_given.group(1).strip():
                forms.append((phrase_text, False, False))
                forms.append((plural_given.group(1), True, False))
            else:
                forms.append((phrase_text, False, True))
        phrases = [
            (" ".join(_words(form)).lower(), is_plural, no_plural)
            for form, is_plural, no_plural in forms
        ]
        fresh = [p for p in phrases if p[0] and p[0] not in seen]
        if not fresh:
            report.skip("every form already listed (first kept)", number, line)
            continue
        for phrase, _, _ in phrases:
            if phrase in seen:
                report.drop("phrase already listed (first kept)", number, line)
        wrote = False
        for phrase, is_plural, no_plural in fresh:
            if phrase in seen:  # a form repeated within the line
                continue
            seen.add(phrase)
            note = f"PETRARCH [{code}]" + (" (code goes before the actor's)" if prefix else "")
            rows.append(
                {
                    "phrase": phrase,
                    "sectors": ",".join(sectors),
                    "kind": _role_kind(phrase, is_plural, no_plural),
                    "note": note,
                }
            )
            wrote = True
        if wrote:
            report.converted += 1
    if not report.read:
        raise KnowledgeError(str(path), "no agent lines found (is this a PETRARCH .agents file?)")
    report.info["rows"] = len(rows)
    return rows, report


# ---------------------------------------------------------------- verbs


@dataclass
class _Frame:
    particle: str | None = None
    prep: str | None = None
    object: tuple[str, ...] = ()
    target: str | None = None  # None: the loader's default

    def merged(self, other: _Frame) -> _Frame | None:
        """This frame plus `other`'s slots, or None when both fill the same slot."""
        if (
            (self.particle and other.particle)
            or (self.prep and other.prep)
            or (self.object and other.object)
        ):
            return None
        return _Frame(
            self.particle or other.particle,
            self.prep or other.prep,
            self.object or other.object,
            other.target or self.target,
        )


@dataclass
class _Verb:
    lemma: str
    frame: _Frame
    code: str | None  # own code, None = the block's
    line: int
    text: str


@dataclass
class _Block:
    name: str
    code: str
    line: int
    verbs: list[_Verb] = field(default_factory=list)
    patterns: list[tuple[int, str]] = field(default_factory=list)


_WORD = re.compile(r"[A-Za-z']+")


class _Skip(Exception):  # control flow inside the verb importer
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _lemma_forms(word: str) -> tuple[str, ...]:
    """The object forms to accept for a PETRARCH noun: the word and its singular."""
    low = word.lower().strip("_")
    forms = [low]
    if low.endswith("ies") and len(low) > 4:
        forms.append(low[:-3] + "y")
    elif re.search(r"(sses|xes|ches|shes)$", low):
        forms.append(low[:-2])
    elif low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        forms.append(low[:-1])
    return tuple(forms)


def _tokens(text: str) -> list[Any]:
    """Pattern text → elements: words, ("NP", [words]) for {…}, ("PP", prep, [elements])
    for (…). Raises _Skip on unbalanced brackets."""
    toks = re.findall(r"[(){}]|[^\s(){}]+", text)
    pos = 0

    def parse(until: str | None) -> list[Any]:
        nonlocal pos
        out: list[Any] = []
        while pos < len(toks):
            tok = toks[pos]
            pos += 1
            if tok == until:
                return out
            if tok in (")", "}"):
                raise _Skip("malformed pattern (unbalanced brackets)")
            if tok == "{":
                inner = parse("}")
                if any(not isinstance(t, str) for t in inner):
                    raise _Skip("malformed pattern (nested brackets)")
                out.append(("NP", inner))
            elif tok == "(":
                inner = parse(")")
                if not inner or not isinstance(inner[0], str):
                    out.append(("PP", "", inner))
                else:
                    out.append(("PP", inner[0], inner[1:]))
            else:
                out.append(tok)
        if until is not None:
            raise _Skip("malformed pattern (unbalanced brackets)")
        return out

    return parse(None)


class _VerbReader:
    def __init__(self, path: str | Path, codes: Collection[str]) -> None:
        self.path = str(path)
        self.codes = codes
        self.report = ImportReport("verbs", self.path)
        self.synsets: dict[str, list[str]] = {}
        self.synset_forms: dict[str, tuple[str, ...] | None] = {}
        self.slugs: Counter[str] = Counter()
        self.stem = re.sub(r"[^a-z0-9]+", "_", Path(path).stem.lower()).strip("_") or "petrarch"

    # -- reading
    def read(self) -> list[_Block]:
        blocks: list[_Block] = []
        block: _Block | None = None
        synset: str | None = None
        for number, _raw, line in _content_lines(_read_lines(self.path)):
            text = line.strip()
            if text.startswith("&"):
                synset = text.split()[0]
                self.synsets[synset] = []
                continue
            if text.startswith("+") and synset is not None:
                self.synsets[synset].append(text[1:].strip())
                continue
            synset = None
            if text.startswith("---"):
                match = re.match(r"-{3,}\s*(.*?)\s*(?:\[([^\]]*)\])?\s*-*\s*$", text)
                name = (match.group(1) if match else text.strip("- ")) or f"block{number}"
                code = (match.group(2) or "---").strip() if match else "---"
                block = _Block(name=name, code=code or "---", line=number)
                blocks.append(block)
            elif text.startswith("~"):
                self.report.read += 1
                self.report.skip("transformation (~): an event inside an event", number, text)
            elif text.startswith("-"):
                if block is None:
                    raise KnowledgeError(
                        self.path,
                        "verb pattern before any verb block (--- NAME [code] ---)",
                        number,
                    )
                block.patterns.append((number, text))
            else:
                if block is None:
                    raise KnowledgeError(
                        self.path, "verb before any verb block (--- NAME [code] ---)", number
                    )
                verb = self._verb(text, number)
                if verb is not None:
                    block.verbs.append(verb)
        if not blocks:
            raise KnowledgeError(
                self.path, "no verb blocks found (is this a PETRARCH verb dictionary?)"
            )
        return blocks

    def _verb(self, text: str, number: int) -> _Verb | None:
        """A verb line: `WORD {FORMS} [code]`, `+WORD_PART`, `PART_+WORD`."""
        code = None
        match = re.search(r"\[([^\]]*)\]\s*$", text)
        if match:
            code = match.group(1).strip()
            text = text[: match.start()]
        head = re.sub(r"\{[^{}]*\}", " ", text).split()
        if not head:
            self.report.drop("verb line without a verb", number, text)
            return None
        word = head[0]
        frame = _Frame()
        try:
            if "_" in word:
                parts = [p for p in word.split("_") if p]
                marked = [i for i, p in enumerate(parts) if p.startswith("+")]
                if not marked:
                    marked = [0]
                if marked[0] != 0:
                    raise _Skip("verb: word before the verb (RE_+ARREST, WIRE_+TAP)")
                lemma = parts[0].lstrip("+")
                rest = [p.lower() for p in parts[1:]]
                frame = self._compound_frame(rest)
            else:
                lemma = word.lstrip("+")
            if "-" in lemma or not _WORD.fullmatch(lemma):
                raise _Skip("verb: hyphenated or not a word (split by the tokenizer)")
        except _Skip as exc:
            verb_has_rule = code not in (None, "---", "")
            if verb_has_rule:
                self.report.read += 1
                self.report.skip(exc.reason, number, text)
            else:
                self.report.drop(exc.reason, number, text)
            return None
        return _Verb(lemma.lower(), frame, code, number, text)

    @staticmethod
    def _compound_frame(rest: list[str]) -> _Frame:
        if not rest:
            return _Frame()
        if rest[-1] == "by":
            raise _Skip("verb: passive compound (…_BY)")
        frame = _Frame()
        words = list(rest)
        if (
            words
            and words[0] in PARTICLES
            and (len(words) == 1 or words[1] in PREPOSITIONS or words[0] not in PREPOSITIONS)
        ):
            frame.particle = words.pop(0)
        if words and words[-1] in PREPOSITIONS:
            frame.prep, frame.target = words.pop(), "prep"
        if len(words) > 1:
            raise _Skip("verb: compound of more than verb, particle, noun and preposition")
        if words:
            if words[0] in PREPOSITIONS and not frame.prep:
                frame.prep, frame.target = words[0], "prep"
            else:
                frame.object = _lemma_forms(words[0])
                if frame.prep:
                    frame.target = "prep"
        return frame

    def _synset(self, name: str) -> tuple[str, ...] | None:
        """The object forms of a synset's one-word members (each left-out member is
        counted once)."""
        members = self.synsets.get(name)
        if members is None:
            members = self.synsets.get(name + "_")
        if members is None:
            return None
        forms: list[str] = []
        for member in members:
            clean = member.strip().rstrip("_")
            if re.search(r"[_\s]", clean):
                self.report.drop(
                    "synset phrase of several words (left out of the synset)",
                    None,
                    f"{name} {member}",
                )
            elif "-" in clean or not _WORD.fullmatch(clean):
                self.report.drop(
                    "synset member with a hyphen or digit (left out)", None, f"{name} {member}"
                )
            else:
                forms.extend(_lemma_forms(clean))
        return tuple(dict.fromkeys(forms))

    # -- patterns
    def _code(self, code: str, number: int | None = None, text: str = "") -> str:
        active, _, passive = code.partition(":")
        active = active.strip()
        if active in ("", "---"):
            if passive.strip() and passive.strip() != "---":
                raise _Skip("passive-only code [:xxx]")
            raise _Skip("null code [---] (no event)")
        if not re.fullmatch(r"\d{2,4}", active) or not any(
            active[:n] in self.codes for n in (len(active), 3, 2)
        ):
            raise _Skip("code not in the CAMEO codebook")
        if passive.strip() and passive.strip() != active:
            self.report.drop(
                "passive code of [active:passive] (passive voice not coded differently)",
                number,
                text or code,
            )
        return active

    def _objects(self, element: Any) -> tuple[str, ...]:
        """Object lemmas of a noun element (word, synset, {…} phrase)."""
        if isinstance(element, tuple):
            if element[0] == "NP":
                words = element[1]
                if len(words) == 1:
                    return self._objects(words[0])
                raise _Skip("noun phrase with modifiers {…}")
            raise _Skip("prepositional phrase where a noun was expected")
        if element.startswith("&"):
            if element not in self.synset_forms:
                self.synset_forms[element] = self._synset(element)
            forms = self.synset_forms[element]
            if forms is None:
                raise _Skip("undefined synset")
            if not forms:
                raise _Skip("synset of phrases only")
            return forms
        clean = element.strip("_")
        if "_" in clean:
            raise _Skip("noun phrase with modifiers {…}")
        if "-" in clean or not _WORD.fullmatch(clean):
            raise _Skip("hyphenated word or not a word (split by the tokenizer)")
        return _lemma_forms(clean)

    def _pattern_frame(self, body: str) -> _Frame:
        if body.count("*") != 1:
            raise _Skip("no single verb slot *")
        upper_text, _, lower_text = body.partition("*")
        upper = _tokens(upper_text)
        if upper and upper != ["$"]:
            if "+" in upper:
                raise _Skip("target before the verb")
            raise _Skip("words before the verb (subject or adverb constraint)")
        lower = _tokens(lower_text)
        frame = _Frame()
        items = list(lower)
        for special, reason in (
            ("$", "source after the verb ($)"),
            ("^", "skip marker (^)"),
            ("%", "compound actor (%)"),
        ):
            if any(
                special == t or (isinstance(t, tuple) and t[0] == "PP" and special in t[2])
                for t in items
            ):
                raise _Skip(reason)
        # particle
        if (
            items
            and isinstance(items[0], str)
            and items[0].lower() in PARTICLES
            and not (len(items) > 1 and items[1] == "+" and items[0].lower() in PREPOSITIONS)
        ):
            frame.particle = items.pop(0).lower()
        # a bare preposition before a noun ("TO &DEFENSE"): a prepositional phrase
        if (
            items
            and isinstance(items[0], str)
            and items[0].lower() in PREPOSITIONS
            and items[0].lower() not in PARTICLES
            and len(items) > 1
            and items[1] != "+"
        ):
            raise _Skip("noun inside a prepositional phrase")
        # noun object
        if (
            items
            and items[0] != "+"
            and not (isinstance(items[0], tuple) and items[0][0] == "PP")
            and not (
                isinstance(items[0], str)
                and items[0].lower() in PREPOSITIONS
                and (len(items) == 1 or items[1] == "+")
            )
        ):
            frame.object = self._objects(items.pop(0))
        # target / preposition
        if not items:
            return frame
        first = items.pop(0)
        if first == "+":
            if items:
                raise _Skip("words after the target (+)")
            if frame.object:
                raise _Skip("target (+) after a noun object")
            return frame
        if isinstance(first, tuple) and first[0] == "PP":
            prep, inside = first[1].lower(), first[2]
            if not prep or prep not in PREPOSITIONS:
                raise _Skip("prepositional phrase without a known preposition")
            if inside and inside != ["+"]:
                raise _Skip("noun inside a prepositional phrase")
        elif isinstance(first, str) and first.lower() in PREPOSITIONS:
            prep = first.lower()
            if items and items[0] == "+":
                items.pop(0)
        else:
            raise _Skip("more than one noun after the verb")
        if items:
            if any(isinstance(t, tuple) and t[0] == "PP" for t in items):
                raise _Skip("more than one prepositional phrase")
            raise _Skip("words after the prepositional phrase")
        frame.prep, frame.target = prep, "prep"
        return frame

    # -- conversion
    def convert(self) -> list[dict[str, Any]]:
        blocks = self.read()
        candidates: list[tuple[dict[str, Any], int, str]] = []  # (entry, line, text)
        for block in blocks:
            self.report.info["verb blocks"] += 1
            simple = [v for v in block.verbs if v.frame == _Frame()]
            compound = [v for v in block.verbs if v.frame != _Frame()]
            slug = re.sub(r"[^a-z0-9]+", "_", block.name.lower()).strip("_") or "block"
            self.slugs[slug] += 1
            if self.slugs[slug] > 1:  # two blocks of one name: ids stay unique
                slug = f"{slug}_{self.slugs[slug]}"
            serial = 0

            def new_id(slug: str = slug) -> str:
                nonlocal serial
                serial += 1
                return f"{self.stem}.{slug}.{serial}"

            lemmas = list(dict.fromkeys(v.lemma for v in simple))
            self.report.info["verbs"] += len(set(v.lemma for v in block.verbs))
            # Bare verbs: their own code, else the block's.
            by_code: dict[str, list[_Verb]] = {}
            for verb in block.verbs:
                code = verb.code if verb.code not in (None, "") else block.code
                if code in ("---", "") and verb.code in (None, ""):
                    self.report.info["verbs without a code of their own (pattern lemmas)"] += 1
                    continue
                self.report.read += 1
                try:
                    cameo = self._code(code, verb.line, verb.text)
                except _Skip as exc:
                    self.report.skip(exc.reason, verb.line, verb.text)
                    continue
                if verb.frame == _Frame():
                    by_code.setdefault(cameo, []).append(verb)
                else:
                    entry = self._entry(new_id(), cameo, [verb.lemma], verb.frame)
                    candidates.append((entry, verb.line, verb.text))
            for cameo, verbs in by_code.items():
                entry = self._entry(
                    new_id(), cameo, list(dict.fromkeys(v.lemma for v in verbs)), _Frame()
                )
                candidates.append((entry, verbs[0].line, verbs[0].text))
            # Patterns: for the block's one-word verbs, and merged into each compound verb.
            for number, text in block.patterns:
                self.report.read += 1
                body, _, code_text = text[1:].rpartition("[")
                try:
                    if not code_text or "]" not in code_text:
                        raise _Skip("pattern without [code]")
                    cameo = self._code(code_text.partition("]")[0], number, text)
                    frame = self._pattern_frame(body)
                except _Skip as exc:
                    self.report.skip(exc.reason, number, text)
                    continue
                if not lemmas and not compound:
                    self.report.skip("block has no usable verb", number, text)
                    continue
                if lemmas:
                    candidates.append((self._entry(new_id(), cameo, lemmas, frame), number, text))
                for verb in compound:
                    combined = verb.frame.merged(frame)
                    if combined is None:
                        self.report.drop(
                            "pattern does not combine with a compound verb "
                            "(both fill the same slot)",
                            number,
                            f"{verb.text} + {text}",
                        )
                        continue
                    candidates.append(
                        (self._entry(new_id(), cameo, [verb.lemma], combined), number, text)
                    )
        return self._dedupe(candidates)

    def _entry(self, rule: str, cameo: str, lemmas: list[str], frame: _Frame) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": rule,
            "cameo": cameo,
            "lemma": lemmas[0] if len(lemmas) == 1 else lemmas,
        }
        if frame.particle:
            entry["particle"] = frame.particle
        if frame.prep:
            entry["prep"] = frame.prep
        if frame.object:
            entry["object"] = list(frame.object)
        if frame.target and not (frame.target == "prep" and frame.prep and not frame.object):
            entry["target"] = frame.target
        return entry

    def _dedupe(self, candidates: list[tuple[dict[str, Any], int, str]]) -> list[dict[str, Any]]:
        """PETRARCH keeps the last of identical patterns (its pattern tree overwrites);
        dragoman would take the first, so earlier duplicates are removed here."""
        seen: set[tuple[Any, ...]] = set()
        kept: list[tuple[dict[str, Any], int, str]] = []
        for entry, number, text in reversed(candidates):
            lemmas = entry["lemma"] if isinstance(entry["lemma"], list) else [entry["lemma"]]
            frame = (
                entry.get("particle"),
                entry.get("prep"),
                frozenset(entry.get("object", ())),
                entry.get("target"),
            )
            fresh = [lemma for lemma in lemmas if (lemma, frame) not in seen]
            seen.update((lemma, frame) for lemma in fresh)
            if not fresh:
                kept.append(({}, number, text))
                continue
            if len(fresh) < len(lemmas):
                self.report.drop(
                    "verb already has this frame in a later pattern (left out of this one)",
                    number,
                    text,
                )
            entry["lemma"] = fresh[0] if len(fresh) == 1 else fresh
            kept.append((entry, number, text))
        kept.reverse()
        # A source rule converts when at least one of its entries survives.
        out: list[dict[str, Any]] = []
        survived: dict[tuple[int, str], bool] = {}
        for entry, number, text in kept:
            survived[(number, text)] = survived.get((number, text), False) or bool(entry)
            if entry:
                out.append(entry)
        for (number, text), ok in survived.items():
            if ok:
                self.report.converted += 1
            else:
                self.report.skip(
                    "duplicate of a later pattern (PETRARCH keeps the last)", number, text
                )
        self.report.info["patterns written"] = len(out)
        self.report.info["patterns with an object"] = sum("object" in e for e in out)
        self.report.info["patterns with a particle"] = sum("particle" in e for e in out)
        self.report.info["patterns with a preposition"] = sum("prep" in e for e in out)
        self.report.info["synsets"] = len(self.synsets)
        return out


def import_verbs(
    path: str | Path, codes: Collection[str] | None = None
) -> tuple[list[dict[str, Any]], ImportReport]:
    """Convert a PETRARCH verb dictionary into dragoman verb patterns.

    Verbs of a block become the `lemma` list; a verb with a code (its own or the
    block's) is a bare pattern; `- * …` patterns map where the linear template
    says what our dependency frame can: a particle right after the verb →
    `particle`, a noun (word or synset) → `object`, `(PREP)`/`(PREP +)`/`PREP +`
    → `prep` (the target); everything else is skipped with its reason.

    Args:
        path: the verb dictionary.
        codes: the CAMEO codebook to check codes against (default: dragoman's).

    Raises:
        KnowledgeError: unreadable file, a verb or pattern before any block, or no
            blocks at all.
    """
    if codes is None:
        codes = cameo_codes()
    reader = _VerbReader(path, codes)
    entries = reader.convert()
    return entries, reader.report


@functools.lru_cache(maxsize=1)
def cameo_codes() -> frozenset[str]:
    """The event codes of dragoman's CAMEO codebook (data/cameo.tsv)."""
    text = resources.files("dragoman").joinpath("data", "cameo.tsv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(row.split("\t", 1)[0].strip() for row in rows[1:])


# ---------------------------------------------------------------- writers


class _Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line ("- {country: USA, sectors: [GOV], …}")."""


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


_Dumper.add_representer(
    _Flow,
    lambda dumper, data: dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=True
    ),
)


def _dumper() -> type:
    return _Dumper


def _header(kind: str, source: str, report: ImportReport, fields: Iterable[str]) -> str:
    lines = [
        f"# {kind} converted by `dragoman import` from {Path(source).name}",
        f"# on {dt.date.today().isoformat()}: read {report.read}, converted "
        f"{report.converted} ({100 * report.coverage:.1f}%); see docs/petrarch.md.",
        "# This is your file, built from your dictionary; edit it freely.",
        "#",
    ]
    lines.extend(f"# {line}" if line else "#" for line in fields)
    return "\n".join(lines) + "\n\n"


def dump_actors(entries: list[dict[str, Any]], report: ImportReport) -> str:
    """The YAML text of converted actor entries (load it with `actor_files`)."""
    header = _header(
        "Actor entries",
        report.path,
        report,
        [
            "Fields as in docs/knowledge.md: name, aliases, kind, country, sectors, code,",
            "roles ({country, sectors, code, start, end}; the undated fallback role is last).",
        ],
    )
    rows = [{**e, "roles": [_Flow(r) for r in e["roles"]]} if "roles" in e else e for e in entries]
    body = yaml.dump(
        rows,
        Dumper=_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return header + body


def dump_agents(rows: list[dict[str, str]], report: ImportReport) -> str:
    """The TSV text of converted agents, in the columns of roles.tsv."""
    header = _header(
        "Role words",
        report.path,
        report,
        [
            "Columns (tab-separated): phrase, sectors (comma-separated), kind, note.",
        ],
    )
    out = [header.rstrip("\n"), "phrase\tsectors\tkind\tnote"]
    for row in rows:
        out.append(
            "\t".join(row[k].replace("\t", " ") for k in ("phrase", "sectors", "kind", "note"))
        )
    return "\n".join(out) + "\n"


def dump_verbs(entries: list[dict[str, Any]], report: ImportReport) -> str:
    """The YAML text of converted verb patterns (load it with `verb_files`)."""
    header = _header(
        "Verb patterns",
        report.path,
        report,
        [
            "Fields as in docs/knowledge.md: id, cameo, lemma, particle, prep, object, target.",
            "Ids start with the source file's name, so they never replace packaged patterns.",
        ],
    )
    body = yaml.dump(
        entries,
        Dumper=_dumper(),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return header + body


def write(text: str, out: str | Path) -> None:
    """Write converted text to `out` (UTF-8)."""
    path = Path(out)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise KnowledgeError(str(path), f"cannot write: {exc}") from exc
