"""What the dashboard shows, computed from output-contract dicts and query frames.

Pure functions, no HTTP and no HTML: the templates render what these return, and
Jinja2's autoescape escapes every string on the way out. Nothing here builds
markup, so article text can never be trusted by mistake.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}
ROLE_WORDS = {"speaker": "said by", "relay": "according to", "outlet": "reported by"}
_CLASS_SAFE = re.compile(r"[^a-z0-9_-]+")


# --- JSON-safe rows -------------------------------------------------------------------


def jsonable(value: Any) -> Any:
    """A value of a query frame as plain JSON (dates as ISO strings, NA as None)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common case first: it is hot
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, np.ndarray | list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA:
        return None
    return value


def records_slow(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """`records`, value by value (the reference the fast path is tested against)."""
    columns = [str(c) for c in frame.columns]
    return [
        {c: jsonable(v) for c, v in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _iso_times(series: pd.Series) -> np.ndarray:
    """A datetime column as ISO strings (`YYYY-MM-DD` when every value is a midnight)."""
    values = series.to_numpy(dtype="datetime64[us]")
    missing = np.isnat(values)
    days = values.astype("datetime64[D]")
    whole_days = bool((days == values)[~missing].all())
    text = np.datetime_as_string(values, unit="D" if whole_days else "us").astype(object)
    text[missing] = None
    return text


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a query frame as JSON-safe dicts: dates of DATE columns as `YYYY-MM-DD`,
    timestamps as ISO strings, missing values as None, list columns as lists.

    Goes through pandas' C JSON writer (value-by-value conversion costs as much as
    the query on a page of 100 events); float columns are copied exactly afterwards,
    since that writer rounds to 15 digits.
    """
    out = frame.copy(deep=False)
    floats = []
    for name in out.columns:
        series = out[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            out[name] = _iso_times(series)
        elif pd.api.types.is_float_dtype(series):
            floats.append(name)
    rows: list[dict[str, Any]] = json.loads(
        out.to_json(orient="records", force_ascii=False, double_precision=15)
    )
    for name in floats:
        for row, value in zip(rows, out[name].tolist(), strict=True):
            row[str(name)] = value if isinstance(value, float) and math.isfinite(value) else None
    return rows


# --- the highlighted article ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text with the annotations that cover all of it.

    `classes` are CSS class names (letters, digits, `-`, `_` only); `events`,
    `actors` and `quotes` are the ids of the annotations, for the page's script.
    """

    text: str
    classes: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()
    title: str = ""


@dataclass(frozen=True, slots=True)
class _Mark:
    start: int
    end: int
    kind: str
    id: str
    classes: tuple[str, ...]
    title: str


def css_class(value: Any) -> str:
    """A value from the data as a safe CSS class fragment."""
    return _CLASS_SAFE.sub("-", str(value).lower()).strip("-") or "x"


def _marks(article: Mapping[str, Any]) -> list[_Mark]:
    text_len = len(article.get("text") or "")
    marks: list[_Mark] = []

    def add(
        start: Any, end: Any, kind: str, ident: str, classes: Iterable[str], title: str
    ) -> None:
        if not isinstance(start, int) or not isinstance(end, int):
            return
        start, end = max(0, start), min(text_len, end)
        if start < end:
            marks.append(_Mark(start, end, kind, ident, tuple(classes), title))

    for quote in article.get("quotes") or ():
        speaker = (quote.get("speaker") or {}).get("name") or "unknown speaker"
        add(
            quote.get("start"),
            quote.get("end"),
            "quote",
            str(quote.get("id")),
            ("hl-quote", f"quote-{css_class(quote.get('kind'))}"),
            f"{quote.get('id')}: {quote.get('kind')} quote, {speaker}",
        )
    for actor in article.get("actors") or ():
        for mention in actor.get("mentions") or ():
            add(
                mention.get("start"),
                mention.get("end"),
                "actor",
                str(actor.get("id")),
                ("hl-actor", f"kind-{css_class(actor.get('kind'))}"),
                f"{actor.get('id')}: {actor.get('name')} ({actor.get('code') or 'no code'}, "
                f"{actor.get('kind')})",
            )
    for event in article.get("events") or ():
        trigger = event.get("trigger") or {}
        add(
            trigger.get("start"),
            trigger.get("end"),
            "event",
            str(event.get("id")),
            ("hl-event", f"quad-{css_class(event.get('quad_class'))}"),
            f"{event.get('id')}: {event.get('plover') or 'event'} (CAMEO {event.get('cameo')})",
        )
    return marks


def highlight(article: Mapping[str, Any]) -> list[Segment]:
    """The article text cut into segments at every annotation boundary.

    Annotations may nest or cross (an actor inside a quote, a trigger inside
    both); each segment carries all annotations covering it, so the page marks
    it with one flat `<mark>` and never needs to nest or close tags out of order.
    """
    text = article.get("text") or ""
    marks = _marks(article)
    opens: dict[int, list[_Mark]] = defaultdict(list)
    closes: dict[int, list[_Mark]] = defaultdict(list)
    for mark in marks:
        opens[mark.start].append(mark)
        closes[mark.end].append(mark)
    cuts = sorted({0, len(text), *opens, *closes})
    active: dict[int, _Mark] = {}
    segments: list[Segment] = []
    for here, there in itertools.pairwise(cuts):
        for mark in closes.get(here, ()):
            active.pop(id(mark), None)
        for mark in opens.get(here, ()):
            active[id(mark)] = mark
        piece = text[here:there]
        if not active:
            if segments and not segments[-1].classes:
                segments[-1] = Segment(segments[-1].text + piece)
            else:
                segments.append(Segment(piece))
            continue
        ordered = sorted(active.values(), key=lambda m: ("quote", "actor", "event").index(m.kind))
        classes = tuple(dict.fromkeys(c for m in ordered for c in m.classes))
        segments.append(
            Segment(
                text=piece,
                classes=classes,
                events=tuple(dict.fromkeys(m.id for m in ordered if m.kind == "event")),
                actors=tuple(dict.fromkeys(m.id for m in ordered if m.kind == "actor")),
                quotes=tuple(dict.fromkeys(m.id for m in ordered if m.kind == "quote")),
                title=" · ".join(dict.fromkeys(m.title for m in ordered)),
            )
        )
    return segments


# --- events as sentences --------------------------------------------------------------


def long_date(value: Any) -> str | None:
    """`2018-05-21` as "Monday 21 May 2018" (None when there is no date)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if not isinstance(value, dt.date):
        return None
    return f"{value:%A} {value.day} {value:%B %Y}"


def event_date(date: Any, precision: Any, published: Any = None) -> str:
    """An event's date written to its precision: `2019-03-10`, `2019-03` (a month),
    `1938` (a year), or the publication date marked as standing in for one."""
    text = None if date is None or date is pd.NaT else str(date)[:10]
    if text is None:
        fallback = None if published is None or published is pd.NaT else str(published)[:10]
        return f"{fallback} (published)" if fallback else ""
    if precision == "month":
        return text[:7]
    if precision == "year":
        return text[:4]
    if precision == "publication":
        return f"{text} (published)"
    return text


def verb(
    plover: str | None,
    cameo: str | None,
    negated: bool = False,
    hypothetical: bool = False,
    names: Mapping[str, str] | None = None,
) -> str:
    """The action as a verb phrase: "rejects", "does not reject", "may not threaten".

    Without a PLOVER type the CAMEO code's name is used ("make statement").
    """
    if not plover:
        name = (names or {}).get(str(cameo or ""), "")
        flags = [f for f, on in (("negated", negated), ("hypothetical", hypothetical)) if on]
        base = name.lower() if name else f"event {cameo or '?'}"
        return base + (f" ({', '.join(flags)})" if flags else "")
    base = plover.strip().lower()
    if hypothetical:
        return f"may not {base}" if negated else f"may {base}"
    return f"does not {base}" if negated else f"{base}s"


def chain_links(chain: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The chain with repeated names dropped, keeping the outermost mention of each.

    ("The Times of Israel reported" makes the outlet both speaker and outlet: say it once.)
    """
    names = [str(link.get("name") or "").casefold() for link in chain]
    return [link for i, link in enumerate(chain) if names[i] and names[i] not in names[i + 1 :]]


def chain_words(
    chain: Sequence[Mapping[str, Any]], outlet: str | None = None, skip: str | None = None
) -> str:
    """An attribution chain as words: "said by Qasemi, according to Tasnim".

    `outlet` is added ("in Example Wire") unless the chain names it; `skip` is a
    name not to repeat (a quote's own speaker).
    """
    links = [
        link
        for link in chain_links(chain)
        if not skip or str(link.get("name")).casefold() != skip.casefold()
    ]
    parts = [f"{ROLE_WORDS.get(str(link.get('role')), 'via')} {link.get('name')}" for link in links]
    named = {str(link.get("name") or "").casefold() for link in chain}
    if outlet and outlet.casefold() not in named:
        parts.append(f"in {outlet}")
    return ", ".join(parts)


def sentence(
    source: str | None, action: str, target: str | None, date: Any, chain: str = ""
) -> str:
    """One event in words: "Iran — rejects → Russia, Monday 21 May 2018, reported by …"."""
    head = f"{source or '(someone)'} — {action} → {target or '(no one named)'}"
    parts = [head]
    when = long_date(date)
    if when:
        parts.append(when)
    if chain:
        parts.append(chain)
    return ", ".join(parts)


def _side(ref: Mapping[str, Any] | None, actors: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not ref:
        return None
    actor = actors.get(str(ref.get("actor"))) if ref.get("actor") else None
    return str(actor.get("name")) if actor and actor.get("name") else ref.get("text")


def article_events(
    article: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The events of an output-contract dict with a readable `words` line each."""
    actors = {str(a.get("id")): a for a in article.get("actors") or ()}
    out = []
    for event in article.get("events") or ():
        action = verb(
            event.get("plover"),
            event.get("cameo"),
            bool(event.get("negated")),
            bool(event.get("hypothetical")),
            names,
        )
        words = sentence(
            _side(event.get("source"), actors),
            action,
            _side(event.get("target"), actors),
            event.get("date"),
            chain_words(event.get("attribution") or (), article.get("outlet")),
        )
        out.append(
            {**event, "words": words, "quad_name": QUAD_NAMES.get(event.get("quad_class") or 0, "")}
        )
    return out


def row_chain(row: Mapping[str, Any]) -> list[str]:
    """The attribution names of a `Store.events()` row, repeats dropped, innermost first."""
    return [
        str(link["name"])
        for link in chain_links([{"name": name} for name in row.get("attribution") or []])
    ]


def row_words(row: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """One row of `Store.events()` (as a JSON-safe dict) in words."""
    roles = row.get("attribution_roles") or []
    chain = [
        {"role": roles[i] if i < len(roles) else None, "name": name}
        for i, name in enumerate(row.get("attribution") or [])
    ]
    action = verb(
        row.get("plover"),
        row.get("cameo"),
        bool(row.get("negated")),
        bool(row.get("hypothetical")),
        names,
    )
    return sentence(
        row.get("source_name") or row.get("source_code"),
        action,
        row.get("target_name") or row.get("target_code"),
        row.get("date") or row.get("published"),
        chain_words(chain, row.get("outlet")),
    )


def counted(n: Any, noun: str) -> str:
    """`n` and the noun, singular for exactly one (`1 event`, `2 events`, `0 events`)."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


# --- the network ----------------------------------------------------------------------


def goldstein_colour(score: float) -> str:
    """-10 (red) … 0 (grey) … +10 (blue), as `#rrggbb`."""
    t = max(-1.0, min(1.0, score / 10.0))
    grey, red, blue = (150, 150, 150), (200, 30, 30), (30, 90, 200)
    end = red if t < 0 else blue
    a = abs(t) ** 0.6  # small scores should already show a tint
    r, g, b = (round(grey[i] + (end[i] - grey[i]) * a) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


@dataclass(frozen=True, slots=True)
class Node:
    """One actor country placed on the network circle."""

    code: str
    x: float
    y: float
    r: float
    events: int
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True, slots=True)
class Edge:
    """One source → target pair: a curved, arrowed path coloured by mean Goldstein."""

    source: str
    target: str
    events: int
    goldstein: float
    colour: str
    width: float
    path: str
    title: str


def network(dyads: pd.DataFrame, size: int = 640, max_edges: int = 80) -> dict[str, Any]:
    """A circular layout of the `Store.dyads(period=None)` frame, as SVG geometry.

    The busiest `max_edges` pairs are drawn; nodes sit on a circle ordered by
    country code so the picture is stable between loads.
    """
    rows = dyads.sort_values(["events", "source", "target"], ascending=[False, True, True])
    rows = rows[rows["source"] != rows["target"]].head(max_edges)
    loops = int((dyads["source"] == dyads["target"]).sum()) if len(dyads) else 0
    totals: dict[str, int] = defaultdict(int)
    for row in rows.itertuples(index=False):
        totals[str(row.source)] += int(row.events)
        totals[str(row.target)] += int(row.events)
    codes = sorted(totals)
    centre, radius = size / 2, size / 2 - 70
    most = max(totals.values(), default=1)
    nodes: dict[str, Node] = {}
    for i, code in enumerate(codes):
        angle = 2 * math.pi * i / max(1, len(codes)) - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        lx, ly = centre + (radius + 22) * math.cos(angle), centre + (radius + 22) * math.sin(angle)
        anchor = (
            "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        )
        nodes[code] = Node(
            code,
            round(x, 1),
            round(y, 1),
            round(5 + 13 * math.sqrt(totals[code] / most), 1),
            totals[code],
            round(lx, 1),
            round(ly + 4, 1),
            anchor,
        )
    heaviest = int(rows["events"].max()) if len(rows) else 1
    edges = []
    for row in rows.itertuples(index=False):
        a, b = nodes[str(row.source)], nodes[str(row.target)]
        # Bend each edge to its right so that A→B and B→A do not overlap.
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        dx, dy = b.x - a.x, b.y - a.y
        length = math.hypot(dx, dy) or 1.0
        bend = 0.18 * length
        cx, cy = mx - dy / length * bend, my + dx / length * bend
        # Stop short of the target circle so the arrowhead stays visible.
        ex, ey = (
            b.x - (b.x - cx) / math.hypot(b.x - cx, b.y - cy) * (b.r + 3),
            b.y - (b.y - cy) / math.hypot(b.x - cx, b.y - cy) * (b.r + 3),
        )
        score = float(row.goldstein)
        edges.append(
            Edge(
                a.code,
                b.code,
                int(row.events),
                round(score, 2),
                goldstein_colour(score),
                round(1 + 5 * math.sqrt(int(row.events) / heaviest), 2),
                f"M{a.x},{a.y} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
                f"{a.code} → {b.code}: {counted(int(row.events), 'event')}, "
                f"mean Goldstein {score:+.2f}",
            )
        )
    return {
        "size": size,
        "nodes": list(nodes.values()),
        "edges": edges,
        "shown": len(edges),
        "pairs": len(dyads),
        "self_pairs": loops,
        "legend": [(s, goldstein_colour(s)) for s in (-10, -5, -2, 0, 2, 5, 10)],
    }


# --- the timeline ---------------------------------------------------------------------


def timeline_series(frames: Mapping[int, pd.DataFrame]) -> list[dict[str, Any]]:
    """Counts per period and quad class, from one `dyads(period=…)` frame per quad class."""
    counts: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(QUAD_NAMES, 0))
    for quad, frame in frames.items():
        if not len(frame):
            continue
        grouped = frame.groupby("period")["events"].sum()
        for period, n in grouped.items():
            counts[str(jsonable(period))][quad] += int(n)
    return [
        {"period": p, "total": sum(c.values()), **{f"quad_{q}": c[q] for q in QUAD_NAMES}}
        for p, c in sorted(counts.items())
    ]


def _next_period(day: dt.date, period: str) -> dt.date:
    """The first day of the period after the one starting on `day`."""
    if period == "day":
        return day + dt.timedelta(days=1)
    if period == "week":
        return day + dt.timedelta(days=7)
    if period == "month":
        return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return dt.date(day.year + 1, 1, 1)


def _as_day(value: Any) -> dt.date:
    return dt.date.fromisoformat(str(value)[:10])


# Steps of the time axis's labels, finest first: (unit, count). The first that gives
# at most `_MAX_TICKS` labels over the chart's span is used.
_TIME_STEPS = (
    ("day", 1), ("day", 2), ("day", 7), ("day", 14),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6),
    ("year", 1), ("year", 2), ("year", 5), ("year", 10), ("year", 20), ("year", 50),
    ("year", 100), ("year", 200), ("year", 500), ("year", 1000),
)  # fmt: skip
_MAX_TICKS = 10


def _time_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Round dates between `start` and `end` (inclusive, exclusive) with their labels."""
    span = (end - start).days
    for unit, n in _TIME_STEPS:
        days = {"day": 1, "month": 30.44, "year": 365.25}[unit] * n
        if span / days <= _MAX_TICKS:
            break
    out: list[tuple[dt.date, str]] = []
    if unit == "day":
        day = start
        while day < end:
            out.append((day, day.isoformat()))
            day += dt.timedelta(days=n)
    elif unit == "month":
        # The first month start on or after `start` whose month number is a multiple of n.
        index = start.year * 12 + start.month - 1 + (start.day != 1)
        index += -index % n
        while (day := dt.date(index // 12, index % 12 + 1, 1)) < end:
            out.append((day, day.isoformat()[:7]))
            index += n
    else:
        # The first 1 January on or after `start` whose year is a multiple of n.
        year = start.year + ((start.month, start.day) != (1, 1))
        year += -year % n
        while year <= dt.MAXYEAR and (day := dt.date(year, 1, 1)) < end:
            out.append((day, str(year)))
            year += n
    return out


def timeline_chart(
    series: Sequence[Mapping[str, Any]],
    period: str = "day",
    width: int = 900,
    height: int = 260,
) -> dict[str, Any]:
    """Stacked bars (one per period, one band per quad class) on a continuous time axis.

    A bar's x is proportional to its date, so empty periods are drawn as gaps and
    1916 never sits next to 2016; the axis is labelled with round dates.
    """
    left, bottom, top = 52, 30, 10
    if not series:
        return _bar_chart(width, height, [], [], left, 0, 0, top, height - bottom - top)
    days = [_as_day(item["period"]) for item in series]
    x_of, width, ticks = _time_axis(days, period, width, left)
    plot_h = height - bottom - top
    peak = max(int(s["total"]) for s in series) or 1
    scale = _nice_top(peak)
    bars = []
    for day, item in zip(days, series, strict=True):
        x0, x1 = x_of(day), x_of(_next_period(day, period))
        bar_w = max(1.0, min((x1 - x0) * 0.8, 48.0))
        x = (x0 + x1 - bar_w) / 2
        y = float(top + plot_h)
        for quad in QUAD_NAMES:
            n = int(item[f"quad_{quad}"])
            if not n:
                continue
            h = plot_h * n / scale
            y -= h
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                    "quad": quad,
                    "title": f"{item['period']}: {n} {QUAD_NAMES[quad]}",
                }
            )
    chart = _bar_chart(width, height, bars, [], left, 0, peak, top, plot_h, scale)
    chart["ticks"] = ticks
    return chart


def _nice_top(peak: float) -> float:
    """The smallest round number (1, 2 or 5 times a power of ten, times a count of
    such steps up to 5) at or above `peak`: the top of the y axis."""
    return _nice_step(peak) * math.ceil(peak / _nice_step(peak))


def _nice_step(peak: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving at most 5 steps up to `peak`."""
    if peak <= 5:
        return 1
    power = 10 ** math.floor(math.log10(peak / 5))
    for factor in (1, 2, 5, 10):
        if peak / (factor * power) <= 5:
            return factor * power
    return 10 * power


def actor_chart(
    as_source: Sequence[Mapping[str, Any]],
    as_target: Sequence[Mapping[str, Any]],
    period: str = "month",
    width: int = 900,
    height: int = 220,
) -> dict[str, Any]:
    """Paired bars per period (events with the actor as source, and as target) on a
    continuous time axis, as the timeline's."""
    src = {str(r["period"])[:10]: int(r["events"]) for r in as_source}
    tgt = {str(r["period"])[:10]: int(r["events"]) for r in as_target}
    left, bottom, top = 52, 30, 10
    if not src and not tgt:
        return _bar_chart(width, height, [], [], left, 0, 0, top, height - bottom - top)
    x_of, width, ticks = _time_axis(sorted({*src, *tgt}), period, width, left)
    plot_h = height - bottom - top
    peak = max([*src.values(), *tgt.values(), 1])
    scale = _nice_top(peak)
    bars = []
    for label in sorted({*src, *tgt}):
        day = _as_day(label)
        x0, x1 = x_of(day), x_of(_next_period(day, period))
        bar_w = max(1.0, min((x1 - x0) * 0.4, 32.0))
        for j, (side, counts) in enumerate((("source", src), ("target", tgt))):
            n = counts.get(label, 0)
            if not n:
                continue
            h = plot_h * n / scale
            bars.append(
                {
                    "x": round((x0 + x1) / 2 - bar_w + j * bar_w, 1),
                    "y": round(top + plot_h - h, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                    "side": side,
                    "title": f"{label}: {counted(n, 'event')} as {side}",
                }
            )
    chart = _bar_chart(width, height, bars, [], left, 0, peak, top, plot_h, scale)
    chart["ticks"] = ticks
    return chart


def _time_axis(
    periods: Sequence[Any], period: str, width: int, left: float
) -> tuple[Any, int, list[dict[str, Any]]]:
    """The x of a date (proportional to time from the first period's start to the
    last period's end), the chart's width (3 px or more per period, up to a scrollable
    4000 px) and the axis's round-date ticks."""
    days = [_as_day(p) for p in periods]
    start, end = min(days), _next_period(max(days), period)
    one = (_next_period(start, period) - start).days
    count = max(1, round((end - start).days / one))
    width = max(width, min(4000, int(left) + 10 + 3 * count))
    plot_w, span = width - left - 10, (end - start).days

    def x_of(day: dt.date) -> float:
        return left + plot_w * (day - start).days / span

    ticks = [{"x": round(x_of(d), 1), "label": label} for d, label in _time_ticks(start, end)]
    return x_of, width, ticks


def _bar_chart(
    width: int,
    height: int,
    bars: list[dict[str, Any]],
    labels: list[str],
    left: float,
    step: float,
    peak: float,
    top: float,
    plot_h: float,
    scale: float | None = None,
) -> dict[str, Any]:
    """What the bar-chart template draws: bars, about ten axis labels, the y axis's
    round ticks (0 … `scale`, the value at the top of the plot), the frame."""
    scale = scale or peak or 1
    ystep = _nice_step(scale)
    yticks = [
        {"y": round(top + plot_h - plot_h * k * ystep / scale, 1), "label": f"{k * ystep:g}"}
        for k in range(int(scale / ystep + 1e-9) + 1)
    ]
    every = max(1, math.ceil(len(labels) / 10))
    ticks = [
        {"x": round(left + i * step + step / 2, 1), "label": label}
        for i, label in enumerate(labels)
        if i % every == 0
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "yticks": yticks,
        "peak": peak,
        "left": left,
        "base": top + plot_h,
        "top": top,
    }
