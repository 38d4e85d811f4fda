"""Exports (dragoman.export): GDELT, Phoenix, ICEWS, PLOVER, Parquet and query-result files."""

# Fixtures imported from test_store_support are arguments of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dragoman import export
from dragoman.errors import StoreError
from dragoman.store import Store
from test_store_support import (  # noqa: F401 - fixtures are used by name
    pipeline_or_skip,
    postgres_url,
    seed_extraction,
    store,
    store_url,
    synthetic,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "exports.md"


def _lines(store: Store, fmt: str, **filters: object) -> list[str]:
    out = io.StringIO()
    n = export.export(store, fmt, out, **filters)
    lines = out.getvalue().splitlines()
    assert n == len(lines) - (1 if fmt == "icews" else 0)
    return lines


def _by_event(store: Store, rows: list[list[str]], column: int) -> dict[str, list[str]]:
    """Rows keyed by our event id ("E1"), matched through the GDELT/ICEWS global id."""
    frame = store.events()
    ids = {str(g): e for g, e in zip(frame["global_id"], frame["event"], strict=True)}
    return {ids[row[column]]: row for row in rows}


def test_export_gdelt_has_61_fields_in_gdelt_order(store: Store) -> None:
    store.add(seed_extraction())
    rows = [line.split("\t") for line in _lines(store, "gdelt")]
    assert len(rows) == 6 and all(len(r) == 61 for r in rows)
    assert len(export.GDELT_COLUMNS) == 61
    col = {name: i for i, name in enumerate(export.GDELT_COLUMNS)}
    events = _by_event(store, rows, col["GlobalEventID"])
    e1 = events["E1"]
    assert (e1[col["Day"]], e1[col["MonthYear"]], e1[col["Year"]]) == ("20180521", "201805", "2018")
    assert e1[col["FractionDate"]] == f"{2018 + (5 * 30 + 21) / 365:.4f}"
    assert (e1[col["Actor1Code"]], e1[col["Actor1Name"]], e1[col["Actor1CountryCode"]]) == (
        "IRN",
        "IRAN",
        "IRN",
    )
    assert (e1[col["Actor2Code"]], e1[col["Actor2CountryCode"]]) == ("RUS", "RUS")
    assert (e1[col["EventCode"]], e1[col["EventBaseCode"]], e1[col["EventRootCode"]]) == (
        "120",
        "120",
        "12",
    )
    assert (e1[col["QuadClass"]], e1[col["GoldsteinScale"]]) == ("3", "-4.0")
    assert (e1[col["NumMentions"]], e1[col["NumSources"]], e1[col["NumArticles"]]) == (
        "1",
        "1",
        "1",
    )
    assert e1[col["IsRootEvent"]] == "1" and events["E4"][col["IsRootEvent"]] == "0"
    assert e1[col["AvgTone"]] == "" and e1[col["Actor1Geo_Type"]] == ""
    assert e1[col["SOURCEURL"]] == seed_extraction().article.url
    assert len(e1[col["DATEADDED"]]) == 14 and e1[col["DATEADDED"]].isdigit()
    e2 = events["E2"]
    assert (
        e2[col["ActionGeo_Type"]],
        e2[col["ActionGeo_Fullname"]],
        e2[col["ActionGeo_CountryCode"]],
        e2[col["ActionGeo_FeatureID"]],
    ) == ("1", "Syria", "SY", "163843")
    e5 = events["E5"]
    assert (e5[col["Actor2Code"]], e5[col["Actor2Type1Code"]]) == ("IRNGOV", "GOV")
    assert events["E6"][col["Actor2Code"]] == ""  # no target


def test_export_gdelt_counts_copies(store: Store) -> None:
    seed = seed_extraction()
    store.add(seed)
    store.add_mention(seed.article.hash, "https://tass.com/x", "TASS")
    row = _lines(store, "gdelt", root="12")[0].split("\t")
    col = {name: i for i, name in enumerate(export.GDELT_COLUMNS)}
    assert (row[col["NumMentions"]], row[col["NumSources"]], row[col["NumArticles"]]) == (
        "2",
        "2",
        "2",
    )


def test_export_phoenix_has_26_fields(store: Store) -> None:
    seed = seed_extraction()
    # a CAMEO 02 (appeal) event: Phoenix puts roots 01 and 02 in quad class 0
    e3 = dataclasses.replace(seed.events[2], cameo="020", root="02", quad_class=1)
    store.add(dataclasses.replace(seed, events=(*seed.events[:2], e3, *seed.events[3:])))
    rows = [line.split("\t") for line in _lines(store, "phoenix")]
    assert all(len(r) == 26 for r in rows) and len(export.PHOENIX_COLUMNS) == 26
    col = {name: i for i, name in enumerate(export.PHOENIX_COLUMNS)}
    by_code = {(r[col["SourceActorFull"]], r[col["EventCode"]]): r for r in rows}
    accuse = by_code[("ISR", "112")]
    assert (
        accuse[col["TargetActorFull"]],
        accuse[col["TargetActorEntity"]],
        accuse[col["TargetActorRole"]],
    ) == ("IRNGOV", "IRN", "GOV")
    assert accuse[col["Date"]] == "20180522"  # no event date: the publication date
    assert accuse[col["SentenceID"]] == "seed_4"
    assert accuse[col["NewsSources"]] == "The Times of Israel"
    assert by_code[("RUSGOV", "020")][col["QuadClass"]] == "0"
    assert by_code[("IRN", "120")][col["QuadClass"]] == "3"
    assert re.fullmatch(r"\d+_dragoman[0-9.]+", rows[0][col["EventID"]])


def test_export_icews_has_its_20_columns(store: Store) -> None:
    store.add(seed_extraction())
    lines = _lines(store, "icews")
    assert lines[0].split("\t") == list(export.ICEWS_COLUMNS)
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(r) == 20 for r in rows)
    col = {name: i for i, name in enumerate(export.ICEWS_COLUMNS)}
    e5 = _by_event(store, rows, col["Event ID"])["E5"]
    assert (e5[col["Source Name"]], e5[col["Source Country"]], e5[col["Target Country"]]) == (
        "Israel",
        "Israel",
        "Iran",
    )
    assert (e5[col["Target Sectors"]], e5[col["CAMEO Code"]], e5[col["Intensity"]]) == (
        "Government",
        "112",
        "-2.0",
    )
    assert (e5[col["Story ID"]], e5[col["Sentence Number"]]) == ("seed", "4")


