"""Golden-file test of the founding example: what must and must not come out of it."""

from __future__ import annotations

import datetime as dt

import pytest

from dragoman import extract
from dragoman.models import Extraction


@pytest.fixture(scope="module")
def seed(seed_text: str, pipeline) -> Extraction:
    return extract(seed_text, published="2018-05-22")


def _events(seed: Extraction, source: str, target: str, root: str) -> list:
    return [
        e
        for e in seed.events
        if e.source
        and e.source.country == source
        and e.target
        and e.target.country == target
        and e.root == root
    ]


def _speaker(seed: Extraction, starts: str):
    text = seed.article.text
    for quote in seed.quotes:
        if quote.span.text(text).startswith(starts):
            return quote
    raise AssertionError(f"no quote starting {starts!r}")


def test_golden_seed_no_page_furniture(seed: Extraction) -> None:
    for furniture in ("Print Friendly", "Send to Kindle", "[Photo:"):
        assert furniture not in seed.article.text
    assert seed.article.text.startswith("Iran Rejects Russia")
    assert "Anything short of that is not up for debate." in seed.article.text


def test_golden_seed_iran_rejects_russia_on_monday(seed: Extraction) -> None:
    (event,) = _events(seed, "IRN", "RUS", "12")
    assert event.date == dt.date(2018, 5, 21)
    assert event.date_text == "Monday"
    assert event.trigger.text(seed.article.text) == "rejected"
    assert event.rule
    assert "The Times of Israel" in [s.name for s in event.attribution]


def test_golden_seed_putin_meets_assad_on_thursday(seed: Extraction) -> None:
    (event,) = _events(seed, "RUS", "SYR", "04")
    assert event.date == dt.date(2018, 5, 17)
    assert event.source.code == "RUSGOV"


def test_golden_seed_israel_demands_and_accuses_iran(seed: Extraction) -> None:
    assert _events(seed, "ISR", "IRN", "10")
    assert _events(seed, "ISR", "IRN", "11")


def test_golden_seed_us_demands_iran(seed: Extraction) -> None:
    events = _events(seed, "USA", "IRN", "10")
    assert events
    assert any(e.date == dt.date(2018, 5, 21) for e in events)


def test_golden_seed_no_events_from_reporting_verbs(seed: Extraction) -> None:
    text = seed.article.text
    triggers = {e.trigger.text(text).lower() for e in seed.events}
    assert not triggers & {"said", "reported", "added", "clarified", "wrote", "according"}


def test_golden_seed_actor_codes(seed: Extraction) -> None:
    codes = {a.name: a.code for a in seed.actors}
    assert codes["Bahram Qasemi"] == "IRNGOV"
    assert codes["Vladimir Putin"] == "RUSGOV"
    assert codes["Bashar al-Assad"] == "SYRGOV"
    assert codes["Alexander Lavrentiev"] == "RUSGOV"
    assert codes["Mike Pompeo"] == "USAGOV"
    assert codes["Joshua S. Block"] == "USANGO"  # TIP (The Israel Project) is an NGO
    by_name = {a.name: a for a in seed.actors}
    for outlet, country in (
        ("Tasnim", "IRN"),
        ("CNN", "USA"),
        ("The Times of Israel", "ISR"),
        ("The Hill", "USA"),
    ):
        actor = next(a for n, a in by_name.items() if outlet.lower() in n.lower())
        assert actor.country == country and "MED" in actor.sectors, actor
    text = seed.article.text
    mentioned = {text[m.start : m.end]: a.code for a in seed.actors for m in a.mentions}
    assert any(k.endswith("regime in Tehran") and v == "IRNGOV" for k, v in mentioned.items())
    assert any(k.endswith("Jewish State") and v == "ISR" for k, v in mentioned.items())
    hezbollah = next(a for n, a in by_name.items() if "Hezbollah" in n)
    assert hezbollah.country == "LBN" and hezbollah.kind == "armed_group"


def test_golden_seed_quotes_and_speakers(seed: Extraction) -> None:
    qasemi = _speaker(seed, "No one can force Iran")
    assert qasemi.speaker.name == "Bahram Qasemi"
    assert "Tasnim" in qasemi.via[0].name
    assert _speaker(seed, "As long as terrorism").speaker.name == "Bahram Qasemi"
    assert _speaker(seed, "Those who have entered Syria").speaker.name == "Bahram Qasemi"
    putin = _speaker(seed, "We presume")
    assert putin.speaker.name == "Vladimir Putin"
    assert putin.via[0].name == "CNN"
    assert _speaker(seed, "This statement involves").speaker.name == "Alexander Lavrentiev"
    assert _speaker(seed, "Iran must withdraw").speaker.name == "Mike Pompeo"
    block = _speaker(seed, "make clear to Moscow")
    assert block.speaker.name == "Joshua S. Block"
    assert block.kind == "partial"
    assert "The Hill" in [s.name for s in block.via]
    envoy = _speaker(seed, "Russia had no immediate plans")
    assert envoy.speaker.name == "Alexander Lavrentiev"
    assert envoy.speaker.span.text(seed.article.text).lower().endswith("envoy")


def test_golden_seed_every_event_explains_itself(seed: Extraction) -> None:
    for event in seed.events:
        assert event.rule and len(event.trigger) > 0
        assert event.cameo.startswith(event.root)
