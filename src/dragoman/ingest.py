"""Ingest stage: turn paths, URLs and stdin into raw `Record`s, or `Reject`s.

`read(paths, settings)` streams: it holds one line, row, feed, page or WARC
record at a time, never a whole batch. What a path may be, by its name
(a trailing `.gz` is decompressed first, e.g. `.jsonl.gz`):

=====================  ==========================================================
`.txt`, `.text`        one article of plain text
`.html`, `.htm`        one page (`Record.html`)
`.jsonl`, `.ndjson`    one record per line: `text` or `html`, optional `id`,
                       `url`, `title`, `published` (ISO date or datetime, or
                       RFC 2822), `outlet`, `author`; origin `path:line`.
                       Blank lines are not records.
`.csv`                 a header row with the same column names; origin `path:line`
`.rss`, `.atom`,       a feed (feedparser); each item is a record with its
`.xml` (a feed)        content or description, link, title, author and date;
                       origin `path#n` (n counts items from 1)
`.warc`, `.warc.gz`    response records with HTML payloads (warcio); origin
                       `path#<WARC-Record-ID>`, url from `WARC-Target-URI`
a directory            every file below it, depth first, in sorted order;
                       hidden files and directories (`.name`) are skipped;
                       a directory without files is one `empty` reject
`-`                    stdin: JSON Lines if the first non-blank character is
                       `{`, a feed or HTML if it is `<`, else plain text;
                       origin `<stdin>`
`http://`, `https://`  fetched politely (see `Fetcher`): robots.txt obeyed,
                       a `User-Agent`, a timeout, a size cap, one request per
                       host per second (or the robots.txt Crawl-delay)
=====================  ==========================================================

Feeds, pages and text files are read whole, capped at `settings.max_bytes`;
JSON Lines, CSV and WARC files are streamed and only each line, row or payload
is capped.

Bad input never raises out of `read` (but for the ambiguous CSV header below): it
yields a `Reject(origin, reason, detail, record_id)`. The reasons (`REASONS`) are a
fixed vocabulary:

=============  ====================================================================
`missing`      the path does not exist or cannot be opened
`empty`        nothing but whitespace (a file, a record's text, a feed or WARC
               file without items or response records)
`binary`       NUL bytes or mostly control bytes: not text (JSON Lines and CSV
               files are judged per line or row: a NUL costs its line or row)
`encoding`     bytes that decode in no plausible encoding
`gzip`         a truncated or corrupt `.gz`; lines and rows read before the
               damage are kept, then one reject for the rest of the file
`json`         a JSON Lines line that is not a JSON object (one reject per line)
`no-text`      a record with neither a `text` nor an `html` string
`oversized`    a raw input (file, line, row, payload, page) over `settings.max_bytes`
`nesting`      JSON or HTML nested deeper than 500 levels
`warc`         a corrupt WARC file or record (digest mismatch, bad header), or a
               WARC cut short: the whole records before the cut are kept, then
               one reject for the rest of the file
`fetch`        a URL could not be fetched (network, HTTP status, robots.txt), or
               a WARC response with a non-2xx status
`format`       an unknown file type, an `.xml` file that is not a feed, a feed
               the parser fails on, a WARC response or fetched page that is not
               HTML, a CSV row the csv module cannot parse in strict mode (an
               unclosed quote: one reject for the lines it swallowed) or with
               more cells than the header
`internal`     a reader failing in a way none of the above foresaw: the rest of
               that path is one reject (`errors.set_aside`), the next path is read
=============  ====================================================================

A CSV header naming a column twice raises `errors.UsageError` (which one holds
the text?); a feed item with a character reference to a lone surrogate is an
`encoding` reject of that item. `admit` is the rule every record's text must pass
before cleaning (valid Unicode, no control characters in the metadata).

Counting invariant: every input unit (file, non-blank line, CSV row, feed item,
WARC response record, URL) yields exactly one `Record` or one `Reject`; a file
that cannot be split into units at all (missing, binary, empty, corrupt before
its first unit) yields exactly one `Reject`.

Decoding: a byte-order mark decides (UTF-8, UTF-16, UTF-32); else strict UTF-8;
else the charset the page or server declares; else UTF-8 with replacement
characters when the bytes are UTF-8 with a few broken sequences (a cut
multibyte character); else charset-normalizer's best guess, preferring cp1252
(the web's default legacy encoding) when it scores as well as the guess; when
nothing fits, `encoding`.
"""

from __future__ import annotations

import codecs
import collections
import csv
import dataclasses
import datetime as dt
import email.message
import email.utils
import http.client
import io
import json
import logging
import os
import re
import sys
import time
import urllib.error
import urllib.request
import urllib.robotparser
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from dragoman.errors import UsageError, set_aside
from dragoman.models import Record, Reject
from dragoman.settings import Settings

__all__ = [
    "MAX_DEPTH",
    "REASONS",
    "USER_AGENT",
    "Fetcher",
    "admit",
    "html_depth",
    "read",
    "record_from_mapping",
]

logger = logging.getLogger(__name__)

REASONS = (
    "missing",
    "empty",
    "binary",
    "encoding",
    "gzip",
    "json",
    "no-text",
    "oversized",
    "nesting",
    "warc",
    "fetch",
    "format",
    "internal",
)
USER_AGENT = "dragoman/0.1 (+https://github.com/dragoman)"
MAX_DEPTH = 500
"""JSON or HTML nested deeper than this is rejected as `nesting`."""

