"""The `brat-attribution` reader and scorer, on a hand-made PolNeAR-style directory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import Report, brat, evaluate
from dragoman.models import Actor, Article, Extraction, Quote, Record, Reject, Span, Speaker

GOLD = Path(__file__).parent / "fixtures" / "eval" / "brat"
SENATE = (GOLD / "text" / "senate-vote.txt").read_text(encoding="utf-8")
BUDGET = (GOLD / "text" / "budget-talks.txt").read_text(encoding="utf-8")
# The budget text as a cleaner might return it: the headline dropped, so every
# predicted offset is 20 characters off and must be aligned back.
BUDGET_CLEAN = BUDGET.replace("Budget talks stall\n\n", "")


def _span(text: str, words: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Span(start, start + len(words))


def _quote(
    text: str,
    content: str,
    speaker: str | None = None,
    actor: str | None = None,
    kind: str = "direct",
) -> Quote:
    who = Speaker(name=speaker, span=_span(text, speaker), actor=actor) if speaker else None
    return Quote(id="Q1", kind=kind, span=_span(text, content), cue=None, speaker=who)


def _predictions() -> dict[str, Extraction]:
    ruiz = Actor(
        id="A1",
        name="Ana Ruiz",
        kind="person",
        code="USAGOV",
        country="USA",
        sectors=("GOV",),
        mentions=(_span(SENATE, "Senator Ana Ruiz"),),
    )
    senate = Extraction(
        article=Article(id="senate-vote", hash="0" * 16, text=SENATE),
        actors=(ruiz,),
        quotes=(
            # exact content and speaker
            _quote(SENATE, "the vote was “a win for every family.”", "its sponsor"),
            # half of a discontinuous content; speaker right through the actor's mention
            _quote(SENATE, "“We did not get everything we wanted,”", "reporters", actor="A1"),
            # matches the belief ("believe") attribution best; no speaker
            _quote(SENATE, "the bill will raise costs for farmers", kind="indirect"),
            # overlaps the "according to" content by two words only (Dice 0.29)
            _quote(SENATE, "for farmers, according to\na", kind="indirect"),
        ),
    )
    budget = Extraction(
        article=Article(id="budget-talks", hash="1" * 16, text=BUDGET_CLEAN),
        quotes=(
            _quote(BUDGET_CLEAN, "“There will be no new taxes.”", "Mayor Lee"),
            _quote(
                BUDGET_CLEAN,
                "must “find savings elsewhere” before June",
                "The council",
                kind="partial",
            ),
            _quote(BUDGET_CLEAN, "talks would", kind="indirect"),
        ),
    )
    return {"senate-vote": senate, "budget-talks": budget}


class Canned:
    def __init__(self, results: dict[str, Extraction]) -> None:
        self.results = results

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]:
        for r in records:
            yield self.results.get(r.id or "") or Reject(r.origin, "empty", "", r.id)


def _report() -> Report:
    return evaluate("brat-attribution", GOLD, system=Canned(_predictions()))


def test_evaluate_brat_reads_character_offsets_and_discontinuous_spans() -> None:
    gold = brat.read(GOLD)
    assert [d.id for d in gold.documents] == ["budget-talks", "senate-vote"]
    senate = gold.documents[1]
    assert senate.annotator == "aa01"  # the first of two annotators
    assert gold.counts["texts_with_several_annotators"] == 1
    assert senate.date == dt.date(2016, 9, 13)  # from metadata.tsv
    said, told, believe, according = senate.attributions
    # Curly quotes and dashes come before these spans: offsets are characters, not bytes.
    assert said.text(SENATE, "content") == "the vote was “a win for every family.”"
    assert [s.text(SENATE) for s in told.content] == [
        "“We did not get everything we wanted,”",
        "“But this is a start.”",
    ]
    assert told.text(SENATE, "source") == "Senator Ana Ruiz"
    assert (said.kind, told.kind, believe.kind, according.kind) == (
        "speech",
        "speech",
        "other",
        "speech",
    )
    assert gold.counts.get("excerpt_mismatch", 0) == 0
    assert gold.counts["continuation_lines"] == 1  # the Discuss excerpt spans a newline


def test_evaluate_brat_event_shapes() -> None:
    budget = brat.read(GOLD).documents[0]
    colon, insisted, reported = budget.attributions  # the one without content is skipped
    assert colon.kind == "speech" and colon.text(BUDGET, "cue") == ":"
    # Content and Content2 together
    assert [s.text(BUDGET) for s in insisted.content] == [
        "The council",
        "must “find savings elsewhere” before June",
    ]
    assert reported.source == () and reported.kind == "speech"  # Attribution-no-source
    assert brat.read(GOLD).counts["no_content"] == 1


@pytest.mark.parametrize(
    ("cue", "kind"),
    [
        ("said", "speech"),
        ("has said", "speech"),
        ("according to", "speech"),
        (":", "speech"),
        ("―", "speech"),
        ("told reporters", "speech"),
        ("was reported", "speech"),
        ("believe", "other"),
        ("are hoping", "other"),
        ("mocked", "other"),
        ("like", "other"),
        ("wants", "other"),
        ("shows", "other"),
    ],
)
def test_evaluate_brat_cue_kinds(cue: str, kind: str) -> None:
    assert brat.cue_kind(cue) == kind


def test_evaluate_brat_figures() -> None:
    f = _report().figures
    # 7 predictions, 7 gold attributions; 6 pairs reach Dice 0.5.
    assert (f["all_precision"], f["all_recall"]) == pytest.approx((6 / 7, 6 / 7))
    # speech: the prediction matched to "believe" leaves the precision denominator.
    assert (f["speech_precision"], f["speech_recall"]) == pytest.approx((5 / 6, 5 / 6))
    # speakers: sponsor, Ruiz (via actor mention), Mayor Lee right; Lee (predicted
    # "The council") wrong; the belief quote has no speaker.
    assert f["speech_speaker_accuracy"] == pytest.approx(3 / 4)
    assert f["all_speaker_accuracy"] == pytest.approx(3 / 5)
    # with any shared word, the two-word overlap also counts
    assert (f["speech_overlap_precision"], f["speech_overlap_recall"]) == (1.0, 1.0)


def test_evaluate_brat_realigns_changed_text() -> None:
    report = _report()
    assert report.counts["texts_realigned"] == 1
    assert any("aligned back" in n for n in report.notes)


def test_evaluate_brat_misses() -> None:
    misses = _report().misses
    kinds = [(m["kind"], m["doc"]) for m in misses]
    assert kinds == [
        ("missed", "senate-vote"),
        ("spurious", "senate-vote"),
        ("wrong speaker", "budget-talks"),
    ]
    assert misses[0]["cue"] == "according to"
    assert misses[2]["predicted speaker"] == "The council"


def test_evaluate_brat_nothing_predicted() -> None:
    class Nothing:
        def extract_many(self, records: Iterable[Record]) -> Iterator[Reject]:
            for r in records:
                yield Reject(r.origin, "empty", "", r.id)

    report = evaluate("brat-attribution", GOLD, system=Nothing())
    assert report.figures["speech_recall"] == 0.0
    assert report.figures["speech_precision"] == 0.0
    assert report.counts["rejected"] == 2


def test_evaluate_brat_bad_input(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="text/ and attributions/"):
        brat.read(tmp_path)
    with pytest.raises(EvalError, match="outside the text"):
        brat.read_ann("short", "T1\tSource 0 99\tshort")
    with pytest.raises(EvalError, match="missing T9"):
        brat.read_ann("a b", "T1\tCue 0 1\ta\nE1\tAttribution:T1 Content:T9")


def test_evaluate_brat_offset_map_moves_spans() -> None:
    from dragoman.evaluate.metrics import OffsetMap

    offsets = OffsetMap.between(BUDGET, BUDGET_CLEAN)
    moved = offsets.span(_span(BUDGET_CLEAN, "Mayor Lee"))
    assert moved.text(BUDGET) == "Mayor Lee"


def _ruiz_halves(second_cue: Span | None) -> Extraction:
    """The two halves of Ruiz's split quote as two quotes naming one speaker mention."""
    speaker = Speaker(name="Ana Ruiz", span=_span(SENATE, "Senator Ana Ruiz"))
    told = _span(SENATE, "told")
    halves = [
        ("“We did not get everything we wanted,”", told),
        ("“But this is a start.”", second_cue),
    ]
    return Extraction(
        article=Article(id="senate-vote", hash="0" * 16, text=SENATE),
        quotes=tuple(
            Quote(id=f"Q{i}", kind="direct", span=_span(SENATE, words), cue=cue, speaker=speaker)
            for i, (words, cue) in enumerate(halves, start=1)
        ),
    )


def test_evaluate_brat_split_quote_is_one_attribution() -> None:
    # A quote that follows on from its speaker's mention (no cue of its own) joins the
    # first half: one prediction covering both parts of the gold content.
    joined = evaluate("brat-attribution", GOLD, system=Canned({"senate-vote": _ruiz_halves(None)}))
    assert joined.counts["predicted_quotes"] == 1
    assert joined.figures["all_precision"] == 1.0
    assert joined.figures["speech_speaker_accuracy"] == 1.0
    # The same words with a cue of their own are a second attribution act: two
    # predictions, one of them matching nothing.
    apart = evaluate(
        "brat-attribution",
        GOLD,
        system=Canned({"senate-vote": _ruiz_halves(_span(SENATE, "said"))}),
    )
    assert apart.counts["predicted_quotes"] == 2
    assert apart.figures["all_precision"] == 0.5
