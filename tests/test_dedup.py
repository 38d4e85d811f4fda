"""Tests of duplicate detection: exact, near (one word changed), and different stories."""

from __future__ import annotations

import hashlib

import pytest

from dragoman.dedup import Deduper, shingles
from dragoman.errors import SettingsError
from dragoman.models import Article
from dragoman.settings import Settings

STORY = (
    "The foreign ministers of Norland and Vestria agreed on Sunday to reopen the Harlow "
    "border crossing, which has been closed to trucks and travellers since the autumn, "
    "after two days of talks in the lakeside town of Kessel. Norland's foreign minister, "
    "Ilse Brandt, told reporters that the first convoys would cross within a week and that "
    "customs officers from both countries would work side by side at the post. Her Vestrian "
    "counterpart, Tomas Rebane, said his government would lift the fines it had imposed on "
    "Norland's hauliers and release eleven trucks that have been held at the border since "
    "November. The two governments had traded accusations for months over smuggling and "
    "over the treatment of seasonal workers, and an earlier round of talks in January "
    "collapsed without a joint statement. Diplomats from three neighbouring states, who "
    "helped to arrange the meeting, welcomed the deal and offered to send observers to the "
    "crossing during the first month. Opposition leaders in Vestria criticised the "
    "agreement, saying the government had given up too much for too little, and called "
    "for a vote in parliament before any trucks are allowed through. Farmers on both sides "
    "of the border, who depend on the crossing to reach markets in the south, said they "
    "hoped the reopening would come in time for the spring harvest. A spokesperson for the "
    "Norland transport ministry said repairs to the road leading to the post would begin "
    "on Monday and take about four days. The agreement also sets up a joint commission "
    "that will meet every three months to settle disputes over tariffs, inspections and "
    "the movement of workers. Analysts in both capitals said the deal was the most "
    "important step towards better relations between the neighbours since the end of the "
    "trade dispute six years ago, but warned that it could still fall apart if either "
    "government faced pressure at home."
)

OTHER = (
    "Heavy storms closed ports along the northern coast of Vestria on Tuesday, stranding "
    "dozens of cargo ships and forcing the evacuation of several fishing villages, officials "
    "said. The national weather service warned that winds of up to 120 kilometres an hour "
    "would continue through Wednesday and urged residents to stay indoors. Rescue teams "
    "pulled four fishermen from the sea near the island of Marrow after their boat capsized, "
    "and the coast guard said two others were still missing. The interior minister said the "
    "army had been asked to help clear roads blocked by fallen trees and to deliver food and "
    "water to villages cut off by flooding. Power was out for more than forty thousand homes "
    "in the region, the grid operator said, and repairs could take several days. Schools in "
    "three provinces will stay closed until Friday."
)


def _article(text: str, id_: str) -> Article:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    return Article(id=id_, hash=digest, text=text)


def test_dedup_story_is_about_300_words() -> None:
    assert 290 <= len(STORY.split()) <= 320


def test_dedup_finds_exact_duplicates() -> None:
    deduper = Deduper(Settings())
    assert deduper.check(_article(STORY, "first")) is None
    assert deduper.check(_article(STORY, "again")) == _article(STORY, "first").hash
    assert len(deduper) == 1  # duplicates are not remembered


def test_dedup_finds_near_duplicate_with_one_word_changed() -> None:
    deduper = Deduper(Settings())
    assert deduper.check(_article(STORY, "wire")) is None
    changed = STORY.replace("eleven trucks", "twelve trucks")
    assert changed != STORY
    assert deduper.check(_article(changed, "copy")) == _article(STORY, "wire").hash
    # punctuation, case and line breaks do not matter either
    reflowed = STORY.replace(". ", ".\n\n").upper()
    assert deduper.check(_article(reflowed, "reflowed")) == _article(STORY, "wire").hash


def test_dedup_keeps_different_articles_apart() -> None:
    deduper = Deduper(Settings())
    assert deduper.check(_article(STORY, "border")) is None
    assert deduper.check(_article(OTHER, "storm")) is None
    # The first half of the story: same words and names, Jaccard about 0.5.
    half = " ".join(STORY.split()[:150])
    assert deduper.check(_article(half, "half")) is None
    assert len(deduper) == 3


def test_dedup_threshold_one_is_exact_only_and_zero_is_an_error() -> None:
    exact_only = Deduper(Settings(near_duplicate_threshold=1.0))
    assert exact_only.check(_article(STORY, "a")) is None
    assert exact_only.check(_article(STORY.replace("eleven", "twelve"), "b")) is None
    assert exact_only.check(_article(STORY, "c")) == _article(STORY, "a").hash
    with pytest.raises(SettingsError):
        Deduper(Settings(near_duplicate_threshold=0.0))


def test_dedup_shingles_are_word_five_grams() -> None:
    assert shingles("One two three") == {b"one two three"}
    assert shingles("A b c d e f") == {b"a b c d e", b"b c d e f"}
    assert shingles("…") == set()


def test_dedup_pipeline_codes_a_republished_story_once(pipeline) -> None:
    from dragoman import extract_many

    copy = STORY.replace("the", "this", 1)  # a near copy: one word changed
    first, exact, near, other = extract_many(
        [
            {"text": STORY, "url": "https://a.example/1"},
            {"text": STORY, "url": "https://b.example/2"},
            {"text": copy, "url": "https://c.example/3"},
            "Japan and India agreed on Monday to hold talks in Tokyo.",
        ]
    )
    assert first.duplicate_of is None and (first.actors or first.events)
    assert exact.duplicate_of == first.article.hash and exact.events == ()
    assert near.duplicate_of == first.article.hash and near.actors == ()
    assert other.duplicate_of is None


def test_dedup_copies_count_as_mentions_in_the_store(tmp_path, pipeline) -> None:
    from dragoman import extract_many
    from dragoman.store import Store

    records = [
        {"id": "1", "text": STORY, "url": "https://a.example/1", "outlet": "A"},
        {"id": "2", "text": STORY, "url": "https://b.example/2", "outlet": "B"},
    ]
    with Store.open(str(tmp_path / "d.duckdb")) as store:
        for _ in range(2):  # the second run changes nothing
            report = store.ingest(extract_many(records))
            assert report.read == 2
            row = store.stats()
            assert row["articles"] == 1
        (article,) = store._db.rows("SELECT mentions, sources FROM articles", [])[1]
        assert tuple(article) == (2, 2)
