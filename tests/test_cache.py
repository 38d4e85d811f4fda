"""The disk cache: what it gives back equals what is built without it, and an entry that
is stale, corrupt or someone else's is never used."""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from dragoman import actors, cache, clean, knowledge, places
from dragoman.models import Span


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    """An empty cache folder for this test (the user's own is left alone)."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV, str(folder))
    return folder


@pytest.fixture
def fresh():
    """Empty the per-process caches before and after, so loads go to the disk cache."""

    def clear() -> None:
        knowledge._load.cache_clear()
        places.gazetteer.cache_clear()
        clean._identifier.cache_clear()

    clear()
    yield clear
    clear()


def _entries(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f"{name}-*.pickle"))


def test_cache_builds_once_then_reads(cache_dir: Path) -> None:
    calls = []

    def build() -> dict:
        calls.append(1)
        return {"value": [1, 2, 3]}

    assert cache.cached("thing", ["a"], build) == {"value": [1, 2, 3]}
    assert cache.cached("thing", ["a"], build) == {"value": [1, 2, 3]}
    assert len(calls) == 1
    assert len(_entries(cache_dir, "thing")) == 1
    assert not [p for p in cache_dir.iterdir() if p.name.startswith(".")]  # no temporaries


def test_cache_stale_entry_is_not_read(cache_dir: Path) -> None:
    assert cache.cached("thing", ["v1"], lambda: "old") == "old"
    # Another input (a changed file, another version) is another key: built again.
    assert cache.cached("thing", ["v2"], lambda: "new") == "new"
    assert cache.cached("thing", ["v1"], lambda: "rebuilt") == "old"
    assert len(_entries(cache_dir, "thing")) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]),
        lambda path: path.write_bytes(b"not a pickle at all"),
        lambda path: path.write_bytes(b""),
        lambda path: path.write_bytes(pickle.dumps(("something", "else", 42))),
        lambda path: path.write_bytes(pickle.dumps(["a", "list"])),
    ],
    ids=["truncated", "garbage", "empty", "other-key", "other-shape"],
)
def test_cache_corrupt_entry_is_ignored_and_rebuilt(cache_dir: Path, damage, caplog) -> None:
    assert cache.cached("thing", ["k"], lambda: "first") == "first"
    (entry,) = _entries(cache_dir, "thing")
    damage(entry)
    assert cache.cached("thing", ["k"], lambda: "rebuilt") == "rebuilt"
    assert "rebuilding" in caplog.text
    # ...and written again: the next process reads the rebuilt value.
    assert cache.cached("thing", ["k"], lambda: "never") == "rebuilt"


def test_cache_entry_of_another_key_is_ignored(cache_dir: Path) -> None:
    cache.cached("thing", ["a"], lambda: "value of a")
    (entry_a,) = _entries(cache_dir, "thing")
    cache.cached("thing", ["b"], lambda: "value of b")
    (entry_b,) = [p for p in _entries(cache_dir, "thing") if p != entry_a]
    entry_b.write_bytes(entry_a.read_bytes())  # a's entry under b's name
    assert cache.cached("thing", ["b"], lambda: "b rebuilt") == "b rebuilt"


def test_cache_off_builds_every_time(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    assert cache.directory() is None
    calls = []
    for _ in range(2):
        cache.cached("thing", ["a"], lambda: calls.append(1))
    assert len(calls) == 2


def test_cache_directory_defaults_to_xdg(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(cache.ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "dragoman"


def test_cache_without_a_home_is_off(monkeypatch) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv(cache.ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache.directory() is None
    assert cache.cached("thing", ["a"], lambda: "value") == "value"


def test_cache_failed_build_writes_nothing(cache_dir: Path) -> None:
    def build() -> str:
        raise ValueError("bad data")

    with pytest.raises(ValueError, match="bad data"):
        cache.cached("thing", ["a"], build)
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_cache_unwritable_folder_still_gives_the_value(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv(cache.ENV, str(blocker / "cache"))
    assert cache.cached("thing", ["a"], lambda: "value") == "value"


def test_cache_keeps_a_few_entries_per_name(cache_dir: Path) -> None:
    for version in range(cache.KEEP + 3):
        cache.cached("thing", [str(version)], lambda: "x")
    cache.cached("other", ["0"], lambda: "y")
    assert len(_entries(cache_dir, "thing")) == cache.KEEP
    assert len(_entries(cache_dir, "other")) == 1


def test_cache_digest_separates_parts() -> None:
    assert cache.digest(["ab", "c"]) != cache.digest(["a", "bc"])
    assert cache.digest(["a", b"b"]) == cache.digest([b"a", "b"])


def test_cache_knowledge_equals_uncached(cache_dir: Path, fresh) -> None:
    built = knowledge._build((), (), ())
    written = knowledge.load()
    fresh()
    read = knowledge.load()
    assert _entries(cache_dir, "knowledge")
    for loaded in (written, read):
        assert pickle.dumps(loaded) == pickle.dumps(built)
        assert loaded.phrases == built.phrases
        assert loaded.verbs == built.verbs
        assert loaded.codes == built.codes
        assert loaded.grammar == built.grammar and loaded.cues == built.cues
        # Phrases share their entry, as when built.
        assert loaded.phrases[0].entry is loaded.entries[0]


def test_cache_knowledge_user_file_change_is_seen(cache_dir: Path, fresh, tmp_path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("- name: Zorg Front\n  kind: armed_group\n  country: XXX\n", "utf-8")
    first = knowledge.load(actor_files=(str(extra),))
    assert any(p.text == "Zorg Front" for p in first.phrases)
    extra.write_text("- name: Blip Front\n  kind: armed_group\n  country: XXX\n", "utf-8")
    fresh()
    second = knowledge.load(actor_files=(str(extra),))
    assert any(p.text == "Blip Front" for p in second.phrases)
    assert not any(p.text == "Zorg Front" for p in second.phrases)


def test_cache_corrupt_knowledge_is_rebuilt(cache_dir: Path, fresh) -> None:
    expected = pickle.dumps(knowledge.load())
    (entry,) = _entries(cache_dir, "knowledge")
    entry.write_bytes(entry.read_bytes()[:1000])
    fresh()
    assert pickle.dumps(knowledge.load()) == expected
    fresh()
    assert pickle.dumps(knowledge.load()) == expected  # the rewritten entry reads back


def test_cache_gazetteer_equals_uncached(cache_dir: Path, fresh) -> None:
    built = places.Gazetteer(places.build_index())
    places.gazetteer()  # writes the entry
    fresh()
    read = places.gazetteer()
    assert _entries(cache_dir, "gazetteer")
    span = Span(0, 6)
    for name, countries in [
        ("Moscow", set()),
        ("Moscow", {"USA"}),
        ("Tehran", set()),
        ("the Netherlands", set()),
        ("São Paulo", set()),
        ("Sao Paulo", {"BRA"}),
        ("Springfield", {"USA"}),
        ("Nowhere-on-Nothing", set()),
    ]:
        assert read.resolve(name, span, countries) == built.resolve(name, span, countries)
    assert read.resolve("Moscow", span, {"USA"}).country == "USA"  # type: ignore[union-attr]


def test_cache_language_identifier_equals_uncached(cache_dir: Path, fresh) -> None:
    import numpy as np
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    reference = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    clean._identifier()  # writes the entry
    fresh()
    read = clean._identifier()
    assert _entries(cache_dir, "langid")
    assert np.array_equal(read.nb_ptc, reference.nb_ptc)
    assert read.nb_ptc.dtype == reference.nb_ptc.dtype
    assert read.tk_nextmove == reference.tk_nextmove and read.tk_output == reference.tk_output
    for text in ("Iran rejected the call, officials said.", "Le gouvernement a démissionné."):
        assert read.rank(text) == reference.rank(text)


def _tokenized_matchers(nlp, matcher):
    """Tables for the same keys as `matcher`'s, from patterns run through the tokenizer
    (how `ActorMatcher` built them before the disk cache kept their token texts)."""
    from spacy.attrs import LOWER, ORTH

    reference = {}
    for name, attr in (("lower", LOWER), ("exact", ORTH), ("role_phrases", LOWER)):
        table = getattr(matcher, name)
        built = actors.PhraseTable(table.attr)
        for key in sorted(_patterns(table)):
            text = key if name == "role_phrases" else None
            if text is None:
                phrase = matcher.phrases[key][0]
                text = actors._strip_article(phrase.text)
            built.add(key, tuple(nlp.tokenizer(text).to_array([attr]).tolist()))
        reference[name] = built.compile()
    return reference


def _patterns(table) -> dict[str, set[tuple[int, ...]]]:
    """A phrase table's patterns: key → token attribute ids."""
    patterns: dict[str, set[tuple[int, ...]]] = {}
    for ids, keys in table.keys.items():
        for key in keys:
            patterns.setdefault(key, set()).add(ids)
    return patterns


