"""Clean stage: one raw `Record` in, one `Article` out (or a `RejectedInput`).

What happens to a record:

1. **Body.** HTML goes through trafilatura (`bare_extraction` with metadata:
   title, author, date, sitename, url) in its precision mode; comments, images and
   links are left out. When the clean text of that is under 200 characters the page
   is read again in trafilatura's default mode.
   When trafilatura finds nothing (a fragment, a tiny page) a plain lxml
   walk over the page without its script/style/nav/header/footer/aside/form
   elements is used instead. When a record has both `text` and `html`, `text`
   is the body and the page is read for its metadata only.
2. **Normalisation.** Unicode NFC; line endings unified to `\\n`; zero-width and
   bidi formatting characters and control characters removed; runs of spaces
   (including no-break and other Unicode spaces) collapsed to one space.
   Quotation marks are NOT normalised: the quote stage reads curly quotes and
   every span points into the text stored here.
3. **Page furniture.** Lines that are share widgets, photo credits, teasers and
   related links, newsletter and cookie prompts, advertisement labels, corrections,
   separators, time stamps, credits and footers are dropped, and so are blocks of
   partner links; bullet prefixes are removed; the patterns live in `data/furniture.yaml`
   (its schema is in the file's header). Furniture is removed from trafilatura's
   output too: captions and "Advertisement" labels often survive extraction.
4. **Paragraphs.** One paragraph per line, separated by a blank line (`\\n\\n`);
   a line is joined to the one before when it is clearly its continuation
   (the previous line has no closing punctuation, and ends in a comma or this
   one starts in lower case), which mends hard-wrapped text. A headline has no
   closing punctuation either, but the next line starts a capitalised sentence.
5. **Checks.** `empty` (no letter or digit left), `oversized` (more than
   `settings.max_chars` characters), `language:xx` (py3langid, see
   `detect_language`; an empty `settings.languages` accepts every language).

Metadata precedence: published date = page metadata > `record.published` >
the `published` argument (the page states its own date; a record's date is
often the crawl date). Outlet = `record.outlet` > trafilatura sitename (the page's
publisher metadata, unless it is only a word of the host name: "Hosted" on
hosted.ap.org) > the URL's host without `www.`; the pipeline then names it as
`media.yaml` does (`pipeline.outlet_source`: hosted.ap.org is the Associated Press,
"NYTimes" The New York Times). Title, author and url: the record's own > the page's.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from dragoman.errors import KnowledgeError, RejectedInput
from dragoman.models import Article, Record, Reject
from dragoman.settings import Settings

__all__ = ["Furniture", "clean", "detect_language", "load_furniture", "normalise_text"]

logger = logging.getLogger(__name__)

# Texts with fewer letters than this are too short to identify (a headline, a
# caption): they are never rejected for language and get the best-scoring
# allowed language instead.
_MIN_LANGUAGE_LETTERS = 50
# Language identification reads the start of the text only; past a few
# thousand characters the answer does not change and the time grows linearly.
_LANGUAGE_SAMPLE_CHARS = 10_000

# Invisible characters removed from text. ZWJ/ZWNJ (U+200C, U+200D) are kept:
# they change the spelling of Persian, Arabic and Indic words and build emoji.
_INVISIBLE = re.compile(
    "[\u00ad\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\x00-\x08\x0e-\x1f\x7f-\x9f]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ALNUM = re.compile(r"[^\W_]")
_LETTER = re.compile(r"[^\W\d_]")
# A line that ends like this closes its sentence or paragraph.
_CLOSES = tuple(".!?:;\"'”’»)]…")

# Elements whose text is never article body, for the fallback walk.
_NOT_BODY = frozenset(
    {
        "script",
        "style",
        "noscript",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "button",
        "select",
        "template",
        "svg",
        "iframe",
        "object",
        "embed",
        "figure",
    }
)
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "body",
        "html",
    }
)

# trafilatura's own XML body: `p`, `head`, `list`/`item`, `quote`, `table`/`row`/
# `cell`, `lb`... Walking it (rather than taking `Document.text`) keeps the
# page's paragraphs without the "- " and "| " marks trafilatura's text adds
# to list items and table cells.
_BODY_BLOCKS = frozenset(
    {"p", "head", "list", "item", "quote", "code", "table", "row", "div", "fw", "note", "pre"}
)
_BODY_SKIP = frozenset({"graphic", "figure"})
_BODY_CELLS = frozenset({"cell"})

_FURNITURE_FILE = "furniture.yaml"


@dataclass(frozen=True, slots=True)
class Furniture:
    """Compiled page-furniture patterns (see `data/furniture.yaml`).

    Attributes:
        bullets: matches a bullet prefix at the start of a line.
        groups: (group name, pattern that must match a whole line).
        inline: removed wherever it occurs in a line, or None.
        max_line_chars: longer lines are never dropped.
        blocks: (group name, pattern of a block heading that must match a whole line):
            the heading and the link titles after it are dropped.
    """

    bullets: re.Pattern[str]
    groups: tuple[tuple[str, re.Pattern[str]], ...]
    inline: re.Pattern[str] | None
    max_line_chars: int
    blocks: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def block(self, line: str) -> str | None:
        """The name of the block group whose heading `line` is, or None."""
        if len(line) > self.max_line_chars:
            return None
        for name, pattern in self.blocks:
            if pattern.fullmatch(line):
                return name
        return None

    def match(self, line: str) -> str | None:
        """The name of the furniture group `line` belongs to, or None for news."""
        if len(line) > self.max_line_chars:
            return None
        for name, pattern in self.groups:
            if pattern.fullmatch(line):
                return name
        return None


def _compile(path: str, where: str, pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise KnowledgeError(path, f"{where}: pattern must be a string, got {pattern!r}")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise KnowledgeError(path, f"{where}: bad regex {pattern!r}: {exc}") from exc


def load_furniture(path: str | Path | None = None) -> Furniture:
    """Load and compile a furniture file (the packaged one when `path` is None).

    Raises:
        KnowledgeError: the file is unreadable or does not follow the schema.
    """
    if path is None:
        source = resources.files("dragoman") / "data" / _FURNITURE_FILE
        name = f"dragoman/data/{_FURNITURE_FILE}"
    else:
        source = Path(path)
        name = str(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(name, f"cannot read: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != 1:
        raise KnowledgeError(name, "expected a mapping with `version: 1`")
    known = {"version", "bullets", "drop_lines", "drop_blocks", "strip_inline", "max_line_chars"}
    unknown = set(data) - known
    if unknown:
        raise KnowledgeError(name, f"unknown keys: {', '.join(sorted(unknown))}")
    groups = _groups(name, "drop_lines", data.get("drop_lines"))
    blocks = _groups(name, "drop_blocks", data.get("drop_blocks"))
    inline_list = data.get("strip_inline") or []
    if not isinstance(inline_list, list):
        raise KnowledgeError(name, "strip_inline must be a list")
    for j, p in enumerate(inline_list):
        _compile(name, f"strip_inline[{j}]", p)
    inline = (
        _compile(name, "strip_inline", "|".join(f"(?:{p})" for p in inline_list))
        if inline_list
        else None
    )
    max_line = data.get("max_line_chars", 300)
    if not isinstance(max_line, int) or max_line < 1:
        raise KnowledgeError(name, "max_line_chars must be a positive integer")
    return Furniture(
        bullets=_compile(name, "bullets", data.get("bullets") or r"(?!)"),
        groups=groups,
        inline=inline,
        max_line_chars=max_line,
        blocks=blocks,
    )


def _groups(name: str, key: str, raw: Any) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The named pattern groups under `key` (`drop_lines`, `drop_blocks`), compiled."""
    groups = []
    for i, group in enumerate(raw or ()):
        if not isinstance(group, dict) or not isinstance(group.get("name"), str):
            raise KnowledgeError(name, f"{key}[{i}]: expected `name` and `patterns`")
        patterns = group.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise KnowledgeError(name, f"{key}[{i}] ({group['name']}): no patterns")
        for j, p in enumerate(patterns):  # compile one by one for a precise error
            _compile(name, f"{key}[{i}].patterns[{j}]", p)
        joined = "|".join(f"(?:{p})" for p in patterns)
        groups.append((group["name"], _compile(name, f"{key}[{i}]", joined)))
    return tuple(groups)