def test_export_plover_uses_plover_field_names(store: Store) -> None:
    seed = seed_extraction()
    negated = dataclasses.replace(seed.events[0], id="E7", negated=True)
    store.add(dataclasses.replace(seed, events=(*seed.events, negated)))
    records = {r["id"].split(":")[1]: r for r in map(json.loads, _lines(store, "plover"))}
    e1 = records["E1"]
    assert e1["date"] == "2018-05-21" and e1["event"] == ["REJECT"]
    assert e1["actor"] == [
        {"code": "IRN", "sector": None, "entity_text": "Iran", "identifier_text": "Iran"}
    ]
    assert e1["recipient"][0]["code"] == "RUS"
    assert e1["event_text"] == ["rejected"] and e1["text"].startswith("Iran on Monday")
    assert e1["quad_code"] == 3 and e1["has_event"] is True
    assert e1["cite_info"]["url"] == seed.article.url and e1["coder"] == "dragoman"
    assert isinstance(e1["mode"], list) and isinstance(e1["context"], list)
    assert records["E2"]["event_loc"]["geonameid"] == 163843
    assert records["E6"]["recipient"] == []
    # has_event is PLOVER's "the record is coded"; negation is a field of ours
    assert records["E7"]["has_event"] is True and records["E7"]["negated"] is True
    assert e1["negated"] is False and records["E6"]["hypothetical"] is True


def test_export_dates_take_the_precision_they_can(store: Store) -> None:
    """An event read as a month ("in March 2014") or a year ("in 1938") fills only the
    date fields that precise; one dated from the publication date is dated by it."""
    seed = seed_extraction()
    month = dataclasses.replace(
        seed.events[0], date=dt.date(2014, 3, 1), date_text="in March 2014", date_precision="month"
    )
    year = dataclasses.replace(
        seed.events[1], date=dt.date(1938, 1, 1), date_text="in 1938", date_precision="year"
    )
    store.add(dataclasses.replace(seed, events=(month, year, *seed.events[2:])))
    col = {name: i for i, name in enumerate(export.GDELT_COLUMNS)}
    gdelt = _by_event(store, [line.split("\t") for line in _lines(store, "gdelt")], 0)
    dates = ("Day", "MonthYear", "Year", "FractionDate")
    assert [gdelt["E1"][col[f]] for f in dates] == ["", "201403", "2014", ""]
    assert [gdelt["E2"][col[f]] for f in dates] == ["", "", "1938", ""]
    assert [gdelt["E4"][col[f]] for f in dates][:3] == ["20180522", "201805", "2018"]
    icews = [line.split("\t") for line in _lines(store, "icews")[1:]]
    event_date = export.ICEWS_COLUMNS.index("Event Date")
    by_event = _by_event(store, icews, 0)
    assert [by_event[e][event_date] for e in ("E1", "E2", "E3", "E4")] == [
        "2014-03",
        "1938",
        "2018-05-17",
        "2018-05-22",
    ]
    phoenix = {r[13]: r for r in (line.split("\t") for line in _lines(store, "phoenix"))}
    pcol = {name: i for i, name in enumerate(export.PHOENIX_COLUMNS)}
    assert [phoenix["120"][pcol[f]] for f in ("Date", "Year", "Month", "Day")] == [
        "",
        "2014",
        "3",
        "",
    ]
    plover = {r["id"].split(":")[1]: r for r in map(json.loads, _lines(store, "plover"))}
    assert (plover["E1"]["date"], plover["E2"]["date"]) == ("2014-03", "1938")


