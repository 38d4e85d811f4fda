"""Scoring arithmetic shared by the gold-set readers.

Nothing here knows a gold format or runs the pipeline: precision/recall/F1 from
counts, one-to-one matching by score, token overlap between spans, the
article-extraction-benchmark shingle metric, a confusion table, and an offset
map between two versions of a text.
"""

from __future__ import annotations

import difflib
import re
import statistics
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from dragoman.models import Span

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts behind a precision/recall/F1 triple.

    Precision and recall are counted separately (`matched_predicted` of
    `predicted`, `matched_gold` of `gold`) because set-based matching (several
    predictions may hit one gold item) does not pair items one to one.
    Edge cases: with nothing predicted and nothing in gold both figures are 1;
    with nothing on one side only, the undefined figure is 0.
    """

    matched_predicted: int = 0
    predicted: int = 0
    matched_gold: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        if self.predicted:
            return self.matched_predicted / self.predicted
        return 1.0 if self.gold == 0 else 0.0

    @property
    def recall(self) -> float:
        if self.gold:
            return self.matched_gold / self.gold
        return 1.0 if self.predicted == 0 else 0.0

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.matched_predicted + other.matched_predicted,
            self.predicted + other.predicted,
            self.matched_gold + other.matched_gold,
            self.gold + other.gold,
        )

    def figures(self, prefix: str) -> dict[str, float]:
        """`{prefix}_precision`, `{prefix}_recall`, `{prefix}_f1`."""
        return {
            f"{prefix}_precision": self.precision,
            f"{prefix}_recall": self.recall,
            f"{prefix}_f1": self.f1,
        }


def f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def set_prf(predicted: Iterable[Hashable], gold: Iterable[Hashable]) -> PRF:
    """PRF of two sets compared by equality."""
    pred, want = set(predicted), set(gold)
    hits = len(pred & want)
    return PRF(hits, len(pred), hits, len(want))


def ratio(hits: int, total: int) -> float:
    """`hits / total`, or 0 when there is nothing to count (an accuracy with no cases)."""
    return hits / total if total else 0.0


# --- one-to-one matching ---------------------------------------------------


def match_greedy(scores: Iterable[tuple[float, int, int]], threshold: float) -> dict[int, int]:
    """Pair predicted items with gold items one to one, best score first.

    Args:
        scores: `(score, predicted_index, gold_index)` for candidate pairs.
        threshold: pairs scoring below it are never matched.

    Returns:
        `{predicted_index: gold_index}`. Ties are broken by the lower indexes
        so that the result does not depend on the input order.
    """
    pairs = sorted((s for s in scores if s[0] >= threshold), key=lambda s: (-s[0], s[1], s[2]))
    taken_pred: set[int] = set()
    taken_gold: set[int] = set()
    matched: dict[int, int] = {}
    for _, p, g in pairs:
        if p in taken_pred or g in taken_gold:
            continue
        matched[p] = g
        taken_pred.add(p)
        taken_gold.add(g)
    return matched


# --- spans and tokens ------------------------------------------------------


def word_starts(text: str, spans: Iterable[Span]) -> frozenset[int]:
    """Start offsets of the words (`\\w+` runs) that lie wholly inside `spans`."""
    starts: set[int] = set()
    for span in spans:
        for m in _WORD.finditer(text, span.start, span.end):
            # A match at an edge may be the stub of a word the span cuts.
            cut_left = m.start() == span.start > 0 and _WORD.match(text, m.start() - 1)
            cut_right = m.end() == span.end < len(text) and _WORD.match(text, m.end())
            if not (cut_left or cut_right):
                starts.add(m.start())
    return frozenset(starts)


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    """Dice coefficient (token-overlap F1) of two token sets; 0 when both are empty."""
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def overlaps_any(span: Span, others: Iterable[Span]) -> bool:
    """True when `span` shares a character with one of `others`."""
    return any(span.overlaps(o) for o in others)


# --- article-extraction-benchmark metric -------------------------------------
# Re-implemented from the description and behaviour of
# scrapinghub/article-extraction-benchmark `evaluate.py`, so that our figure is
# comparable with its published table: word tokens are `\w+` runs, case kept;
# 4-gram shingles are counted as a multiset; a text with fewer than 4 words is
# one short shingle; each page's tp/fp/fn are normalised to sum to 1 so long
# pages do not outweigh short ones; precision is the mean over pages with
# tp+fp > 0, recall the mean over pages with tp+fn > 0, and F1 is the harmonic
# mean of those two means (not the mean of per-page F1s).


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of word n-gram shingles of `text`."""
    words = _WORD.findall(text or "")
    if len(words) < n:
        return Counter([tuple(words)]) if words else Counter()
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def shingle_counts(gold: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one page; (0, 0, 0) when both texts have no words."""
    want, got = shingles(gold, n), shingles(predicted, n)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    if total == 0:
        return (0.0, 0.0, 0.0)
    return (tp / total, fp / total, fn / total)


def page_precision(tp: float, fp: float, fn: float) -> float:
    """Benchmark precision of one page (1 for a perfect page)."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def page_recall(tp: float, fp: float, fn: float) -> float:
    """Benchmark recall of one page (1 for a perfect page)."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_f1(counts: tuple[float, float, float]) -> float:
    """F1 of one page (for sorting the worst pages; not part of the benchmark figure)."""
    return f1(page_precision(*counts), page_recall(*counts))


def benchmark_scores(pages: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over pages, as the benchmark computes them.

    Pages where both texts are empty have (0, 0, 0) and drop out of both means,
    as in the benchmark.
    """
    precisions = [page_precision(*c) for c in pages if c[0] + c[1] > 0]
    recalls = [page_recall(*c) for c in pages if c[0] + c[2] > 0]
    # The benchmark leaves an empty mean undefined; say 1 when no page has any
    # text on either side, else 0 (an extractor that returns nothing scores 0).
    anything = any(sum(c) > 0 for c in pages)
    p = statistics.fmean(precisions) if precisions else float(not anything)
    r = statistics.fmean(recalls) if recalls else float(not anything)
    return p, r, f1(p, r)


# --- confusion ---------------------------------------------------------------


def confusion_rows(
    pairs: Iterable[tuple[str, str]],
) -> tuple[tuple[str, ...], tuple[tuple[str | int, ...], ...]]:
    """A confusion table from `(gold, predicted)` label pairs.

    Returns:
        `(columns, rows)`: columns are `("gold", <predicted labels>..., "total")`,
        one row per gold label, sorted by name.
    """
    counts = Counter(pairs)
    gold_labels = sorted({g for g, _ in counts})
    pred_labels = sorted({p for _, p in counts})
    columns = ("gold", *pred_labels, "total")
    rows: list[tuple[str | int, ...]] = []
    for g in gold_labels:
        cells = [counts.get((g, p), 0) for p in pred_labels]
        rows.append((g, *cells, sum(cells)))
    return columns, tuple(rows)


# --- offsets between two versions of a text ------------------------------------


def _visible(text: str) -> tuple[str, list[int]]:
    """The characters of `text` that are not whitespace, control or format characters,
    and their offsets."""
    chars, offsets = [], []
    for i, ch in enumerate(text):
        if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        chars.append(ch)
        offsets.append(i)
    return "".join(chars), offsets


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps character offsets of a changed text back to the original.

    Cleaning mostly touches whitespace and invisible characters (no-break
    spaces, collapsed runs, paragraph breaks, zero-width marks), so the texts
    are aligned on their visible characters: when those are the same sequence
    the map is exact and linear-time. Otherwise the visible characters are
    aligned with difflib. An offset that falls on a character with no
    counterpart maps to just after the last shared character before it.
    """

    # Parallel sorted tuples: block i covers changed[changed_starts[i] : +sizes[i]]
    # and original[original_starts[i] : +sizes[i]].
    changed_starts: tuple[int, ...]
    original_starts: tuple[int, ...]
    sizes: tuple[int, ...]
    identity: bool = False

    @classmethod
    def between(cls, original: str, changed: str) -> OffsetMap:
        """The map from offsets in `changed` to offsets in `original`."""
        if original == changed:
            return cls((), (), (), identity=True)
        seen_original, at_original = _visible(original)
        seen_changed, at_changed = _visible(changed)
        if seen_original == seen_changed:
            pairs: Iterable[tuple[int, int, int]] = ((i, i, 1) for i in range(len(seen_original)))
        else:
            matcher = difflib.SequenceMatcher(None, seen_original, seen_changed, autojunk=False)
            pairs = ((b.a, b.b, b.size) for b in matcher.get_matching_blocks() if b.size)
        changed_starts: list[int] = []
        original_starts: list[int] = []
        sizes: list[int] = []
        for a, b, size in pairs:
            for k in range(size):
                o, c = at_original[a + k], at_changed[b + k]
                if (
                    sizes
                    and original_starts[-1] + sizes[-1] == o
                    and changed_starts[-1] + sizes[-1] == c
                ):
                    sizes[-1] += 1  # extend the current run of shared characters
                else:
                    original_starts.append(o)
                    changed_starts.append(c)
                    sizes.append(1)
        return cls(tuple(changed_starts), tuple(original_starts), tuple(sizes))

    def to_original(self, offset: int) -> int:
        """The offset in the original text that `offset` in the changed text stands for."""
        return self._locate(offset)[0]

    def _locate(self, offset: int) -> tuple[int, bool]:
        """`(original offset, exact)`: exact when `offset` is a shared character."""
        if self.identity:
            return offset, True
        i = bisect_right(self.changed_starts, offset) - 1
        if i < 0:
            return (self.original_starts[0] if self.original_starts else 0), False
        inside = offset - self.changed_starts[i]
        if inside < self.sizes[i]:
            return self.original_starts[i] + inside, True
        return self.original_starts[i] + self.sizes[i], False

    def span(self, span: Span) -> Span:
        """`span` moved into the original text."""
        if self.identity:
            return span
        start = self.to_original(span.start)
        if span.end <= span.start:
            return Span(start, start)
        # Map the last character rather than the end boundary: a boundary sitting
        # where the original had extra text would otherwise swallow that text.
        last, exact = self._locate(span.end - 1)
        return Span(start, max(start, last + 1 if exact else last))