def test_cache_actor_matcher_equals_tokenized(pipeline, cache_dir: Path) -> None:
    """Patterns from the cached token texts are the tokenized patterns, id for id, and
    find the same matches on a text naming every dictionary form, in any case."""
    nlp, know = pipeline.nlp, pipeline.resources.knowledge
    written = actors.ActorMatcher(nlp, know)
    assert len(_entries(cache_dir, "patterns")) == 1
    read = actors.ActorMatcher(nlp, know)  # from the entry just written
    reference = _tokenized_matchers(nlp, read)
    forms = sorted({p.text for p in know.phrases} | set(know.roles))
    assert len(forms) > 5000
    lines = forms + [f.lower() for f in forms] + [f.upper() for f in forms]
    text = "\n".join(f"{line}, said {line}." for line in lines)
    # Only the tokenizer reads it (no parser), so spaCy's length guard may be raised.
    limit, nlp.max_length = nlp.max_length, max(nlp.max_length, len(text) + 1)
    try:
        doc = nlp.make_doc(text)
    finally:
        nlp.max_length = limit
    for matcher in (written, read):
        for name in ("lower", "exact", "role_phrases"):
            assert _patterns(getattr(matcher, name)) == _patterns(reference[name]), name
            assert getattr(matcher, name)(doc) == reference[name](doc), name
    found = read.lower(doc)
    assert len(found) > len(forms)  # the text does name them
    tokenized = actors.ActorMatcher.__new__(actors.ActorMatcher)
    tokenized.phrases = read.phrases
    tokenized.lower, tokenized.exact = reference["lower"], reference["exact"]
    tokenized.role_phrases = reference["role_phrases"]
    assert read.matches(doc) == tokenized.matches(doc)
    assert read.role_spans(doc) == tokenized.role_spans(doc)


