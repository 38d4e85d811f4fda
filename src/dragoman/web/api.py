"""The JSON API under `/api`: each route is a call to `dragoman.extract` or one `Store` query.

The query functions here (`events_page`, `actor_profile`, `timeline`, …) also
feed the dashboard pages, so a page and its JSON counterpart always agree.
Routes are plain `def`: FastAPI runs them in its thread pool, and the store
gives each thread its own read cursor. The two that extract are `async`: they run
the extraction in the pool while watching the connection (`extract_watched`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from dragoman import __version__
from dragoman.api import extract
from dragoman.errors import Stopped
from dragoman.models import SCHEMA, Extraction
from dragoman.output import to_dict
from dragoman.store import Store
from dragoman.store._queries import EVENT_FILTER_HELP as HELP
from dragoman.store._queries import EventFilter
from dragoman.web import views
from dragoman.web.app import WebState, state
from dragoman.web.schemas import (
    ERROR_RESPONSES,
    WRITE_RESPONSES,
    ActorProfile,
    ArticleIn,
    Health,
    Page,
    Timeline,
)

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)

DEFAULT_LIMIT = 100
# Mean Goldstein scores (on a scale of -10 … +10 with one decimal) to two decimals:
# -1.4333333333333333 tells nobody more than -1.43.
GOLDSTEIN_DIGITS = 2
MAX_LIMIT = 1000
# Filters are short codes and words: bounded, and no control characters (NUL
# cannot even be bound as a DuckDB string).
_WORD = r"^[^\x00-\x1f\x7f]*$"
Word = Annotated[str | None, Query(max_length=200, pattern=_WORD)]
Code = Annotated[str | None, Query(max_length=32, pattern=r"^[A-Za-z0-9_]*$")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[int, Query(ge=0, le=100_000_000, description="Rows to skip.")]
Quad = Annotated[int, Field(ge=1, le=4)]
PeriodName = Literal["day", "week", "month", "year"]


def event_filters(
    actor: Annotated[Code, Query(description=HELP["actor"])] = None,
    source_actor: Annotated[Code, Query(description=HELP["source_actor"])] = None,
    target_actor: Annotated[Code, Query(description=HELP["target_actor"])] = None,
    cameo: Annotated[
        str | None, Query(max_length=4, pattern=r"^\d*$", description=HELP["cameo"])
    ] = None,
    root: Annotated[
        str | None, Query(max_length=2, pattern=r"^\d*$", description=HELP["root"])
    ] = None,
    plover: Annotated[Code, Query(description=HELP["plover"])] = None,
    quad: Annotated[list[Quad] | None, Query(description=HELP["quad"])] = None,
    since: Annotated[dt.date | None, Query(description=HELP["since"])] = None,
    until: Annotated[dt.date | None, Query(description=HELP["until"])] = None,
    outlet: Annotated[Word, Query(description=HELP["outlet"])] = None,
    via: Annotated[Word, Query(description=HELP["via"])] = None,
    text: Annotated[Word, Query(description=HELP["text"])] = None,
    article: Annotated[Word, Query(description=HELP["article"])] = None,
    negated: Annotated[bool | None, Query(description=HELP["negated"])] = None,
    hypothetical: Annotated[bool | None, Query(description=HELP["hypothetical"])] = None,
    factual: Annotated[bool, Query(description=HELP["factual"])] = False,
    min_confidence: Annotated[
        float | None, Query(ge=0.0, le=1.0, description=HELP["min_confidence"])
    ] = None,
    named: Annotated[bool, Query(description=HELP["named"])] = False,
) -> dict[str, Any]:
    """The filters of `Store.events()` from the query string (absent ones left out)."""
    given = {
        "actor": actor,
        "source_actor": source_actor,
        "target_actor": target_actor,
        "cameo": cameo,
        "root": root,
        "plover": plover,
        "quad": quad or None,
        "since": since,
        "until": until,
        "outlet": outlet,
        "via": via,
        "text": text,
        "article": article,
        "negated": negated,
        "hypothetical": hypothetical,
        "factual": factual or None,
        "min_confidence": min_confidence,
        "named": named or None,
    }
    return {k: v for k, v in given.items() if v not in (None, "")}


EventFilters = Annotated[dict[str, Any], Depends(event_filters)]
# Newest first: the page opens on this week's events, not on a 1938 date in a history
# paragraph. `oldest` gives the order of `Store.events()` and the exports.
EventOrder = Annotated[
    Literal["newest", "oldest"],
    Query(description="By the event's date (else the publication date): newest or oldest first."),
]
QuoteOrder = Annotated[
    Literal["newest", "oldest"],
    Query(description="By the article's publication date: newest or oldest first."),
]
Web = Annotated[WebState, Depends(state)]


# --- query functions shared with the pages -------------------------------------------


def page(frame: Any, limit: int, offset: int) -> dict[str, Any]:
    """A page of rows from a frame read with `limit + 1` rows (the extra one tells
    whether another page follows)."""
    return {
        "items": views.records(frame.head(limit)),
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if len(frame) > limit else None,
    }


def events_page(
    store: Store, filters: dict[str, Any], limit: int, offset: int, order: str = "newest"
) -> dict[str, Any]:
    """One page of events, newest first unless `order` says otherwise."""
    frame = store.events(**filters, limit=limit + 1, offset=offset, order=order)
    return page(frame, limit, offset)


def store_page(
    query: Callable[..., pd.DataFrame],
    filters: dict[str, Any],
    limit: int,
    offset: int,
    **options: Any,
) -> dict[str, Any]:
    """One page of a `Store` query (`Store.quotes`, `.articles`, `.actors`): the filters
    given (None and "" left out), one row more than the page to tell if there is a next;
    shared by the JSON routes and the dashboard pages."""
    given = {k: v for k, v in filters.items() if v not in (None, "")}
    return page(query(**given, **options, limit=limit + 1, offset=offset), limit, offset)


def quotes_page(
    store: Store, filters: dict[str, Any], limit: int, offset: int, order: str = "newest"
) -> dict[str, Any]:
    """One page of quotes (the filters of `Store.quotes()`), newest first unless `order`
    says otherwise."""
    return store_page(store.quotes, filters, limit, offset, order=order)


def actor_profile(
    store: Store, code: str, period: str, filters: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An actor code's entries, and its events as source and as target per period
    (those matching `filters` too); 404 when no actor and no event has the code."""
    code = code.upper()
    if store.actors(actor=code, limit=1).empty and store.events(actor=code, limit=1).empty:
        # No actor and no event has this code: a typo, not an actor without events.
        raise HTTPException(404, f"no actor {code!r}: no actor or event has this code")

    def on(side: str) -> EventFilter:
        return {**(filters or {}), f"{side}_actor": code}  # type: ignore[typeddict-item]

    def series(side: str) -> list[dict[str, Any]]:
        frame = store.dyads(period=period, **on(side))
        if not len(frame):
            return []
        frame = frame.assign(weighted=frame["goldstein"] * frame["events"])
        grouped = frame.groupby("period", as_index=False)[["events", "weighted"]].sum()
        grouped["goldstein"] = (grouped["weighted"] / grouped["events"]).round(GOLDSTEIN_DIGITS)
        return views.records(grouped[["period", "events", "goldstein"]])

    def partners(side: str, other: str) -> list[dict[str, Any]]:
        frame = store.dyads(period=None, **on(side))
        if not len(frame):
            return []
        frame = frame.assign(goldstein=frame["goldstein"].round(GOLDSTEIN_DIGITS))
        return views.records(frame[[other, "events", "goldstein"]].head(20))

    return {
        "code": code,
        "period": period,
        "actors": views.records(store.actors(actor=code, limit=50)),
        "as_source": series("source"),
        "as_target": series("target"),
        "partners_as_source": partners("source", "target"),
        "partners_as_target": partners("target", "source"),
    }


