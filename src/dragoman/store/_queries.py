"""The read queries of `Store`: column lists and filter clauses, in SQL both backends run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict, Unpack

from dragoman.errors import StoreError

# The columns of `Store.events()`, which are also the fixed Parquet schema of
# `export.write_parquet` (name, DuckDB type, SQL over `events e JOIN articles a`).
# The Spark job writes the same names and types: change them only with a schema bump.
_EMPTY = "CAST(ARRAY[] AS VARCHAR[])"


def _links(column: str, kind: str, owner: str) -> str:
    return (
        f"COALESCE((SELECT array_agg(l.{column} ORDER BY l.position) FROM attributions l "
        f"WHERE l.article = {owner}.article AND l.owner_kind = '{kind}' "
        f"AND l.owner = {owner}.id), {_EMPTY})"
    )


def _side(side: str) -> list[tuple[str, str, str]]:
    return [
        (f"{side}_actor", "VARCHAR", f"e.{side}_actor"),
        (f"{side}_name", "VARCHAR", f"e.{side}_name"),
        (f"{side}_kind", "VARCHAR", f"e.{side}_kind"),
        (f"{side}_code", "VARCHAR", f"e.{side}_code"),
        (f"{side}_country", "VARCHAR", f"e.{side}_country"),
        (f"{side}_sectors", "VARCHAR[]", f"e.{side}_sectors"),
        (f"{side}_text", "VARCHAR", f"e.{side}_text"),
    ]


EVENT_SCHEMA: tuple[tuple[str, str, str], ...] = (
    ("event_id", "VARCHAR", "e.article || ':' || e.id"),
    ("global_id", "BIGINT", "e.global_id"),
    ("article", "VARCHAR", "e.article"),
    ("article_id", "VARCHAR", "a.id"),
    ("event", "VARCHAR", "e.id"),
    ("position", "INTEGER", "e.position"),
    ("sentence", "INTEGER", "e.sentence"),
    ("url", "VARCHAR", "a.url"),
    ("outlet", "VARCHAR", "a.outlet"),
    ("title", "VARCHAR", "a.title"),
    ("language", "VARCHAR", "a.language"),
    ("published", "DATE", "a.published"),
    ("date", "DATE", "e.date"),
    ("date_text", "VARCHAR", "e.date_text"),
    ("date_precision", "VARCHAR", "e.date_precision"),
    *_side("source"),
    *_side("target"),
    ("cameo", "VARCHAR", "e.cameo"),
    ("root", "VARCHAR", "e.root"),
    ("plover", "VARCHAR", "e.plover"),
    ("quad_class", "INTEGER", "e.quad_class"),
    ("goldstein", "DOUBLE", "e.goldstein"),
    ("negated", "BOOLEAN", "e.negated"),
    ("hypothetical", "BOOLEAN", "e.hypothetical"),
    ("quote", "VARCHAR", "e.quote"),
    ("confidence", "DOUBLE", "e.confidence"),
    ("rule", "VARCHAR", "e.rule"),
    ("trigger_start", "INTEGER", "e.trigger_start"),
    ("trigger_end", "INTEGER", "e.trigger_end"),
    ("trigger_text", "VARCHAR", "e.trigger_text"),
    ("sentence_text", "VARCHAR", "e.sentence_text"),
    ("place_name", "VARCHAR", "e.place_name"),
    ("place_geonameid", "BIGINT", "e.place_geonameid"),
    ("place_country", "VARCHAR", "e.place_country"),
    ("place_latitude", "DOUBLE", "e.place_latitude"),
    ("place_longitude", "DOUBLE", "e.place_longitude"),
    ("place_feature", "VARCHAR", "e.place_feature"),
    ("attribution", "VARCHAR[]", _links("name", "event", "e")),
    ("attribution_codes", "VARCHAR[]", _links("code", "event", "e")),
    ("attribution_roles", "VARCHAR[]", _links("role", "event", "e")),
    ("mentions", "INTEGER", "a.mentions"),
    ("sources", "INTEGER", "a.sources"),
    ("added_at", "TIMESTAMP", "a.added_at"),
)

# List columns that `Store.events()`/`quotes()` fill from `attributions` with a
# second query over the page's articles (much faster than the correlated
# subqueries above, which the Parquet COPY uses on whole tables).
EVENT_LINKS = {"attribution": "name", "attribution_codes": "code", "attribution_roles": "role"}
QUOTE_LINKS = {"via": "name", "via_codes": "code"}

EVENTS_FROM = "events e JOIN articles a ON a.hash = e.article"
EVENTS_ORDER = "COALESCE(e.date, a.published) NULLS LAST, e.article, e.position"
# The orders `Store.events(order=…)` knows: by the event's day (its date, else the
# publication date), oldest or newest first; undated events last either way.
EVENT_ORDERS = {
    "oldest": EVENTS_ORDER,
    "newest": "COALESCE(e.date, a.published) DESC NULLS LAST, e.article, e.position",
}
EVENT_DAY = "COALESCE(e.date, a.published)"

QUOTE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("quote_id", "q.article || ':' || q.id"),
    ("article", "q.article"),
    ("article_id", "a.id"),
    ("quote", "q.id"),
    ("position", "q.position"),
    ("kind", "q.kind"),
    ("text", "q.text"),
    ("start_char", "q.start_char"),
    ("end_char", "q.end_char"),
    ("cue", "q.cue_text"),
    ("speaker_name", "q.speaker_name"),
    ("speaker_actor", "q.speaker_actor"),
    ("speaker_code", "q.speaker_code"),
    ("speaker_text", "q.speaker_text"),
    ("via", _links("name", "quote", "q")),
    ("via_codes", _links("code", "quote", "q")),
    ("url", "a.url"),
    ("outlet", "a.outlet"),
    ("title", "a.title"),
    ("published", "a.published"),
)


def _like_prefix(value: str) -> str:
    """`value` as a LIKE pattern matching strings that start with it."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    """A date from a date or an ISO string (`since=`, `until=`)."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:  # an ISO date and time is its date; anything else after the date is an error
        return dt.datetime.fromisoformat(text).date()
    except ValueError as exc:
        raise StoreError(f"{name}: expected a date YYYY-MM-DD, got {value!r}") from exc


