"""The `actors-news` reader and scorer, on hand-made articles and hand-made actor layers.

The gold file holds no text: each test builds a small `shared/data` tree (PolNeAR text
files, VOA stories, article-extraction ground truth) beside its gold file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import FORMATS, Report, actors_news, evaluate
from dragoman.evaluate.actors_news import GoldArticle
from dragoman.evaluate.runner import Extractor
from dragoman.models import Actor, Article, Extraction, Record, Reject, Span

REPOSITORY_GOLD = Path(__file__).parent / "gold" / "actors-news.jsonl"
# Where the real set's article texts are (as tests/conftest.py's `shared_path` looks for
# them; importing conftest by name is ambiguous beside tests/e2e/conftest.py).
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# PolNeAR text: "Trump" occurs 1st inside "Donald Trump"; the prefix ends after the first line.
POLNEAR = (
    "Donald Trump told CNN anchor Jane Roe that Mexico will pay.\nTrump said officials agreed.\n"
)
PREFIX = POLNEAR.index("\n") + 1
VOA = "Erdoğan met the U.N. chief. Thai and Chinese governments and migrants protested."
PAGE = "Police arrested two suspects, the mayor said."


def _m(text: str, kind: str, country: str, sector: str, **extra: Any) -> dict[str, Any]:
    return {
        "text": text,
        "occurrence": extra.pop("occurrence", 1),
        "kind": kind,
        "country": country,
        "sector": sector,
        "person": extra.pop("person", ""),
        **extra,
    }


TRUMP = _m("Donald Trump", "person", "USA", "GOV", person="Q22686")
CNN = _m("CNN", "org", "USA", "MED", note="outlet in a title")
ROE = _m("Jane Roe", "person", "USA", "MED", person="Jane Roe")
MEXICO = _m("Mexico", "gpe", "MEX", "GOV")
TRUMP_AGAIN = _m("Trump", "person", "USA", "GOV", person="Q22686", occurrence=2)
OFFICIALS = _m("officials", "group", "MEX", "GOV", country_from_context=True)

P1 = {
    "source": "polnear-train",
    "doc": "p1",
    "published": "2017-03-01",
    "exhaustive_to": PREFIX,
    "mentions": [TRUMP, CNN, ROE, MEXICO, TRUMP_AGAIN, OFFICIALS],
}
V1 = {
    "source": "voa",
    "doc": "v1",
    "published": "2025-03-10",
    "exhaustive_to": len(VOA),
    "mentions": [
        _m("Erdoğan", "person", "TUR", "GOV", person="Q39259"),
        _m("U.N. chief", "person", "IGO", "IGO", person="Q311440"),
        _m("Thai and Chinese governments", "group", "", "GOV", countries=["THA", "CHN"]),
        _m("migrants", "group", "", "REF"),
    ],
}
A1 = {
    "source": "article-extraction",
    "doc": "a1",
    "published": "",
    "coded_as_of": "2019-11",
    "exhaustive_to": len(PAGE),
    "mentions": [
        _m("Police", "group", "", "COP"),
        _m("suspects", "group", "", "CRM"),
        _m("mayor", "person", "", "GOV"),
    ],
}


def _data(root: Path) -> Path:
    """A small shared/data tree under `root`."""
    data = root / "shared" / "data"
    (data / "polnear" / "train" / "text").mkdir(parents=True)
    (data / "polnear" / "train" / "text" / "p1.txt").write_text(POLNEAR, encoding="utf-8")
    (data / "voa").mkdir()
    stories = [{"id": "v0", "text": "Another story."}, {"id": "v1", "text": VOA}]
    (data / "voa" / "stories-dev.jsonl").write_text(
        "\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8"
    )
    (data / "article-extraction").mkdir()
    pages = {"a1": {"articleBody": PAGE, "url": "x"}, "h1": {"articleBody": PAGE, "url": "y"}}
    (data / "article-extraction" / "ground-truth.json").write_text(
        json.dumps(pages), encoding="utf-8"
    )
    (data / "article-extraction" / "HELD_OUT.txt").write_text("# held out\nh1\n", encoding="utf-8")
    return data


def _write(path: Path, *lines: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def _gold(tmp_path: Path, *lines: Any) -> Path:
    """A gold file in `tmp_path/checkout/tests/gold/`, with `tmp_path/shared/data` beside it."""
    _data(tmp_path)
    return _write(tmp_path / "checkout" / "tests" / "gold" / "gold.jsonl", *lines)


def _span(text: str, words: str, occurrence: int = 1) -> Span:
    start = -1
    for _ in range(occurrence):
        start = text.index(words, start + 1)
    return Span(start, start + len(words))


def _actor(
    text: str,
    name: str,
    country: str | None,
    sectors: tuple[str, ...] = (),
    *spans: str | tuple[str, int],
    kind: str = "person",
    code: str | None = None,
) -> Actor:
    found = [_span(text, s) if isinstance(s, str) else _span(text, *s) for s in spans]
    return Actor(
        id="A1",
        name=name,
        kind=kind,
        code=code or (country or "---") + "".join(sectors),
        country=country,
        sectors=sectors,
        mentions=tuple(found),
    )


def _extraction(article_id: str, text: str, *actors: Actor) -> Extraction:
    return Extraction(article=Article(id=article_id, hash="0" * 16, text=text), actors=actors)


def _score(gold: list[GoldArticle], *results: Extraction | Reject) -> Report:
    by_id = {(r.article.id if isinstance(r, Extraction) else r.record_id or ""): r for r in results}
    return actors_news.score(gold, by_id, gold="gold.jsonl", gold_sha256="0" * 64, limit=None)


def _wrong(report: Report, mention: str) -> str:
    return next(str(m["wrong"]) for m in report.misses if m["mention"] == mention)


class Canned:
    """A pipeline that returns prepared extractions by record id, and rejects the rest."""

    def __init__(self, extractions: Iterable[Extraction]) -> None:
        self.by_id = {e.article.id: e for e in extractions}
        self.records: list[Record] = []

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for record in records:
            self.records.append(record)
            yield self.by_id.get(record.id or "") or Reject(record.origin, "empty", "", record.id)


# --- reading -------------------------------------------------------------------------


def test_evaluate_actors_news_reads_texts_from_shared_data(tmp_path: Path) -> None:
    path = _gold(tmp_path, P1, "", V1, A1)
    p1, v1, a1 = actors_news.read(path)
    assert (p1.id, p1.text, p1.line, str(p1.date)) == ("polnear-train/p1", POLNEAR, 1, "2017-03-01")
    assert (v1.id, v1.text, v1.line) == ("voa/v1", VOA, 3)
    # No published date: dragoman is given the first day of the month it was coded as of.
    assert (a1.text, a1.published, str(a1.date)) == (PAGE, None, "2019-11-01")
    # The 2nd "Trump" is the bare one: the 1st is inside "Donald Trump".
    again = p1.mentions[4]
    assert (again.text, again.start) == ("Trump", POLNEAR.index("\nTrump") + 1)
    assert [m.span.text(POLNEAR) for m in p1.mentions] == [
        m["text"] for m in (TRUMP, CNN, ROE, MEXICO, TRUMP_AGAIN, OFFICIALS)
    ]
    assert p1.mentions[0].individual == "Donald Trump"
    assert (p1.mentions[2].individual, p1.mentions[1].note) == ("Jane Roe", "outlet in a title")
    assert (p1.mentions[5].from_context, p1.mentions[5].how_known) == (True, "context")
    assert v1.mentions[2].countries == ("THA", "CHN") and v1.mentions[2].how_known == "compound"
    assert [a.id for a in actors_news.read(path, limit=2)] == ["polnear-train/p1", "voa/v1"]
    assert FORMATS["actors-news"] is actors_news.run


def _bad_mention(**change: Any) -> dict[str, Any]:
    return {**P1, "doc": "p1", "mentions": [{**TRUMP, **change}]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"source": ', r"gold.jsonl:2: not JSON"),
        ({**P1, "source": "polnear-test"}, r":2 \(polnear-test/p1\): unknown source"),
        ({**P1, "doc": "p2"}, r":2 \(polnear-train/p2\): cannot read the article text"),
        ({**V1, "doc": "v9"}, r"no story with id 'v9'"),
        ({**A1, "doc": "h1"}, r"page 'h1' is held out"),
        ({**A1, "doc": "a9"}, r"no page 'a9'"),
        ({**P1, "published": "01/03/2017"}, r"'published' '01/03/2017' is not an ISO date"),
        ({**A1, "coded_as_of": "November 2019"}, r"'coded_as_of' .* not YYYY-MM"),
        ({**P1, "exhaustive_to": "all"}, r"'exhaustive_to' must be a non-negative integer"),
        ({k: v for k, v in P1.items() if k != "doc"}, r"missing field 'doc'"),
        (_bad_mention(occurrence=2), r"mention 1: 'Donald Trump' does not occur 2 times"),
        (_bad_mention(occurrence=0), r"mention 1: 'occurrence' must be a positive integer"),
        (_bad_mention(kind="state"), r"mention 1: unknown kind 'state'"),
        (_bad_mention(country="US"), r"country 'US' is not an ISO3 code"),
        (_bad_mention(sector="government"), r"sector 'government' is not"),
        (_bad_mention(kind="org"), r"'person' 'Q22686' on a mention of kind 'org'"),
        (_bad_mention(person="Q1"), r"Wikidata id Q1 has no name"),
        (_bad_mention(countries=["USA"]), r"compound mention \('countries'\) has country"),
        (_bad_mention(country_from_context="yes"), r"'country_from_context' must be true"),
        ({**P1, "mentions": [TRUMP, _m("Trump", "person", "USA", "GOV")]}, r"overlap"),
        (P1, r":2 \(polnear-train/p1\): article already on line 1"),
    ],
)
def test_evaluate_actors_news_read_errors(tmp_path: Path, line: Any, message: str) -> None:
    path = _gold(tmp_path, P1, line)
    with pytest.raises(EvalError, match=message):
        actors_news.read(path)


def test_evaluate_actors_news_read_needs_shared_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no shared/data above the current directory either
    path = _write(tmp_path / "alone" / "gold.jsonl", P1)
    with pytest.raises(EvalError, match=r"shared/data folder beside the checkout"):
        actors_news.read(path)
    with pytest.raises(EvalError, match=r"no such shared/data folder"):
        actors_news.read(path, data=tmp_path / "nowhere")
    data = _data(tmp_path / "elsewhere")
    assert actors_news.read(path, data=data)[0].text == POLNEAR


# --- the matching rules ------------------------------------------------------------


def test_evaluate_actors_news_country_sector_and_person(tmp_path: Path) -> None:
    gold = actors_news.read(_gold(tmp_path, P1))
    t = POLNEAR
    report = _score(
        gold,
        _extraction(
            "polnear-train/p1",
            t,
            # right on all three; "Trump" (2nd) is a mention of the same actor
            _actor(t, "Donald Trump", "USA", ("GOV",), "Donald Trump", ("Trump", 2)),
            _actor(t, "CNN", "USA", ("MED",), "CNN", kind="media"),
            # right country, wrong sector, and a bare surname is not the individual
            _actor(t, "Roe", "USA", ("CVL",), "Jane Roe"),
            # a country standing for its government must have GOV
            _actor(t, "Mexico", "MEX", (), "Mexico", kind="state"),
            # "officials" (MEX from context) coded with no country
            _actor(t, "officials", None, ("GOV",), "officials", kind="group"),
        ),
    )
    f = report.figures
    assert f["country_accuracy"] == pytest.approx(5 / 6)
    assert f["sector_accuracy"] == pytest.approx(4 / 6)
    assert f["person_accuracy"] == pytest.approx(2 / 3)
    assert f["context_country_accuracy"] == 0.0
    assert f["mention_recall"] == 1.0  # of the 4 mentions in the prefix
    assert (report.counts["gold_mentions"], report.counts["gold_mentions_in_prefix"]) == (6, 4)
    assert _wrong(report, "Jane Roe") == "person, sector"
    assert _wrong(report, "Mexico") == "sector"
    assert _wrong(report, "officials") == "country"
    # the worst first: a wrong person before a wrong country before a wrong sector
    assert [m["mention"] for m in report.misses] == ["Jane Roe", "officials", "Mexico"]
    roe = report.misses[0]
    assert (roe["gold"], roe["system"]) == ("USA MED Jane Roe", "Roe [person] USA CVL")


def test_evaluate_actors_news_empty_codes_compound_igo_and_ref(tmp_path: Path) -> None:
    gold = actors_news.read(_gold(tmp_path, V1))
    t = VOA
    base = (
        # accents and case do not matter in names
        _actor(t, "Recep Tayyip Erdogan", "TUR", ("GOV",), "Erdoğan"),
        # an IGO code compares as IGO; the name is the QID's
        _actor(t, "António Guterres", None, ("IGO",), "U.N. chief", code="IGOUNO"),
    )
    right = _score(
        gold,
        _extraction(
            "voa/v1",
            t,
            *base,
            _actor(t, "Chinese governments", "CHN", ("GOV",), "Chinese governments"),
            _actor(t, "migrants", None, ("CVL",), "migrants", kind="group"),  # CVL for REF
        ),
    )
    assert right.figures == {
        "mention_recall": 1.0,
        "country_accuracy": 1.0,
        "sector_accuracy": 1.0,
        "person_accuracy": 1.0,
    }
    assert any("1 REF mentions coded CVL" in n for n in right.notes)
    wrong = _score(
        gold,
        _extraction(
            "voa/v1",
            t,
            *base,
            _actor(t, "Russian governments", "RUS", ("GOV",), "Chinese governments"),
            # gold "" means no country may be given
            _actor(t, "migrants", "TUR", ("BUS",), "migrants", kind="group"),
        ),
    )
    assert wrong.figures["country_accuracy"] == pytest.approx(2 / 4)
    assert wrong.figures["sector_accuracy"] == pytest.approx(3 / 4)
    assert _wrong(wrong, "Thai and Chinese governments") == "country"
    assert _wrong(wrong, "migrants") == "country, sector"


@dataclass(frozen=True, slots=True)
class ActorWithId(Actor):
    """An actor carrying a Wikidata id, as issue 17 plans for dragoman's own."""

    wikidata: str | None = None