def test_phrase_table_finds_each_key_of_a_pattern_as_spacy_matcher_does(pipeline) -> None:
    """One matcher for all patterns finds what a matcher with a key per pattern finds,
    keys sharing a pattern included."""
    from spacy.matcher import PhraseMatcher

    nlp = pipeline.nlp
    forms = ["Iran", "United Nations", "united nations", "Foreign Ministry", "the UN", "UN"]
    table = actors.PhraseTable("LOWER")
    spacy_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for form in forms:
        pattern = nlp.make_doc(form)
        table.add(form, tuple(t.lower for t in pattern))
        spacy_matcher.add(form, [pattern])
    table.compile()
    doc = nlp.make_doc("The United Nations asked Iran and the UN's Foreign Ministry; IRAN said no.")
    expected = sorted(
        (nlp.vocab.strings[key], start, end) for key, start, end in spacy_matcher(doc)
    )
    assert sorted(table(doc)) == expected
    assert ("United Nations", 1, 3) in expected and ("united nations", 1, 3) in expected


def test_cache_actor_matcher_sees_a_new_phrase(pipeline, cache_dir: Path) -> None:
    """Patterns are keyed by the phrases: another dictionary is another entry."""
    nlp, know = pipeline.nlp, pipeline.resources.knowledge
    actors.ActorMatcher(nlp, know)
    entry = actors.pattern_words(nlp, ["Zorg-Blip People's Front", "Iran"])
    assert entry["Zorg-Blip People's Front"] == tuple(
        t.text for t in nlp.tokenizer("Zorg-Blip People's Front")
    )
    assert len(_entries(cache_dir, "patterns")) == 2


def test_cache_pipeline_output_equals_uncached(seed_text, tmp_path, monkeypatch, fresh) -> None:
    """The seed article through a pipeline built without the cache, and through one
    built from a cache another process wrote: the same JSON, byte for byte."""
    from dragoman.output import dumps, to_dict
    from dragoman.pipeline import Pipeline
    from dragoman.settings import Settings

    def extract_seed() -> str:
        pipe = Pipeline(Settings())
        return dumps(to_dict(pipe.extract(seed_text, dt.date(2018, 5, 22))))

    monkeypatch.setenv(cache.ENV, "off")
    uncached = extract_seed()
    monkeypatch.setenv(cache.ENV, str(tmp_path / "cache"))
    fresh()
    writing = extract_seed()  # a first run: builds and writes every entry
    names = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.pickle"))
    assert names == ["gazetteer", "knowledge", "langid", "patterns"]
    fresh()
    reading = extract_seed()  # reads them back
    assert writing == uncached
    assert reading == uncached


def test_cache_import_dragoman_does_not_import_spacy() -> None:
    """`import dragoman` stays light: spaCy loads when a pipeline is first built."""
    code = "import sys, dragoman; print(sorted(m for m in ('spacy', 'yaml') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
