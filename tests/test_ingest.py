"""Tests of the ingest stage: every input kind, every reject reason, the counting invariant."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import random
import socket
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragoman.clean import clean
from dragoman.errors import RejectedInput
from dragoman.ingest import MAX_DEPTH, REASONS, USER_AGENT, html_depth, read
from dragoman.models import Record, Reject
from dragoman.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SMALL = Settings(max_bytes=4096)

TEXT = "Ministers of Norland and Vestria met in Kessel on Sunday to reopen the crossing."


def _summary(items: list[Record | Reject]) -> list[tuple[str, str]]:
    """(origin, `record` or the reject reason) for each item, in order."""
    return [(i.origin, "record" if isinstance(i, Record) else i.reason) for i in items]


def _jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


def _deep_json(depth: int) -> str:
    return '{"text": "x", "deep": ' + "[" * depth + "]" * depth + "}"


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ledger World</title><link>https://ledger.example/</link>
<item><title>Crossing to reopen</title><link>https://ledger.example/a</link>
<description>&lt;p&gt;Ministers agreed on Sunday to reopen the crossing.&lt;/p&gt;</description>
<pubDate>Sun, 14 Mar 2021 09:30:00 GMT</pubDate>
<author>desk@ledger.example (Mara Ellison)</author></item>
<item><title>Talks collapse</title><link>https://ledger.example/b</link>
<description>Talks in Kessel collapsed without a statement.</description></item>
<item><title>Only a title</title><link>https://ledger.example/c</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title><id>urn:ledger</id>
<updated>2021-03-15T00:00:00Z</updated>
<entry><title>Envoy named</title><id>urn:ledger:1</id><link href="https://ledger.example/e"/>
<updated>2021-03-15T08:00:00Z</updated>
<content type="html">&lt;p&gt;Vestria named a new envoy to Norland.&lt;/p&gt;</content></entry>
</feed>
"""


