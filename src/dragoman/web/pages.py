"""The dashboard: server-rendered pages over the same query functions as the JSON API.

Each page links its JSON counterpart (`api_url`). Templates are autoescaped and
receive plain data (strings, numbers, `views.Segment`s): none of them marks
anything safe.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from dragoman.errors import RejectedInput
from dragoman.export import spreadsheet_safe
from dragoman.output import to_dict
from dragoman.web import views
from dragoman.web.api import (
    EventFilters,
    EventOrder,
    Offset,
    PeriodName,
    QuoteOrder,
    Web,
    Word,
    actor_profile,
    dyads_frame,
    events_page,
    quotes_page,
    run_extract,
    store_page,
    timeline,
)
from dragoman.web.app import WebState, state, templates
from dragoman.web.schemas import ArticleIn

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_LIMIT = 50
ARTICLE_ID = Annotated[str, Path(max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$")]
ACTOR_CODE = Annotated[str, Path(max_length=32, pattern=r"^[A-Za-z0-9_]+$")]
_FORM_FIELDS = ("article", "format", "url", "title", "outlet", "published", "token", "action")


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A template with the context every page has (`nav`, `api_url`, `token_required`)."""
    base = {"nav": "", "api_url": None, "token_required": bool(state(request).token)}
    return templates().TemplateResponse(request, name, {**base, **context}, status_code=status_code)


@functools.lru_cache(maxsize=1)
def cameo_names() -> dict[str, str]:
    """CAMEO code → name from the codebook, for events without a PLOVER type."""
    try:
        from dragoman import knowledge

        return {code: row.name for code, row in knowledge.load().codes.items()}
    except Exception:  # the names are a nicety; the page works with codes alone
        log.warning("cannot load the CAMEO codebook; showing codes only", exc_info=True)
        return {}


def safe_url(url: Any) -> str | None:
    """`url` when it is an http(s) link (never `javascript:` and friends), else None."""
    if not isinstance(url, str):
        return None
    return url if urlsplit(url.strip()).scheme.lower() in ("http", "https") else None


