"""The `plv` and `penta` readers and scorers, on hand-made gold and hand-made predictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from dragoman.errors import EvalError
from dragoman.evaluate import FORMATS, penta, plv
from dragoman.models import ActorRef, Article, Event, Extraction, Span

HEADER = "\tsentence_id\tsentence\tmarked_sentence\tsource\ttarget\tgold_penta\tgold_root\n"
TEXT = "Iran rejected a call from Russia on Monday."
MARKED = "<s>Iran</s> rejected a call from <t>Russia</t> on Monday."


def _tsv(tmp_path: Path, *rows: tuple[str, str, str, str]) -> Path:
    """Rows of (sentence id, marked sentence, penta, type)."""
    lines = [HEADER]
    for n, (sid, marked, penta_label, kind) in enumerate(rows):
        plain = marked.replace("<s>", "").replace("</s>", "").replace("<t>", "").replace("</t>", "")
        lines.append(f"{n}\t{sid}\t{plain}\t{marked}\tx\ty\t{penta_label}\t{kind}\n")
    path = tmp_path / "plv.tsv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _ref(text: str, word: str) -> ActorRef:
    start = text.index(word)
    return ActorRef(None, "XXX", "XXX", (), Span(start, start + len(word)))


def _event(text: str, plover: str, source: str, target: str | None, confidence: float) -> Event:
    return Event(
        id="E1",
        sentence=0,
        trigger=Span(5, 13),
        source=_ref(text, source),
        target=_ref(text, target) if target else None,
        cameo="120",
        root="12",
        plover=plover,
        quad_class=3,
        goldstein=-4.0,
        confidence=confidence,
    )


def _extraction(sid: str, text: str, *events: Event) -> Extraction:
    return Extraction(article=Article(id=sid, hash="0" * 16, text=text), events=events)


def test_plv_formats_registered() -> None:
    assert FORMATS["plv"] is plv.run and FORMATS["penta"] is penta.run


def test_plv_unmark_finds_spans_and_missing_roles() -> None:
    text, spans = plv.unmark(MARKED)
    assert text == TEXT
    assert [text[s.start : s.end] for s in spans["s"]] == ["Iran"]
    assert [text[s.start : s.end] for s in spans["t"]] == ["Russia"]
    _, no_target = plv.unmark("<s>UN officials</s> sent help.")
    assert no_target["t"] == ()
    with pytest.raises(ValueError):
        plv.unmark("<s>Iran rejected it.")


def test_plv_read_groups_pairs_by_sentence(tmp_path: Path) -> None:
    gold = plv.read(
        _tsv(
            tmp_path,
            ("7", MARKED, "3", "REJECT"),
            ("7", "<s>Iran</s> rejected a call from <t>Russia</t> on Monday.", "3", "ACCUSE"),
            ("8", "<s>Chad</s> met <t>Niger</t>.", "1", "CONSULT"),
        )
    )
    assert [s.id for s in gold] == ["7", "8"]
    assert [p.plover for p in gold[0].pairs] == ["REJECT", "ACCUSE"]


def test_plv_read_rejects_a_malformed_row(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="line 2"):
        plv.read(_tsv(tmp_path, ("1", "<s>Iran rejected it.", "3", "REJECT")))


def test_plv_score_pairs_dyad_and_top_type(tmp_path: Path) -> None:
    gold = plv.read(
        _tsv(
            tmp_path,
            ("a", MARKED, "3", "REJECT"),
            ("b", "<s>Chad</s> met <t>Niger</t>.", "1", "CONSULT"),
            ("c", "<s>Mali</s> freed <t>Togo</t>'s envoy.", "2", "YIELD"),
        )
    )
    b_text, c_text = "Chad met Niger.", "Mali freed Togo's envoy."
    results = {
        # right dyad, right type, but a more confident wrong event is the top one
        "a": _extraction(
            "a",
            TEXT,
            _event(TEXT, "REJECT", "Iran", "Russia", 0.6),
            _event(TEXT, "ACCUSE", "Russia", None, 0.9),
        ),
        # right dyad, wrong type
        "b": _extraction("b", b_text, _event(b_text, "AGREE", "Chad", "Niger", 0.8)),
        # RETREAT is one of the earlier YIELD
        "c": _extraction("c", c_text, _event(c_text, "RETREAT", "Mali", "Togo", 0.8)),
    }
    report = plv.score(gold, results, gold="g", gold_sha256="0" * 64, limit=None)
    assert report.figures["pairs_found"] == pytest.approx(2 / 3)
    assert report.figures["dyad_found"] == 1.0
    assert report.figures["type_given_dyad"] == pytest.approx(2 / 3)
    assert report.figures["top_type"] == pytest.approx(1 / 3)
    assert report.figures["with_event"] == 1.0


def test_plv_score_sentence_without_event(tmp_path: Path) -> None:
    gold = plv.read(_tsv(tmp_path, ("a", MARKED, "3", "REJECT")))
    report = plv.score(
        gold, {"a": _extraction("a", TEXT)}, gold="g", gold_sha256="0" * 64, limit=None
    )
    assert report.figures["with_event"] == 0.0
    assert report.figures["pairs_found"] == 0.0
    assert report.counts["sentences_without_event"] == 1


def test_penta_of_root() -> None:
    assert [penta.penta_of_root(r) for r in ("01", "02", "04", "07", "12", "19")] == [
        0,
        0,
        1,
        2,
        3,
        4,
    ]
    assert penta.penta_of_root("00") is None and penta.penta_of_root(None) is None


def test_penta_read_and_score(tmp_path: Path) -> None:
    path = tmp_path / "penta.tsv"
    path.write_text(f"{TEXT}\t3\n\nChad met Niger.\t1\n", encoding="utf-8")
    gold = penta.read(path)
    assert [(s.id, s.label) for s in gold] == [("1", 3), ("3", 1)]
    results = {"1": _extraction("1", TEXT, _event(TEXT, "REJECT", "Iran", "Russia", 0.7))}
    report = penta.score(gold, results, gold="g", gold_sha256="0" * 64, limit=None)
    assert report.figures == {"accuracy": 0.5, "with_event": 0.5}
    bad = tmp_path / "bad.tsv"
    bad.write_text("no label here\n", encoding="utf-8")
    with pytest.raises(EvalError, match="line 1"):
        penta.read(bad)


def test_evaluate_refuses_figures_over_no_items(tmp_path: Path) -> None:
    """A gold file that yields no items is an error, not a perfect score."""
    from dragoman.evaluate import evaluate

    gold = tmp_path / "gsr.json"
    gold.write_text('[{"event": "DOCUMENT"}]', encoding="utf-8")

    class Nothing:
        def extract_many(self, records):
            return iter(())

    with pytest.raises(EvalError, match="no items read"):
        evaluate("plover-gsr", gold, system=Nothing())