TIMELINE_NOTE = (
    "Counts events whose source and target countries are both known "
    "(the events the dyad table holds)."
)


def timeline(store: Store, period: str, filters: dict[str, Any]) -> dict[str, Any]:
    """Events per period and quad class."""
    wanted = set(filters.pop("quad", None) or views.QUAD_NAMES)
    frames = {
        q: store.dyads(period=period, **filters, quad=q) for q in views.QUAD_NAMES if q in wanted
    }
    return {"period": period, "items": views.timeline_series(frames), "note": TIMELINE_NOTE}


def dyads_frame(
    store: Store, period: str, filters: dict[str, Any], split_igos: bool = False
) -> pd.DataFrame:
    """`Store.dyads`, with `all` meaning no period, mean Goldstein scores rounded."""
    frame = store.dyads(
        period=None if period == "all" else period, split_igos=split_igos, **filters
    )
    return frame.assign(goldstein=frame["goldstein"].round(GOLDSTEIN_DIGITS))


def run_extract(web: WebState, body: ArticleIn, gone: threading.Event | None = None) -> Extraction:
    """Extract one article with the server's settings (one at a time).

    A request waits at most the `extract_wait` setting for the extraction another
    request is running; past it, 503 with `Retry-After`: requests never pile up
    behind one long extraction. The extraction itself stops at its next step when it
    has run for `extract_timeout` seconds (503) or when `gone` is set (the client
    disconnected: `extract_watched`).
    """
    if not web.extract_lock.acquire(timeout=max(0.0, web.settings.extract_wait)):
        raise HTTPException(
            503,
            f"another extraction has run for over {web.settings.extract_wait:g} s; try again",
            headers={"Retry-After": "5"},
        )
    budget = web.settings.extract_timeout
    deadline = time.monotonic() + budget if budget > 0 else None

    def stop() -> bool:
        left = gone is not None and gone.is_set()
        return left or (deadline is not None and time.monotonic() > deadline)

    try:
        return extract(body.record(), published=body.published, settings=web.settings, stop=stop)
    except Stopped as exc:
        why = "the client disconnected" if gone is not None and gone.is_set() else None
        log.info("extraction stopped: %s", why or f"over extract_timeout {budget:g} s")
        raise HTTPException(
            503,
            why or f"the extraction ran over its time budget of {budget:g} s (extract_timeout)",
            headers={"Retry-After": "5"},
        ) from exc
    finally:
        web.extract_lock.release()


