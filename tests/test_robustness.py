"""No single input stops, hangs or silently corrupts a run (issue 21).

One test (at least) per way a record used to take a run down, each named after the
module that now holds the line; then the combined run (every bad input in the middle
of good ones, the good ones byte-identical to a run without it) and a property test
over generated inputs.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman.cli import EXIT_REJECTS, main
from dragoman.ingest import read
from dragoman.models import Record, Reject
from dragoman.settings import Settings

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


def test_ingest_truncated_warc_keeps_whole_records_and_rejects_the_rest(tmp_path: Path) -> None:
    whole = _warc(tmp_path / "whole.warc.gz")
    plain = gzip.decompress(whole)
    outcomes = set()
    for name, data in (("cut.warc.gz", whole), ("cut.warc", plain)):
        end_of_first = None
        for cut in range(len(data) // 4, len(data) - 8, max(1, len(data) // 60)):
            path = tmp_path / name
            path.write_bytes(data[:cut])
            items = list(read([str(path)], Settings()))
            records = [i for i in items if isinstance(i, Record)]
            # never a half page: every record read is a whole story
            for record in records:
                assert record.html is not None and record.html.endswith("</html>")
            if end_of_first is None and records:
                end_of_first = cut
            # cut anywhere past the first record's end (and its blank lines): a reject
            blank_lines = 4
            if not (len(records) == 3 or (end_of_first and cut <= end_of_first + blank_lines)):
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