@functools.cache
def _default_furniture() -> Furniture:
    """The packaged furniture patterns, loaded once."""
    return load_furniture()


def normalise_text(text: str) -> str:
    """NFC, `\\n` line ends, no invisible/control characters, single spaces, stripped lines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u2029", "\n\n")
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text.replace("\t", " "))
    text = _SPACES.sub(" ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


def _is_continuation(previous: str, line: str) -> bool:
    """True when `line` carries on the sentence `previous` broke off (hard wrap)."""
    return not previous.endswith(_CLOSES) and (line[:1].islower() or previous.endswith(","))


# A block of links ends at the first line that reads like news: one that closes a
# sentence, or one longer than a link title.
_SENTENCE_END = tuple('.!?"”’»…')
_MAX_LINK_TITLE = 150


def _paragraphs(text: str, furniture: Furniture, origin: str) -> str:
    """Drop furniture lines and blocks, strip bullets, and join lines into
    `\\n\\n`-separated paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    block: str | None = None
    for raw in text.split("\n"):
        bullet = furniture.bullets.match(raw)
        line = raw[bullet.end() :].strip() if bullet else raw
        if furniture.inline is not None:
            line = furniture.inline.sub("", line).strip()
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if block is not None:
            if len(line) <= _MAX_LINK_TITLE and not line.endswith(_SENTENCE_END):
                logger.debug("%s: dropped %s block line %r", origin, block, line[:80])
                continue
            block = None
        block = furniture.block(line)
        group = block or furniture.match(line)
        if group is not None:
            logger.debug("%s: dropped %s line %r", origin, group, line[:80])
            continue
        if current and not bullet and _is_continuation(current[-1], line):
            current.append(line)
        else:
            if current:
                paragraphs.append(" ".join(current))
            current = [line]
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


