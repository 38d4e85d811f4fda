"""No single input stops, hangs or silently corrupts a run (issue 21).

One test (at least) per way a record used to take a run down, each named after the
module that now holds the line; then the combined run (every bad input in the middle
of good ones, the good ones byte-identical to a run without it) and a property test
over generated inputs.
"""

# The PostgreSQL fixture imported from test_store_support is an argument of a test below.
# ruff: noqa: F811

from __future__ import annotations

import dataclasses
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dragoman.cli import EXIT_REJECTS, main
from dragoman.ingest import read
from dragoman.models import Record, Reject
from dragoman.settings import Settings
from test_store_support import postgres_url  # noqa: F401 - a fixture, used by name

STORIES = [
    "Iran on Monday rejected a call from Russia to pull its forces out of Syria, the "
    "Foreign Ministry said in Tehran.",
    "Egypt demanded a binding agreement from Ethiopia on the Nile dam at talks in Geneva "
    "on Tuesday, the ministry said.",
    "Police in Lagos arrested 27 protesters on Sunday after a march against fuel prices, "
    "officials said.",
]


def _summary(items: list[Record | Reject]) -> list[tuple[str, str]]:
    return [(i.origin, "record" if isinstance(i, Record) else i.reason) for i in items]


def _run_bounded(code: str, timeout: float = 30.0) -> str:
    """Run `code` in a fresh interpreter, killed after `timeout` seconds (a hang fails
    the test instead of hanging the suite: a regular expression that backtracks cannot
    be interrupted in-process). Returns its stdout."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {timeout} s")
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- 1. the feed sniff ---------------------------------------------------------------


@pytest.mark.parametrize("unit", ["<!---->", "<?xml?>"])
def test_ingest_feed_sniff_is_linear_in_the_prolog(unit: str, tmp_path: Path) -> None:
    prolog = unit * 10_000
    item = (
        '<rss version="2.0"><channel><item><title>T</title>'
        "<description>Iran rejected the call.</description></item></channel></rss>"
    )
    (tmp_path / "prolog.xml").write_text(prolog + "<html><body>x</body></html>")
    # a prolog that fits in the sniffed head (8 KB) before a real feed
    (tmp_path / "feed.xml").write_text(unit * 1000 + item)
    (tmp_path / "stdin.txt").write_text(prolog + "<html><body><p>Iran</p></body></html>")
    out = _run_bounded(
        f"""
        import json, sys, time
        from dragoman.ingest import read
        from dragoman.settings import Settings
        root = {str(tmp_path)!r}
        started = time.perf_counter()
        files = [getattr(i, "reason", "record")
                 for i in read([root + "/prolog.xml", root + "/feed.xml"], Settings())]
        sys.stdin = open(root + "/stdin.txt", encoding="utf-8")
        piped = [getattr(i, "reason", "record") for i in read(["-"], Settings())]
        print(json.dumps([time.perf_counter() - started, files, piped]))
        """
    )
    elapsed, files, piped = json.loads(out)
    assert elapsed < 1.0
    assert files == ["format", "record"]
    assert piped == ["record"]


# --- 2, 3. text that is not Unicode ----------------------------------------------------


def test_pipeline_lone_surrogate_is_an_encoding_reject(tmp_path: Path, pipeline) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text(
        json.dumps({"id": "a", "text": STORIES[0]})
        + "\n"
        + '{"id": "bad", "text": "Iran rejected \\ud800 the call."}\n'
        + json.dumps({"id": "b", "text": STORIES[1]})
        + "\n"
    )
    results = list(pipeline.extract_many(read([str(path)], Settings())))
    assert [getattr(r, "reason", "ok") for r in results] == ["ok", "encoding", "ok"]
    assert results[1].record_id == "bad" and "U+D800" in results[1].detail


def test_ingest_surrogate_character_reference_in_a_feed_rejects_its_item(
    tmp_path: Path,
) -> None:
    items = "".join(
        f"<item><title>{title}</title><link>https://x.example/{n}</link>"
        f"<description>{body}</description></item>"
        for n, (title, body) in enumerate(
            [
                ("One", STORIES[0]),
                ("Two &#xD800;", "Iran &#55296; rejected it."),
                ("Three", STORIES[1]),
            ]
        )
    )
    path = tmp_path / "feed.rss"
    path.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>')
    assert _summary(list(read([str(path)], Settings()))) == [
        (f"{path}#1", "record"),
        (f"{path}#2", "encoding"),
        (f"{path}#3", "record"),
    ]


def test_ingest_feed_parser_failure_is_a_format_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # feedparser failing in a way nobody foresaw (the surrogate case above was one).
    import feedparser

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(feedparser, "parse", broken)
    path = tmp_path / "feed.rss"
    path.write_text('<rss version="2.0"><channel><item><title>x</title></item></channel></rss>')
    (reject,) = read([str(path)], Settings())
    assert isinstance(reject, Reject) and reject.reason == "format"
    assert "RuntimeError: parser bug" in reject.detail


# --- 5, 13. CSV ---------------------------------------------------------------------------


def test_ingest_csv_unclosed_quote_is_a_format_reject_not_a_merged_row(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    # The open quote meets the next quoted cell: those lines are one reject, and the
    # reader goes on after them.
    path.write_text(
        "id,text\n"
        f'a,"{STORIES[0]}"\n'
        f'b,"{STORIES[1]} and then the quote never closes\n'
        f'c,"{STORIES[2]}"\n'
        "d,Another story after them.\n"
    )
    items = list(read([str(path)], Settings()))
    assert _summary(items) == [
        (f"{path}:2", "record"),
        (f"{path}:3", "format"),
        (f"{path}:5", "record"),
    ]
    assert "lines 3-4" in items[1].detail
    # No quote after it: the rest of the file is the one reject.
    path.write_text(
        "id,text\n"
        f'a,"{STORIES[0]}"\n'
        f'b,"{STORIES[1]} and then the quote never closes\n'
        "c,Iran rejected it.\n"
        "d,Another story that the open quote swallows.\n"
    )
    items = list(read([str(path)], Settings()))
    assert _summary(items) == [(f"{path}:2", "record"), (f"{path}:3", "format")]
    assert "lines 3-5" in items[1].detail


def test_ingest_csv_rows_run_together_are_a_format_reject(tmp_path: Path) -> None:
    # The stray quote closes on a later line: the merged row has too many cells.
    path = tmp_path / "rows.csv"
    path.write_text(f'id,text\na,"{STORIES[0]}\nb,{STORIES[1]}\nc,",x\nd,"{STORIES[2]}"\n')
    assert _summary(list(read([str(path)], Settings()))) == [
        (f"{path}:2", "format"),
        (f"{path}:5", "record"),
    ]


def test_ingest_csv_duplicate_columns_are_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    from dragoman.errors import UsageError

    path.write_text(f'id,text,text\na,"{STORIES[0]}",other\n')
    with pytest.raises(UsageError, match="'text' more than once"):
        list(read([str(path)], Settings()))
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == 2 and "'text' more than once" in result.stderr


# --- 6. a truncated WARC ----------------------------------------------------------------


def _warc(path: Path, count: int = 3) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(count):
            body = (
                f"<html><head><title>Story {n}</title></head><body><article><p>"
                f"{STORIES[n % 3]} ({n})</p></article></body></html>"
            ).encode()
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(  # a known length: no temporary file
                f"https://x.example/{n}",
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=headers,
            )
            writer.write_record(record)
    return path.read_bytes()


def _clean_cut(data: bytes, compressed: bool) -> bool:
    """True when `data` ends exactly after a whole record: no reader can tell it was cut."""
    if compressed:
        try:
            gzip.decompress(data)
        except (EOFError, OSError):
            return False
        return True
    return data.rstrip(b"\r\n").endswith(b"</html>")


def test_ingest_truncated_warc_keeps_whole_records_and_rejects_the_rest(tmp_path: Path) -> None:
    whole = _warc(tmp_path / "whole.warc.gz")
    plain = gzip.decompress(whole)
    outcomes = set()
    for name, data in (("cut.warc.gz", whole), ("cut.warc", plain)):
        for cut in range(len(data) // 4, len(data) - 8, max(1, len(data) // 60)):
            path = tmp_path / name
            path.write_bytes(data[:cut])
            items = list(read([str(path)], Settings()))
            # never a half page: every record read is a whole story
            for record in items:
                if isinstance(record, Record):
                    assert record.html is not None and record.html.endswith("</html>")
            if _clean_cut(data[:cut], name.endswith(".gz")):
                assert all(isinstance(i, Record) for i in items)
            else:
                assert isinstance(items[-1], Reject) and items[-1].reason == "warc", (name, cut)
                outcomes.add(items[-1].detail.split(":")[0].split(" or ")[0])
    assert outcomes == {"truncated"}  # never "corrupt": the file ended early
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    result = CliRunner().invoke(main, ["extract", str(path)])
    assert result.exit_code == EXIT_REJECTS
    assert "rejected 1" in result.stderr


# --- 7. NUL bytes -------------------------------------------------------------------------


def test_ingest_nul_costs_its_line_or_row_not_the_file(tmp_path: Path) -> None:
    lines = [json.dumps({"id": str(n), "text": STORIES[n]}).encode() for n in range(3)]
    lines[1] = lines[1].replace(b"Egypt", b"Eg\x00ypt")
    (tmp_path / "records.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    (tmp_path / "rows.csv").write_bytes(
        b"id,text\n"
        + b"".join(
            f'{n},"{s}"\n'.encode().replace(b"Egypt", b"Eg\x00ypt") for n, s in enumerate(STORIES)
        )
    )
    items = list(read([str(tmp_path / "records.jsonl"), str(tmp_path / "rows.csv")], Settings()))
    assert [r for _, r in _summary(items)] == ["record", "binary", "record"] * 2
    # a file that is mostly control bytes is still one `binary` reject
    (tmp_path / "noise.jsonl").write_bytes(bytes(range(32)) * 100)
    assert _summary(list(read([str(tmp_path / "noise.jsonl")], Settings()))) == [
        (str(tmp_path / "noise.jsonl"), "binary")
    ]


# --- one place for a record's exception ---------------------------------------------------


def test_pipeline_exception_in_a_stage_is_an_internal_reject_and_the_run_goes_on(
    pipeline, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dragoman import pipeline as pipeline_module

    real = pipeline_module.STAGES

    def exploding(state):  # a stage that fails on one article only
        if "Egypt" in state.article.text:
            raise ZeroDivisionError("boom")
        return state

    monkeypatch.setattr(pipeline_module, "STAGES", (exploding, *real))
    records = [Record(origin=f"r{n}", text=t, id=f"id{n}") for n, t in enumerate(STORIES)]
    results = list(pipeline.extract_many(records))
    assert [getattr(r, "reason", "ok") for r in results] == ["ok", "internal", "ok"]
    assert results[1].detail == "ZeroDivisionError: boom" and results[1].record_id == "id1"
    # one warning line, the traceback only at INFO (`-v`)
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    with pytest.raises(Exception) as raised:
        pipeline.extract(records[1])
    assert getattr(raised.value, "reject", None) is not None
    assert raised.value.reject.reason == "internal"


def test_pipeline_failed_parse_batch_costs_only_its_bad_article(
    pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.nlp.pipe

    def pipe(texts, **kwargs):
        texts = list(texts)
        if any("Egypt" in t for t in texts):
            raise MemoryError("parser ran out")
        return real(texts, **kwargs)

    monkeypatch.setattr(pipeline.nlp, "pipe", pipe)
    records = [Record(origin=f"r{n}", text=t) for n, t in enumerate(STORIES)]
    results = list(pipeline.extract_many(records))
    assert [getattr(r, "reason", "ok") for r in results] == ["ok", "internal", "ok"]
    assert results[1].detail == "MemoryError: parser ran out"


def test_cli_internal_error_has_no_traceback_unless_verbose(tmp_path: Path) -> None:
    # A real process: the CLI's logging set-up is what decides what stderr shows.
    path = tmp_path / "story.txt"
    path.write_text(STORIES[0])
    code = f"""