class Where:
    """AND-ed SQL conditions with their parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " WHERE " + " AND ".join(self.clauses) if self.clauses else ""

    def actor(self, value: str | None, sides: Iterable[str]) -> None:
        """`value` is a country code (`IRN`) or a code prefix (`IRNGOV`), on any of `sides`."""
        if not value:
            return
        value = value.strip().upper()
        parts = []
        for side in sides:
            parts.append(f"e.{side}_country = ?")
            parts.append(f"e.{side}_code LIKE ? ESCAPE '\\'")
            self.params.extend([value, _like_prefix(value)])
        self.clauses.append("(" + " OR ".join(parts) + ")")

    def contains(self, columns: Iterable[str], value: str | None) -> None:
        """Case-insensitive substring match on any of `columns` (`ILIKE '%value%'`)."""
        if not value:
            return
        parts = []
        for column in columns:
            parts.append(f"strpos(lower({column}), lower(?)) > 0")
            self.params.append(value)
        self.clauses.append("(" + " OR ".join(parts) + ")")

    def via(self, value: str | None, kind: str, owner: str) -> None:
        """Some link of the attribution chain has `value` in its name, or as its code."""
        if not value:
            return
        self.add(
            f"EXISTS (SELECT 1 FROM attributions l WHERE l.article = {owner}.article "
            f"AND l.owner_kind = '{kind}' AND l.owner = {owner}.id "
            "AND (strpos(lower(l.name), lower(?)) > 0 OR upper(l.code) = upper(?)))",
            value,
            value,
        )

    def article(self, value: str | None, column: str) -> None:
        """One article, by hash or id."""
        if value:
            self.add(f"({column} = ? OR a.id = ?)", value, value)

    def outlet(self, value: str | None) -> None:
        if value:
            self.add("lower(a.outlet) = lower(?)", value)

    def dates(self, column: str, since: dt.date | str | None, until: dt.date | str | None) -> None:
        start, end = as_date(since, "since"), as_date(until, "until")
        if start:
            self.add(f"{column} >= ?", start)
        if end:
            self.add(f"{column} <= ?", end)


# The fallbacks of `events.py` that give an event a participant the text does not name
# (an `Event.rule` carries them as `+name` suffixes, before any `|model:0.91`): the
# state a story is about, the place an event happened, the protesters' own government.
# An event with none of them, and both sides present, has both participants named in
# the text (the `named` filter). The one list of them: `events.py` writes the names,
# tests/test_store_filters.py checks that it still does.
IMPLIED_PARTICIPANTS: tuple[str, ...] = (
    "home-target",
    "home-source",
    "domestic-target",
    "place-source",
    "place-target",
)


def rule_fallbacks(rule: str | None) -> list[str]:
    """The `+fallback` names of an event's rule (`verbs:x+place-target|model:0.91`)."""
    return (rule or "").partition("|")[0].split("+")[1:]