@dataclass(frozen=True, slots=True)
class _Page:
    """What trafilatura found on a page."""

    text: str = ""
    title: str | None = None
    author: str | None = None
    date: dt.date | None = None
    sitename: str | None = None
    url: str | None = None


def _as_document(html: str) -> str:
    """Wrap a fragment (a feed item's HTML) so that it parses as a whole page."""
    head = html[:2000].lower()
    if "<html" in head or "<body" in head:
        return html
    return f"<html><body><div>{html}</div></body></html>"


def _meta_str(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = _SPACES.sub(" ", normalise_text(value).replace("\n", " ")).strip()
    return value or None


def _meta_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


# trafilatura's precision mode leaves out what it is unsure of (headlines, teasers,
# link lists, repeated blocks): body precision 0.945 -> 0.96 on the article-extraction
# set. On a few pages it keeps nearly nothing but furniture; when the clean text has
# fewer characters than this the page is read again in the default mode.
_PRECISE_MIN_CHARS = 200


def _read_page(html: str, url: str | None, body: bool, precise: bool = True) -> _Page:
    """Run trafilatura on `html` (in its precision mode unless `precise` is False);
    `body=False` reads the metadata only."""
    import trafilatura  # imported late: half a second, and only HTML needs it

    document = _as_document(html)
    doc: Any  # a trafilatura Document (as_dict=False), or None
    try:
        if body:
            doc = trafilatura.bare_extraction(
                document,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_images=False,
                include_links=False,
                include_formatting=False,
                favor_precision=precise,
            )
        else:
            doc = trafilatura.extract_metadata(document, default_url=url)
    except Exception as exc:  # a third-party parser on hostile input
        # Any failure here means "no usable extraction"; the fallback walk and
        # then the `empty` check decide what happens to the record.
        logger.warning("trafilatura failed on %s: %r", url or "a page", exc)
        doc = None
    if doc is None:
        return _Page()
    text = ""
    if body:
        tree = getattr(doc, "body", None)
        if tree is not None:
            text = _walk_text(tree, _BODY_BLOCKS, _BODY_SKIP, _BODY_CELLS)
        else:
            text = getattr(doc, "text", None) or ""
    return _Page(
        text=text,
        title=_meta_str(doc.title),
        author=_meta_str(doc.author),
        date=_meta_date(doc.date),
        sitename=_meta_str(doc.sitename),
        url=_meta_str(doc.url),
    )


def _walk_text(
    root: Any, blocks: frozenset[str], skip: frozenset[str], cells: frozenset[str]
) -> str:
    """Text under `root`: `blocks` become lines, `skip` elements are left out,
    `cells` end with a space, `br`/`lb` break the line.

    Iterative: hostile pages can be deeper than Python's recursion limit.
    """
    parts: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        if not isinstance(element.tag, str):  # comments, processing instructions
            if element.tail:
                parts.append(element.tail)
            continue
        tag = element.tag.lower()
        if closing:
            if tag in blocks:
                parts.append("\n")
            elif tag in cells:
                parts.append(" ")
            if element.tail:
                parts.append(element.tail)
            continue
        if tag in skip:
            if element.tail:
                parts.append(element.tail)
            continue
        if tag in ("br", "lb") or tag in blocks:
            parts.append("\n")
        if element.text:
            parts.append(element.text)
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    return "".join(parts)


def _fallback_text(html: str) -> str:
    """Text of a page by a plain walk: blocks become lines, non-body elements are skipped."""
    from trafilatura.utils import load_html

    try:
        tree = load_html(_as_document(html))
    except Exception as exc:  # lxml on hostile input; nothing to extract then
        logger.warning("cannot parse HTML: %r", exc)
        return ""
    if tree is None:
        return ""
    return _walk_text(tree, _BLOCKS, _NOT_BODY, frozenset({"td", "th"}))


@functools.cache
def _identifier() -> Any:
    """The py3langid model, loaded once per process from the package (no download).

    Unpacking the packaged model (LZMA) takes most of a second: the unpacked arrays
    are kept in the disk cache (`dragoman.cache`), keyed by py3langid's version and
    the model file, and the identifier is built from them as `from_model_file` does.
    """
    import numpy as np
    import py3langid
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    from dragoman import cache

    path = MODEL_DIR / MODEL_FILE
    stat = path.stat()
    parts = [
        py3langid.__version__,
        np.__version__,
        str(path),
        str(stat.st_size),
        str(stat.st_mtime_ns),
    ]
    ptc, pc, classes, nextmove, row, output = cache.cached(
        "langid", parts, lambda: load_model(path)
    )
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row
    )