import sys
from dragoman import pipeline
def exploding(state):
    raise KeyError("no such thing")
pipeline.STAGES = (exploding,)
from dragoman.cli import main
sys.argv = ["dragoman", *sys.argv[1:], "extract", {str(path)!r}, "--workers", "1"]
main()
"""
    runs = {}
    for flags in ((), ("-v",)):
        runs[flags] = subprocess.run(
            [sys.executable, "-c", code, *flags], capture_output=True, text=True, timeout=300
        )
    quiet, loud = runs[()], runs[("-v",)]
    assert quiet.returncode == EXIT_REJECTS and quiet.stdout == ""
    assert "set aside (internal error): KeyError: 'no such thing'" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    assert "read 1 = extracted 0 + rejected 1" in quiet.stderr
    assert loud.returncode == EXIT_REJECTS and "Traceback" in loud.stderr


# --- 8, 9. bounded work -------------------------------------------------------------------


def _long_sentence(clauses: int) -> str:
    parts = [
        "Iran rejected a call from Russia on Monday in Tehran",
        "Egypt criticised Israel in Cairo on Tuesday",
        "Turkey threatened Syria with sanctions in Ankara",
    ]
    return ", and ".join(parts[n % 3] for n in range(clauses)) + "."


def test_events_local_paths_are_computed_once_per_sentence(
    pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dragoman.events import context

    calls = 0
    real = context._local_path

    def counted(token):
        nonlocal calls
        calls += 1
        return real(token)

    monkeypatch.setattr(context, "_local_path", counted)
    unlimited = Settings(max_sentence_tokens=0, secondary_confidence=0)
    monkeypatch.setattr(
        pipeline, "resources", dataclasses.replace(pipeline.resources, settings=unlimited)
    )
    article = pipeline.clean(Record(origin="long", text=_long_sentence(60)))
    (doc,) = pipeline.parse([article.text])
    extraction = pipeline.analyse(article, doc)
    entities = len(doc.ents)
    assert len(extraction.events) > 20 and entities > 60
    # at most once per entity for its dates and once for its places (it was once per
    # event and entity: thousands here)
    assert 0 < calls <= 2 * entities  # 0: the count missed the function the stage calls


def test_events_sentence_over_the_limit_is_not_coded_and_warned(
    pipeline, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    limited = Settings(max_sentence_tokens=50)
    monkeypatch.setattr(
        pipeline, "resources", dataclasses.replace(pipeline.resources, settings=limited)
    )
    text = STORIES[1] + "\n\n" + _long_sentence(12)
    article = pipeline.clean(Record(origin="long", text=text))
    (doc,) = pipeline.parse([article.text])
    extraction = pipeline.analyse(article, doc)
    long_start = text.index("Iran")
    assert extraction.events and all(e.trigger.start < long_start for e in extraction.events)
    assert any("max_sentence_tokens 50" in r.getMessage() for r in caplog.records)


def test_pipeline_parses_long_articles_in_pieces_within_batch_chars(
    pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = pipeline.nlp.pipe

    def pipe(texts, **kwargs):
        texts = list(texts)
        sizes.append(sum(len(t) for t in texts))
        return real(texts, **kwargs)

    monkeypatch.setattr(pipeline.nlp, "pipe", pipe)
    monkeypatch.setattr(
        pipeline, "settings", dataclasses.replace(pipeline.settings, batch_chars=600)
    )
    long_text = "\n\n".join(f"{STORIES[n % 3]} Paragraph {n}." for n in range(12))
    records = [
        Record(origin="long", text=long_text),
        *(Record(origin=f"short{n}", text=t) for n, t in enumerate(STORIES)),
    ]
    results = list(pipeline.extract_many(records))
    assert all(not isinstance(r, Reject) for r in results)
    assert max(sizes) <= 600 and len(sizes) > 3
    whole = results[0]
    assert whole.article.text == long_text
    # every paragraph's sentence is there, spans point into the whole text
    assert len(whole.sentences) >= 12
    for event in whole.events:
        assert whole.article.text[event.trigger.start : event.trigger.end].strip()


# --- 4. HTTP ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, pipeline):
    pytest.importorskip("fastapi", reason="the web tests need the `web` extra")
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient
    from dragoman.web import create_app

    app = create_app(Settings(), str(tmp_path_factory.mktemp("web") / "web.duckdb"))
    yield TestClient(app, raise_server_exceptions=False)
    app.state.web.store.close()


def test_web_bad_text_and_far_dates_are_4xx_in_the_error_shape(web) -> None:
    surrogate = '{"text": "Iran rejected \\ud800 the call from Russia on Monday."}'
    for route in ("/api/extract", "/api/articles"):
        answer = web.post(route, content=surrogate, headers={"content-type": "application/json"})
        assert 400 <= answer.status_code < 500, (route, answer.text)
        assert set(answer.json()["error"]) >= {"status", "type", "message"}
    # a form cannot carry a lone surrogate but as its (invalid) UTF-8 bytes
    form = web.post(
        "/",
        content=b"format=text&article=Iran+rejected+%ED%A0%80+the+call.",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= form.status_code < 500, form.text
    for year in ("0001-01-01", "9999-12-31"):
        body = {"text": "Iran rejected a call from Russia yesterday, and will reply tomorrow."}
        answer = web.post("/api/extract", json={**body, "published": year})
        assert answer.status_code == 200, answer.text
        assert answer.json()["published"] == year


def test_web_extraction_does_not_queue_behind_a_long_one(web) -> None:
    state = web.app.state.web
    original = state.settings
    state.settings = dataclasses.replace(original, extract_wait=0.2)
    state.extract_lock.acquire()  # a long extraction holds the slot
    try:
        answer = web.post("/api/extract", json={"text": STORIES[0]})
    finally:
        state.extract_lock.release()
        state.settings = original
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert answer.json()["error"]["type"] == "unavailable"
    assert web.post("/api/extract", json={"text": STORIES[0]}).status_code == 200


def test_dates_year_one_and_9999_name_no_overflowing_day() -> None:
    import datetime as dt

    from dragoman.dates import resolve

    assert resolve("yesterday", dt.date(1, 1, 1)) is None
    assert resolve("tomorrow", dt.date(9999, 12, 31)) is None
    assert resolve("last week", dt.date(1, 1, 3)) is None
    assert resolve("yesterday", dt.date(9999, 12, 31)) == dt.date(9999, 12, 30)


# --- 10. PostgreSQL and NUL -----------------------------------------------------------------


def test_store_nul_in_metadata_does_not_abort_postgres(postgres_url: str, pipeline) -> None:
    from dragoman.store import Store
    from test_store_support import postgres_schema

    bad = Record(
        origin="bad",
        text=STORIES[1],
        id="id\x00b",
        url="https://x.example/\x00b",
        outlet="Wi\x00re",
    )
    records = [Record(origin="a", text=STORIES[0]), bad, Record(origin="c", text=STORIES[2])]
    with postgres_schema(postgres_url) as url, Store.open(url) as store:
        report = store.ingest(pipeline.extract_many(records))
        assert (report.read, report.stored, report.rejected) == (3, 3, 0)
        stored = store.article("idb")
        assert stored is not None and stored["outlet"] == "Wire"
        # an extraction built by hand, NUL and all, is stored too (the store's own guard)
        by_hand = next(iter(pipeline.extract_many([Record(origin="d", text=STORIES[0] + " X")])))
        article = dataclasses.replace(by_hand.article, outlet="Hand\x00made", id="hand\x00")
        assert store.add(dataclasses.replace(by_hand, article=article))
        assert store.article("hand")["outlet"] == "Handmade"


# --- 11, 12. the CLI ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def filled_db(tmp_path_factory: pytest.TempPathFactory, pipeline) -> str:
    from dragoman.store import Store

    path = str(tmp_path_factory.mktemp("cli") / "cli.duckdb")
    records = [
        Record(
            origin="x",
            text=STORIES[0],
            outlet='=HYPERLINK("http://evil.example")',
            id="\x1b[2J\x1b[31mwiped\x07",
            published=__import__("datetime").date(2018, 5, 22),
        )
    ]
    with Store.open(path) as store:
        store.ingest(pipeline.extract_many(records))
    return path


def test_cli_date_options_are_strict(filled_db: str) -> None:
    runner = CliRunner()
    for command in (["events"], ["quotes"], ["actors"], ["dyads"], ["export", "--format", "gdelt"]):
        for option in ("--since", "--until"):
            bad = runner.invoke(main, [*command, "--db", filled_db, option, "2018-01-01xyz"])
            assert bad.exit_code == 2, (command, option, bad.output)
            assert "YYYY-MM-DD" in bad.output
    good = runner.invoke(main, ["events", "--db", filled_db, "--since", "2018-01-01"])
    assert good.exit_code == 0


def test_cli_csv_and_exports_guard_formulas(filled_db: str, tmp_path: Path) -> None:
    import csv as csv_module

    runner = CliRunner()
    frame = runner.invoke(main, ["events", "--db", filled_db, "--format", "csv"])
    assert frame.exit_code == 0
    rows = list(csv_module.DictReader(io.StringIO(frame.stdout)))
    assert rows and all(r["outlet"] == '\'=HYPERLINK("http://evil.example")' for r in rows)
    assert all(not r["goldstein"].startswith("'") for r in rows)  # numbers stay numbers
    for fmt in ("gdelt", "phoenix", "icews"):
        out = runner.invoke(main, ["export", "--db", filled_db, "--format", fmt])
        assert out.exit_code == 0
        cells = [c for line in out.stdout.splitlines() for c in line.split("\t")]
        assert not any(c.startswith(("=", "@", "+")) for c in cells), fmt


def test_cli_table_output_escapes_control_characters(filled_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["quotes", "--db", filled_db, "--format", "table"])
    events = runner.invoke(main, ["events", "--db", filled_db, "--format", "table"])
    for result in (listed, events):
        assert result.exit_code == 0 and "\x1b" not in result.stdout
    path = tmp_path / "story.jsonl"
    path.write_text(json.dumps({"text": STORIES[0], "id": "\x1b]0;owned\x07 \u202edi"}))
    table = runner.invoke(main, ["extract", str(path), "--format", "table"])
    assert table.exit_code == 0
    assert "\x1b" not in table.stdout and "\u202e" not in table.stdout
    assert "# ]0;owned \\u202edi" in table.stdout


# --- all of them at once --------------------------------------------------------------------


def _bad_inputs(folder: Path) -> dict[str, Path]:
    """One file per kind of input that used to stop, hang or corrupt a run."""
    bad: dict[str, bytes | str] = {
        "hang.xml": "<!---->" * 10_000 + "<html></html>",
        "surrogate.jsonl": '{"id": "x1", "text": "Iran rejected \\ud800 it."}\n',
        "feed.rss": '<rss version="2.0"><channel><item><title>a &#xD800;</title>'
        "<description>Iran &#xD800; rejected it.</description></item></channel></rss>",
        "quote.csv": 'id,text\nx2,"Iran rejected it and the quote never closes\nx3,more\n',
        "nul.jsonl": b'{"id": "x4", "text": "Iran\x00 rejected it."}\n',
        "metadata.jsonl": json.dumps(
            {"id": "x5\u0000", "text": "Iran\u0007 rejected it.", "outlet": "\u001b[31m"}
        )
        + "\n",
        "long.txt": _long_sentence(300),
    }
    paths = {}
    for name, data in bad.items():
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        paths[name] = path
    whole = _warc(folder / "whole.warc.gz")
    paths["cut.warc.gz"] = folder / "cut.warc.gz"
    paths["cut.warc.gz"].write_bytes(whole[: len(whole) // 2])
    return paths


def test_pipeline_each_bad_input_leaves_the_good_ones_byte_identical(tmp_path: Path) -> None:
    before, after = tmp_path / "before.jsonl", tmp_path / "after.jsonl"
    before.write_text(
        "".join(json.dumps({"id": f"g{n}", "text": s}) + "\n" for n, s in enumerate(STORIES))
    )
    after.write_text(
        "".join(
            json.dumps({"id": f"h{n}", "text": s + " Later."}) + "\n" for n, s in enumerate(STORIES)
        )
    )
    bad = _bad_inputs(tmp_path)
    # Every run in one child process (the model loads once), killed if it hangs: a
    # regression on the feed sniff must fail the test, not stop the suite.
    out = _run_bounded(
        f"""
        import json
        from click.testing import CliRunner
        from dragoman.cli import main
        runs = {{}}
        for name, path in [("", None), *{sorted((k, str(v)) for k, v in bad.items())!r}]:
            rejects = {str(tmp_path)!r} + "/" + (name or "none") + ".rejects"
            paths = [{str(before)!r}, *([path] if path else []), {str(after)!r}]
            run = CliRunner().invoke(main, ["extract", *paths, "--workers", "1",
                                            "--rejects", rejects])
            runs[name] = [run.exit_code, run.stdout, run.stderr, rejects]
        print(json.dumps(runs))
        """,
        timeout=600,
    )
    runs = json.loads(out)
    code, clean, _, _ = runs.pop("")
    assert code == 0
    assert sorted(runs) == sorted(bad)
    for name, (code, stdout, stderr, rejects) in runs.items():
        # the long sentence and the metadata are extracted (cleaned); the rest rejected
        assert code == (0 if name in ("long.txt", "metadata.jsonl") else EXIT_REJECTS), name
        good = [
            line
            for line in stdout.splitlines()
            if re.fullmatch(r"[gh]\d", json.loads(line)["id"] or "")
        ]
        assert good == clean.splitlines(), name
        read, extracted, rejected = (int(n) for n in re.findall(r"\d+", stderr.splitlines()[-1]))
        set_aside = Path(rejects).read_text().splitlines() if Path(rejects).exists() else []
        assert read == extracted + rejected == len(stdout.splitlines()) + len(set_aside), name


# --- generated inputs ------------------------------------------------------------------------

_NASTY = st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x07", "\x1b[2J", "\u202e", "\r", "\x85", "<p>", "</div>",
     "<!--", "<![CDATA[", "&#xD800;", "&#0;", '"', ",", "\n"]
)  # fmt: skip
_WORDS = st.sampled_from(["Iran", "rejected", "Russia", "a call", "on Monday", "said", "."])
_TEXT = st.lists(st.one_of(_WORDS, _NASTY, st.text(max_size=6)), max_size=25).map(" ".join)


def _jsonl_file(texts: list[str]) -> bytes:
    lines = []
    for n, text in enumerate(texts):
        lines.append(json.dumps({"id": f"r{n}", "text": text, "title": text[:20]}))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _csv_file(texts: list[str]) -> bytes:
    import csv as csv_module

    out = io.StringIO()
    writer = csv_module.writer(out)
    writer.writerow(["id", "text", "outlet"])
    for n, text in enumerate(texts):
        writer.writerow([f"r{n}", text, text[:10]])
    return out.getvalue().encode("utf-8", "surrogatepass")


def _feed_file(texts: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{n}</title><description>{text}</description></item>"
        for n, text in enumerate(texts)
    )
    return f'<rss version="2.0"><channel>{items}</channel></rss>'.encode("utf-8", "surrogatepass")


def _html_file(texts: list[str]) -> bytes:
    body = "".join(f"<div><p>{text}" for text in texts)  # never closed
    return f"<html><head><title>{texts[0] if texts else ''}</title></head><body>{body}".encode(
        "utf-8", "surrogatepass"
    )


_MAKERS = {".jsonl": _jsonl_file, ".csv": _csv_file, ".rss": _feed_file, ".html": _html_file}


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    files=st.lists(
        st.tuples(st.sampled_from(sorted(_MAKERS)), st.lists(_TEXT, min_size=1, max_size=4)),
        min_size=1,
        max_size=3,
    )
)
def test_pipeline_generated_hostile_inputs_never_crash_and_always_add_up(
    files: list[tuple[str, list[str]]], pipeline
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for n, (suffix, texts) in enumerate(files):
            path = Path(folder) / f"f{n}{suffix}"
            path.write_bytes(_MAKERS[suffix](texts))
            paths.append(str(path))
        items = list(read(paths, Settings()))
        results = list(pipeline.extract_many(items))
        # one result per item read, in order: every record extracted or rejected
        assert [r.article.origin if hasattr(r, "article") else r.origin for r in results] == [
            i.origin for i in items
        ]
        for path, (suffix, texts) in zip(paths, files, strict=True):
            mine = [i for i in items if i.origin.split("#")[0].rsplit(":", 1)[0] == path]
            if suffix == ".jsonl":  # a record per line, whatever it holds
                assert len(mine) == len(texts)
            for result in results:
                if isinstance(result, Reject):
                    continue
                article = result.article
                for value in (article.id, article.url, article.outlet, article.title):
                    assert value is None or not re.search("[\x00-\x1f\x7f-\x9f]", value)
                article.text.encode("utf-8")  # valid Unicode, always