_SNIFF_BYTES = 8192
_READ_CHUNK = 1 << 16
_FETCH_TIMEOUT = 20.0  # seconds per socket operation; the whole fetch gets twice that
_HOST_DELAY = 1.0  # seconds between two requests to one host, unless robots.txt says
_ROBOTS_MAX_BYTES = 512 * 1024

_KINDS = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "xml",
    ".warc": "warc",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_GZIP_ERRORS = (OSError, EOFError, zlib.error)
# A feed's root element, once the prolog (XML declaration, processing instructions,
# comments, doctype) is skipped by `_is_feed`.
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)\b", re.I)
_BLANK = re.compile(rb"\s*")
# Character references to UTF-16 surrogates (U+D800-U+DFFF), decimal or hex, which no
# text may hold; `Reader.feed` swaps them for a reference to a noncharacter, whose
# items `_feed_record` sets aside.
_SURROGATE_REF = re.compile(
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3]));"
)
_SURROGATE_MARK = "\ufdd0"
_SURROGATE_MARK_REF = b"&#xFDD0;"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_WESTERN_LABELS = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii"}
_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>")
# Elements that never nest (void) or whose end tag HTML lets authors leave out:
# neither opens a level that a missing end tag would leave open for ever.
_FLAT_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
        "optgroup",
        "rb",
        "rt",
        "rp",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "html",
        "head",
        "body",
    }
)
_RECORD_FIELDS = ("url", "title", "outlet", "author")
_META_FIELDS = ("id", "url", "outlet", "title", "author")
# C0 controls, DEL and C1 controls; those that are white space become a space first.
_CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_SPACES = re.compile("[\t\n\r\x0b\x0c\x1c-\x1f\x85]+")


def read(paths: Iterable[str | os.PathLike[str]], settings: Settings) -> Iterator[Record | Reject]:
    """Read inputs into raw records, one `Record` or `Reject` per input unit.

    Args:
        paths: files, directories, `-` (stdin) and `http(s)://` URLs.
        settings: `max_bytes` caps each raw input.

    Yields:
        A `Record` for every readable unit and a `Reject` for every bad one;
        see the module docstring for the units and the reject reasons.
    """
    reader = _Reader(settings)
    for path in paths:
        name = os.fspath(path)
        try:
            yield from reader.path(name)
        except UsageError:
            raise  # the input cannot be read as given (a CSV naming a column twice)
        except Exception as exc:
            # A reader failing on something its own checks did not foresee: the rest
            # of this path is one reject, and the next path is read.
            yield set_aside(name, None, exc)


# --- bytes to text ---------------------------------------------------------------


def _looks_binary(head: bytes) -> bool:
    """NUL bytes or more than 10% control bytes, and no UTF-16/32 byte-order mark."""
    if not head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 10


def _mostly_control(head: bytes) -> bool:
    """More than 10% control bytes (NUL counted), and no UTF-16/32 byte-order mark.

    Line- and row-based files are judged by this alone: a stray NUL costs the line
    or row it is in (`binary`), not the whole file."""
    if not head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls > len(head) // 10


def _is_feed(head: bytes) -> bool:
    """True when `head` starts with an RSS, Atom or RDF root element after a prolog.

    The prolog (blank space, `<?xml …?>` and other processing instructions, comments,
    `<!DOCTYPE …>`) is skipped one item at a time, each ended by the first `>` or
    `-->` after it: one pass over the bytes, whatever they hold. (A single regular
    expression with a repeated group of overlapping alternatives backtracks
    exponentially on a prolog of repeated `<!---->` or `<?xml?>`.)
    """
    pos = 0
    while True:
        pos = _BLANK.match(head, pos).end()  # type: ignore[union-attr]  # \s* always matches
        if head.startswith(b"<!--", pos):
            end = head.find(b"-->", pos + 4)
            if end < 0:
                return False
            pos = end + 3
        elif head.startswith(b"<?", pos) or head[pos : pos + 9].upper() == b"<!DOCTYPE":
            end = head.find(b">", pos)
            if end < 0:
                return False
            pos = end + 1
        else:
            return _FEED_ROOT.match(head, pos) is not None


def _codec(label: str | None) -> str | None:
    """Python codec name for a declared charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().lower()
    if label in _WESTERN_LABELS:
        return "cp1252"  # as browsers do (WHATWG Encoding): latin-1 pages are cp1252
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with replacement characters when only a few sequences are broken."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    multibyte = sum(1 for ch in text if ch > "\x7f") - broken
    if broken > 0 and broken * 10 <= multibyte:
        return text
    return None


def _decode(data: bytes, declared: str | None = None) -> str | None:
    """Decode `data` (see the module docstring for the order), or None."""
    for bom, bom_encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(bom_encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec = _codec(declared)
    if codec and codec != "utf-8":
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            if codec == "cp1252":  # five bytes cp1252 leaves undefined; latin-1 has them
                return data.decode("latin-1")
    text = _mostly_utf8(data)
    if text is not None:
        return text
    guess = _guess_encoding(data)
    return None if guess is None else data.decode(guess, "replace")


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's guess, cp1252 when it is as plausible; None when none fits."""
    import charset_normalizer  # only for the rare non-UTF-8 input

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    for match in matches:
        # Among equally plausible single-byte guesses charset-normalizer's
        # order is arbitrary (it picks cp1250 for French); cp1252 is the likely one.
        if match.encoding == "cp1252" and match.chaos <= best.chaos:
            return "cp1252"
    return best.encoding


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head[:4096])
    return match.group(1).decode("ascii") if match else None


