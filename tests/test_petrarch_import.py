"""The PETRARCH/TABARI importers (issues #4, #5): actors, agents and verbs.

On hand-written fixtures in each format (tests/fixtures/petrarch/): what maps, what
is skipped and why, errors with file and line; that the converted files load through
`dragoman.knowledge.load` and code a person with the dated role of the article's date.
On the Phoenix dictionaries in ../shared (skipped when absent): the coverage figures,
which docs/petrarch.md records (regenerate with `DRAGOMAN_UPDATE_DOCS=1 pytest
tests/test_petrarch_import.py`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from dragoman import petrarch
from dragoman.cli_import import import_group
from dragoman.errors import KnowledgeError

FIXTURES = Path(__file__).parent / "fixtures" / "petrarch"
SHARED = Path(__file__).resolve().parents[2] / "shared/data/petrarch"
DOC = Path(__file__).resolve().parents[1] / "docs" / "petrarch.md"


def _by_name(entries: list[dict]) -> dict[str, dict]:
    return {e["name"]: e for e in entries}


# ---------------------------------------------------------------- actors


def test_actors_fixture_names_aliases_kinds_and_codes() -> None:
    entries, _report = petrarch.import_actors(FIXTURES / "actors.txt")
    by = _by_name(entries)
    assert by["Freedonia"] == {
        "name": "Freedonia",
        "aliases": ["Freedonian", "Freedonians"],
        "kind": "state",
        "country": "FRD",
    }
    front = by["Northern Rivers Liberation Front"]
    assert front["kind"] == "armed_group" and front["country"] == "SRB"
    assert front["sectors"] == ["REB"]
    assert front["aliases"] == ["NRLF", "Rivers Front"]  # "(NRLF)" in the name is an alias
    council = by["Council of River States"]
    assert (council["kind"], council["country"], council["code"]) == ("igo", "IGO", "IGOCRS")
    assert by["River News Agency"]["kind"] == "media"
    assert by["Old Bridge Party"]["kind"] == "party"
    # A primary phrase without codes takes the next entry's codes, as in PETRARCH.
    committee = by["Bridge Committee"]
    assert committee["aliases"] == ["River Bridge Committee"]
    assert committee["sectors"] == ["GOV", "LEG"]
    # Comments (#, ;, <!-- -->) never become names.
    assert not any("comment" in e["name"].lower() for e in entries)


def test_actors_fixture_dated_roles() -> None:
    by = _by_name(petrarch.import_actors(FIXTURES / "actors.txt")[0])
    vukelic = by["Zoran Vukelic"]
    assert vukelic["kind"] == "person"
    assert vukelic["aliases"] == ["Z. Vukelic", "Minister Vukelic"]
    assert vukelic["roles"] == [
        {
            "country": "SRB",
            "sectors": ["GOV"],
            "start": dt.date(2010, 1, 15),
            "end": dt.date(2014, 4, 20),
        },
        {"country": "SRB", "sectors": ["MIL"], "start": dt.date(2014, 4, 21), "end": None},
        # the undated default is the fallback role, last
        {"country": "SRB", "sectors": ["ELI"], "start": None, "end": None},
    ]
    orlovic = by["Mila Orlovic"]["roles"]
    assert orlovic[0]["start"] == dt.date(1998, 3, 1)  # YYMMDD, 98 → 1998
    assert orlovic[0]["end"] == dt.date(2003, 12, 31)  # 03 → 2003
    assert orlovic[1] == {
        "country": "SRB",
        "sectors": ["GOV"],
        "start": None,
        "end": dt.date(1998, 2, 28),
    }  # <date: up to that day
    # Malformed restrictions are left out; the good one stays.
    assert by["Karolina Despot"]["roles"] == [
        {"country": "SRB", "sectors": ["GOV"], "start": dt.date(2012, 1, 2), "end": None}
    ]


def test_actors_fixture_report() -> None:
    _entries, report = petrarch.import_actors(FIXTURES / "actors.txt")
    assert (report.read, report.converted) == (14, 11)
    assert report.skipped == {
        "malformed code": 1,
        "null code [---] only": 1,
        "same name as an earlier entry, other code (first kept)": 1,
    }
    assert report.dropped["end date before start date (role left out)"] == 1
    assert report.dropped["unreadable date (role left out)"] == 1
    assert report.info["entries merged into an identical earlier entry"] == 1
    assert any(
        ex.startswith("actors.txt:41: UNNAMED_SPOKESMAN_")
        for ex in report.examples["malformed code"]
    )
    text = report.format_text()
    assert "read 14, converted 11" in text and "null code [---] only" in text


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("# header\n+ORPHAN_\nNAME_ [USA]\n", 2, "synonym (+) before any actor entry"),
        ("\t[USAGOV >20010101]\nNAME_ [USA]\n", 1, "date restriction before any actor entry"),
        ("# only comments\n", None, "no actor entries"),
    ],
)
def test_actors_unskippable_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    path = tmp_path / "bad.actors.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=re.escape(message)) as info:
        petrarch.import_actors(path)
    assert info.value.path == str(path) and info.value.line == line


def test_actors_binary_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.bin"
    path.write_bytes(b"NAME_ [USA]\n\xff\xfe\x00\x01")
    with pytest.raises(KnowledgeError) as info:
        petrarch.import_actors(path)
    assert info.value.line == 2


# ---------------------------------------------------------------- agents


def test_agents_fixture_rows() -> None:
    rows, report = petrarch.import_agents(FIXTURES / "agents.txt")
    got = {r["phrase"]: (r["sectors"], r["kind"]) for r in rows}
    assert got["harbour master"] == ("GOV", "person")
    assert got["harbour masters"] == ("GOV", "group")  # regular plural
    assert got["ferry officer"] == ("GOV,BUS", "person")  # !OFFICER! expanded
    assert got["ferry officials"] == ("GOV,BUS", "group")
    assert got["river police"] == ("COP", "organization")  # {}: no plural
    assert "river polices" not in got
    assert got["boatmen"] == ("CVL", "group")  # {BOATMEN}
    assert got["dredging company"] == ("BUS", "organization")
    body = next(r for r in rows if r["phrase"] == "international river body")
    assert body["sectors"] == "IGO" and "before the actor" in body["note"]
    assert report.skipped == {
        "no [code]": 1,
        "undefined substitution marker": 1,
        "every form already listed (first kept)": 1,
    }
    assert (report.read, report.converted) == (10, 7)


def test_agents_tsv_loads_as_role_words(tmp_path: Path) -> None:
    from dragoman import knowledge

    rows, report = petrarch.import_agents(FIXTURES / "agents.txt")
    text = petrarch.dump_agents(rows, report)
    roles = knowledge._roles(text, "agents.tsv")  # the loader of roles.tsv
    assert roles["harbour master"].sectors == ("GOV",)
    assert roles["river police"].kind == "organization"
    assert len(roles) == len(rows) == 15


def test_agents_broken_marker_definition_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.agents.txt"
    path.write_text("!PERSON! = MAN, , WOMAN\nCHAIR!PERSON! [~GOV]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="substitution marker") as info:
        petrarch.import_agents(path)
    assert info.value.line == 1


# ---------------------------------------------------------------- verbs


def _frames(entries: list[dict]) -> dict[str, dict]:
    return {e["id"]: {k: v for k, v in e.items() if k != "id"} for e in entries}


def test_verbs_fixture_what_maps() -> None:
    entries, _report = petrarch.import_verbs(FIXTURES / "verbs.txt")
    frames = list(_frames(entries).values())
    assert {"cameo": "111", "lemma": "expostulate"} in frames  # own code: bare pattern
    assert {"cameo": "111", "lemma": ["remonstrate", "expostulate"], "prep": "with"} in frames
    assert {
        "cameo": "112",
        "lemma": ["remonstrate", "expostulate"],
        "object": ["envoy", "emissary"],
    } in frames  # synset; phrase members left out
    assert {"cameo": "111", "lemma": "speak", "particle": "out", "prep": "with"} in frames
    assert {"cameo": "070", "lemma": "dispatch"} in frames  # the block's code
    assert {"cameo": "070", "lemma": "ship", "particle": "out"} in frames  # +SHIP_OUT
    assert {
        "cameo": "042",
        "lemma": "dispatch",
        "particle": "off",
        "object": ["envoy", "emissary"],
    } in frames  # [042:043]: the active code
    assert {
        "cameo": "073",
        "lemma": "dispatch",
        "prep": "to",
        "object": ["aid"],
        "target": "prep",
    } in frames
    assert {
        "cameo": "154",
        "lemma": "dispatch",
        "prep": "toward",
        "object": ["troops", "troop"],
        "target": "prep",
    } in frames
    # Two identical frames: PETRARCH keeps the last, so does the import.
    supplies = [
        f for f in frames if f.get("object") == ["supplies", "supply"] and f["lemma"] == "dispatch"
    ]
    assert [f["cameo"] for f in supplies] == ["071"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)) and all(i.startswith("verbs.") for i in ids)


def test_verbs_fixture_report_of_what_does_not_map() -> None:
    _entries, report = petrarch.import_verbs(FIXTURES / "verbs.txt")
    assert (report.read, report.converted) == (18, 9)
    assert report.skipped == {
        "noun phrase with modifiers {…}": 1,
        "words before the verb (subject or adverb constraint)": 1,
        "noun inside a prepositional phrase": 1,
        "passive-only code [:xxx]": 1,
        "null code [---] (no event)": 1,
        "malformed pattern (unbalanced brackets)": 1,
        "source after the verb ($)": 1,
        "transformation (~): an event inside an event": 1,
        "duplicate of a later pattern (PETRARCH keeps the last)": 1,
    }
    assert report.dropped["synset phrase of several words (left out of the synset)"] == 1
    assert report.dropped["synset member with a hyphen or digit (left out)"] == 1
    assert report.examples["malformed pattern (unbalanced brackets)"][0].startswith(
        "verbs.txt:28: - * (WITH +"
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- * TALKS [040]\n", 1, "verb pattern before any verb block"),
        ("# x\nMEET\n--- MEET [040] ---\n", 2, "verb before any verb block"),
        ("&SYN\n+WORD\n", None, "no verb blocks"),
    ],
)
def test_verbs_unskippable_errors(
    tmp_path: Path, text: str, line: int | None, message: str
) -> None:
    path = tmp_path / "bad.verbs.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message) as info:
        petrarch.import_verbs(path)
    assert info.value.line == line


# ---------------------------------------------------------------- loading and coding


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    out = tmp_path_factory.mktemp("petrarch")
    actors, verbs = out / "actors.yaml", out / "verbs.yaml"
    entries, report = petrarch.import_actors(FIXTURES / "actors.txt")
    petrarch.write(petrarch.dump_actors(entries, report), actors)
    patterns, report = petrarch.import_verbs(FIXTURES / "verbs.txt")
    petrarch.write(petrarch.dump_verbs(patterns, report), verbs)
    return str(actors), str(verbs)


def test_converted_files_load_through_knowledge(converted: tuple[str, str]) -> None:
    from dragoman.knowledge import load

    actors, verbs = converted
    knowledge = load(actor_files=(actors,), verb_files=(verbs,))
    person = next(e for e in knowledge.entries if e.name == "Zoran Vukelic")
    assert person.kind == "person"
    assert person.role_on(dt.date(2012, 6, 1)).sectors == ("GOV",)
    assert person.role_on(dt.date(2020, 1, 1)).sectors == ("MIL",)
    assert person.role_on(dt.date(2001, 1, 1)).sectors == ("ELI",)  # the fallback
    state = next(e for e in knowledge.entries if e.name == "Freedonia")
    assert (state.kind, state.country) == ("state", "FRD")
    ours = {v.id: v for v in knowledge.verbs if v.id.startswith("verbs.")}
    assert ours["verbs.remonstrate.2:remonstrate"].prep == "with"
    assert ours["verbs.remonstrate.2:remonstrate"].target == "prep"


def test_converted_person_is_coded_with_the_role_of_the_article_date(
    converted: tuple[str, str],
) -> None:
    from dragoman import Settings, extract

    actors, verbs = converted
    settings = Settings(actor_files=(actors,), verb_files=(verbs,))
    text = "Zoran Vukelic criticized Croatia on Tuesday."
    for published, code in (
        ("2012-06-01", "SRBGOV"),
        ("2016-06-01", "SRBMIL"),
        ("2005-01-01", "SRBELI"),
    ):
        result = extract(text, published=published, settings=settings)
        person = next(a for a in result.actors if a.name == "Zoran Vukelic")
        assert (person.kind, person.code) == ("person", code), published
    # A converted verb pattern codes its event: "remonstrate with X" → 111.
    result = extract(
        "Serbia remonstrated with Croatia over the border on Monday.",
        published="2012-06-01",
        settings=settings,
    )
    events = [(e.cameo, e.source.code, e.target.code) for e in result.events]
    assert ("111", "SRB", "HRV") in events


# ---------------------------------------------------------------- CLI


@pytest.mark.parametrize(
    ("kind", "fixture", "suffix"),
    [
        ("actors", "actors.txt", "yaml"),
        ("agents", "agents.txt", "tsv"),
        ("verbs", "verbs.txt", "yaml"),
    ],
)
def test_cli_writes_the_file_and_prints_the_report(
    tmp_path: Path, kind: str, fixture: str, suffix: str
) -> None:
    out = tmp_path / f"out.{suffix}"
    result = CliRunner().invoke(import_group, [kind, str(FIXTURES / fixture), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{kind}: " in result.output and "read " in result.output
    assert f"wrote {out}" in result.output
    text = out.read_text(encoding="utf-8")
    if suffix == "yaml":
        assert isinstance(yaml.safe_load(text), list)
    else:
        assert "phrase\tsectors\tkind\tnote" in text


def test_cli_error_exits_1_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("+ORPHAN_\n", encoding="utf-8")
    result = CliRunner().invoke(import_group, ["actors", str(bad), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert f"{bad}:1: synonym (+) before any actor entry" in result.output


# ---------------------------------------------------------------- the Phoenix dictionaries

PHOENIX = (
    ("actors", "Phoenix.Countries.actors.txt", 0.90),
    ("actors", "Phoenix.International.actors.txt", 0.90),
    ("actors", "Phoenix.MilNonState.actors.txt", 0.90),
    ("agents", "Phoenix.agents.txt", 0.90),
    ("verbs", "CAMEO.2.0.txt", 0.40),
)


def _coverage_block(reports: list[petrarch.ImportReport]) -> str:
    lines = ["| file | kind | read | converted | coverage |", "|---|---|---:|---:|---:|"]
    for r in reports:
        lines.append(
            f"| `{Path(r.path).name}` | {r.kind} | {r.read} | {r.converted} | "
            f"{100 * r.coverage:.1f}% |"
        )
    for r in reports:
        if r.skipped or r.dropped:
            lines += ["", f"`{Path(r.path).name}` — skipped (whole items):", ""]
            lines += [f"- {count} {reason}" for reason, count in r.skipped.most_common()]
            if r.dropped:
                lines += ["", "left out of converted items:", ""]
                lines += [f"- {count} {reason}" for reason, count in r.dropped.most_common()]
    return "\n".join(lines)


def test_phoenix_dictionaries_coverage_is_recorded_in_the_docs() -> None:
    if not SHARED.is_dir():
        pytest.skip(
            f"needs the Phoenix dictionaries in {SHARED} (the ../shared folder "
            "beside the repository); not present"
        )
    importers = {
        "actors": petrarch.import_actors,
        "agents": petrarch.import_agents,
        "verbs": petrarch.import_verbs,
    }
    reports = []
    for kind, name, minimum in PHOENIX:
        items, report = importers[kind](SHARED / name)
        print(
            f"{name}: read {report.read}, converted {report.converted} "
            f"({100 * report.coverage:.1f}%)"
        )
        assert report.coverage >= minimum, report.format_text()
        assert items
        reports.append(report)
    block = _coverage_block(reports)
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- coverage:start -->\n", "\n<!-- coverage:end -->"
    first, last = text.index(start) + len(start), text.index(end)
    current = text[first:last]
    if os.environ.get("DRAGOMAN_UPDATE_DOCS"):
        DOC.write_text(text[:first] + block + text[last:], encoding="utf-8")
        current = block
    assert current == block, (
        "docs/petrarch.md coverage figures are stale: run "
        "DRAGOMAN_UPDATE_DOCS=1 pytest tests/test_petrarch_import.py"
    )
