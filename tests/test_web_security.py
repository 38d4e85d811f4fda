"""The web layer under hostile input: escaping, CSP, size caps, bad encodings, tokens, and
the promise that invalid input never gives a 500."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web tests need the `web` extra")
with warnings.catch_warnings():
    # Starlette asks for `httpx2`; the pinned `httpx` works and is what FastAPI documents.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from hypothesis import given, settings
from hypothesis import strategies as st

from dragoman.settings import Settings
from dragoman.web import app as web_app
from dragoman.web import create_app

WEB = Path(web_app.__file__).resolve().parent
TOKEN = "s3cret-token"
MALICIOUS = (
    "Ruritania Accuses Freedonia\n\n"
    "Ruritania on Monday accused Freedonia of shelling its border towns, the Example Wire "
    "reported. <script>alert(1)</script> <img src=x onerror=alert(1)> "
    '"We will respond," the Ruritanian defence minister said. '
    "</mark><svg onload=alert(3)> Freedonia denied the claims on Tuesday."
)
# No <script> element without src, and no on*= event handler attribute, anywhere.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Iterator[Any]:
    application = create_app(
        Settings(), str(tmp_path_factory.mktemp("sec") / "sec.duckdb"), max_body=200_000
    )
    yield application
    application.state.web.store.close()


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Iterator[TestClient]:
    application = create_app(
        Settings(), str(tmp_path_factory.mktemp("tok") / "tok.duckdb"), token=TOKEN
    )
    yield TestClient(application, raise_server_exceptions=False)
    application.state.web.store.close()


@pytest.fixture(scope="module")
def evil(client: TestClient) -> dict[str, Any]:
    response = client.post(
        "/api/articles",
        json={
            "text": MALICIOUS,
            "published": "2021-06-07",
            "url": "javascript:alert(4)",
            "title": "</title><script>alert(5)</script>",
            "outlet": "<img src=x onerror=alert(6)>",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def assert_error(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert {"status", "type", "message"} <= set(body["error"])
    assert body["error"]["status"] == status
    if kind:
        assert body["error"]["type"] == kind
    return body["error"]


# --- untrusted article text -----------------------------------------------------------


def test_web_malicious_article_is_escaped_everywhere(client: TestClient, evil: dict) -> None:
    assert "<script>alert(1)</script>" in evil["text"]  # stored as the text it is
    pages = [
        f"/articles/{evil['hash']}",
        "/events",
        "/events?actor=RUR",
        "/",
        "/network",
        "/timeline",
        "/quotes",
        "/articles",
        "/actors",
        "/actors?q=rur",
    ]
    for path in pages:
        html = client.get(path).text
        assert not INLINE_SCRIPT.search(html), path
        assert not HANDLER.search(html), path
        assert "<img src=x" not in html and "<svg onload" not in html, path
    article = client.get(f"/articles/{evil['hash']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=alert(1)&gt;" in article
    assert "&lt;/mark&gt;&lt;svg onload=alert(3)&gt;" in article
    assert "&lt;/title&gt;&lt;script&gt;alert(5)&lt;/script&gt;" in article
    assert "javascript:" not in article  # the url is shown only when http(s)


def test_web_malicious_html_input_loses_its_script(client: TestClient) -> None:
    page = (
        "<html><head><title>t</title><script>alert(1)</script></head><body><article>"
        "<p>Ruritania on Monday accused Freedonia of shelling its border towns, the "
        "Example Wire reported.</p><p onclick=alert(2)>Freedonia denied the claims on "
        "Tuesday, officials said.</p></article></body></html>"
    )
    response = client.post("/api/extract", json={"html": page, "published": "2021-06-07"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert "alert(1)" not in response.json()["text"]


def test_web_csv_cells_cannot_start_a_formula(client: TestClient) -> None:
    text = (
        '=HYPERLINK("http://x") Ruritania on Monday accused Freedonia of shelling its '
        "border towns, the Example Wire reported."
    )
    assert (
        client.post(
            "/api/articles", json={"text": text, "title": "=1+1", "published": "2021-06-08"}
        ).status_code
        == 201
    )
    csv_text = client.get("/events.csv", params={"since": "2021-06-08"}).text
    assert ",=" not in csv_text and "\n=" not in csv_text


def test_web_templates_never_mark_data_safe() -> None:
    assert web_app.templates().env.autoescape is True
    for path in (WEB / "templates").glob("*.html"):
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), path
        assert "autoescape false" not in source.replace("  ", " "), path
        assert "style=" not in source, path  # the CSP allows no inline style
        assert not INLINE_SCRIPT.search(source), path
    for path in WEB.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "Markup(" not in source and "markupsafe" not in source, path


def test_web_vendored_assets_are_pinned() -> None:
    vendor = WEB / "static/vendor/swagger-ui-dist-5.35.0"
    pins = dict(
        line.split()[::-1]
        for line in (vendor / "VENDORED.md").read_text().splitlines()
        if re.fullmatch(r"\s+[0-9a-f]{64}\s+\S+", line)
    )
    assert set(pins) == {"swagger-ui-bundle.js", "swagger-ui.css"}
    for name, digest in pins.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest, name
    assert (vendor / "LICENSE").exists()


# --- headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/events", "/api/health", "/api/articles/nope", "/nope", "/static/js/app.js", "/docs"],
)
def test_web_security_headers_on_every_response(client: TestClient, path: str) -> None:
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    if path != "/docs":
        assert "unsafe-inline" not in csp


def test_web_500_is_generic_and_logged(
    app: Any, client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom() -> None:
        raise RuntimeError("secret detail /etc/passwd")

    monkeypatch.setattr(app.state.web.store, "stats", boom)
    response = client.get("/api/stats")
    error = assert_error(response, 500, "internal_error")
    assert error["message"] == "internal server error"
    assert "secret" not in response.text
    assert "content-security-policy" in response.headers
    assert "secret detail" in caplog.text


# --- limits and encodings -------------------------------------------------------------


def test_web_huge_body_is_413(client: TestClient) -> None:
    big = "Iran rejected the call. " * 20_000  # ~480 kB > the 200 kB cap of this app
    assert_error(client.post("/api/articles", json={"text": big}), 413, "payload_too_large")
    assert_error(client.post("/api/extract", json={"text": big}), 413)
    assert_error(client.post("/", data={"article": big}), 413)


def test_web_huge_chunked_body_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}'

    response = client.post(
        "/api/articles", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    "body", [b'{"text": "\xff\xfe Iran \xc3\x28"}', b"\xff" * 64, b'{"text": "\xed\xa0\x80"}']
)
def test_web_invalid_utf8_json_is_4xx(client: TestClient, body: bytes) -> None:
    response = client.post(
        "/api/articles", content=body, headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert_error(response, response.status_code)


def test_web_invalid_utf8_form_is_400(client: TestClient) -> None:
    response = client.post(
        "/",
        content=b"article=\xff\xfe&format=text",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400, "bad_request")
    encoded = client.post(
        "/",
        content=b"article=%FF%FE&format=text",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(encoded, 400, "bad_request")


def test_web_rejected_article_is_422_with_reason(client: TestClient) -> None:
    error = assert_error(client.post("/api/extract", json={"text": "   "}), 422, "rejected")
    assert error["reason"] == "empty"
    french = (
        "Le gouvernement iranien a rejeté lundi l'appel de la Russie à retirer ses forces "
        "de Syrie, selon l'agence de presse Tasnim, qui cite le porte-parole du ministère."
    )
    error = assert_error(client.post("/api/extract", json={"text": french}), 422, "rejected")
    assert error["reason"].startswith("language")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": "a", "html": "<p>a</p>"},
        {"text": 5},
        {"text": "x", "published": "soon"},
        {"text": "x", "surprise": 1},
        {"text": "x", "outlet": "o" * 500},
        [],
        "text",
        None,
    ],
)
def test_web_invalid_article_bodies_are_422(client: TestClient, body: Any) -> None:
    assert_error(client.post("/api/articles", json=body), 422, "validation_error")


def test_web_wrong_content_types_are_4xx(client: TestClient) -> None:
    # A cross-site <form enctype=text/plain> cannot post JSON to the API.
    plain = client.post(
        "/api/articles",
        content=b'{"text": "Iran rejected it."}',
        headers={"content-type": "text/plain"},
    )
    assert_error(plain, 422)
    form = client.post(
        "/", content=b'{"article": "x"}', headers={"content-type": "application/json"}
    )
    assert_error(form, 415)
    assert_error(
        client.post(
            "/api/articles", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )


def test_web_cross_site_form_post_is_refused(client: TestClient) -> None:
    data = {"article": "Iran rejected it.", "format": "text"}
    assert_error(client.post("/", data=data, headers={"origin": "http://evil.example"}), 403)
    assert_error(client.post("/", data=data, headers={"sec-fetch-site": "cross-site"}), 403)


BAD_REQUESTS = [
    ("GET", "/api/events?limit=0"),
    ("GET", "/api/events?limit=100000"),
    ("GET", "/api/events?offset=-1"),
    ("GET", "/api/events?since=2018-02-30"),
    ("GET", "/api/events?until=yesterday"),
    ("GET", "/api/events?quad=x"),
    ("GET", "/api/events?quad=0"),
    ("GET", "/api/events?actor=%00"),
    ("GET", "/api/events?actor=IRN'--"),
    ("GET", "/api/events?cameo=1%25"),
    ("GET", "/api/events?text=%00"),
    ("GET", "/api/events?root=123"),
    ("GET", "/api/events?text=" + "x" * 5000),
    ("GET", "/api/dyads?period=fortnight"),
    ("GET", "/api/timeline?period=all"),
    ("GET", "/api/quotes?kind=shouted"),
    ("GET", "/api/actors?kind=%27"),
    ("GET", "/api/actors/%00"),
    ("GET", "/api/actors/I%20R"),
    ("GET", "/api/articles/%00"),
    ("GET", "/api/articles/" + "a" * 300),
    ("GET", "/articles/%ff%fe"),
    ("GET", "/actors/%3Cscript%3E"),
    ("GET", "/events?limit=-5"),
    ("GET", "/events.csv?limit=0"),
    ("GET", "/network?edges=0"),
    ("GET", "/timeline?period=x"),
    ("DELETE", "/api/articles/x"),
    ("PUT", "/api/events"),
    ("POST", "/api/events"),
    ("GET", "/static/../app.py"),
    ("GET", "/static/%2e%2e/app.py"),
]


@pytest.mark.parametrize(("method", "url"), BAD_REQUESTS)
def test_web_invalid_requests_are_4xx_json(client: TestClient, method: str, url: str) -> None:
    response = client.request(method, url)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.text)
    if response.headers["content-type"] == "application/json":
        assert_error(response, response.status_code)


_text = st.text(st.characters(codec="utf-8"), max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "actor",
                "source_actor",
                "target_actor",
                "cameo",
                "root",
                "plover",
                "quad",
                "since",
                "until",
                "outlet",
                "via",
                "text",
                "article",
                "limit",
                "offset",
                "period",
                "edges",
                "speaker",
                "words",
                "q",
                "kind",
                "order",
            ]
        ),
        _text,
        max_size=5,
    ),
    path=st.sampled_from(
        [
            "/api/events",
            "/api/dyads",
            "/api/timeline",
            "/events",
            "/network",
            "/timeline",
            "/events.csv",
            "/api/quotes",
            "/api/actors",
            "/api/articles",
            "/quotes",
            "/articles",
            "/actors",
        ]
    ),
)
def test_web_random_query_strings_never_500(
    client: TestClient, params: dict[str, str], path: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code < 500, (path, params, response.text)


# --- the token ------------------------------------------------------------------------


def test_web_token_required_for_writes(locked: TestClient) -> None:
    body = {
        "text": "Iran on Monday rejected a call from Russia, officials said.",
        "published": "2018-05-22",
    }
    error = assert_error(locked.post("/api/articles", json=body), 401, "unauthorized")
    assert "Bearer" in error["message"]
    response = locked.post("/api/articles", json=body)
    assert response.headers["www-authenticate"] == "Bearer"
    for header in ("Bearer wrong", "Basic czNjcmV0LXRva2Vu", TOKEN, f"Bearer {TOKEN}x"):
        assert_error(
            locked.post("/api/articles", json=body, headers={"authorization": header}), 401
        )
    assert_error(locked.post("/api/extract", json=body), 401)
    assert_error(locked.post("/", data={"article": body["text"]}), 401)
    assert_error(locked.post("/", data={"article": body["text"], "token": "nope"}), 401)
    assert locked.get("/api/health").json()["writes_need_token"] is True
    assert locked.get("/api/stats").json()["articles"] == 0  # nothing was stored
    ok = locked.post("/api/articles", json=body, headers={"authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201, ok.text
    form = locked.post(
        "/",
        data={"article": body["text"].replace("Monday", "Tuesday"), "token": TOKEN},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert locked.get("/api/events").status_code == 200  # reads stay open
    assert 'name="token" type="password"' in locked.get("/").text


def test_web_unknown_host_is_refused(tmp_path: Path) -> None:
    """A page that rebinds its own name to 127.0.0.1 still sends its own Host: refused."""
    application = create_app(
        Settings(), str(tmp_path / "hosts.duckdb"), allowed_hosts=("127.0.0.1", "localhost", "::1")
    )
    try:
        rebound = TestClient(application, base_url="http://rebound.example:8000")
        assert_error(rebound.get("/api/health"), 400, "bad_request")
        assert_error(rebound.post("/api/articles", json={"text": "x"}), 400)
        for base in ("http://127.0.0.1:8000", "http://localhost", "http://[::1]:8000"):
            assert TestClient(application, base_url=base).get("/api/health").status_code == 200
    finally:
        application.state.web.store.close()