def test_evaluate_actors_news_person_by_wikidata_id_when_the_actor_has_one(
    tmp_path: Path,
) -> None:
    gold = actors_news.read(_gold(tmp_path, P1))
    t = POLNEAR

    def trump(name: str, qid: str | None) -> ActorWithId:
        plain = _actor(t, name, "USA", ("GOV",), "Donald Trump", ("Trump", 2))
        fields = {f: getattr(plain, f) for f in Actor.__slots__}
        return ActorWithId(**fields, wikidata=qid)

    def accuracy(actor: Actor) -> float:
        report = _score(gold, _extraction("polnear-train/p1", t, actor))
        return report.figures["person_accuracy"]

    assert accuracy(trump("Trump", "Q22686")) == 1.0  # the id decides, not the name
    assert accuracy(trump("Donald Trump", "Q22686000")) == 0.0  # another individual
    assert accuracy(trump("Donald Trump", None)) == 1.0  # no id: the name decides


def test_evaluate_actors_news_longest_overlap_and_shared_spans(tmp_path: Path) -> None:
    gold = actors_news.read(_gold(tmp_path, P1))
    t = POLNEAR
    report = _score(
        gold,
        _extraction(
            "polnear-train/p1",
            t,
            # one system span covers "CNN" and "Jane Roe": both are scored against it
            _actor(t, "Jane Roe", "USA", ("MED",), "CNN anchor Jane Roe"),
            # "Donald Trump" overlaps both; the one sharing more characters wins
            _actor(t, "Donald", "USA", ("BUS",), "Donald"),
            _actor(t, "Donald Trump", "USA", ("GOV",), "Donald Trump told"),
        ),
    )
    rows = {r[0]: r for r in report.breakdowns[2].rows}  # per kind
    assert rows["person"][1:3] == (3, 2)  # Donald Trump and Jane Roe found, not "Trump" (2nd)
    assert rows["org"][1:3] == (1, 1)  # CNN found in the longer span
    assert report.figures["person_accuracy"] == 1.0
    assert report.figures["sector_accuracy"] == 1.0
    assert report.figures["mention_recall"] == pytest.approx(3 / 4)
    assert _wrong(report, "Mexico") == "not found"
    # nothing beyond the annotated prefix counts against the system
    assert report.counts["system_mentions_in_prefix_unmatched"] == 0


