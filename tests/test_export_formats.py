"""Each export format checked against that format's published field list, read in place
from ../shared/reference/output_schemas.md (never copied): GDELT's 61 columns, Phoenix's
26, ICEWS's 20, PLOVER's JSON fields and types. Plus what a user reads the files with:
`--header`, and `pandas.read_parquet` on the Parquet export."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from dragoman import export
from dragoman.cli import main
from dragoman.models import ActorRef, Event, Extraction, Place, Span
from dragoman.store import Store
from test_store_support import SHARED, find, seed_extraction


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping with a message when it is absent (conftest's
    helper, which a module cannot import by name beside tests/e2e/conftest.py)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the ../shared folder beside the repository); not present")
    return path


# --- the published field lists ---------------------------------------------------------------


def _section(title: str) -> str:
    text = shared_path("reference", "output_schemas.md").read_text(encoding="utf-8")
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 3)
    return text[start : end if end != -1 else len(text)]


def _top_level(text: str, separators: str = ",;") -> list[str]:
    """`text` split at separators outside (), {} and []."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "({[":
            depth += 1
        elif char in ")}]":
            depth -= 1
        if char in separators and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _bare(token: str) -> str:
    """A field name without its parenthesised note."""
    return re.sub(r"\(.*?\)", "", token).split()[0] if token.strip() else ""


def gdelt_fields() -> list[str]:
    """The GDELT 2.0 event table's fields, with the reference's shorthands expanded
    (`Actor2Code ... Actor2Type3Code (same 10 fields)`, `_Fullname`, `Actor2Geo_* (8)`)."""
    body = _section("GDELT 2.0 Event table").split("\n", 1)[1].split("\n- ")[0]
    fields: list[str] = []
    for token in _top_level(body.replace("\n", " ")):
        if "..." in token:  # ActorN block like the one before it
            first = token.split()[0]
            prefix = re.match(r"[A-Za-z]+\d", first).group(0)  # type: ignore[union-attr]
            block = [f for f in fields if f.startswith("Actor1") and "Geo" not in f]
            fields += [prefix + f[len("Actor1") :] for f in block]
        elif token.startswith("_"):
            stem = next(f for f in reversed(fields) if "_" in f).split("_")[0]
            fields.append(stem + _bare(token))
        elif "_*" in token:
            stem = token.split("_*")[0]
            fields += [
                stem + "_" + f.split("_", 1)[1] for f in fields if f.startswith("Actor1Geo_")
            ]
        else:
            fields.append(_bare(token))
    return fields


def phoenix_fields() -> list[str]:
    body = _section("Phoenix").split("\n", 1)[1].split("\n(Column names")[0]
    return [_bare(t) for t in _top_level(body.replace("\n", " "), ",")]


def icews_fields() -> list[str]:
    return [f.strip() for f in _section("ICEWS").split("\n")[1].split(",")]


def plover_spec() -> dict[str, dict[str, str]]:
    """PLOVER's record fields: {"required"|"optional"|"entity"|"location": {name: note}}."""
    section = _section("PLOVER JSON")
    spec: dict[str, dict[str, str]] = {}
    for line in section.splitlines():
        for label, key in (
            ("Required:", "required"),
            ("Optional:", "optional"),
            ("Entity object:", "entity"),
            ("Location object", "location"),
        ):
            for sentence in re.split(r"(?<=\.) ", line):
                if sentence.startswith(label):
                    body = sentence.split(":", 1)[1].rstrip(".")
                    spec[key] = {
                        re.match(r"\w+", t).group(0): t  # type: ignore[union-attr]
                        for t in _top_level(body, ",")
                    }
    return spec


def test_export_formats_reference_parses_to_the_published_counts() -> None:
    assert len(gdelt_fields()) == 61  # "61 tab-delimited fields"
    assert len(phoenix_fields()) == 26
    assert len(icews_fields()) == 20  # "20 columns"
    spec = plover_spec()
    assert {"id", "date", "actor", "event"} == set(spec["required"])
    assert "resolution" in spec["location"] and "identifier_id" in spec["entity"]


# --- a store the formats are written from -------------------------------------------------------


def varied() -> Extraction:
    """The seed article with what each format must handle: an event PLOVER drops (CAMEO
    01, no PLOVER type), one without a source code, an IGO, a city."""
    seed = seed_extraction()
    t = seed.article.text
    e1 = seed.events[0]
    geneva = Place("Geneva", 2660646, "CHE", 46.2, 6.14, "city", find(t, "Syria", 2))
    statement = dataclasses.replace(
        e1, id="E7", cameo="010", root="01", plover=None, quad_class=1, goldstein=0.0
    )
    unknown = dataclasses.replace(
        e1, id="E8", source=ActorRef(None, "UNK", None, (), Span(0, 4)), place=geneva
    )
    igo = dataclasses.replace(
        e1,
        id="E9",
        target=ActorRef(None, "IGOUNO", "IGO", ("IGO",), find(t, "foreign powers")),
        place=geneva,
    )
    # the hand-coded seed says DEMAND, PLOVER's name before it became REQUEST (as the
    # packaged codebook and the reference's type list have it)
    current = [
        dataclasses.replace(e, plover="REQUEST") if e.plover == "DEMAND" else e for e in seed.events
    ]
    events: tuple[Event, ...] = (*current, statement, unknown, igo)
    return dataclasses.replace(seed, events=events)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "formats.duckdb")
    with Store.open(path) as store:
        store.add(varied())
    return path


def run(*args: str) -> object:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --- one test per format -----------------------------------------------------------------------


def test_export_formats_gdelt_header_is_gdelt_s_fields(db: str) -> None:
    fields = gdelt_fields()
    assert list(export.GDELT_COLUMNS) == fields
    result = run("export", "--db", db, "--format", "gdelt", "--header")
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == fields
    assert all(len(line.split("\t")) == 61 for line in lines[1:])
    assert len(lines) - 1 == 9 and "exported 9 events (gdelt)" in result.stderr
    plain = run("export", "--db", db, "--format", "gdelt").stdout.splitlines()
    assert plain == lines[1:]  # without --header: as GDELT ships it
    day = fields.index("Day")
    assert all(re.fullmatch(r"\d{8}|", line.split("\t")[day]) for line in plain)


def test_export_formats_phoenix_header_is_phoenix_s_fields(db: str) -> None:
    fields = phoenix_fields()
    assert list(export.PHOENIX_COLUMNS) == fields
    lines = run("export", "--db", db, "--format", "phoenix", "--header").stdout.splitlines()
    assert lines[0].split("\t") == fields
    assert all(len(line.split("\t")) == 26 for line in lines[1:])
    quad = fields.index("QuadClass")
    assert {line.split("\t")[quad] for line in lines[1:]} <= {"0", "1", "2", "3", "4"}
    bad = run("export", "--db", db, "--format", "plover", "--header")
    assert bad.exit_code == 2 and "--header" in bad.stderr


def test_export_formats_icews_fields_sector_names_and_countries(db: str) -> None:
    fields = icews_fields()
    text = run("export", "--db", db, "--format", "icews").stdout
    rows = list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert list(rows[0]) == fields and len(rows) == 9
    sectors = [r[f"{side} Sectors"] for r in rows for side in ("Source", "Target")]
    # free-text sector names as ICEWS writes them, never our codes
    assert "Government" in sectors
    assert not [s for s in sectors if re.search(r"\b[A-Z]{3}\b", s)]
    igo = [r for r in rows if r["Target Sectors"] == "International Government Organization"]
    assert len(igo) == 1 and igo[0]["Target Country"] == ""  # IGO is not a country
    assert {r["Source Country"] for r in rows} >= {"Iran", "Israel", "Russia"}


def test_export_formats_plover_fields_and_types(db: str) -> None:
    spec = plover_spec()
    known = set(spec["required"]) | set(spec["optional"])
    sub = {
        name: set(re.findall(r"\w+", note.split("{", 1)[1]))
        for name, note in spec["optional"].items()
        if "{" in note
    }
    lists = {n for part in ("required", "optional") for n, t in spec[part].items() if "(list" in t}
    event_types = {
        line.split("\t")[0]
        for line in shared_path("reference", "plover_event_types.tsv").read_text().splitlines()[1:]
    }
    result = run("export", "--db", db, "--format", "plover")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    # E7 (CAMEO 01) has no PLOVER type, E8 no source actor code: left out and counted
    assert "exported 7 events (plover)" in result.stderr
    assert "left out 2 (1 no PLOVER type, 1 no source actor code)" in result.stderr
    assert sorted(r["id"].split(":")[1] for r in records) == [
        f"E{i}" for i in (1, 2, 3, 4, 5, 6, 9)
    ]
    ours = {"negated", "hypothetical"}  # fields PLOVER lacks, allowed as extensions
    for record in records:
        assert set(record) <= known | ours, set(record) - known
        for name in spec["required"]:
            assert record[name], name
        for name in lists & set(record):
            assert isinstance(record[name], list), name
        assert record["event"][0] in event_types and len(record["event"]) == 1
        assert isinstance(record["event_text"], list)  # "list of texts of event"
        assert record["has_event"] is True  # the record is coded
        assert 1 <= record["quad_code"] <= 4
        assert isinstance(record["event_scale"], float)
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", record["date"])
        for name in ("text_info", "cite_info"):
            assert set(record[name]) <= sub[name], (name, set(record[name]) - sub[name])
        assert record["cite_info"]["codebook"] == "PLOVER"
        for entity in record["actor"] + record["recipient"]:
            assert set(entity) <= set(spec["entity"])
            assert re.fullmatch(r"[A-Z]{3}", entity["code"])
        if record["event_loc"]:
            assert set(record["event_loc"]) <= set(spec["location"])
            assert record["event_loc"]["resolution"] in range(1, 6)
    by_id = {r["id"].split(":")[1]: r for r in records}
    assert by_id["E2"]["event_loc"]["resolution"] == 1  # a country
    assert by_id["E9"]["event_loc"]["resolution"] == 4  # a city: PLOVER's 4, not 5
    assert by_id["E1"]["event_scale"] == -4.0 and by_id["E1"]["event"] == ["REJECT"]


def test_export_formats_plover_counts_add_up(db: str) -> None:
    with Store.open(db, read_only=True) as store:
        left_out: Counter[str] = Counter()
        written = export.export(store, "plover", io.StringIO(), left_out=left_out)
        assert written + sum(left_out.values()) == len(store.events())


def test_export_formats_parquet_reads_with_pandas(db: str, tmp_path: Path) -> None:
    out = tmp_path / "events.parquet"
    assert run("export", "--db", db, "--format", "parquet", "-o", str(out)).exit_code == 0
    frame = pd.read_parquet(out)  # pyarrow, in the base install
    assert len(frame) == 9
    assert list(frame.columns) == [name for name, _ in export.EVENT_PARQUET_SCHEMA]
    assert frame["goldstein"].dtype == "float64"