_CLOSE_SECOND = 0.2  # probability of an allowed language that outweighs a narrow miss


def detect_language(text: str, allowed: tuple[str, ...] = ()) -> str:
    """ISO 639-1 code of `text` by py3langid.

    Texts with fewer than 50 letters cannot be identified reliably: for them the
    best-scoring language of `allowed` is returned (when `allowed` is given).
    """
    sample = text[:_LANGUAGE_SAMPLE_CHARS]
    ranking = _identifier().rank(sample)
    best = ranking[0][0]
    short = len(_LETTER.findall(sample)) < _MIN_LANGUAGE_LETTERS
    if allowed and best not in allowed:
        for language, score in ranking:
            # A close second in an allowed language wins: English with many African or
            # Asian names scores as an English-based creole (pcm, sco) more than it is one.
            if language in allowed and (short or score >= _CLOSE_SECOND):
                return language
    return best


def _site_name(name: str | None, url: str | None) -> str | None:
    """The page's own name for its site, unless it is only a word of its host name
    ("Hosted" on hosted.ap.org, "Edition" on edition.example.com): the outlet is then
    found from the domain (`pipeline.outlet_source`)."""
    host = _host(url)
    if not name or host is None:
        return name
    return None if name.strip().lower() in host.split(".") else name


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def clean(record: Record, settings: Settings, published: dt.date | None = None) -> Article:
    """Turn a raw record into a clean `Article`.

    Args:
        record: what a reader yielded (`text` and/or `html`, metadata).
        settings: `max_chars` and `languages` are used.
        published: fallback publication date when neither the page nor the
            record gives one (e.g. the crawl date).

    Returns:
        The article, its text normalised, furniture removed, paragraphs
        separated by `\\n\\n`; `id` is `record.id` or else `hash`.

    Raises:
        RejectedInput: reason `empty` (nothing left after cleaning), `oversized`
            (more than `settings.max_chars` characters), or `language:xx`
            (language not in `settings.languages`).
    """

    def reject(reason: str, detail: str = "") -> RejectedInput:
        return RejectedInput(Reject(record.origin, reason, detail, record.id))

    has_text = bool(record.text and record.text.strip())
    page = _Page()
    if record.html and record.html.strip():
        page = _read_page(record.html, record.url, body=not has_text)
    if has_text:
        raw = record.text or ""
    elif record.html:
        raw = page.text or _fallback_text(record.html)
    else:
        raw = ""
    text = _paragraphs(normalise_text(raw), _default_furniture(), record.origin)
    if record.html and not has_text and len(text) < _PRECISE_MIN_CHARS:
        fuller = _read_page(record.html, record.url, body=True, precise=False)
        more = _paragraphs(
            normalise_text(fuller.text or _fallback_text(record.html)),
            _default_furniture(),
            record.origin,
        )
        if len(more) > len(text):
            text, page = more, fuller
    if not _ALNUM.search(text):
        raise reject("empty", "nothing left after cleaning")
    if len(text) > settings.max_chars:
        raise reject("oversized", f"{len(text)} characters > max_chars {settings.max_chars}")
    allowed = tuple(settings.languages)
    language = detect_language(text, allowed)
    if allowed and language not in allowed:
        raise reject(f"language:{language}", f"allowed: {', '.join(allowed)}")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    url = record.url or page.url
    return Article(
        id=record.id or digest,
        hash=digest,
        text=text,
        url=url,
        outlet=record.outlet or _site_name(page.sitename, url) or _host(url),
        title=_meta_str(record.title) or page.title,
        author=_meta_str(record.author) or page.author,
        published=page.date or record.published or published,
        language=language,
        origin=record.origin,
    )