def is_named(rule: str | None, source: object, target: object) -> bool:
    """The `named` filter on one event (for code holding events, not rows): both
    sides present and neither implied by a fallback."""
    return (
        source is not None
        and target is not None
        and not set(rule_fallbacks(rule)) & set(IMPLIED_PARTICIPANTS)
    )


class EventFilter(TypedDict, total=False):
    """The filters of `Store.events()`, `Store.dyads()` and `Store.export_parquet()`,
    and so of every surface: `EVENT_FILTER_HELP` says what each means."""

    actor: str | None
    source_actor: str | None
    target_actor: str | None
    cameo: str | None
    root: str | None
    plover: str | None
    quad: int | Iterable[int] | None
    since: dt.date | str | None
    until: dt.date | str | None
    outlet: str | None
    via: str | None
    text: str | None
    article: str | None
    negated: bool | None
    hypothetical: bool | None
    factual: bool | None
    min_confidence: float | None
    named: bool | None


# What each filter means: the one text the CLI's --help, the HTTP API's description and
# the dashboard's labels show (tests/test_store_filters.py checks every surface has all).
EVENT_FILTER_HELP: dict[str, str] = {
    "actor": "Country code (IRN) or code prefix (IRNGOV), as source or target.",
    "source_actor": "Country code or code prefix, as source only.",
    "target_actor": "Country code or code prefix, as target only.",
    "cameo": "CAMEO code prefix (12 matches 120, 1211…).",
    "root": "Two-digit CAMEO root (12).",
    "plover": "PLOVER event type (REJECT), any case.",
    "quad": "Quad class 1-4 (repeatable).",
    "since": "Events on or after this date (the event's date, else the publication date).",
    "until": "Events on or before this date (the event's date, else the publication date).",
    "outlet": "The article's outlet (any case).",
    "via": "An attribution link's name (part of it, any case) or code (Tasnim, IRNMED).",
    "text": "Words in the trigger or the sentence (case-insensitive).",
    "article": "One article, by hash or id.",
    "negated": "Only negated events (true) or only events not negated (false).",
    "hypothetical": "Only hypothetical events (true) or only asserted ones (false).",
    "factual": "Only factual events: neither negated nor hypothetical.",
    "min_confidence": "Only events whose confidence is at least this (0-1; with the "
    "event model, the calibrated probability that the event is right).",
    "named": "Only events whose source and target are both named in the text (no "
    "participant implied: " + ", ".join(f"+{n}" for n in IMPLIED_PARTICIPANTS) + ").",
}


def _confidence(value: float | str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"min_confidence: expected a number 0-1, got {value!r}") from exc
    if not 0.0 <= number <= 1.0:  # NaN fails this too
        raise StoreError(f"min_confidence: expected a number 0-1, got {value!r}")
    return number


def _named_sql() -> str:
    """Both sides present, and no implied participant among the rule's fallbacks.

    The rule's fallbacks are `+`-separated and end at `|` (the model's part): wrapped
    in `+…+`, a fallback is the substring `+name+` (SQL that DuckDB and PostgreSQL run).
    """
    fallbacks = "'+' || split_part(COALESCE(e.rule, ''), '|', 1) || '+'"
    implied = " AND ".join(f"strpos({fallbacks}, '+{n}+') = 0" for n in IMPLIED_PARTICIPANTS)
    return f"(e.source_start IS NOT NULL AND e.target_start IS NOT NULL AND {implied})"


def event_where(**filters: Unpack[EventFilter]) -> Where:
    """The conditions of `Store.events()` (see `EVENT_FILTER_HELP` for their meaning).

    Raises:
        TypeError: an unknown filter name.
        StoreError: a value that cannot be read (a date, a confidence outside 0-1).
    """
    unknown = sorted(set(filters) - EventFilter.__optional_keys__)
    if unknown:
        raise TypeError(f"unknown event filter(s): {', '.join(unknown)}")
    where = Where()
    where.actor(filters.get("actor"), ("source", "target"))
    where.actor(filters.get("source_actor"), ("source",))
    where.actor(filters.get("target_actor"), ("target",))
    if cameo := filters.get("cameo"):
        where.add("e.cameo LIKE ? ESCAPE '\\'", _like_prefix(str(cameo).strip()))
    if root := filters.get("root"):
        where.add("e.root = ?", str(root).strip().zfill(2))
    if plover := filters.get("plover"):
        where.add("upper(e.plover) = upper(?)", plover.strip())
    quad = filters.get("quad")
    if quad is not None:
        quads = [int(quad)] if isinstance(quad, int | str) else [int(q) for q in quad]
        if quads:
            where.add(f"e.quad_class IN ({', '.join('?' * len(quads))})", *quads)
    where.dates(EVENT_DAY, filters.get("since"), filters.get("until"))
    where.outlet(filters.get("outlet"))
    where.via(filters.get("via"), "event", "e")
    where.contains(("e.trigger_text", "e.sentence_text"), filters.get("text"))
    where.article(filters.get("article"), "e.article")
    for flag in ("negated", "hypothetical"):
        value = filters.get(flag)
        if value is not None:
            where.add(f"e.{flag} = ?", bool(value))
    if filters.get("factual"):
        where.add("(NOT e.negated AND NOT e.hypothetical)")
    floor = filters.get("min_confidence")
    if floor is not None:
        where.add("e.confidence >= ?", _confidence(floor))
    if filters.get("named"):
        where.add(_named_sql())
    return where


