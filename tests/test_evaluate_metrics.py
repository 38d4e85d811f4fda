"""Scoring arithmetic: P/R/F1, matching, shingles, confusion, offset maps, code normalising."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dragoman.evaluate import codes
from dragoman.evaluate.metrics import (
    PRF,
    OffsetMap,
    benchmark_scores,
    confusion_rows,
    dice,
    f1,
    match_greedy,
    page_precision,
    page_recall,
    set_prf,
    shingle_counts,
    shingles,
    word_starts,
)
from dragoman.models import Span


def test_evaluate_metrics_prf_math() -> None:
    prf = PRF(matched_predicted=3, predicted=4, matched_gold=3, gold=6)
    assert (prf.precision, prf.recall) == (0.75, 0.5)
    assert prf.f1 == pytest.approx(0.6)
    assert PRF(1, 2, 1, 4) + PRF(2, 2, 2, 2) == PRF(3, 4, 3, 6)
    assert prf.figures("event") == {
        "event_precision": 0.75,
        "event_recall": 0.5,
        "event_f1": pytest.approx(0.6),
    }


def test_evaluate_metrics_prf_edge_cases() -> None:
    assert (PRF().precision, PRF().recall, PRF().f1) == (1.0, 1.0, 1.0)  # nothing, rightly
    nothing_found = PRF(0, 0, 0, 5)
    assert (nothing_found.precision, nothing_found.recall, nothing_found.f1) == (0.0, 0.0, 0.0)
    all_spurious = PRF(0, 3, 0, 0)
    assert (all_spurious.precision, all_spurious.recall) == (0.0, 0.0)
    assert f1(0.0, 0.0) == 0.0


def test_evaluate_metrics_set_prf() -> None:
    assert set_prf(["a", "b", "b"], ["b", "c"]) == PRF(1, 2, 1, 2)


def test_evaluate_metrics_match_greedy_one_to_one() -> None:
    scores = [(0.9, 0, 0), (0.8, 1, 0), (0.7, 1, 1), (0.4, 2, 2)]
    assert match_greedy(scores, 0.5) == {0: 0, 1: 1}  # 1 loses gold 0, takes gold 1
    assert match_greedy(scores, 0.0) == {0: 0, 1: 1, 2: 2}
    # ties go to the lower indexes, whatever the input order
    assert match_greedy([(0.5, 1, 0), (0.5, 0, 0)], 0.5) == {0: 0}


def test_evaluate_metrics_token_dice() -> None:
    text = "He said: “we will win, and soon.”"
    a = word_starts(text, [Span(text.index("we"), len(text))])
    b = word_starts(text, [Span(text.index("win"), len(text))])
    assert len(a) == 5 and len(b) == 3
    assert dice(a, b) == pytest.approx(2 * 3 / 8)
    assert dice(frozenset(), frozenset()) == 0.0
    # words cut by a span edge are not counted
    assert word_starts(text, [Span(1, 7)]) == {text.index("said")}


def test_evaluate_metrics_shingles() -> None:
    assert shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("two words") == {("two", "words"): 1}  # short text: one short shingle
    assert shingles("") == {}
    assert shingles("A b c d a b c d a")[("a", "b", "c", "d")] == 1  # case is kept
    assert shingles("x y z w x y z w")[("x", "y", "z", "w")] == 2  # a multiset


def test_evaluate_metrics_shingle_page_counts() -> None:
    gold = "one two three four five"
    assert shingle_counts(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = shingle_counts(gold, gold + " six")
    assert (tp, fp, fn) == pytest.approx((2 / 3, 1 / 3, 0.0))
    assert (page_precision(tp, fp, fn), page_recall(tp, fp, fn)) == pytest.approx((2 / 3, 1.0))
    assert shingle_counts("", "") == (0.0, 0.0, 0.0)
    assert shingle_counts(gold, "") == (0.0, 0.0, 1.0)


def test_evaluate_metrics_benchmark_averaging() -> None:
    pages = [
        shingle_counts("one two three four five", "one two three four five six"),  # P 2/3 R 1
        shingle_counts("alpha beta gamma delta", "alpha beta"),  # P 0 R 0
        shingle_counts("x y z w v", ""),  # nothing predicted: recall only
        shingle_counts("", ""),  # both empty: in neither mean
    ]
    precision, recall, f = benchmark_scores(pages)
    assert precision == pytest.approx((2 / 3 + 0) / 2)
    assert recall == pytest.approx((1 + 0 + 0) / 3)
    assert f == pytest.approx(f1(precision, recall))  # F1 of the means
    assert benchmark_scores([(0.0, 0.0, 1.0)]) == (0.0, 0.0, 0.0)
    assert benchmark_scores([(0.0, 0.0, 0.0)]) == (1.0, 1.0, 1.0)


def test_evaluate_metrics_confusion_rows() -> None:
    columns, rows = confusion_rows([("AGREE", "AGREE"), ("AGREE", "NONE"), ("ACCUSE", "AGREE")])
    assert columns == ("gold", "AGREE", "NONE", "total")
    assert rows == (("ACCUSE", 1, 0, 1), ("AGREE", 1, 1, 2))


def test_evaluate_metrics_offset_map() -> None:
    original = "Title\n\nFirst  paragraph here.\nSecond one."
    changed = "First paragraph here.\n\nSecond one."
    offsets = OffsetMap.between(original, changed)
    for words in ("First", "paragraph here.", "Second one."):
        start = changed.index(words)
        assert offsets.span(Span(start, start + len(words))).text(original) == words
    # a span across a changed region keeps both ends, and no more
    whole = offsets.span(Span(0, len(changed)))
    assert whole.text(original) == original[original.index("First") :]
    identity = OffsetMap.between(original, original)
    assert identity.identity and identity.span(Span(3, 9)) == Span(3, 9)


def test_evaluate_metrics_offset_map_end_does_not_swallow_deleted_text() -> None:
    original = "abcXXXdef"
    offsets = OffsetMap.between(original, "abcdef")
    assert offsets.span(Span(0, 3)).text(original) == "abc"
    assert offsets.span(Span(3, 6)).text(original) == "def"


@given(
    st.text(alphabet="abcdefgh \n", min_size=5, max_size=60),
    st.integers(0, 59),
    st.integers(0, 8),
)
def test_evaluate_metrics_offset_map_property(text: str, cut: int, size: int) -> None:
    # Delete a piece of the text; every character the alignment matched maps back to its
    # equal, and an unmatched one still maps inside the original text (never past it).
    cut = min(cut, len(text))
    changed = text[:cut] + text[cut + size :]
    offsets = OffsetMap.between(text, changed)
    for i, ch in enumerate(changed):
        if not ch.isspace():
            where, exact = offsets._locate(i)
            assert 0 <= where <= len(text)
            if exact:
                assert text[where] == ch


@given(
    st.lists(
        st.sampled_from(["word", "Word2", "x", " ", "  ", "\n", "\xa0", "\u200b"]),
        min_size=1,
        max_size=40,
    ),
    st.integers(0, 200),
    st.integers(0, 200),
)
def test_evaluate_metrics_offset_map_whitespace_edits_are_exact(
    pieces: list[str], a: int, b: int
) -> None:
    # What cleaning does to plain text: no-break spaces become spaces, runs of
    # spaces collapse, zero-width marks go, single line breaks become paragraphs.
    original = "".join(pieces)
    changed = original.replace("\xa0", " ").replace("\u200b", "")
    changed = " ".join(changed.split(" ")).replace("  ", " ").replace("\n", "\n\n")
    offsets = OffsetMap.between(original, changed)
    start, end = sorted((a % (len(changed) + 1), b % (len(changed) + 1)))
    moved = offsets.span(Span(start, end))

    def visible(s: str) -> str:
        return "".join(c for c in s if not c.isspace() and c != "\u200b")

    assert visible(moved.text(original)) == visible(changed[start:end])


@pytest.mark.parametrize(
    ("code", "country"),
    [
        ("JAP", "JPN"),
        ("ITL", "ITA"),
        ("VTN", "VNM"),
        ("USAGOV", "USA"),
        ("usa", "USA"),
        ("IGO", "IGO"),
        ("IGOUNO", "IGO"),
        ("UNO", "IGO"),
        ("EUR", "IGO"),
        ("NGOAMN", "NGO"),
        ("IMG", "IMG"),
        ("---MIL", None),
        ("---", None),
        ("***", None),
        ("", None),
        (None, None),
    ],
)
def test_evaluate_metrics_country_codes(code: str | None, country: str | None) -> None:
    assert codes.country(code) == country


@pytest.mark.parametrize(
    ("raw", "sector"),
    [
        ("GOV", "GOV"),
        ("CVLalb", "CVL"),
        ("REFKUR", "REF"),
        ("CIV", "CVL"),
        ("***", None),
        ("", None),
        (None, None),
    ],
)
def test_evaluate_metrics_sector_codes(raw: str | None, sector: str | None) -> None:
    assert codes.sector(raw) == sector