def test_evaluate_actors_news_unmatched_system_mentions_in_the_prefix(tmp_path: Path) -> None:
    gold = actors_news.read(_gold(tmp_path, P1))
    t = POLNEAR
    report = _score(
        gold,
        _extraction(
            "polnear-train/p1",
            t,
            _actor(t, "Donald Trump", "USA", ("GOV",), "Donald Trump", "told", "said"),
        ),
    )
    # "told" is in the prefix and overlaps no gold mention; "said" is past it
    assert report.counts["system_mentions_in_prefix_unmatched"] == 1
    assert report.figures["mention_recall"] == pytest.approx(1 / 4)


def test_evaluate_actors_news_cleaned_text_and_rejects(tmp_path: Path) -> None:
    path = _gold(tmp_path, A1, P1)
    # The page as read starts with blank lines that cleaning drops: the gold offsets
    # are moved onto the clean text the system's spans point into.
    truth = tmp_path / "shared" / "data" / "article-extraction" / "ground-truth.json"
    truth.write_text(json.dumps({"a1": {"articleBody": "  \n\n  " + PAGE}}), encoding="utf-8")
    gold = actors_news.read(path)
    assert gold[0].mentions[0].start == 6
    report = _score(
        gold,
        _extraction(
            "article-extraction/a1",
            PAGE,
            _actor(PAGE, "police", None, ("COP",), "Police", kind="group"),
            _actor(PAGE, "suspects", None, ("CRM",), "suspects", kind="group"),
            _actor(PAGE, "mayor", None, ("GOV",), "mayor", kind="group"),
        ),
        Reject("x", "language:fr", "", "polnear-train/p1"),
    )
    assert report.counts["rejected"] == 1
    assert report.counts["mentions_changed_by_cleaning"] == 0
    assert report.counts["found"] == 3
    per_source = {r[0]: r for r in report.breakdowns[0].rows}
    assert per_source["article-extraction"][1:6] == (3, 3, 1.0, 1.0, 1.0)
    assert per_source["polnear-train"][1:4] == (6, 0, 0.0)
    missed = [m for m in report.misses if m.get("rejected") == "language:fr"]
    assert len(missed) == 6 and all(m["wrong"] == "not found" for m in missed)
    # the figures over found mentions are the article-extraction page's alone
    assert report.figures["country_accuracy"] == 1.0
    assert "person_accuracy" not in report.figures  # no person mention with a name found
    assert report.figures["mention_recall"] == pytest.approx(3 / 7)


