"""The public surface: exported names, the Python API, settings and the CLI's exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import dragoman
from dragoman.cli import EXIT_REJECTS, main
from dragoman.errors import RejectedInput, SettingsError
from dragoman.models import Extraction, Reject
from dragoman.settings import Settings

STORY = (
    "Turkey on Monday rejected a proposal from Greece to hold talks in Athens, "
    "the foreign ministry said."
)


def test_api_exported_members_are_pinned() -> None:
    assert sorted(dragoman.__all__) == sorted(
        [
            "Actor",
            "ActorRef",
            "Article",
            "DragomanError",
            "Event",
            "Extraction",
            "Place",
            "Quote",
            "Record",
            "Reject",
            "RejectedInput",
            "Settings",
            "Source",
            "Speaker",
            "Span",
            "__version__",
            "extract",
            "extract_many",
            "extract_paths",
            "open",
        ]
    )
    for name in dragoman.__all__:
        assert hasattr(dragoman, name)


def test_api_extract_codes_an_event_with_its_evidence(pipeline) -> None:
    result = dragoman.extract(STORY, published="2020-03-03")
    assert isinstance(result, Extraction)
    (event,) = [e for e in result.events if e.root == "12"]
    assert (event.source.country, event.target.country) == ("TUR", "GRC")
    assert event.trigger.text(result.article.text) == "rejected"
    assert str(event.date) == "2020-03-02" and event.rule.startswith("verbs:")


def test_api_extract_many_keeps_order_and_rejects(pipeline) -> None:
    items = [STORY, "   ", {"id": "x1", "text": STORY, "published": "2020-03-03"}]
    results = list(dragoman.extract_many(items))
    assert [type(r) for r in results] == [Extraction, Reject, Extraction]
    assert results[1].reason == "empty"
    assert results[2].article.id == "x1"


def test_api_extract_raises_on_rejected_input(pipeline) -> None:
    with pytest.raises(RejectedInput) as info:
        dragoman.extract("")
    assert info.value.reject.reason == "empty"


def test_api_settings_unknown_key_is_an_error() -> None:
    with pytest.raises(SettingsError, match="unknown setting"):
        Settings.from_mapping({"modle": "x"})
    assert Settings.from_mapping({"batch_size": "4"}).batch_size == 4


def test_api_cli_extract_exit_codes_and_rejects(tmp_path: Path, pipeline) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    runner = CliRunner()
    ok = runner.invoke(main, ["extract", str(good), "--published", "2020-03-03"])
    assert ok.exit_code == 0, ok.output
    line = json.loads(ok.stdout.splitlines()[0])
    assert line["schema"] == "dragoman/2" and line["events"]
    bad = runner.invoke(main, ["extract", str(good), str(empty), "--rejects", str(rejects)])
    assert bad.exit_code == EXIT_REJECTS
    assert "read 2 = extracted 1 + rejected 1" in bad.stderr
    (reject,) = [json.loads(x) for x in rejects.read_text().splitlines()]
    assert reject["reason"] == "empty" and reject["origin"].endswith("empty.txt")
    usage = runner.invoke(main, ["extract", str(good), "--published", "May 3"])
    assert usage.exit_code == 2 and "YYYY-MM-DD" in usage.output


def test_api_cli_eval_pins_and_checks_a_baseline(tmp_path: Path, pipeline) -> None:
    gold = Path(__file__).parent / "fixtures" / "eval" / "plover-gsr" / "gold.json"
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    pinned = runner.invoke(
        main, ["eval", "plover-gsr", str(gold), "--update-baseline", str(baseline)]
    )
    assert pinned.exit_code == 0, pinned.output
    assert json.loads(baseline.read_text())
    checked = runner.invoke(main, ["eval", "plover-gsr", str(gold), "--check", str(baseline)])
    assert checked.exit_code == 0, checked.output
    entry = next(iter(json.loads(baseline.read_text()).values()))
    entry["figures"] = {k: v + 0.5 for k, v in entry["figures"].items()}
    baseline.write_text(json.dumps({next(iter(json.loads(baseline.read_text()))): entry}))
    failed = runner.invoke(main, ["eval", "plover-gsr", str(gold), "--check", str(baseline)])
    assert failed.exit_code == 4 and "gate:" in failed.stderr


def test_api_progress_only_on_a_terminal() -> None:
    import io

    from dragoman.cli_options import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    pipe, tty = io.StringIO(), Terminal()
    assert list(progress(range(3), "x", pipe)) == [0, 1, 2] and pipe.getvalue() == ""
    assert list(progress(range(3), "x", tty)) == [0, 1, 2]
    assert tty.getvalue().endswith("x: 3 read\n")


def test_api_outlet_is_named_as_media_yaml_names_it(pipeline) -> None:
    """One outlet, one name: an alias ("NYTimes") and a host (hosted.ap.org, whose pages
    call the site "Hosted") resolve to the entry of media.yaml."""
    text = "Iran rejected the call on Monday, officials said."
    for given in ("NYTimes", "The New York Times", "NYT"):
        assert dragoman.extract(text, outlet=given).article.outlet == "The New York Times"
    page = (
        '<html><head><meta property="og:site_name" content="Hosted"></head><body><article>'
        + "<p>Police arrested two men in Kano on Monday after a night of clashes.</p>" * 3
        + "</article></body></html>"
    )
    url = "https://hosted.ap.org/berkshireeagle/article/6486944b/clashes"
    assert dragoman.extract(page, url=url).article.outlet == "Associated Press"