def _query(request: Request, **changes: Any) -> str:
    """The request's query string with some parameters replaced (None drops one)."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    pairs += [(k, str(v)) for k, v in changes.items() if v is not None]
    return urlencode(pairs)


# --- paste an article ------------------------------------------------------------------


@router.get("/")
def index(request: Request, web: Web) -> Response:
    """The paste form, and what the database holds."""
    return render(
        request,
        "index.html",
        nav="home",
        api_url="/api/stats",
        stats=web.store.stats(),
        form={},
        problem=None,
    )


def _check_origin(request: Request) -> None:
    """Refuse form posts from other sites (a cross-site POST carries a foreign Origin)."""
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise HTTPException(403, "cross-site form posts are refused")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.headers.get("host"):
        raise HTTPException(403, "cross-site form posts are refused")


async def _form(request: Request) -> dict[str, str]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    raw = await request.body()
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=len(_FORM_FIELDS) * 2,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, f"malformed form body: {exc.__class__.__name__}") from exc
    return {k: v for k, v in pairs if k in _FORM_FIELDS}


def _article_in(form: dict[str, str]) -> ArticleIn:
    body = form.get("article", "")
    data: dict[str, Any] = {"html" if form.get("format") == "html" else "text": body}
    for name in ("url", "title", "outlet", "published"):
        value = form.get(name, "").strip()
        if value:
            data[name] = value
    return ArticleIn.model_validate(data)


def _extract_and_store(web: WebState, article: ArticleIn) -> str:
    extraction = run_extract(web, article)
    web.store.add(extraction)
    return extraction.article.hash


@router.post("/")
async def paste(request: Request) -> Response:
    """Extract and store a pasted article, then show it (303 to `/articles/{hash}`)."""
    web = state(request)
    _check_origin(request)
    form = await _form(request)
    web.require_token(request, form.get("token"))
    shown = {k: v for k, v in form.items() if k not in ("token", "action")}
    preview = form.get("action") == "preview"
    try:
        article = _article_in(form)
        if preview:
            # Extracted as it would be stored, then shown and forgotten: nothing is written.
            extraction = await run_in_threadpool(run_extract, web, article)
        else:
            key = await run_in_threadpool(_extract_and_store, web, article)
    except ValidationError as exc:
        problem = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'form'}: {e['msg']}" for e in exc.errors()
        )
        return render(
            request,
            "index.html",
            status_code=422,
            nav="home",
            api_url="/api/stats",
            stats=web.store.stats(),
            form=shown,
            problem=problem,
        )
    except RejectedInput as exc:
        reason = exc.reject.reason + (f" ({exc.reject.detail})" if exc.reject.detail else "")
        return render(
            request,
            "index.html",
            status_code=422,
            nav="home",
            api_url="/api/stats",
            stats=web.store.stats(),
            form=shown,
            problem=f"The article was set aside: {reason}",
        )
    if preview:
        return render(
            request,
            "article.html",
            nav="home",
            preview=shown,
            **_article_context(to_dict(extraction)),
        )
    return RedirectResponse(f"/articles/{key}", status_code=303)


# --- one article -----------------------------------------------------------------------


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: ARTICLE_ID, web: Web) -> Response:
    """The clean text with actors, triggers and quotes highlighted, and every event in words."""
    found = web.store.article(article_id)
    if found is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return render(
        request,
        "article.html",
        nav="articles",
        api_url=f"/api/articles/{found['hash']}",
        preview=None,
        **_article_context(found),
    )


def _article_context(found: dict[str, Any]) -> dict[str, Any]:
    """What article.html shows of an output-contract dict (stored or previewed)."""
    quotes = []
    for quote in found["quotes"]:
        speaker = (quote.get("speaker") or {}).get("name")
        via = views.chain_words(quote.get("via") or (), skip=speaker)
        quotes.append({**quote, "via_words": via})
    return {
        "article": found,
        "link": safe_url(found.get("url")),
        "segments": views.highlight(found),
        "events": views.article_events(found, cameo_names()),
        "quotes": quotes,
        "published": views.long_date(found.get("published")),
    }


# --- events ----------------------------------------------------------------------------


def _event_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    names = cameo_names()
    return [
        {
            **row,
            "words": views.row_words(row, names),
            "chain": views.row_chain(row),
            "quad_name": views.QUAD_NAMES.get(row.get("quad_class") or 0, ""),
        }
        for row in items
    ]


@router.get("/events")
def events(
    request: Request,
    filters: EventFilters,
    web: Web,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_LIMIT,
    offset: Offset = 0,
    order: EventOrder = "newest",
) -> Response:
    """The filterable events table, newest first, with its CSV and JSON links."""
    page = events_page(web.store, filters, limit, offset, order)
    query = request.url.query
    return render(
        request,
        "events.html",
        nav="events",
        api_url="/api/events" + (f"?{query}" if query else ""),
        csv_url="/events.csv"
        + (
            f"?{_query(request, limit=None, offset=None)}"
            if _query(request, limit=None, offset=None)
            else ""
        ),
        rows=_event_rows(page["items"]),
        page=page,
        q=request.query_params,
        order=order,
        quads=request.query_params.getlist("quad"),
        quad_names=views.QUAD_NAMES,
        prev_url=(f"/events?{_query(request, offset=max(0, offset - limit))}" if offset else None),
        next_url=(
            f"/events?{_query(request, offset=page['next_offset'])}"
            if page["next_offset"] is not None
            else None
        ),
    )


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = ";".join("" if v is None else str(v) for v in value)
    return spreadsheet_safe(value)


@router.get("/events.csv", response_class=Response)
def events_csv(
    filters: EventFilters,
    web: Web,
    limit: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    offset: Offset = 0,
    order: EventOrder = "newest",
) -> Response:
    """The filtered events as CSV (all of them unless `limit`): the columns and order
    of the API.

    List columns are joined with `;`; text cells that a spreadsheet would run as a
    formula (starting with = + - @) get a leading apostrophe.
    """
    frame = web.store.events(**filters, limit=limit, offset=offset, order=order)
    rows = views.records(frame)
    out = io.StringIO()
    clean = pd.DataFrame(
        [{k: _csv_cell(v) for k, v in row.items()} for row in rows], columns=list(frame.columns)
    )
    clean.to_csv(out, index=False)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="events.csv"'},
    )


# --- actors, network, timeline ---------------------------------------------------------


@router.get("/actors/{code}")
def actor_page(
    request: Request,
    code: ACTOR_CODE,
    filters: EventFilters,
    web: Web,
    period: PeriodName = "month",
) -> Response:
    """One actor code's events as source and as target over time."""
    profile = actor_profile(web.store, code, period, filters)
    code = profile["code"]
    as_source = events_page(web.store, {**filters, "source_actor": code}, 25, 0)
    as_target = events_page(web.store, {**filters, "target_actor": code}, 25, 0)
    return render(
        request,
        "actor.html",
        nav="actors",
        api_url=f"/api/actors/{code}?period={period}",
        code=code,
        profile=profile,
        chart=views.actor_chart(profile["as_source"], profile["as_target"], period),
        as_source=_event_rows(as_source["items"]),
        as_target=_event_rows(as_target["items"]),
        more_source=as_source["next_offset"] is not None,
        more_target=as_target["next_offset"] is not None,
        period=period,
        q=request.query_params,
    )