async def extract_watched(web: WebState, body: ArticleIn, request: Request) -> Extraction:
    """`run_extract` in a worker thread while the connection is watched: when the
    client goes away, the extraction stops at its next step instead of running on."""
    gone = threading.Event()

    async def watch() -> None:
        while not await request.is_disconnected():
            await asyncio.sleep(_WATCH_SECONDS)
        gone.set()

    watcher = asyncio.create_task(watch())
    try:
        return await run_in_threadpool(run_extract, web, body, gone)
    finally:
        watcher.cancel()


_WATCH_SECONDS = 0.2


# --- routes --------------------------------------------------------------------------


@router.get("/health", response_model=Health)
def health(web: Web) -> dict[str, Any]:
    """The server is up and the database answers."""
    web.store.has("")
    return {
        "status": "ok",
        "version": __version__,
        "schema": SCHEMA,
        "database": web.store.dialect,
        "writes_need_token": bool(web.token),
    }


@router.post(
    "/articles",
    status_code=201,
    responses={
        **WRITE_RESPONSES,
        200: {"description": "Already stored: the stored extraction"},
        201: {"description": "Stored: the extraction (output contract dragoman/2)"},
    },
)
async def post_article(
    body: ArticleIn, request: Request, response: Response, web: Web
) -> dict[str, Any]:
    """Extract one article and store it; returns the extraction (output contract).

    201 when the article is new, 200 when the same clean text was already stored
    (then nothing changes). `Location` points at the stored article.
    """
    web.require_token(request)
    extraction = await extract_watched(web, body, request)
    new = await run_in_threadpool(web.store.add, extraction)
    response.status_code = 201 if new else 200
    response.headers["location"] = f"/api/articles/{extraction.article.hash}"
    return to_dict(extraction)


