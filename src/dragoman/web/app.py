"""The HTTP API and the dashboard: a thin adapter over `dragoman.extract` and `Store`.

`create_app(settings, db_url, token=None)` returns the FastAPI application;
`dragoman serve` runs it with uvicorn. The JSON API lives under `/api` (see
`web/api.py`), the server-rendered pages beside it (`web/pages.py`), the OpenAPI
description at `/openapi.json` and its browsable form at `/docs`.

Errors. This module is the one place where exceptions become HTTP responses,
always `{"error": {"status", "type", "message"}}` (an HTML page carrying the
same fields for a browser asking for a dashboard page):

    validation error (query, path, body)   422 validation_error
    malformed body (bad UTF-8, bad form)   400 bad_request
    unknown route or article               404 not_found
    body over the size limit               413 payload_too_large
    extraction slot busy past extract_wait 503 unavailable (with Retry-After)
    missing or wrong token                 401 unauthorized
    RejectedInput                          422 rejected (and `reason`)
    InputError, SettingsError              400 bad_input / bad_setting
    StoreError                             409 store_error (e.g. an id naming two articles)
    anything else                          500 internal_error, generic message, logged

Security. Article text is untrusted: every template is autoescaped and none
marks data safe; the highlighted article is built from spans by `views.highlight`
and each piece escaped by the template. Every response carries a strict
Content-Security-Policy (scripts only from our own `/static`, no inline script),
`nosniff`, a same-origin referrer policy and `frame-ancestors 'none'`. Request bodies are capped
(`max_body`, 413). When a token is configured, every POST needs
`Authorization: Bearer <token>` (the paste form sends it as a form field).
Cross-site form posts are refused by their `Origin` header. `allowed_hosts`
(set by `dragoman serve` to the loopback names when it listens on loopback)
refuses requests for any other `Host`, so a web page cannot reach the server
through DNS rebinding.
"""

from __future__ import annotations

import functools
import hmac
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jinja2
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dragoman import __version__
from dragoman.errors import (
    DragomanError,
    InputError,
    RejectedInput,
    SettingsError,
    Stopped,
    StoreError,
)
from dragoman.settings import Settings
from dragoman.store import Store
from dragoman.store._queries import EVENT_FILTER_HELP
from dragoman.web.views import counted, event_date

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
# Largest request body accepted (bytes). Settings.max_bytes (20 MB) bounds what the
# pipeline reads from files; an HTTP endpoint open to a network gets a tighter cap.
MAX_BODY_BYTES = 2_000_000

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
# Swagger UI (vendored) sets inline `style` attributes; scripts stay 'self' only.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # "no-referrer" makes Chrome send `Origin: null`
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}
ERROR_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}


@dataclass(slots=True)
class WebState:
    """What the routes share: settings, the open store, the token and the limits."""

    settings: Settings
    store: Store
    token: str | None
    max_body: int
    # The pipeline is built once per process and used from worker threads: one
    # extraction at a time keeps spaCy and the pipeline's caches single-threaded.
    extract_lock: threading.Lock = field(default_factory=threading.Lock)

    def authorized(self, request: Request, form_token: str | None = None) -> bool:
        """True when no token is configured or the request carries the right one."""
        if not self.token:
            return True
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        given = value.strip() if scheme.lower() == "bearer" else (form_token or "")
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def require_token(self, request: Request, form_token: str | None = None) -> None:
        """Raise 401 unless `authorized`."""
        if not self.authorized(request, form_token):
            raise HTTPException(
                401,
                "this server needs `Authorization: Bearer <token>` for writes",
                headers={"WWW-Authenticate": "Bearer"},
            )


