"""The pipeline: clean → parse → actors → quotes → events, one article at a time.

Each stage is a function `stage(state) -> state` that reads what earlier stages
left in the `State` and adds its own layer; `STAGES` lists them in order.
Quotes run before events so that an event inside a quote can take the quote's
speaker and relays as its attribution chain.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Token

from dragoman import actors as actors_stage
from dragoman import clean as clean_stage
from dragoman import events as events_stage
from dragoman import ingest
from dragoman import knowledge as knowledge_module
from dragoman import nlp as nlp_module
from dragoman import quotes as quotes_stage
from dragoman.dedup import Deduper
from dragoman.errors import RejectedInput, SettingsError, Stopped, set_aside
from dragoman.events.decide import Decider
from dragoman.events.decide import cached as event_model
from dragoman.knowledge import Knowledge
from dragoman.models import Article, Extraction, Record, Reject, Source, Span
from dragoman.places import gazetteer
from dragoman.settings import Settings

log = logging.getLogger(__name__)

# Curly quotation marks are parsed as straight ones (spaCy splits sentences badly
# around curly marks); one character for one, so offsets stay those of the text.
_PARSE_TABLE = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})


@dataclass(frozen=True, slots=True)
class State:
    """One article on its way through the stages."""

    article: Article
    doc: Doc
    resources: Resources
    outlet: Source | None = None
    actors: actors_stage.ActorLayer | None = None
    quotes: quotes_stage.QuoteLayer | None = None
    events: events_stage.EventLayer | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Resources:
    """What every stage may read: compiled once per pipeline."""

    knowledge: Knowledge
    matcher: actors_stage.ActorMatcher
    coder: events_stage.Coder
    settings: Settings
    decider: Decider | None = None


def find_actors(state: State) -> State:
    """Actors stage."""
    layer = actors_stage.find(
        state.doc,
        state.resources.knowledge,
        state.resources.matcher,
        state.article.published,
        gazetteer(),
    )
    return dataclasses.replace(state, actors=layer)


def find_quotes(state: State) -> State:
    """Quotes stage (needs actors)."""
    assert state.actors is not None
    layer = quotes_stage.find(state.doc, state.actors, state.resources.knowledge, state.outlet)
    return dataclasses.replace(state, quotes=layer)


def code_events(state: State) -> State:
    """Events stage (needs actors and quotes)."""
    assert state.actors is not None and state.quotes is not None
    layer = events_stage.code(
        state.doc,
        state.actors,
        state.quotes,
        state.resources.coder,
        state.article.published,
        state.outlet,
        gazetteer(),
        state.resources.settings.secondary_confidence,
        state.resources.decider,
        state.resources.settings.min_confidence,
        state.resources.settings.event_decision == "wide",
        state.resources.settings.max_sentence_tokens,
    )
    return dataclasses.replace(state, events=layer)


STAGES = (find_actors, find_quotes, code_events)


def outlet_source(article: Article, knowledge: Knowledge) -> Source | None:
    """The article's publisher as the last link of every attribution chain."""
    entry = None
    if article.url:
        from urllib.parse import urlsplit

        host = (urlsplit(article.url).hostname or "").lower().removeprefix("www.")
        while host and entry is None:
            entry = knowledge.by_domain.get(host)
            host = host.partition(".")[2] if "." in host else ""
    if entry is None and article.outlet:
        wanted = article.outlet.lower().removeprefix("the ")
        for phrase in knowledge.phrases:
            if phrase.entry.kind == "media" and phrase.text.lower().removeprefix("the ") == wanted:
                entry = phrase.entry
                break
    if entry is not None:
        code = entry.code or (entry.country or "") + "".join(entry.sectors)
        return Source(role="outlet", name=entry.name, code=code)
    if article.outlet:
        return Source(role="outlet", name=article.outlet)
    return None


