"""The spaCy pipeline as dragoman loads it: verified, and the same as spaCy's own load."""

import pytest
import spacy

from dragoman import nlp

TEXT = (
    "Dr. Smith's U.S.-led coalition can't reach https://example.org at 5:30pm, "
    'e.g. on Jan. 3rd :) — "No," said Gen. O\'Neill (ret.) in Washington, D.C.'
)


def test_bundled_model_passes_its_hash_check():
    report = nlp.verify()
    assert report.verified is True
    assert report.problems == ()


def test_loaded_tokenizer_is_the_one_spacy_loads():
    ours = nlp.load()
    theirs = spacy.load(nlp.BUNDLED_MODEL, exclude=list(nlp.UNUSED_COMPONENTS))
    assert ours.tokenizer.to_bytes() == theirs.tokenizer.to_bytes()
    assert [t.text for t in ours(TEXT)] == [t.text for t in theirs(TEXT)]
    assert ours.pipe_names == theirs.pipe_names
    # the config says what the pipeline was saved with, not how it was loaded
    assert ours.config["nlp"]["tokenizer"] == nlp.SPACY_TOKENIZER
    assert "senter" not in ours.component_names


def test_a_changed_model_file_fails_the_hash_check(tmp_path, monkeypatch):
    import shutil

    installed = nlp._package_dir(nlp.BUNDLED_MODEL)
    copy = tmp_path / "model"
    shutil.copytree(installed, copy)
    rel = next(iter(nlp._recorded_hashes()))
    with open(copy / rel, "ab") as file:
        file.write(b"\0")
    monkeypatch.setattr(nlp, "_package_dir", lambda name: copy)
    report = nlp.verify()
    assert report.verified is False
    assert report.problems == (f"hash mismatch {rel}",)


# Real-style cases of issue #18: a closing mark made a sentence of its own.
CLOSING = [
    (
        "“We will not leave,” the minister said. “This is our land.”\n\nThe army withdrew.",
        ["“We will not leave,” the minister said.", "“This is our land.”", "The army withdrew."],
    ),
    (
        "“Is this justice?” she asked. “No.” The court adjourned.",
        ["“Is this justice?” she asked.", "“No.”", "The court adjourned."],
    ),
    (
        "Protesters chanted “Down with the regime!” and “Free them!” before police moved in.",
        ["Protesters chanted “Down with the regime!” and “Free them!” before police moved in."],
    ),
    (
        "The court adjourned (until Monday.) Then it resumed.",
        ["The court adjourned (until Monday.)", "Then it resumed."],
    ),
    (
        "The statement read: ‘We condemn the attack.’\n\nOfficials met later.",
        ["The statement read: ‘We condemn the attack.’", "Officials met later."],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CLOSING)
def test_nlp_closing_marks_stay_with_the_sentence_they_close(pipeline, text, expected) -> None:
    from dragoman import extract

    result = extract(text, published="2019-03-12")
    sentences = [s.text(result.article.text).strip() for s in result.sentences]
    assert sentences == expected
    assert all(any(c.isalnum() for c in s) for s in sentences)  # none is only punctuation


@pytest.mark.parametrize(
    "text",
    [
        # an archive's typewriter quotes ('' for both marks), nested closing marks
        "The senator spoke.\n\n''This isn't tax reform,'' said a critic. ''It is a gift.''",
        "He said: \"You've got to do something.'\"\n\nA year later, in Paris, they agreed.",
        # an ellipsis between sentences, and a stray closing mark at a paragraph's start
        'He refuses to take responsibility. ... That is a judgment issue."\n\nTrump spoke.',
        "Obama said the words lumped them together.\n\n” … what I learned from listening.",
    ],
)
def test_nlp_no_sentence_is_punctuation_alone(pipeline, text: str) -> None:
    from dragoman import extract

    result = extract(text, published="2016-09-16")
    sentences = [s.text(result.article.text) for s in result.sentences]
    assert all(any(c.isalnum() for c in s) for s in sentences), sentences