@router.get("/network")
def network_page(
    request: Request,
    filters: EventFilters,
    web: Web,
    edges: Annotated[int, Query(ge=1, le=500)] = 80,
) -> Response:
    """Who acts on whom: country (or international organisation) → country, coloured by
    mean Goldstein score."""
    # International organisations are nodes of their own (IGOEUR, IGOUNO), not one "IGO".
    frame = dyads_frame(web.store, "all", filters, split_igos=True)
    query = _query(request, edges=None, period="all", split_igos="true")
    return render(
        request,
        "network.html",
        nav="network",
        api_url=f"/api/dyads?{query}",
        net=views.network(frame, max_edges=edges),
        q=request.query_params,
        edges=edges,
    )


@router.get("/timeline")
def timeline_page(
    request: Request, filters: EventFilters, web: Web, period: PeriodName = "day"
) -> Response:
    """Events per period by quad class, as stacked bars."""
    data = timeline(web.store, period, dict(filters))
    query = request.url.query
    return render(
        request,
        "timeline.html",
        nav="timeline",
        api_url="/api/timeline" + (f"?{query}" if query else ""),
        data=data,
        chart=views.timeline_chart(data["items"], period),
        period=period,
        q=request.query_params,
        quad_names=views.QUAD_NAMES,
    )


# --- quotes, articles, actors: search pages ----------------------------------------------


def _pager(request: Request, path: str, result: dict[str, Any]) -> tuple[str | None, str | None]:
    """The previous and next page links of a paged result, keeping the other parameters."""
    offset, limit = result["offset"], result["limit"]
    prev_url = f"{path}?{_query(request, offset=max(0, offset - limit))}" if offset else None
    next_url = (
        f"{path}?{_query(request, offset=result['next_offset'])}"
        if result["next_offset"] is not None
        else None
    )
    return prev_url, next_url


def _api_url(request: Request, path: str) -> str:
    query = request.url.query
    return path + (f"?{query}" if query else "")


def _events_inside(web: WebState, quotes: list[dict[str, Any]]) -> dict[tuple[str, str], list]:
    """The events coded inside each quote of `quotes`, by (article, quote id)."""
    names = cameo_names()
    inside: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for article in dict.fromkeys(q["article"] for q in quotes):
        frame = web.store.events(article=article)
        for row in views.records(frame[frame["quote"].notna()]):
            inside.setdefault((article, row["quote"]), []).append(
                {"id": row["event"], "words": views.row_words(row, names)}
            )
    return inside


@router.get("/quotes")
def quotes_view(
    request: Request,
    web: Web,
    speaker: Word = None,
    outlet: Word = None,
    text: Word = None,
    via: Word = None,
    kind: Literal["direct", "partial", "indirect"] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_LIMIT,
    offset: Offset = 0,
    order: QuoteOrder = "newest",
) -> Response:
    """Quotes, newest first: who said what, where, and the events coded inside each."""
    # The store's quote filter (whole words of the speaker's name, or their code), as
    # `dragoman quotes --speaker` and /api/quotes use it.
    result = quotes_page(
        web.store,
        {
            "speaker": speaker,
            "outlet": outlet,
            "text": text,
            "via": via,
            "kind": kind,
            "since": since,
            "until": until,
        },
        limit,
        offset,
        order,
    )
    inside = _events_inside(web, result["items"])
    rows = [
        {
            **q,
            "events_inside": inside.get((q["article"], q["quote"]), []),
            "link": safe_url(q.get("url")),
        }
        for q in result["items"]
    ]
    pager = _pager(request, "/quotes", result)
    return render(
        request,
        "quotes.html",
        nav="quotes",
        api_url=_api_url(request, "/api/quotes"),
        rows=rows,
        page=result,
        q=request.query_params,
        order=order,
        prev_url=pager[0],
        next_url=pager[1],
    )


@router.get("/articles")
def articles_view(
    request: Request,
    web: Web,
    words: Word = None,
    outlet: Word = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_LIMIT,
    offset: Offset = 0,
    order: QuoteOrder = "newest",
) -> Response:
    """The stored articles, newest first, searchable by words, outlet and date."""
    filters = {"words": words, "outlet": outlet, "since": since, "until": until}
    result = store_page(web.store.articles, filters, limit, offset, order=order)
    pager = _pager(request, "/articles", result)
    return render(
        request,
        "articles.html",
        nav="articles",
        api_url=_api_url(request, "/api/articles"),
        rows=result["items"],
        page=result,
        q=request.query_params,
        order=order,
        prev_url=pager[0],
        next_url=pager[1],
    )


@router.get("/actors")
def actors_view(
    request: Request,
    web: Web,
    q: Word = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_LIMIT,
    offset: Offset = 0,
) -> Response:
    """Actors by name or code, most seen first; each links to its code's page."""
    result = store_page(web.store.actors, {"search": q}, limit, offset)
    pager = _pager(request, "/actors", result)
    return render(
        request,
        "actors.html",
        nav="actors",
        api_url=_api_url(request, "/api/actors"),
        rows=result["items"],
        page=result,
        search=q or "",
        prev_url=pager[0],
        next_url=pager[1],
    )