# A wire story's dateline: "DUBAI, Feb 12 (Reuters) -", "KYIV, Ukraine (AP) —",
# "WASHINGTON —". The parser reads the city as a subject of the first sentence
# ("DUBAI ... - Iran rejected": Dubai rejected), so it is a sentence of its own.
DATELINE = re.compile(
    r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,3}"  # the city, in capitals
    r"(?:, [A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*)?(?: \d{1,2})?){0,2}"  # ", Ukraine", ", Feb 12"
    r"(?: \([^()\n]{1,40}\))?"  # "(Reuters)"
    r" ?(?:-{1,2}|—|–) ?(?=[A-Z\"“‘'])"  # the dash, before the story's first word
)
_DATELINE_CHARS = 90
# Marks that close what a sentence's last word opened: a quotation (the text is parsed
# with straight marks, see _PARSE_TABLE) or a bracket.
_CLOSERS = frozenset({'"', "'", "''", ")", "]"})
# Marks that open a quotation ("''" is the typewriter style of some archives).
_OPENERS = frozenset({'"', "'", "''", "``"})
_SENTENCE_END = frozenset({".", "!", "?", "…", "...", ","})


@Language.component("dragoman_paragraphs")
def mark_paragraphs(doc: Doc) -> Doc:
    """A blank line always ends a sentence (titles and bylines have no full stop), and
    so does a paragraph's dateline. A closing quotation mark or bracket glued to the
    full stop before it ends that sentence, never starts one ("…our land.”" was a
    sentence of its own), and a lower-case word after it carries the sentence on
    ("“Is this justice?” she asked.")."""
    starts = [doc[0]] if len(doc) else []
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
            token.is_sent_start = True
            starts.append(token)
        elif _closes(token, previous):
            token.is_sent_start = False
            following = doc[token.i + 1] if token.i + 1 < len(doc) else None
            if (
                following is not None
                and "\n" not in token.whitespace_
                and following.text[:1].islower()
            ):
                following.is_sent_start = False
        if _opens(previous, token):
            token.is_sent_start = False  # "“During the debate…": the mark starts it
    text = doc.text
    for token in starts:
        found = DATELINE.match(text, token.idx, token.idx + _DATELINE_CHARS)
        if found:
            after = doc.char_span(found.end(), found.end() + 1, alignment_mode="expand")
            if after is not None and after.start > token.i:
                doc[after.start].is_sent_start = True
    return doc


def _closes(token: Token, previous: Token) -> bool:
    """Whether `token` is a closing mark glued to the end of the sentence before it,
    directly or through other closing marks (".’”")."""
    if token.text not in _CLOSERS:
        return False
    while not previous.whitespace_:
        if previous.text in _SENTENCE_END or previous.text[-1:] in _SENTENCE_END:
            return True
        if previous.text not in _CLOSERS or previous.i == 0:
            return False
        previous = previous.doc[previous.i - 1]
    return False


def _opens(mark: Token, token: Token) -> bool:
    """Whether `mark` opens a quotation that `token` is the first word of: a mark at
    the start of the text or after a space, glued to a word."""
    return (
        mark.text in _OPENERS
        and not mark.whitespace_
        and token.is_alpha
        and (mark.i == 0 or _spaced(mark.doc[mark.i - 1]))
    )


def _spaced(token: Token) -> bool:
    """Whether a space follows `token` (or it is one: "\\n\\n" between paragraphs)."""
    return bool(token.whitespace_) or token.is_space


