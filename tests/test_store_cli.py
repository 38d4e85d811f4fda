"""The store commands of the CLI (dragoman.cli_store), through `dragoman.cli.main`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import dragoman.api
from dragoman import cli_store
from dragoman.cli import main
from dragoman.models import Reject
from dragoman.store import Store
from test_store_support import SEED_PATH, pipeline_or_skip, seed_extraction, synthetic


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A DuckDB file holding the hand-coded seed article."""
    path = str(tmp_path / "cli.duckdb")
    with Store.open(path) as store:
        store.add(seed_extraction())
    return path


def run(*args: str) -> object:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_store_cli_registers_its_commands() -> None:
    names = {c.name for c in cli_store.COMMANDS}
    assert names == {"ingest", "events", "quotes", "actors", "dyads", "stats", "export"}
    assert names <= set(main.commands)


def test_store_cli_ingest_counts_and_rejects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = seed_extraction()
    reject = Reject(origin="bad.txt", reason="empty", record_id="7")

    def fake_extract_paths(paths, published, settings, workers=None) -> Iterator[object]:
        assert list(paths) == ["in.jsonl"] and str(published) == "2018-05-22"
        yield from (seed, reject, seed, synthetic(1))

    monkeypatch.setattr(dragoman.api, "extract_paths", fake_extract_paths)
    db, rejects = tmp_path / "x.duckdb", tmp_path / "rejects.jsonl"
    result = run(
        "ingest",
        "in.jsonl",
        "--db",
        str(db),
        "--published",
        "2018-05-22",
        "--rejects",
        str(rejects),
    )
    assert result.exit_code == 3  # some inputs were rejected
    assert "read 4 = stored 2 + duplicates 1 + rejected 1" in result.stderr
    assert json.loads(rejects.read_text()) == {
        "origin": "bad.txt",
        "id": "7",
        "reason": "empty",
        "detail": "",
    }
    again = run("ingest", "in.jsonl", "--db", str(db), "--published", "2018-05-22")
    assert "read 4 = stored 0 + duplicates 3 + rejected 1" in again.stderr
    with Store.open(db) as store:
        assert store.stats()["articles"] == 2 and store.check() == []


def test_store_cli_ingest_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        dragoman.api,
        "extract_paths",
        lambda paths, published, settings, workers=None: (synthetic(i) for i in range(7)),
    )
    db = tmp_path / "b.duckdb"
    result = run("ingest", "x", "--db", str(db), "--batch", "3")
    assert result.exit_code == 0, result.output
    assert "read 7 = stored 7 + duplicates 0 + rejected 0" in result.stderr
    with Store.open(db) as store:
        assert store.stats()["events"] == 35


def test_store_cli_events_formats(db: str, tmp_path: Path) -> None:
    table = run("events", "--db", db, "--actor", "IRN")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["date", "published", "source_code"]
    assert len(lines) == 2 + 5
    rows = [
        json.loads(line)
        for line in run(
            "events", "--db", db, "--source-actor", "ISR", "--format", "jsonl"
        ).stdout.splitlines()
    ]
    assert [r["event"] for r in rows] == ["E4", "E5"]
    csv_out = run("events", "--db", db, "--quad", "1", "--quad", "2", "--format", "csv").stdout
    assert csv_out.splitlines()[0].startswith("event_id,global_id,article")
    assert len(csv_out.splitlines()) == 3
    assert run("events", "--db", db, "--via", "pompeo", "--format", "jsonl").stdout.count("\n") == 1
    out = tmp_path / "e.parquet"
    assert run("events", "--db", db, "--format", "parquet", "-o", str(out)).exit_code == 0
    assert out.exists()
    missing = run("events", "--db", db, "--format", "parquet")
    assert missing.exit_code == 2 and "--output" in missing.stderr


def test_store_cli_quotes_actors_dyads_stats(db: str) -> None:
    quotes = run("quotes", "--db", db, "--speaker", "qasemi", "--format", "jsonl")
    assert json.loads(quotes.stdout)["via"] == ["Tasnim", "The Times of Israel"]
    actors = run("actors", "--db", db, "--kind", "media", "--format", "csv")
    assert len(actors.stdout.splitlines()) == 3
    dyads = run("dyads", "--db", db, "--period", "all", "--format", "csv")
    assert "ISR,IRN,2,-3.5" in dyads.stdout.splitlines()
    weekly = run("dyads", "--db", db, "--actor", "ISR", "--format", "jsonl")
    assert json.loads(weekly.stdout.splitlines()[0])["period"] == "2018-05-21"
    stats = run("stats", "--db", db, "--check")
    assert stats.exit_code == 0 and "events:" in stats.stdout and "problems:" in stats.stdout
    figures = json.loads(run("stats", "--db", db, "--json").stdout)
    assert figures["events"] == 6


def test_store_cli_export(db: str, tmp_path: Path) -> None:
    gdelt = run("export", "--db", db, "--format", "gdelt", "--root", "10")
    assert gdelt.exit_code == 0 and len(gdelt.stdout.splitlines()) == 2
    assert "exported 2 events (gdelt)" in gdelt.stderr
    out = tmp_path / "p.jsonl"
    assert run("export", "--db", db, "--format", "plover", "-o", str(out)).exit_code == 0
    assert len(out.read_text().splitlines()) == 6
    assert run("export", "--db", db, "--format", "parquet").exit_code == 2


def test_store_cli_errors_are_messages(db: str) -> None:
    # a date option is read as strictly as --published: a usage error (issue 21)
    bad = run("events", "--db", db, "--since", "yesterday")
    assert bad.exit_code == 2
    assert "expected YYYY-MM-DD, got 'yesterday'" in bad.stderr
    with Store.open(db) as store, store._db.transaction() as tx:
        tx.execute("INSERT INTO sentences VALUES ('gone', 0, 0, 1)")
    broken = run("stats", "--db", db, "--check")
    assert broken.exit_code == 1 and "integrity check found 1 problem" in broken.stderr


def test_store_cli_uses_the_db_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with Store.open("dragoman.duckdb") as store:
        store.add(seed_extraction())
    # no ctx.obj: the command loads the settings itself (default db in the working directory)
    result = CliRunner().invoke(cli_store.COMMANDS[-2], [])  # stats
    assert result.exit_code == 0 and "articles:         1" in result.stdout
    other = tmp_path / "other.duckdb"
    with Store.open(other):
        pass
    assert run("-s", f"db={other}", "stats").exit_code == 0
    assert "articles:         0" in run("-s", f"db={other}", "stats").stdout


def test_store_cli_ingests_the_seed_article_twice(tmp_path: Path) -> None:
    pipeline_or_skip()
    db = str(tmp_path / "seed.duckdb")
    first = run("ingest", str(SEED_PATH), "--db", db, "--published", "2018-05-22")
    assert "read 1 = stored 1 + duplicates 0 + rejected 0" in first.stderr
    with Store.open(db) as store:
        before = store.stats()
    second = run("ingest", str(SEED_PATH), "--db", db, "--published", "2018-05-22")
    assert "read 1 = stored 0 + duplicates 1 + rejected 0" in second.stderr
    with Store.open(db) as store:
        assert store.stats() == before and store.check() == []