def test_evaluate_actors_news_run_with_canned_pipeline(tmp_path: Path) -> None:
    path = _gold(tmp_path, P1, V1, A1)
    t = POLNEAR
    system = Canned(
        [
            _extraction(
                "polnear-train/p1",
                t,
                _actor(t, "Donald Trump", "USA", ("GOV",), "Donald Trump", ("Trump", 2)),
            )
        ]
    )
    report = evaluate("actors-news", path, system=system)
    assert [(r.id, str(r.published)) for r in system.records] == [
        ("polnear-train/p1", "2017-03-01"),
        ("voa/v1", "2025-03-10"),
        ("article-extraction/a1", "2019-11-01"),
    ]
    assert system.records[0].text == POLNEAR
    assert report.counts["articles"] == 3 and report.counts["rejected"] == 2
    assert report.counts["gold_mentions"] == 13
    assert report.figures["person_accuracy"] == 1.0
    assert any("first day of their coded_as_of month" in n for n in report.notes)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["format"] == "actors-news"
    assert "per gold sector" in report.format_text()
    limited = evaluate("actors-news", path, limit=1, system=Canned([]))
    assert (limited.limit, limited.counts["gold_mentions"]) == (1, 6)


# --- the real set ---------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.skipif(not DATA.is_dir(), reason=f"needs {DATA} (../shared/data); not present")
def test_evaluate_actors_news_real_set_end_to_end(pipeline: Extractor) -> None:
    first = [json.loads(x) for x in REPOSITORY_GOLD.read_text(encoding="utf-8").splitlines()[:2]]
    report = evaluate("actors-news", REPOSITORY_GOLD, limit=2, system=pipeline)
    assert report.counts["articles"] == 2 and report.counts["rejected"] == 0
    assert report.counts["gold_mentions"] == sum(len(a["mentions"]) for a in first)
    assert report.counts["mentions_changed_by_cleaning"] == 0
    # every mention was located in the text dragoman coded, and most are found in it
    assert report.figures["mention_recall"] > 0.5
    assert all(0.0 <= v <= 1.0 for v in report.figures.values())