class Pipeline:
    """The whole extraction, with its model and knowledge loaded once.

    Args:
        settings: resolved settings (defaults when None).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        if self.settings.event_decision not in {"score", "wide"}:
            raise SettingsError(
                f"setting 'event_decision' must be 'score' or 'wide', "
                f"got {self.settings.event_decision!r}"
            )
        self.nlp = nlp_module.load(self.settings.model, self.settings.verify_model)
        if "dragoman_paragraphs" not in self.nlp.pipe_names:
            self.nlp.add_pipe("dragoman_paragraphs", before="parser")
        knowledge = knowledge_module.load(
            self.settings.actor_files, self.settings.verb_files, self.settings.role_files
        )
        self.resources = Resources(
            knowledge=knowledge,
            matcher=actors_stage.ActorMatcher(self.nlp, knowledge),
            coder=events_stage.coder_for(knowledge),
            settings=self.settings,
            decider=None
            if self.settings.event_model == "none"
            else event_model(self.settings.event_model),
        )

    def clean(self, record: Record, published: dt.date | None = None) -> Article:
        """Check one record's text (`ingest.admit`), then clean it into an article.

        Raises:
            RejectedInput: the record holds no valid Unicode, or no usable English text.
        """
        admitted = ingest.admit(record)
        if isinstance(admitted, Reject):
            raise RejectedInput(admitted)
        article = clean_stage.clean(admitted, self.settings, published)
        # One outlet, one name: "NYTimes" and hosted.ap.org's pages are The New York
        # Times and the Associated Press, as media.yaml names them.
        source = outlet_source(article, self.resources.knowledge)
        if source is not None and source.name != article.outlet:
            article = dataclasses.replace(article, outlet=source.name)
        return article

    def analyse(
        self, article: Article, doc: Doc, check: Callable[[], None] = lambda: None
    ) -> Extraction:
        """Run the stages on a parsed article (`check` is called before each)."""
        state = State(
            article=article,
            doc=doc,
            resources=self.resources,
            outlet=outlet_source(article, self.resources.knowledge),
        )
        for stage in STAGES:
            check()
            state = stage(state)
        assert state.actors and state.quotes and state.events
        sentences = tuple(Span(s.start_char, s.end_char) for s in nlp_module.sentences(doc)[0])
        return Extraction(
            article=article,
            sentences=sentences,
            actors=state.actors.actors,
            events=state.events.events,
            quotes=state.quotes.quotes,
        )

    def parse(
        self, texts: Iterable[str], check: Callable[[], None] = lambda: None
    ) -> Iterator[Doc]:
        """spaCy parses of `texts`, batched; offsets are those of the texts.

        A text longer than the `batch_chars` setting is parsed in pieces of at most
        that many characters, cut between paragraphs where it can be (`_pieces`), and
        the pieces' parses are joined into one `Doc`: the parser's memory grows with
        the characters it is given at once (about 3 MB per thousand), and a worker
        stays within 1 GiB whatever the article (docs/benchmarks.md).
        """
        texts = list(texts)
        limit = max(1, self.settings.batch_chars)
        owners: list[int] = []
        pieces: list[str] = []
        for number, text in enumerate(texts):
            for piece in _pieces(text, limit):
                owners.append(number)
                pieces.append(piece)

        def batches() -> Iterator[Doc]:
            for batch in _batches(pieces, self.settings.batch_size, limit):
                check()  # before each batch: raises to stop
                yield from self.nlp.pipe(
                    [p.translate(_PARSE_TABLE) for p in batch], batch_size=len(batch)
                )

        parsed = batches()
        group: list[Doc] = []
        for n, (owner, piece, doc) in enumerate(zip(owners, pieces, parsed, strict=True)):
            group.append(_restore_text(doc, piece))
            if n + 1 == len(owners) or owners[n + 1] != owner:  # the text's last piece
                yield group[0] if len(group) == 1 else _join(group, texts[owner])
                group = []

    def extract(
        self,
        record: Record | str,
        published: dt.date | None = None,
        stop: Callable[[], bool] | None = None,
    ) -> Extraction:
        """Extract one article.

        Args:
            stop: asked between steps (after cleaning, between parse batches, between
                stages); when it answers True the extraction ends with `Stopped`. The
                HTTP API's time budget and client-disconnect check.

        Raises:
            RejectedInput: the record was set aside (its `reject` says why).
            Stopped: `stop` answered True.
        """
        if isinstance(record, str):
            record = _record_from_string(record)
        check = _checker(stop)
        try:
            article = self.clean(record, published)
            check()
            (doc,) = self.parse([article.text], check)
            return self.analyse(article, doc, check)
        except Stopped:
            raise
        except Exception as exc:
            raise RejectedInput(set_aside(record.origin, record.id, exc)) from exc

    def extract_many(
        self, records: Iterable[Record | Reject], published: dt.date | None = None
    ) -> Iterator[Extraction | Reject]:
        """Extract a stream of records in batches; rejects pass through, in order."""
        batch: list[Article | Reject | Extraction] = []
        size = max(1, self.settings.batch_size)
        # A batch is also cut by its characters: the parse's memory follows them.
        chars = max(1, self.settings.batch_chars)
        # A story republished by many outlets is coded once; its copies come out as
        # extractions of their own article with `duplicate_of` set, and no layers.
        deduper = Deduper(self.settings) if self.settings.deduplicate else None
        for item in records:
            if isinstance(item, Reject):
                batch.append(item)
                continue
            try:
                article = self.clean(item, published)
                original = deduper.check(article) if deduper is not None else None
            except Exception as exc:
                batch.append(set_aside(item.origin, item.id, exc))
                continue
            if original is not None:
                batch.append(Extraction(article=article, warnings=(f"duplicate_of:{original}",)))
            else:
                batch.append(article)
            articles = [b for b in batch if isinstance(b, Article)]
            if len(articles) >= size or sum(len(a.text) for a in articles) >= chars:
                yield from self._flush(batch)
                batch = []
        yield from self._flush(batch)

    def _flush(self, batch: list[Article | Reject | Extraction]) -> Iterator[Extraction | Reject]:
        articles = [b for b in batch if isinstance(b, Article)]
        docs = self._parse_batch(articles)
        for item in batch:
            if not isinstance(item, Article):
                yield item
                continue
            doc = docs.pop(0)
            if isinstance(doc, Reject):
                yield doc
                continue
            try:
                yield self.analyse(item, doc)
            except Exception as exc:
                yield set_aside(item.origin, item.id, exc)

    def _parse_batch(self, articles: list[Article]) -> list[Doc | Reject]:
        """The parses of `articles` in one `nlp.pipe` batch; when the batch fails, each
        article is parsed alone, and the one that fails is set aside."""
        try:
            return list(self.parse([a.text for a in articles]))
        except Exception:
            log.info(
                "a batch of %d articles failed to parse; parsing them one by one", len(articles)
            )
        docs: list[Doc | Reject] = []
        for article in articles:
            try:
                docs.extend(self.parse([article.text]))
            except Exception as exc:
                docs.append(set_aside(article.origin, article.id, exc))
        return docs


def _batches(pieces: list[str], size: int, limit: int) -> Iterator[list[str]]:
    """`pieces` in order, in lists of at most `size` pieces and (but for a single
    piece) at most `limit` characters: what `nlp.pipe` parses at once."""
    batch: list[str] = []
    chars = 0
    for piece in pieces:
        if batch and (len(batch) >= size or chars + len(piece) > limit):
            yield batch
            batch, chars = [], 0
        batch.append(piece)
        chars += len(piece)
    if batch:
        yield batch


def _pieces(text: str, limit: int) -> list[str]:
    """`text` in consecutive pieces of at most `limit` characters (one piece when it
    fits), each cut after a paragraph break, else after a line break, else after a
    space; a piece never ends inside a word."""
    pieces = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = -1
        for mark in ("\n\n", "\n", " "):
            found = text.rfind(mark, start + 1, end)
            if found > start:
                cut = found + len(mark)
                # whitespace stays with the piece it ends
                while cut < len(text) and text[cut] in " \n" and cut - start < limit:
                    cut += 1
                break
        if cut <= start:
            cut = end  # one word longer than `limit`: cut it
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def _join(docs: list[Doc], text: str) -> Doc:
    """The parses of consecutive pieces of `text` as one `Doc` of `text`."""
    joined = Doc.from_docs(docs, ensure_whitespace=False)
    if joined.text != text:  # pragma: no cover - the pieces are cut to rejoin exactly
        raise RuntimeError("the parsed pieces do not rejoin into the text")
    return joined


def _checker(stop: Callable[[], bool] | None) -> Callable[[], None]:
    """A function that raises `Stopped` when `stop` answers True (never without one)."""

    def check() -> None:
        if stop is not None and stop():
            raise Stopped("the extraction was stopped between two steps")

    return check


def _restore_text(doc: Doc, text: str) -> Doc:
    """The same parse over the original characters (only quote marks differ)."""
    if doc.text == text:
        return doc
    words = [text[t.idx : t.idx + len(t.text)] for t in doc]
    spaces = [bool(t.whitespace_) for t in doc]
    restored = Doc(doc.vocab, words=words, spaces=spaces)
    attrs: list[int | str] = [
        "TAG",
        "POS",
        "MORPH",
        "LEMMA",
        "HEAD",
        "DEP",
        "SENT_START",
        "ENT_IOB",
        "ENT_TYPE",
    ]
    arrays = doc.to_array(attrs)
    restored.from_array(attrs, arrays)  # type: ignore[arg-type]  # spaCy stubs: uint64 is fine
    return restored


def _record_from_string(value: str, **meta: Any) -> Record:
    stripped = value.lstrip()
    if stripped.startswith("<"):
        return Record(origin="<string>", html=value, **meta)
    return Record(origin="<string>", text=value, **meta)