def html_depth(html: str, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of `html` by its tags, counting up to `limit + 1` at most.

    Void elements and elements with optional end tags are not counted, so
    sloppy pages with unclosed `<p>` do not look deep. Linear in the text.
    """
    depth = deepest = 0
    for match in _HTML_TAG.finditer(html):
        closing, name, rest = match.groups()
        if name.lower() in _FLAT_TAGS or rest.endswith("/"):
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


def _json_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """Nesting depth of a parsed JSON value, counting up to `limit + 1` at most."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _parse_date(value: Any) -> dt.date | None:
    """A date from an ISO date, ISO datetime (its own local date) or RFC 2822 string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        logger.debug("unreadable published date %r", value)
        return None


def _text_field(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _record_id(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    return _text_field(value)


def _document(
    origin: str,
    data: bytes,
    kind: str,
    settings: Settings,
    *,
    declared: str | None = None,
    url: str | None = None,
) -> Record | Reject:
    """One whole document (a text file, a page) as a record."""
    if len(data) > settings.max_bytes:
        return Reject(origin, "oversized", f"more than max_bytes {settings.max_bytes}")
    if not data.strip():
        return Reject(origin, "empty")
    if _looks_binary(data[:_SNIFF_BYTES]):
        return Reject(origin, "binary", "NUL or control bytes")
    if kind == "html":
        declared = declared or _declared_charset(data)
    text = _decode(data, declared)
    if text is None:
        return Reject(origin, "encoding", "no plausible text encoding")
    if not text.strip():
        return Reject(origin, "empty")
    if kind == "html":
        if html_depth(text) > MAX_DEPTH:
            return Reject(origin, "nesting", f"HTML deeper than {MAX_DEPTH} levels")
        return Record(origin, html=text, url=url)
    return Record(origin, text=text, url=url)


def record_from_mapping(origin: str, obj: Mapping[str, Any]) -> Record | Reject:
    """A JSON object, CSV row or Parquet row as a record (fields as in `read`'s JSON
    Lines: `text` or `html`, and optional `id`, `url`, `title`, `published`, …)."""
    rid = _record_id(obj.get("id"))
    text, html = obj.get("text"), obj.get("html")
    text = text if isinstance(text, str) else None
    html = html if isinstance(html, str) else None
    if text is None and html is None:
        return Reject(origin, "no-text", "no `text` or `html` string", rid)
    if not (text or "").strip() and not (html or "").strip():
        return Reject(origin, "empty", "blank `text`/`html`", rid)
    if html and html_depth(html) > MAX_DEPTH:
        return Reject(origin, "nesting", f"HTML deeper than {MAX_DEPTH} levels", rid)
    fields = {name: _text_field(obj.get(name)) for name in _RECORD_FIELDS}
    return Record(
        origin,
        text=text if text and text.strip() else None,
        html=html if html and html.strip() else None,
        id=rid,
        published=_parse_date(obj.get("published")),
        **fields,
    )


def admit(record: Record) -> Record | Reject:
    """The one rule for text entering the pipeline (docs/schema.md, "Valid text").

    Every string of the record must be Unicode that UTF-8 can encode: a lone UTF-16
    surrogate (U+D800-U+DFFF, e.g. from a JSON `"\\ud800"` escape) makes the record an
    `encoding` reject. It is not replaced: which character was meant cannot be known.
    Control characters (C0, DEL, C1) are taken out of the metadata (`id`, `url`,
    `outlet`, `title`, `author`) so that no store, table or terminal ever sees them:
    tabs and line breaks become a space, the others are dropped, and a field left
    blank is absent. The body's own control characters are removed by cleaning.

    `Pipeline.clean` applies this to every record before anything else, whatever
    made it (a reader, the Python API, the HTTP API, the Spark job).
    """
    for name in ("text", "html", "id", "url", "outlet", "title", "author"):
        value = getattr(record, name)
        if value is None or value.isascii():
            continue
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            char = value[exc.start]
            return Reject(
                record.origin,
                "encoding",
                f"`{name}` holds U+{ord(char):04X} at {exc.start}, which is not a character "
                "(a lone surrogate)",
                _strip_controls(record.id),
            )
    changes: dict[str, Any] = {}
    for name in _META_FIELDS:
        value = getattr(record, name)
        if value is not None and _CONTROL_CHARS.search(value):
            changes[name] = _strip_controls(value)
    return dataclasses.replace(record, **changes) if changes else record


def _strip_controls(value: str | None) -> str | None:
    """`value` without control characters (tabs and line breaks become spaces)."""
    if value is None:
        return None
    value = _CONTROL_CHARS.sub("", _CONTROL_SPACES.sub(" ", value)).strip()
    return value or None


def _json_record(origin: str, line: bytes) -> Record | Reject:
    """One JSON Lines line as a record."""
    try:
        value = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return Reject(origin, "encoding", f"not UTF-8: {exc.reason} at byte {exc.start}")
    except RecursionError:
        return Reject(origin, "nesting", f"JSON deeper than {MAX_DEPTH} levels")
    except ValueError as exc:  # JSONDecodeError, and ints over the digit limit
        return Reject(origin, "json", str(exc)[:200])
    if not isinstance(value, dict):
        return Reject(origin, "json", f"expected an object, got {type(value).__name__}")
    if _json_depth(value) > MAX_DEPTH:
        return Reject(origin, "nesting", f"JSON deeper than {MAX_DEPTH} levels")
    return record_from_mapping(origin, value)


# --- streams -------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A raw stream that first returns `head`, then the rest of `stream`.

    Lets a reader sniff the start of a non-seekable stream (stdin, gzip) and
    then read it from the beginning.
    """

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        # read1: one read underneath, so that bytes read before an error are
        # handed out before the error is raised (see `_Gunzip`)
        read1 = getattr(self._stream, "read1", self._stream.read)
        data = read1(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Gunzip(io.RawIOBase):
    """Streaming gzip decompression that hands out every byte before the damage.

    `gzip.GzipFile` drops what it decompressed in the read that runs into a
    truncation; this reader returns that data first and raises `EOFError`
    (truncated) or `zlib.error` (corrupt) on the read after, and again on every
    read after that. Reads multi-member files; trailing zero padding is ignored.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = b""
        self._fed = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            if not self._pending:
                self._pending = self._raw.read(_READ_CHUNK)
                if not self._pending:
                    if self._inflate.eof or not self._fed:
                        return 0
                    raise EOFError("compressed file ended before the end-of-stream marker")
            if self._inflate.eof:  # another member follows, or zero padding
                if not self._pending.strip(b"\0"):
                    self._pending = b""
                    continue
                self._inflate = zlib.decompressobj(wbits=31)
            self._fed = True
            # max_length bounds memory whatever the compression ratio (gzip bombs)
            out = self._inflate.decompress(self._pending, len(buffer))
            self._pending = self._inflate.unconsumed_tail or self._inflate.unused_data
            if out:
                buffer[: len(out)] = out
                return len(out)


def _sniff(stream: IO[bytes]) -> bytes:
    """Up to `_SNIFF_BYTES` from the start of `stream`.

    A read error after some bytes is left for the next read to raise again, so
    that a damaged compressed file still yields its first records.
    """
    chunks: list[bytes] = []
    size = 0
    try:
        while size < _SNIFF_BYTES:
            chunk = stream.read1(_SNIFF_BYTES - size)  # type: ignore[attr-defined]
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except _GZIP_ERRORS:
        if not chunks:
            raise
    return b"".join(chunks)


def _buffered(head: bytes, stream: IO[bytes]) -> io.BufferedReader:
    return io.BufferedReader(_Prefixed(head, stream), buffer_size=_READ_CHUNK)


def _lines(stream: IO[bytes], cap: int) -> Iterator[bytes | None]:
    """Lines of `stream`; None for a line over `cap` bytes (skipped, never held whole)."""
    while True:
        line = stream.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # skip the rest of the long line chunk by chunk
                rest = stream.readline(_READ_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
        else:
            yield line


def _read_capped(stream: IO[bytes], cap: int) -> bytes:
    """Up to `cap + 1` bytes of `stream`: more than `cap` means oversized."""
    chunks, size = [], 0
    while size <= cap:
        chunk = stream.read(min(_READ_CHUNK, cap + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _kind(name: str) -> tuple[str, bool]:
    """(kind, gzipped) from a file name; kind `unknown` when not recognised."""
    lower = name.lower()
    if lower.endswith((".warc", ".warc.gz")):
        return "warc", False  # warcio reads per-record gzip itself
    gzipped = lower.endswith(".gz")
    if gzipped:
        lower = lower[:-3]
    return _KINDS.get(os.path.splitext(lower)[1], "unknown"), gzipped


# --- the reader ------------------------------------------------------------------


class _Reader:
    """Reads one batch; holds the fetcher so that politeness spans the batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cap = settings.max_bytes
        self._fetcher: Fetcher | None = None

    def path(self, path: str) -> Iterator[Record | Reject]:
        if path == "-":
            yield from self.stdin()
        elif path.lower().startswith(("http://", "https://")):
            if self._fetcher is None:
                self._fetcher = Fetcher(self.settings)
            yield from self._fetcher.fetch(path)
        elif os.path.isdir(path):
            found = False
            for item in self.directory(path):
                found = True
                yield item
            if not found:
                yield Reject(path, "empty", "no files in the directory")
        elif os.path.isfile(path):
            yield from self.file(path)
        elif os.path.exists(path):
            yield Reject(path, "format", "not a regular file or directory")
        else:
            yield Reject(path, "missing", "no such file or directory")

    def directory(self, folder: str) -> Iterator[Record | Reject]:
        """Every file below `folder`, depth first in sorted order, hidden names skipped.

        Symbolic links to directories are not followed (no loops); links to
        files are read.
        """
        try:
            with os.scandir(folder) as entries:
                names = sorted(
                    (e.name, e.is_dir(follow_symlinks=False))
                    for e in entries
                    if not e.name.startswith(".")
                )
        except OSError as exc:
            yield Reject(folder, "missing", f"cannot list: {exc.strerror or exc}")
            return
        for name, is_dir in names:
            full = os.path.join(folder, name)
            if is_dir:
                yield from self.directory(full)
            elif os.path.isfile(full):
                yield from self.file(full)

    def file(self, path: str) -> Iterator[Record | Reject]:
        kind, gzipped = _kind(path)
        if kind == "unknown":
            yield Reject(path, "format", "unknown file type (by its extension)")
            return
        if kind == "warc":
            yield from self.warc(path)
            return
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed below, also for gzip
        except OSError as exc:
            yield Reject(path, "missing", exc.strerror or str(exc))
            return
        with raw:
            if not gzipped:
                yield from self._guarded(path, kind, raw, gzipped)
                return
            unzipped = io.BufferedReader(_Gunzip(raw), buffer_size=_READ_CHUNK)
            yield from self._guarded(path, kind, unzipped, gzipped)

    def _guarded(
        self, origin: str, kind: str, stream: IO[bytes], gzipped: bool
    ) -> Iterator[Record | Reject]:
        """Read `stream`; a gzip failure ends it with one `gzip` reject."""
        try:
            yield from self.stream(origin, kind, stream)
        except _GZIP_ERRORS as exc:
            if not gzipped:
                yield Reject(origin, "missing", f"read error: {exc}")
            else:
                yield Reject(origin, "gzip", f"truncated or corrupt: {exc}")

    def stream(self, origin: str, kind: str, stream: IO[bytes]) -> Iterator[Record | Reject]:
        """Records of one binary stream of a known kind."""
        if kind in ("jsonl", "csv"):
            head = _sniff(stream)
            if _mostly_control(head):
                yield Reject(origin, "binary", "mostly control bytes")
                return
            buffered = _buffered(head, stream)
            if kind == "jsonl":
                yield from self.jsonl(origin, buffered, head)
            else:
                yield from self.csv(origin, buffered, head)
            return
        data = _read_capped(stream, self.cap)
        if kind == "xml":
            kind = "feed" if _is_feed(data[:_SNIFF_BYTES]) else "unknown"
            if kind == "unknown":
                yield Reject(origin, "format", "XML that is not an RSS or Atom feed")
                return
        if kind == "feed":
            yield from self.feed(origin, data)
        else:
            yield _document(origin, data, kind, self.settings)

    def jsonl(self, origin: str, stream: IO[bytes], head: bytes) -> Iterator[Record | Reject]:
        """One record per non-blank line; oversized lines are skipped unread."""
        units = 0
        if head.startswith(codecs.BOM_UTF8):
            stream.read(len(codecs.BOM_UTF8))
        elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # Rare: UTF-16 JSON Lines; read whole (capped) and re-encode as UTF-8.
            data = _read_capped(stream, self.cap)
            if len(data) > self.cap:
                yield Reject(origin, "oversized", f"UTF-16 file over max_bytes {self.cap}")
                return
            try:
                stream = io.BytesIO(data.decode("utf-16").encode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Reject(origin, "encoding", str(exc))
                return
        for lineno, line in enumerate(_lines(stream, self.cap), 1):
            where = f"{origin}:{lineno}"
            if line is None:
                units += 1
                yield Reject(where, "oversized", f"line over max_bytes {self.cap}")
            elif line.strip():
                units += 1
                if b"\x00" in line:
                    yield Reject(where, "binary", "NUL byte in the line")
                else:
                    yield _json_record(where, line)
        if not units:
            yield Reject(origin, "empty", "no records")

    def csv(self, origin: str, stream: IO[bytes], head: bytes) -> Iterator[Record | Reject]:
        """One record per row; the header names the fields."""
        encoding = "utf-8"
        for bom, name in _BOMS:
            if head.startswith(bom):
                encoding = name
                break
        else:
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as exc:
                if exc.start < len(head) - 3:  # not just a character cut by the sniff
                    guess = _guess_encoding(head)
                    if guess is None:
                        yield Reject(origin, "encoding", "no plausible text encoding")
                        return
                    encoding = guess
        # The csv module caps fields at 128 KiB by default, process-wide; a long
        # article in one cell is legitimate up to max_bytes, so raise (never lower) it.
        if csv.field_size_limit() < self.cap:
            csv.field_size_limit(self.cap)
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        # Strict: a quote that opens a field and is never closed is an error, not a
        # field that swallows every row after it.
        reader = csv.reader(text, strict=True)
        units = 0
        try:
            try:
                header = next(reader, None)
            except csv.Error as exc:
                yield Reject(origin, "format", f"csv header: {exc}")
                return
            if not header:
                yield Reject(origin, "empty", "no header row")
                return
            _check_header(origin, header)
            while True:
                start = reader.line_num + 1
                where = f"{origin}:{start}"
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    # The csv module stops at the end of the data for an unclosed
                    # quote: this one reject stands for every line it read.
                    units += 1
                    reason = "oversized" if "field larger" in str(exc) else "format"
                    end = reader.line_num
                    lines = f" (lines {start}-{end})" if end > start else ""
                    yield Reject(where, reason, f"csv: {exc}{lines}")
                    continue
                if not row:
                    continue  # a blank line is no row (as csv.DictReader reads it)
                units += 1
                yield self._csv_row(where, header, row)
        except UnicodeDecodeError as exc:  # the rest of the file, like a gzip failure
            yield Reject(
                origin, "encoding", f"not {encoding} from line {reader.line_num + 1}: {exc.reason}"
            )
            return
        finally:
            text.detach()  # leave closing the file to its owner
        if not units:
            yield Reject(origin, "empty", "header only")

    def _csv_row(self, where: str, header: list[str], row: list[str]) -> Record | Reject:
        """One CSV row under its header as a record."""
        if len(row) > len(header):
            # More cells than columns: rows run together (a stray quote), or a
            # cell nobody named; neither is read as an article.
            return Reject(
                where, "format", f"csv: {len(row)} fields, the header names {len(header)}"
            )
        if sum(len(v) for v in row) > self.cap:
            return Reject(where, "oversized", f"row over max_bytes {self.cap}")
        if any("\x00" in v for v in row):
            return Reject(where, "binary", "NUL character in the row")
        return record_from_mapping(where, {k: v for k, v in zip(header, row, strict=False) if k})

    def feed(self, origin: str, data: bytes) -> Iterator[Record | Reject]:
        """Each item of an RSS or Atom feed as a record."""
        if len(data) > self.cap:
            yield Reject(origin, "oversized", f"feed over max_bytes {self.cap}")
            return
        if not data.strip():
            yield Reject(origin, "empty")
            return
        import feedparser

        # A BytesIO, never the bytes: feedparser treats a string as a URL or path.
        try:
            try:
                parsed = feedparser.parse(io.BytesIO(data))
            except UnicodeEncodeError:
                # feedparser encodes every character reference as UTF-8, and a reference
                # to a lone surrogate (`&#xD800;`) raises out of the whole feed. Read it
                # again with those references marked, so that only their items are set
                # aside (`_feed_record`, as `encoding`).
                marked = _SURROGATE_REF.sub(_SURROGATE_MARK_REF, data)
                parsed = feedparser.parse(io.BytesIO(marked))
        except Exception as exc:  # any parser failure is this file's reject
            detail = f"feed parser failed: {type(exc).__name__}: {exc}"
            yield Reject(origin, "format", detail[:300])
            return
        entries = parsed.get("entries") or []
        if not entries:
            if parsed.get("version"):
                yield Reject(origin, "empty", "feed has no items")
            else:
                yield Reject(origin, "format", "not an RSS or Atom feed")
            return
        for n, entry in enumerate(entries, 1):
            yield _feed_record(f"{origin}#{n}", entry)

    def warc(self, path: str) -> Iterator[Record | Reject]:
        """Response records of a WARC file; other record types are not units.

        A file cut short (a download or copy that stopped) is found three ways: a
        record whose block ends before its `Content-Length`, a record header with no
        end, and, for `.warc.gz`, a last gzip member with no end (`_GzipEnd`). Either
        way the records before the
        cut are kept and the rest of the file is one `warc` reject: a half page is
        never read as an article.
        """
        from warcio.archiveiterator import ArchiveIterator

        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
        except OSError as exc:
            yield Reject(path, "missing", exc.strerror or str(exc))
            return
        units = 0
        with raw:
            watched = _GzipEnd(raw)
            records = ArchiveIterator(watched, check_digests=True)
            try:
                for record in records:
                    if record.rec_type != "response":
                        _drain(record)
                        continue
                    units += 1
                    yield self._warc_response(path, record)
            except _TruncatedWarc as exc:
                yield Reject(path, "warc", f"truncated: {exc}; the rest of the file is lost")
                return
            except Exception as exc:
                # warcio raises many kinds of error on damaged files (ArchiveLoadFailed,
                # zlib and value errors, attribute errors on half-read headers).
                units += 1
                # At the end of the file (warcio reads ahead: a small file is read
                # whole at once) it may be either; before it, the file is damaged.
                damage = "truncated or corrupt" if watched.ended else "corrupt WARC"
                detail = f"{damage}: {type(exc).__name__}: {exc}"
                yield Reject(path, "warc", detail[:200])
                return
        if watched.cut:
            yield Reject(path, "warc", "truncated: the gzip stream ends in the middle of a member")
        elif getattr(records, "next_line", None):
            # warcio ends quietly on a record header cut short; the line it read
            # after the last whole record says there was more.
            yield Reject(path, "warc", "truncated: the last record's header is cut short")
        elif not units:
            yield Reject(path, "empty", "no response records")

    def _warc_response(self, path: str, record: Any) -> Record | Reject:
        """One response record as a record or a reject.

        Raises:
            _TruncatedWarc: the record's block ends before its `Content-Length`.
        """
        record_id = (record.rec_headers.get_header("WARC-Record-ID") or "").strip("<>")
        origin = f"{path}#{record_id}" if record_id else path
        url = record.rec_headers.get_header("WARC-Target-URI")
        headers = record.http_headers
        content_type = headers.get_header("Content-Type") if headers else None
        status = headers.get_statuscode() if headers else None
        mime, charset = _content_type(content_type)
        data = b""
        if status and not str(status).startswith("2"):
            early: Reject | None = Reject(origin, "fetch", f"HTTP {status}")
        elif mime and mime not in ("text/html", "application/xhtml+xml"):
            early = Reject(origin, "format", f"not HTML: {mime}")
        else:
            early = None
            try:
                data = _read_capped(record.content_stream(), self.cap)
            except (*_GZIP_ERRORS, ValueError) as exc:
                early = Reject(origin, "warc", f"unreadable payload: {exc}")
        _drain(record)  # raises when the block is cut short: no half page goes on
        if early is not None:
            return early
        if len(data) <= self.cap and record.digest_checker.passed is False:
            return Reject(origin, "warc", "; ".join(record.digest_checker.problems)[:200])
        return _document(origin, data, "html", self.settings, declared=charset, url=url)

    def stdin(self) -> Iterator[Record | Reject]:
        """Sniff stdin: JSON Lines (`{`), feed or HTML (`<`), else plain text."""
        origin = "<stdin>"
        if sys.stdin is None or sys.stdin.closed:
            yield Reject(origin, "missing", "no standard input")
            return
        stream: IO[bytes] | None = getattr(sys.stdin, "buffer", None)
        if stream is None:  # a text stream without bytes underneath (tests, notebooks)
            stream = io.BytesIO(sys.stdin.read().encode("utf-8"))
        head = stream.read(_SNIFF_BYTES)
        while head.isspace() and len(head) < _SNIFF_BYTES * 8:  # leading blank lines
            more = stream.read(_SNIFF_BYTES)
            if not more:
                break
            head += more
        body = head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head
        first = body.lstrip()[:1]
        if first == b"{":
            kind = "jsonl"
        elif first == b"<":
            kind = "feed" if _is_feed(body) else "html"
        else:
            kind = "text"
        yield from self.stream(origin, kind, _buffered(head, stream))


def _check_header(origin: str, header: list[str]) -> None:
    """Raise when a CSV header names a column twice (which one holds the text?).

    Raises:
        UsageError: the duplicated names.
    """
    counts = collections.Counter(name for name in header if name)
    twice = sorted(name for name, n in counts.items() if n > 1)
    if twice:
        raise UsageError(
            f"{origin}: the CSV header names {', '.join(map(repr, twice))} more than once; "
            "rename or drop the extra column"
        )


class _TruncatedWarc(Exception):
    """A WARC record's block ends before its `Content-Length` (the file was cut)."""


def _drain(record: Any) -> None:
    """Read the rest of a WARC record's block.

    Raises:
        _TruncatedWarc: the file ended before the block's `Content-Length`.
    """
    stream = record.raw_stream
    while stream.read(_READ_CHUNK):
        pass
    record_id = record.rec_headers.get_header("WARC-Record-ID") or "?"
    if record.format != "arc" and record.rec_headers.get_header("Content-Length") is None:
        # Every WARC record has one; a header without it was cut before its end.
        raise _TruncatedWarc(f"record {record_id} has a header with no Content-Length")
    missing = getattr(stream, "limit", 0)
    if missing > 0:
        raise _TruncatedWarc(f"record {record_id} ends {missing} bytes before its length")


class _GzipEnd(io.RawIOBase):
    """The raw bytes of a file, passed through; `cut` tells, at the end, whether the
    file is gzip whose last member never ends (a truncated `.warc.gz`).

    warcio decompresses the members itself and takes a member cut short for one
    that ended; this reader inflates a copy of the bytes (a small fraction of what
    the pipeline spends on each page) only to see where the members end.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._inflate: Any = None
        self._gzip: bool | None = None  # decided by the first two bytes
        self.cut = False
        self.ended = False  # the whole file was read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self.ended = self.ended or not data
        if self._gzip is None and data:
            self._gzip = data[:2] == b"\x1f\x8b"
        if self._gzip:
            if data:
                self._watch(data)
            else:
                self.cut = self._inflate is not None and not self._inflate.eof
        return len(data)

    def _watch(self, data: bytes) -> None:
        while True:
            if self._inflate is None or self._inflate.eof:
                if self._inflate is not None:
                    data = self._inflate.unused_data + data
                    self._inflate = None  # between members
                data = data.lstrip(b"\0")  # zero padding between or after members
                if not data:
                    return
                self._inflate = zlib.decompressobj(wbits=31)
            try:
                # bounded output per call: a bomb of a member costs time, not memory
                self._inflate.decompress(data, _READ_CHUNK)
                while self._inflate.unconsumed_tail:
                    self._inflate.decompress(self._inflate.unconsumed_tail, _READ_CHUNK)
            except zlib.error:
                self._gzip = False  # corrupt: warcio reports it as it reads
                return
            if not self._inflate.eof:
                return
            data = b""  # what follows the member is its `unused_data`


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    """(mime type, charset) of a Content-Type header."""
    if not value:
        return None, None
    message = email.message.Message()
    message["Content-Type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def _holds_mark(value: Any) -> bool:
    """True when a string anywhere in a parsed feed item holds `_SURROGATE_MARK`."""
    if isinstance(value, str):
        return _SURROGATE_MARK in value
    if isinstance(value, dict):
        return any(_holds_mark(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_mark(v) for v in value)
    return False


def _feed_record(origin: str, entry: Any) -> Record | Reject:
    """One feed item: its longest content, else its summary/description."""
    if _holds_mark(entry):
        return Reject(origin, "encoding", "a character reference to a lone surrogate")
    contents = [c for c in entry.get("content") or [] if isinstance(c.get("value"), str)]
    detail = max(contents, key=lambda c: len(c["value"])) if contents else None
    if detail is None and isinstance(entry.get("summary"), str):
        detail = entry.get("summary_detail") or {"value": entry["summary"], "type": "text/html"}
    rid = None  # a guid is often the link itself; the url keeps it
    if not detail or not detail.get("value", "").strip():
        return Reject(origin, "no-text", "item without content or description", rid)
    value = detail["value"]
    is_html = "html" in (detail.get("type") or "") or bool(re.search(r"<[A-Za-z/]", value))
    if is_html and html_depth(value) > MAX_DEPTH:
        return Reject(origin, "nesting", f"HTML deeper than {MAX_DEPTH} levels", rid)
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        published = dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError):
        published = None
    return Record(
        origin,
        text=None if is_html else value,
        html=value if is_html else None,
        url=_text_field(entry.get("link")),
        title=_text_field(entry.get("title")),
        author=_text_field(entry.get("author")),
        published=published,
    )


# --- fetching --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Answer:
    """What a GET brought back."""

    data: bytes
    url: str
    content_type: str | None
    oversized: bool = False


class _NoOddRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) URLs only (never to ftp:// or file://)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """Polite HTTP(S) fetching for `read`.

    One `Fetcher` per batch: it remembers each host's robots.txt and when it
    last asked that host, so that requests to one host are at least one second
    apart (or the robots.txt `Crawl-delay`). Every request sends
    `USER_AGENT`, has a timeout, and stops reading at `settings.max_bytes`.
    robots.txt follows RFC 9309: a missing one (4xx) allows everything, an
    unreachable one (5xx, network error) allows nothing.
    """

    def __init__(self, settings: Settings, timeout: float = _FETCH_TIMEOUT) -> None:
        self.settings = settings
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoOddRedirects())
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._last: dict[str, float] = {}

    def _get(self, url: str, cap: int) -> _Answer:
        """A polite GET of `url`, reading at most `cap + 1` bytes of the body."""
        host = urlsplit(url).netloc.lower()
        robots = self._robots.get(host)
        delay = robots.crawl_delay(USER_AGENT) if robots is not None else None
        pause = float(delay) if delay is not None else _HOST_DELAY
        wait = pause - (time.monotonic() - self._last.get(host, -1e9))
        if wait > 0:
            time.sleep(wait)
        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                "application/atom+xml,text/plain;q=0.9,*/*;q=0.5",
            },
        )
        deadline = time.monotonic() + 2 * self.timeout
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                final_url, content_type = response.geturl(), response.headers.get("Content-Type")
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > cap:
                    return _Answer(b"", final_url, content_type, oversized=True)
                chunks, size = [], 0
                while size <= cap:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"no complete answer in {2 * self.timeout:.0f} s")
                    chunk = response.read(min(_READ_CHUNK, cap + 1 - size))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                return _Answer(b"".join(chunks), final_url, content_type, oversized=size > cap)
        finally:
            self._last[host] = time.monotonic()

    def _allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if host not in self._robots:
            robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
            parser: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            try:
                body = self._get(robots_url, _ROBOTS_MAX_BYTES).data
                parser.parse(body.decode("utf-8", "replace").splitlines())  # type: ignore[union-attr]
            except urllib.error.HTTPError as exc:
                if exc.code >= 500:
                    parser = None  # unreachable: allow nothing
                # 4xx: no robots.txt, everything allowed (an empty parser allows all)
                elif parser is not None:
                    parser.parse([])
            except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
                parser = None
            self._robots[host] = parser
        robots = self._robots[host]
        return robots is not None and robots.can_fetch(USER_AGENT, url)

    def fetch(self, url: str) -> Iterator[Record | Reject]:
        """The page, text or feed at `url` as records, or one `fetch` reject."""
        cap = self.settings.max_bytes
        try:
            if not self._allowed(url):
                yield Reject(url, "fetch", "robots.txt disallows it, or is unreachable")
                return
            answer = self._get(url, cap)
        except urllib.error.HTTPError as exc:
            yield Reject(url, "fetch", f"HTTP {exc.code}")
            return
        except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
            yield Reject(url, "fetch", str(getattr(exc, "reason", exc))[:200] or repr(exc))
            return
        if answer.oversized:
            yield Reject(url, "oversized", f"more than max_bytes {cap}")
            return
        data = answer.data
        mime, charset = _content_type(answer.content_type)
        if mime in ("application/rss+xml", "application/atom+xml") or (
            mime in ("application/xml", "text/xml") and _is_feed(data[:_SNIFF_BYTES])
        ):
            reader = _Reader(self.settings)
            yield from reader.feed(url, data)
        elif mime in (None, "text/html", "application/xhtml+xml"):
            yield _document(url, data, "html", self.settings, declared=charset, url=answer.url)
        elif mime == "text/plain":
            yield _document(url, data, "text", self.settings, declared=charset, url=answer.url)
        else:
            yield Reject(url, "format", f"not a page, text or feed: {mime}")