def test_export_parquet_round_trips_rows_and_types(store: Store, tmp_path: Path) -> None:
    store.add(seed_extraction())
    store.add(synthetic(3))
    path = tmp_path / "events.parquet"
    assert export.export(store, "parquet", path) == 11
    with duckdb.connect() as con:
        described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
        assert [(r[0], r[1]) for r in described] == export.EVENT_PARQUET_SCHEMA
        back = con.execute(f"SELECT * FROM '{path}'").df()
    assert _plain(back) == _plain(store.events())
    # filters apply to the file too
    assert export.write_parquet(store, tmp_path / "isr.parquet", source_actor="ISR") == 2


def _plain(frame: pd.DataFrame) -> list[dict[str, object]]:
    return list(export.records(frame))


def test_export_parquet_schema_is_fixed() -> None:
    names = [name for name, _ in export.EVENT_PARQUET_SCHEMA]
    assert len(names) == len(set(names))
    assert dict(export.EVENT_PARQUET_SCHEMA)["goldstein"] == "DOUBLE"
    assert dict(export.EVENT_PARQUET_SCHEMA)["source_sectors"] == "VARCHAR[]"
    assert dict(export.EVENT_PARQUET_SCHEMA)["date"] == "DATE"


def test_export_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="unknown export format"):
        export.export(store, "csv", io.StringIO())
    with pytest.raises(StoreError, match="file path"):
        export.export(store, "parquet", io.StringIO())
    with pytest.raises(StoreError, match="unknown output format"):
        export.write_frame(store.events(), io.StringIO(), "xml")


def test_export_to_a_path_and_with_filters(store: Store, tmp_path: Path) -> None:
    store.add(seed_extraction())
    target = tmp_path / "isr.tsv"
    assert export.export(store, "gdelt", target, actor="ISR") == 2
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2


def test_export_write_frame_formats(store: Store, tmp_path: Path) -> None:
    store.add(seed_extraction())
    dyads = store.dyads(period=None)
    out = io.StringIO()
    export.write_frame(dyads, out, "csv")
    assert out.getvalue().splitlines()[:2] == ["source,target,events,goldstein", "ISR,IRN,2,-3.5"]
    out = io.StringIO()
    export.write_frame(store.events(root="12"), out, "jsonl")
    record = json.loads(out.getvalue())
    assert record["date"] == "2018-05-21" and record["attribution"] == ["The Times of Israel"]
    assert record["source_sectors"] == [] and record["place_name"] is None
    out = io.StringIO()
    export.write_frame(store.quotes(), out, "table")
    table = out.getvalue().splitlines()
    assert table[0].startswith("quote_id") and len(table) == 5
    assert export.format_table(store.events(actor="ZZZ")) == "(no rows)"
    assert export.write_frame_parquet(store.quotes(), tmp_path / "q.parquet") == 3
    with duckdb.connect() as con:
        assert con.execute(f"SELECT count(*) FROM '{tmp_path / 'q.parquet'}'").fetchone() == (3,)


def test_export_records_are_plain_python(store: Store) -> None:
    store.add(seed_extraction())
    record = next(export.records(store.events(root="10", limit=1)))
    assert record["date"] == dt.date(2018, 5, 21)
    assert isinstance(record["global_id"], int) and isinstance(record["negated"], bool)
    assert isinstance(record["attribution"], list) and isinstance(record["added_at"], dt.datetime)


def test_export_docs_describe_every_format() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for fmt in export.FORMATS:
        assert f"`{fmt}`" in text
    for name, kind in export.EVENT_PARQUET_SCHEMA:
        assert f"| `{name}` | `{kind}` |" in text


def test_export_parquet_of_the_pipeline_seed(store: Store, tmp_path: Path) -> None:
    seed = pipeline_or_skip()
    store.add(seed)
    path = tmp_path / "seed.parquet"
    assert export.write_parquet(store, path) == len(seed.events)
    with duckdb.connect() as con:
        described = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
        back = con.execute(f"SELECT * FROM '{path}'").df()
    assert [(r[0], r[1]) for r in described] == export.EVENT_PARQUET_SCHEMA
    assert _plain(back) == _plain(store.events())


@pytest.mark.parametrize(
    ("feature", "country", "kind"),
    [("adm1", "USA", 2), ("adm1", "DEU", 5), ("city", "USA", 3), ("city", "DEU", 4)],
)
def test_export_gdelt_geo_type_of_a_division(feature: str, country: str, kind: int) -> None:
    row = {
        "place_name": "Indiana" if country == "USA" else "Bavaria",
        "place_country": country,
        "place_feature": feature,
        "place_geonameid": None,
        "place_latitude": None,
        "place_longitude": None,
    }
    assert export._gdelt_action_geo(row)[0] == kind
