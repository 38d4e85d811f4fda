"""Duplicate detection: the same story seen twice, or nearly so (wire copy, syndication).

`Deduper.check(article)` returns the id of an earlier article that this one
duplicates, or None (and then remembers it). The pipeline counts a duplicate as
one more mention of the first article's events (GDELT's NumSources) instead of
coding it again.

- **Exact duplicates**: same `Article.hash` (sha1 of the clean text).
- **Near duplicates**: MinHash signatures over word 5-gram shingles, looked up
  in a MinHash LSH index (datasketch) tuned to `settings.near_duplicate_threshold`;
  each candidate is then confirmed by the Jaccard similarity its signature
  estimates, so the LSH's false positives do not count. Of several confirmed
  candidates the most similar wins, the earliest on ties.

Why word 5-grams: syndicated copies differ by a changed word, a dateline or a
trimmed last paragraph. One changed word alters at most 5 of ~300 shingles in a
300-word story (Jaccard ≈ 0.97, well above 0.9), while two different stories
on the same event share few 5-word runs, though they share many single words
and stock 2- or 3-word phrases ("said in a statement"). Words are lower-cased
`\\w+` runs, so punctuation, quote style and spacing do not matter. Texts of fewer
than 5 words are one shingle.

Memory grows with the number of distinct articles only (duplicates are not
remembered): per article one signature of `num_perm` 32-bit values (512 bytes
at the default 128), its LSH band keys and one hash → id entry, about 1.5 KB
in all; a million distinct articles need about 1.5 GB. Make one `Deduper` per
batch or per time window to bound it.
"""

from __future__ import annotations

import re

from dragoman.errors import SettingsError
from dragoman.models import Article
from dragoman.settings import Settings

__all__ = ["SHINGLE_WORDS", "Deduper", "shingles"]

SHINGLE_WORDS = 5
_WORD = re.compile(r"\w+")


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of `size`-word shingles of `text` (lower-cased words), UTF-8 encoded."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class Deduper:
    """Finds exact and near duplicates among the articles it has been shown.

    Args:
        settings: `near_duplicate_threshold` is the Jaccard similarity (0 < t ≤ 1)
            at or above which two articles are near duplicates; 1.0 turns
            near-duplicate detection off (exact duplicates only).
        num_perm: MinHash permutations; more is more precise and uses more memory.

    Raises:
        SettingsError: the threshold is not in (0, 1].
    """

    def __init__(self, settings: Settings, num_perm: int = 128) -> None:
        threshold = settings.near_duplicate_threshold
        if not 0.0 < threshold <= 1.0:
            raise SettingsError(f"near_duplicate_threshold must be in (0, 1], got {threshold!r}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._by_hash: dict[str, str] = {}
        self._signatures: list[object] = []  # LeanMinHash per remembered article
        self._ids: list[str] = []
        self._lsh = None
        if threshold < 1.0:
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)

    def __len__(self) -> int:
        """Number of distinct articles remembered."""
        return len(self._by_hash)

    def check(self, article: Article) -> str | None:
        """The hash of an earlier duplicate of `article`, else None (and remember it).

        The hash, not the id: it is the key the store files copies under.
        """
        earlier = self._by_hash.get(article.hash)
        if earlier is not None:
            return earlier
        signature = None
        if self._lsh is not None:
            signature = self._signature(article.text)
            if signature is not None:
                found = self._near(signature)
                if found is not None:
                    return found
        self._by_hash[article.hash] = article.hash
        if signature is not None and self._lsh is not None:
            key = len(self._ids)
            self._ids.append(article.hash)
            self._signatures.append(signature)
            self._lsh.insert(key, signature, check_duplication=False)
        return None

    def _signature(self, text: str) -> object | None:
        from datasketch import LeanMinHash, MinHash

        grams = shingles(text)
        if not grams:
            return None
        minhash = MinHash(num_perm=self.num_perm)
        minhash.update_batch(sorted(grams))
        return LeanMinHash(minhash)

    def _near(self, signature: object) -> str | None:
        assert self._lsh is not None
        best_key, best_score = None, -1.0
        for key in sorted(self._lsh.query(signature)):
            score = self._signatures[key].jaccard(signature)  # type: ignore[attr-defined]
            if score >= self.threshold and score > best_score:
                best_key, best_score = key, score
        return None if best_key is None else self._ids[best_key]