# Characters that separate the words of a name ("Bashar al-Assad", "O’Brien", "Esper,"):
# read as spaces on both sides of the `speaker` match. `translate` maps them one to one.
_NAME_SEPARATORS = "-‐–—'’.,;:()\"“”"


def words_of(name: str) -> str:
    """A name as its words, lower case, single-spaced (`"Bashar al-Assad"` → `"bashar al
    assad"`): what the `speaker` filter compares, in Python as `_words_sql` does in SQL."""
    table = str.maketrans(_NAME_SEPARATORS, " " * len(_NAME_SEPARATORS))
    return " ".join(name.translate(table).lower().split())


def _words_sql(column: str) -> str:
    """`words_of(column)` in SQL that DuckDB and PostgreSQL run, padded with spaces."""
    seps = _NAME_SEPARATORS.replace("'", "''")
    spaced = f"translate(lower({column}), '{seps}', '{' ' * len(_NAME_SEPARATORS)}')"
    return f"(' ' || regexp_replace({spaced}, '\\s+', ' ', 'g') || ' ')"


class QuoteFilter(TypedDict, total=False):
    """The filters of `Store.quotes()` (see its docstring for their meaning)."""

    speaker: str | None
    via: str | None
    text: str | None
    kind: str | None
    since: dt.date | str | None
    until: dt.date | str | None
    outlet: str | None
    article: str | None


QUOTE_KINDS = ("direct", "partial", "indirect")


def quote_where(**filters: Unpack[QuoteFilter]) -> Where:
    """The conditions of `Store.quotes()`.

    `speaker` is whole words of the speaker's name ("Esper" finds Mark Esper, never a
    "spokesperson"), or the speaker's code as `actor` reads one (a country code or a
    code prefix: IRN, IRNGOV).

    Raises:
        TypeError: an unknown filter name.
        StoreError: a date cannot be read, or an unknown kind.
    """
    unknown = sorted(set(filters) - QuoteFilter.__optional_keys__)
    if unknown:
        raise TypeError(f"unknown quote filter(s): {', '.join(unknown)}")
    where = Where()
    speaker = filters.get("speaker")
    if speaker and speaker.strip():
        code = speaker.strip().upper()
        words = words_of(speaker)
        clauses = ["q.speaker_code LIKE ? ESCAPE '\\'"]
        params: list[Any] = [_like_prefix(code)]
        if words:
            clauses.append(f"strpos({_words_sql('q.speaker_name')}, ?) > 0")
            params.append(f" {words} ")
        where.add("(" + " OR ".join(clauses) + ")", *params)
    where.via(filters.get("via"), "quote", "q")
    where.contains(("q.text",), filters.get("text"))
    kind = filters.get("kind")
    if kind:
        if kind not in QUOTE_KINDS:
            raise StoreError(f"kind: expected one of {', '.join(QUOTE_KINDS)}, got {kind!r}")
        where.add("q.kind = ?", kind)
    where.dates("a.published", filters.get("since"), filters.get("until"))
    where.outlet(filters.get("outlet"))
    where.article(filters.get("article"), "q.article")
    return where


def article_where(
    *,
    words: str | None = None,
    outlet: str | None = None,
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
) -> Where:
    """The conditions of `Store.articles()`: each of `words` in the title, outlet or text."""
    where = Where()
    for word in (words or "").split():
        where.contains(("a.title", "a.outlet", "a.text"), word)
    where.outlet(outlet)
    where.dates("a.published", since, until)
    return where


def page(limit: int | None, offset: int | None) -> tuple[str, list[int]]:
    """LIMIT/OFFSET clause and parameters."""
    sql, params = "", []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    if offset:
        sql += " OFFSET ?"
        params.append(int(offset))
    return sql, params


PERIODS = ("day", "week", "month", "year")