def state(request: Request) -> WebState:
    """The `WebState` of the app serving `request`."""
    return request.app.state.web  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    """The Jinja2 templates, autoescaped whatever the file name (no `.html` guessing)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["event_date"] = event_date
    env.filters["counted"] = counted  # {{ n|counted("event") }}: "1 event", "2 events"
    env.globals["filter_help"] = EVENT_FILTER_HELP
    return Jinja2Templates(env=env)


# --- errors ------------------------------------------------------------------------


def error_body(status: int, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    """The JSON error shape."""
    return {"error": {"status": status, "type": kind, "message": message, **extra}}


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return (
        not path.startswith("/api/")
        and path not in ("/openapi.json", "/events.csv")
        and "text/html" in request.headers.get("accept", "")
    )


def error_response(
    request: Request,
    status: int,
    kind: str,
    message: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """The error as JSON, or as an HTML page for a browser on a dashboard page."""
    body = error_body(status, kind, message, **extra)
    if _wants_html(request):
        try:
            return templates().TemplateResponse(
                request,
                "error.html",
                {
                    "error": body["error"],
                    "nav": "",
                    "api_url": None,
                    "back": _back(request, status),
                },
                status_code=status,
                headers=headers,
            )
        except Exception:  # never let the error page hide the error
            log.exception("cannot render the error page")
    return JSONResponse(body, status_code=status, headers=headers)


def _back(request: Request, status: int) -> str:
    """Where the error page's link leads: the same page without its query for a bad
    parameter (422 on a GET), else the start page."""
    path = request.url.path
    if status == 422 and request.method == "GET" and path.startswith("/") and path[1:2] != "/":
        return path
    return "/"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:10]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _dragoman_status(exc: DragomanError) -> tuple[int, str]:
    if isinstance(exc, RejectedInput):
        return 422, "rejected"
    if isinstance(exc, SettingsError):
        return 400, "bad_setting"
    if isinstance(exc, InputError):
        return 400, "bad_input"
    if isinstance(exc, StoreError):
        return 409, "store_error"
    if isinstance(exc, Stopped):
        return 503, "unavailable"  # a time budget or a client that left stopped it
    # ModelError, KnowledgeError, EvalError: the server is misconfigured, not the client.
    return 500, "internal_error"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        return error_response(
            request,
            status,
            ERROR_TYPES.get(status, f"http_{status}"),
            str(exc.detail),
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, "validation_error", _validation_message(exc))

    @app.exception_handler(DragomanError)
    async def dragoman_error(request: Request, exc: DragomanError) -> Response:
        status, kind = _dragoman_status(exc)
        if status >= 500:
            log.error("server misconfigured: %s", exc)
            return error_response(request, 500, kind, "internal server error")
        if isinstance(exc, RejectedInput):
            return error_response(request, status, kind, str(exc), reason=exc.reject.reason)
        return error_response(request, status, kind, str(exc))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Starlette's outermost middleware calls this one, outside _Guard: add the
        # security headers here too.
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            error_body(500, "internal_error", "internal server error"),
            status_code=500,
            headers={"content-security-policy": CSP, **SECURITY_HEADERS},
        )


# --- the guard: body cap, security headers, empty form fields ------------------------


class _Guard:
    """ASGI middleware: cap request bodies, add security headers, tidy dashboard queries.

    The cap is checked on `Content-Length` before the body is read, and on the
    bytes actually received (a chunked body has no length): both give 413.
    """

    def __init__(
        self, app: ASGIApp, max_body: int, allowed_hosts: frozenset[str] | None = None
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path == "/docs" else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = {"content-security-policy": csp, **SECURITY_HEADERS}
                headers += [
                    (k.encode(), v.encode()) for k, v in extra.items() if k.encode() not in names
                ]
                message["headers"] = headers
            await send(message)

        if self.allowed_hosts is not None and _host(scope) not in self.allowed_hosts:
            response = JSONResponse(error_body(400, "bad_request", "unknown Host"), status_code=400)
            await response(scope, receive, send_with_headers)
            return

        length = _content_length(scope)
        if length is not None and (length < 0 or length > self.max_body):
            status = 413 if length > self.max_body else 400
            message = (
                f"request body larger than {self.max_body} bytes"
                if status == 413
                else "bad Content-Length"
            )
            response = JSONResponse(
                error_body(status, ERROR_TYPES[status], message), status_code=status
            )
            await response(scope, receive, send_with_headers)
            return

        if scope["method"] == "GET" and not path.startswith("/api/") and scope.get("query_string"):
            # Dashboard filter forms send every field; an empty one means "no filter".
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(k, v) for k, v in pairs if v.strip()]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}

        received = 0
        limit = self.max_body

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # fastapi's HTTPException: its body reader re-raises those as they are.
                    raise HTTPException(413, f"request body larger than {limit} bytes")
            return message

        await self.app(scope, counted, send_with_headers)


def _host(scope: Scope) -> str | None:
    """The host name of the request's `Host` header (no port), lower case."""
    for name, value in scope.get("headers", ()):
        if name.lower() == b"host":
            try:
                return urlsplit("//" + value.decode("latin-1")).hostname
            except ValueError:
                return None
    return None


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


# --- the app -----------------------------------------------------------------------


def create_app(
    settings: Settings,
    db_url: str,
    token: str | None = None,
    *,
    max_body: int = MAX_BODY_BYTES,
    allowed_hosts: Iterable[str] | None = None,
) -> FastAPI:
    """The FastAPI application serving the HTTP API and the dashboard.

    Args:
        settings: settings for the pipeline (`POST /api/articles`, `/api/extract`).
        db_url: the database (DuckDB path or `postgresql://` URL); opened now,
            closed when the app shuts down.
        token: when given, every POST needs `Authorization: Bearer <token>`.
        max_body: largest request body in bytes (larger gives 413).
        allowed_hosts: host names the `Host` header may carry (others give 400);
            None accepts any.

    Returns:
        The application (run it with uvicorn, or test it with `TestClient`).

    Raises:
        StoreError: the database cannot be opened.
    """
    from contextlib import asynccontextmanager

    from dragoman.web import api, pages

    # Shared: the file is read-only between writes, so the CLI can read it meanwhile.
    store = Store.open(db_url, shared=True, wait=settings.db_wait)

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # type: ignore[no-untyped-def]
        yield
        store.close()

    app = FastAPI(
        title="dragoman",
        version=__version__,
        summary="Source-attributed political event data from news.",
        description=(
            "Who did what to whom, when, where — and who says so. Extractions follow the "
            "versioned output contract `dragoman/2` (docs/schema.md). Every error has the "
            'shape `{"error": {"status", "type", "message"}}`.'
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.web = WebState(settings=settings, store=store, token=token or None, max_body=max_body)
    _install_error_handlers(app)
    hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
    app.add_middleware(_Guard, max_body=max_body, allowed_hosts=hosts)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs(request: Request) -> Response:
        return templates().TemplateResponse(request, "docs.html", {"nav": "docs"})

    return app