@router.post("/extract", responses=WRITE_RESPONSES)
async def post_extract(body: ArticleIn, request: Request, web: Web) -> dict[str, Any]:
    """Extract one article without storing it; returns the extraction (output contract)."""
    web.require_token(request)
    return to_dict(await extract_watched(web, body, request))


@router.get(
    "/articles/{article_id}",
    responses={404: ERROR_RESPONSES[400] | {"description": "No such article"}},
)
def get_article(
    article_id: Annotated[str, Path(max_length=200, pattern=_WORD)], web: Web
) -> dict[str, Any]:
    """One stored article (by hash or by its own id) as the output contract."""
    found = web.store.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return found


@router.get("/events", response_model=Page)
def get_events(
    filters: EventFilters,
    web: Web,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    order: EventOrder = "newest",
) -> dict[str, Any]:
    """Events (the columns of `Store.events()`), filtered, newest first, paged."""
    return events_page(web.store, filters, limit, offset, order)


@router.get("/quotes", response_model=Page)
def get_quotes(
    web: Web,
    speaker: Word = None,
    via: Word = None,
    text: Word = None,
    kind: Literal["direct", "partial", "indirect"] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    outlet: Word = None,
    article: Word = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    order: QuoteOrder = "newest",
) -> dict[str, Any]:
    """Quotes with their speakers and attribution chains, newest first, paged."""
    return quotes_page(
        web.store,
        {
            "speaker": speaker,
            "via": via,
            "text": text,
            "kind": kind,
            "since": since,
            "until": until,
            "outlet": outlet,
            "article": article,
        },
        limit,
        offset,
        order,
    )


@router.get("/articles", response_model=Page)
def get_articles(
    web: Web,
    words: Annotated[
        Word, Query(description="Every word in the title, the outlet or the text (any case).")
    ] = None,
    outlet: Word = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
    order: QuoteOrder = "newest",
) -> dict[str, Any]:
    """Stored articles with their counts of events, quotes and actors, newest first, paged."""
    filters = {"words": words, "outlet": outlet, "since": since, "until": until}
    return store_page(web.store.articles, filters, limit, offset, order=order)


@router.get("/actors", response_model=Page)
def get_actors(
    web: Web,
    actor: Code = None,
    name: Word = None,
    q: Annotated[Word, Query(description="In the actor's name, or the actor's code.")] = None,
    kind: Annotated[str | None, Query(max_length=32, pattern=r"^[a-z_]*$")] = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    outlet: Word = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Actors over all articles, most seen first, paged."""
    filters = {
        "actor": actor,
        "name": name,
        "search": q,
        "kind": kind,
        "since": since,
        "until": until,
        "outlet": outlet,
    }
    return store_page(web.store.actors, filters, limit, offset)


@router.get("/actors/{code}", response_model=ActorProfile)
def get_actor(
    code: Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9_]+$")],
    filters: EventFilters,
    web: Web,
    period: PeriodName = "month",
) -> dict[str, Any]:
    """One actor code (IRN, IRNGOV): its entries, and its events as source and target over
    time (events with both countries known, matching the filters), with its main partners."""
    return actor_profile(web.store, code, period, filters)


@router.get("/dyads")
def get_dyads(
    filters: EventFilters,
    web: Web,
    period: Literal["day", "week", "month", "year", "all"] = "week",
    split_igos: Annotated[
        bool,
        Query(
            description="An international organisation is a side of its own, by its actor "
            "code (IGOEUR), not the shared country IGO."
        ),
    ] = False,
) -> dict[str, Any]:
    """Event counts and mean Goldstein per source → target country pair (and period;
    `all` for all time). The network view draws `period=all&split_igos=true`."""
    frame = dyads_frame(web.store, period, filters, split_igos)
    return {"period": period, "items": views.records(frame)}


@router.get("/timeline", response_model=Timeline)
def get_timeline(filters: EventFilters, web: Web, period: PeriodName = "day") -> dict[str, Any]:
    """Events per period by quad class (the timeline view)."""
    return timeline(web.store, period, filters)


@router.get("/stats")
def get_stats(web: Web) -> dict[str, Any]:
    """Counts of articles, events, quotes and actors, by root, quad class and PLOVER type."""
    return web.store.stats()