def test_ingest_batch_counts_every_unit_and_reason(tmp_path: Path) -> None:
    def write(name: str, data: bytes | str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return str(path)

    rng = random.Random(0)
    html = (FIXTURES / "article.html").read_text(encoding="utf-8")
    truncated_source = _jsonl(*({"id": f"t{i}", "text": f"{TEXT} ({i})"} for i in range(300)))
    packed = gzip.compress(truncated_source.encode("utf-8"))
    cut = packed[: len(packed) // 2]
    whole_lines = zlib.decompressobj(wbits=31).decompress(cut).count(b"\n")
    assert 0 < whole_lines < 300

    paths = [
        write("good.txt", TEXT),
        write("empty.txt", b""),
        write("blank.txt", "  \n\t\n"),
        write("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4),
        write("undecodable.txt", bytes(rng.randrange(0x80, 0x100) for _ in range(400))),
        write(
            "latin.txt",
            "Le président a déclaré que la réunion était très importante.".encode("cp1252"),
        ),
        write("utf16.txt", TEXT.encode("utf-16")),
        write("page.html", html),
        write("big.html", html + "<p>" + "More words about the crossing. " * 200 + "</p>"),
        write(
            "deep.html",
            "<html><body>"
            + "<i>" * (MAX_DEPTH + 10)
            + "x"
            + "</i>" * (MAX_DEPTH + 10)
            + "</body></html>",
        ),
        write(
            "records.jsonl",
            "".join(
                [
                    json.dumps(
                        {
                            "id": "r1",
                            "text": TEXT,
                            "url": "https://www.ledger.example/r1",
                            "title": "Crossing",
                            "published": "2021-03-14T09:30:00+01:00",
                            "outlet": "Ledger",
                            "author": "M. Ellison",
                        }
                    )
                    + "\n",
                    '{"id": "r2", "text": "unterminated\n',
                    "\n",
                    json.dumps({"id": "r4", "title": "no body"}) + "\n",
                    _deep_json(MAX_DEPTH + 10) + "\n",
                    "[1, 2, 3]\n",
                    json.dumps({"id": 7, "html": "<p>" + TEXT + "</p>", "published": "2021-03-14"})
                    + "\n",
                    json.dumps({"id": "r8", "text": "x" * 5000}) + "\n",
                    json.dumps({"id": "r9", "text": "   "}) + "\n",
                ]
            ),
        ),
        write("truncated.jsonl.gz", cut),
        write("notgzip.txt.gz", b"this is not gzip data at all"),
        write("feed.rss", RSS),
        write("atom.xml", ATOM),
        write("notfeed.xml", "<?xml version='1.0'?><config><a>1</a></config>"),
        write(
            "rows.csv",
            "id,text,title,published\n"
            f'c1,"{TEXT}",Crossing,2021-03-14\n'
            'c2,"Two lines\nin one cell",,\n'
            "c3,,,\n",
        ),
        write("notext.csv", "id,body\n1,hello\n"),
        write(
            "latin.csv",
            "id,text\nl1,Le président a déclaré que la réunion était très importante.\n".encode(
                "cp1252"
            ),
        ),
        write("report.pdf", b"%PDF-1.4"),
        write("folder/b.txt", TEXT),
        write("folder/a/z.txt", TEXT),
        write("folder/.hidden.txt", TEXT),
        write("folder/.git/x.txt", TEXT),
        str(tmp_path / "no-such-file.txt"),
    ]
    paths[-5:-1] = [str(tmp_path / "folder")]  # the directory, not its files

    items = list(read(paths, SMALL))

    def at(name: str) -> str:
        return str(tmp_path / name)

    expected = [
        (at("good.txt"), "record"),
        (at("empty.txt"), "empty"),
        (at("blank.txt"), "empty"),
        (at("binary.txt"), "binary"),
        (at("undecodable.txt"), "encoding"),
        (at("latin.txt"), "record"),
        (at("utf16.txt"), "record"),
        (at("page.html"), "record"),
        (at("big.html"), "oversized"),
        (at("deep.html"), "nesting"),
        (at("records.jsonl") + ":1", "record"),
        (at("records.jsonl") + ":2", "json"),
        (at("records.jsonl") + ":4", "no-text"),
        (at("records.jsonl") + ":5", "nesting"),
        (at("records.jsonl") + ":6", "json"),
        (at("records.jsonl") + ":7", "record"),
        (at("records.jsonl") + ":8", "oversized"),
        (at("records.jsonl") + ":9", "empty"),
        *((at("truncated.jsonl.gz") + f":{n}", "record") for n in range(1, whole_lines + 1)),
        (at("truncated.jsonl.gz"), "gzip"),
        (at("notgzip.txt.gz"), "gzip"),
        (at("feed.rss") + "#1", "record"),
        (at("feed.rss") + "#2", "record"),
        (at("feed.rss") + "#3", "no-text"),
        (at("atom.xml") + "#1", "record"),
        (at("notfeed.xml"), "format"),
        (at("rows.csv") + ":2", "record"),
        (at("rows.csv") + ":3", "record"),
        (at("rows.csv") + ":5", "empty"),
        (at("notext.csv") + ":2", "no-text"),
        (at("latin.csv") + ":2", "record"),
        (at("report.pdf"), "format"),
        (at("folder/a/z.txt"), "record"),
        (at("folder/b.txt"), "record"),
        (at("no-such-file.txt"), "missing"),
    ]
    assert _summary(items) == expected
    # read = records + rejects, and every reason is from the documented vocabulary
    assert all(i.reason in REASONS for i in items if isinstance(i, Reject))

    by_origin = {i.origin: i for i in items}
    for name in ("latin.txt", "latin.csv:2"):
        latin = by_origin[at(name)]
        assert isinstance(latin, Record) and latin.text is not None
        assert "président" in latin.text and "très" in latin.text
    utf16 = by_origin[at("utf16.txt")]
    assert isinstance(utf16, Record) and utf16.text == TEXT
    page = by_origin[at("page.html")]
    assert isinstance(page, Record) and page.html == html and page.text is None
    first = by_origin[at("records.jsonl") + ":1"]
    assert first == Record(
        at("records.jsonl") + ":1",
        text=TEXT,
        id="r1",
        url="https://www.ledger.example/r1",
        title="Crossing",
        outlet="Ledger",
        author="M. Ellison",
        published=dt.date(2021, 3, 14),
    )
    seventh = by_origin[at("records.jsonl") + ":7"]
    assert isinstance(seventh, Record) and seventh.id == "7" and seventh.html
    assert seventh.published == dt.date(2021, 3, 14)
    nested = by_origin[at("records.jsonl") + ":4"]
    assert isinstance(nested, Reject) and nested.record_id == "r4"
    item = by_origin[at("feed.rss") + "#1"]
    assert isinstance(item, Record)
    assert (item.url, item.title, item.published) == (
        "https://ledger.example/a",
        "Crossing to reopen",
        dt.date(2021, 3, 14),
    )
    assert item.html is not None and "reopen the crossing" in item.html
    plain_item = by_origin[at("feed.rss") + "#2"]
    assert isinstance(plain_item, Record)
    row = by_origin[at("rows.csv") + ":2"]
    assert isinstance(row, Record)
    assert (row.id, row.text, row.title, row.published) == (
        "c1",
        TEXT,
        "Crossing",
        dt.date(2021, 3, 14),
    )
    multiline = by_origin[at("rows.csv") + ":3"]
    assert isinstance(multiline, Record) and multiline.text == "Two lines\nin one cell"


def _write_warc(path: Path, *, corrupt_tail: bool = False, compress: bool = True) -> list[str]:
    """A WARC with a warcinfo, a request, two HTML responses and one image response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    ids = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders(
            "GET /a HTTP/1.1", [("Host", "ledger.example")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                "https://ledger.example/a",
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request,
            )
        )
        for n, (ctype, body) in enumerate(
            [
                ("text/html; charset=utf-8", f"<html><body><p>{TEXT} One.</p></body></html>"),
                ("text/html", f"<html><body><p>{TEXT} Two.</p></body></html>"),
                ("image/png", "\x89PNG"),
            ]
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            payload = body.encode("utf-8")
            # a known length spares warcio a temporary file it would never close
            record = writer.create_warc_record(
                f"https://ledger.example/{n}",
                "response",
                payload=io.BytesIO(payload),
                length=len(payload),
                http_headers=headers,
            )
            ids.append(record.rec_headers.get_header("WARC-Record-ID").strip("<>"))
            writer.write_record(record)
        if corrupt_tail:
            out.write(b"garbage where a record should start\r\n\r\n")
    return ids


def test_ingest_warc_yields_only_response_records(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    ids = _write_warc(path)
    items = list(read([str(path)], Settings()))
    assert _summary(items) == [
        (f"{path}#{ids[0]}", "record"),
        (f"{path}#{ids[1]}", "record"),
        (f"{path}#{ids[2]}", "format"),  # a response, but not HTML
    ]
    first, second = items[0], items[1]
    assert isinstance(first, Record) and isinstance(second, Record)
    assert (first.url, second.url) == ("https://ledger.example/0", "https://ledger.example/1")
    assert first.html is not None and "One." in first.html
    assert clean(first, Settings()).text == f"{TEXT} One."


def test_ingest_warc_corruption_is_one_reject_after_the_good_records(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    _write_warc(path, corrupt_tail=True)
    assert [r for _, r in _summary(list(read([str(path)], Settings())))] == [
        "record",
        "record",
        "format",
        "warc",
    ]
    # A payload changed after writing fails its WARC-Payload-Digest; the rest go on.
    tampered = tmp_path / "tampered.warc"
    _write_warc(tampered, compress=False)
    tampered.write_bytes(tampered.read_bytes().replace(b"One.", b"0ne."))
    assert [r for _, r in _summary(list(read([str(tampered)], Settings())))] == [
        "warc",
        "record",
        "format",
    ]
    garbage = tmp_path / "garbage.warc"
    garbage.write_bytes(b"garbage\r\n\r\n")
    assert _summary(list(read([str(garbage)], Settings()))) == [(str(garbage), "warc")]


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_ingest_stdin_sniffs_jsonl_html_and_text(monkeypatch: pytest.MonkeyPatch) -> None:
    _stdin(monkeypatch, ("\n\n" + _jsonl({"text": TEXT, "id": "s1"}) + "{oops\n").encode())
    assert _summary(list(read(["-"], Settings()))) == [
        ("<stdin>:3", "record"),
        ("<stdin>:4", "json"),
    ]

    _stdin(monkeypatch, b"  <html><body><p>" + TEXT.encode() + b"</p></body></html>")
    (page,) = read(["-"], Settings())
    assert isinstance(page, Record) and page.html is not None and page.origin == "<stdin>"

    _stdin(monkeypatch, TEXT.encode())
    (text,) = read(["-"], Settings())
    assert isinstance(text, Record) and text.text == TEXT

    _stdin(monkeypatch, RSS.encode())
    assert [r for _, r in _summary(list(read(["-"], Settings())))] == [
        "record",
        "record",
        "no-text",
    ]

    _stdin(monkeypatch, b"")
    assert _summary(list(read(["-"], Settings()))) == [("<stdin>", "empty")]

    monkeypatch.setattr(sys, "stdin", io.StringIO(TEXT))  # a text stream without .buffer
    (text,) = read(["-"], Settings())
    assert isinstance(text, Record) and text.text == TEXT


def test_ingest_empty_directory_is_one_reject(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").write_text(TEXT, encoding="utf-8")
    assert _summary(list(read([tmp_path], Settings()))) == [(str(tmp_path), "empty")]


def test_ingest_html_depth_ignores_void_and_unclosed_elements() -> None:
    sloppy = "<p>one<p>two<br><img src=x><li>three" * 1000
    assert html_depth(sloppy) == 0
    assert html_depth("<div><span>x</span></div>") == 2
    assert html_depth("<div>" * 1000) == MAX_DEPTH + 1  # stops counting past the limit


class _Site(BaseHTTPRequestHandler):
    """A tiny site on 127.0.0.1 for the fetch test."""

    pages: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/robots.txt": (200, "text/plain", b"User-agent: *\nCrawl-delay: 0\nDisallow: /private\n"),
        "/page.html": (
            200,
            "text/html; charset=utf-8",
            f"<html><body><p>{TEXT}</p></body></html>".encode(),
        ),
        "/feed.xml": (200, "application/rss+xml", RSS.encode()),
        "/big.html": (200, "text/html", b"<p>" + b"x" * 10_000 + b"</p>"),
        "/private/secret.html": (200, "text/html", b"<p>secret</p>"),
        "/image.png": (200, "image/png", b"\x89PNG\r\n"),
    }
    agents: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.agents.append(self.headers.get("User-Agent", ""))
        status, ctype, body = self.pages.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_ingest_fetches_urls_politely(site: str) -> None:
    _Site.agents.clear()
    urls = [
        f"{site}/page.html",
        f"{site}/feed.xml",
        f"{site}/private/secret.html",
        f"{site}/missing.html",
        f"{site}/big.html",
        f"{site}/image.png",
    ]
    items = list(read(urls, SMALL))
    assert _summary(items) == [
        (urls[0], "record"),
        (urls[1] + "#1", "record"),
        (urls[1] + "#2", "record"),
        (urls[1] + "#3", "no-text"),
        (urls[2], "fetch"),
        (urls[3], "fetch"),
        (urls[4], "oversized"),
        (urls[5], "format"),
    ]
    page = items[0]
    assert isinstance(page, Record) and page.url == urls[0]
    assert set(_Site.agents) == {USER_AGENT}
    assert len(_Site.agents) == 6  # robots.txt once, and never the disallowed page


def test_ingest_unreachable_url_is_a_fetch_reject() -> None:
    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (item,) = read([f"http://127.0.0.1:{port}/x.html"], Settings())
    assert isinstance(item, Reject) and item.reason == "fetch"


# --- property tests -----------------------------------------------------------------

_SINGLE = (".txt", ".html", ".txt.gz", ".html.gz")
_STREAMED = (".jsonl", ".jsonl.gz")
_PROPERTY_SETTINGS = Settings(max_bytes=1500, languages=("en",))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
json_records = st.fixed_dictionaries(
    {},
    optional={
        "text": st.one_of(st.text(max_size=300), json_values),
        "html": st.one_of(st.text(max_size=300).map(lambda t: f"<p>{t}</p>"), json_values),
        "id": st.one_of(st.text(max_size=10), st.integers(), json_values),
        "url": st.one_of(st.text(max_size=30), st.just("https://www.ledger.example/x")),
        "title": json_values,
        "published": st.one_of(
            st.dates().map(str), st.datetimes().map(str), st.text(max_size=20), json_values
        ),
        "outlet": json_values,
        "author": json_values,
    },
).flatmap(
    lambda base: st.dictionaries(st.text(max_size=6), json_values, max_size=3).map(
        lambda extra: {**extra, **base}
    )
)


def _read_and_clean(paths: list[str]) -> list[Record | Reject]:
    """read + clean, asserting that only RejectedInput ever comes out of clean."""
    items = list(read(paths, _PROPERTY_SETTINGS))
    for item in items:
        assert isinstance(item, Record | Reject)
        if isinstance(item, Record):
            try:
                article = clean(item, _PROPERTY_SETTINGS)
            except RejectedInput as exc:
                assert exc.reject.origin == item.origin
            else:
                assert article.text and article.origin == item.origin
    return items


def _check_units(
    path: str, suffix: str, data: bytes, compressed: bool, mine: list[Record | Reject]
) -> None:
    """The items of one file account for its units exactly once."""
    whole = [i for i in mine if i.origin == path]
    if suffix in _SINGLE:
        assert len(mine) == 1 and len(whole) == 1
        return
    # JSON Lines: items for its non-blank lines, in order, and at most one reject
    # for the file as a whole (binary, empty, gzip, encoding), always last.
    assert len(whole) <= 1 and (not whole or mine[-1] is whole[0])
    assert all(isinstance(i, Reject) for i in whole)
    numbers = [int(i.origin.rsplit(":", 1)[1]) for i in mine if i.origin != path]
    assert numbers == sorted(set(numbers))
    readable = compressed or not suffix.endswith(".gz")
    if not whole and readable and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        assert numbers == [n for n, line in enumerate(data.split(b"\n"), 1) if line.strip()]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    files=st.lists(
        st.tuples(st.sampled_from(_SINGLE + _STREAMED), st.binary(max_size=2000), st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def test_ingest_random_bytes_never_raise_and_every_unit_counts(
    files: list[tuple[str, bytes, bool]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths: list[str] = []
        for n, (suffix, data, compress) in enumerate(files):
            target = Path(tmp) / f"f{n}{suffix}"
            compressed = compress and suffix.endswith(".gz")
            target.write_bytes(gzip.compress(data) if compressed else data)
            paths.append(str(target))
        items = _read_and_clean(paths)
        for path, (suffix, data, compress) in zip(paths, files, strict=True):
            mine = [i for i in items if i.origin == path or i.origin.startswith(path + ":")]
            _check_units(path, suffix, data, compress and suffix.endswith(".gz"), mine)
        # nothing else came out: every item belongs to one of the files
        assert sum(len([i for i in items if i.origin.split(":")[0] == p]) for p in paths) == len(
            items
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(json_records, min_size=1, max_size=6))
def test_ingest_random_json_records_are_each_one_unit(records: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        items = _read_and_clean([str(path)])
        assert [i.origin for i in items] == [f"{path}:{n}" for n in range(1, len(records) + 1)]
