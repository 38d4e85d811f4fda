"""The event filters `factual`, `min_confidence` and `named`, defined once in the store's
query layer (`dragoman.store._queries`), through every surface: the store (both backends),
the Python API, the CLI (`events`, `dyads`, `export`), the HTTP API and the dashboard."""

from __future__ import annotations

import dataclasses
import inspect
import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import dragoman
from dragoman.cli import main
from dragoman.errors import StoreError
from dragoman.models import Extraction
from dragoman.store import Store
from dragoman.store._queries import (
    EVENT_FILTER_HELP,
    IMPLIED_PARTICIPANTS,
    EventFilter,
    is_named,
    rule_fallbacks,
)
from test_store_support import postgres_url as postgres_url
from test_store_support import seed_extraction
from test_store_support import store as store
from test_store_support import store_url as store_url

EVENTS = Path(__file__).resolve().parents[1] / "src" / "dragoman" / "events"


def flagged() -> Extraction:
    """The seed article with flags and rules that the three filters tell apart.

    E1 0.9 named · E2 0.6 +place-target (model part after it) · E3 0.7 +home-source ·
    E4 0.8 +named-target (named: the parser found it) · E5 0.7 negated · E6 0.4
    hypothetical, no target.
    """
    seed = seed_extraction()
    change = {
        "E2": {"rule": "call.n.to+place-target|model:0.60"},
        "E3": {"rule": "meeting.n.with+home-source"},
        "E4": {"rule": "demand.v.dobj+named-target|model:0.80"},
        "E5": {"negated": True},
    }
    events = tuple(dataclasses.replace(e, **change.get(e.id, {})) for e in seed.events)
    return dataclasses.replace(seed, events=events)


def ids(frame: Any) -> list[str]:
    return sorted(frame["event"])


# --- the definition ----------------------------------------------------------------------


def test_store_filters_fallback_names_are_the_ones_events_writes() -> None:
    source = "".join(p.read_text(encoding="utf-8") for p in sorted(EVENTS.glob("*.py")))
    for name in IMPLIED_PARTICIPANTS:
        assert f'"+{name}"' in source, f"the events stage no longer writes +{name}"


def test_store_filters_rule_fallbacks_stop_at_the_model_part() -> None:
    assert rule_fallbacks("verbs:x+place-target+intent|model:0.91") == ["place-target", "intent"]
    assert rule_fallbacks("generic") == []
    assert rule_fallbacks(None) == []
    assert is_named("verbs:x+named-target|model:0.5", object(), object())
    assert not is_named("verbs:x+home-target", object(), object())
    assert not is_named("verbs:x", object(), None)
    # a name that only starts like a fallback is not that fallback
    assert is_named("verbs:x+home-targeted", object(), object())


def test_store_filters_factual_confidence_named(store: Store) -> None:
    store.add(flagged())
    assert ids(store.events(factual=True)) == ["E1", "E2", "E3", "E4"]
    assert ids(store.events(min_confidence=0.8)) == ["E1", "E4"]
    assert ids(store.events(min_confidence=0)) == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert ids(store.events(named=True)) == ["E1", "E4", "E5"]
    assert ids(store.events(factual=True, min_confidence=0.8, named=True)) == ["E1", "E4"]
    assert ids(store.events(factual=False)) == ids(store.events())  # False: no filter
    # the same conditions count in dyads and in the Parquet export
    named = store.dyads(period=None, named=True)
    assert int(named["events"].sum()) == 3
    # the SQL and the Python definition agree on every event
    frame = store.events()
    for row in frame.itertuples():
        side = lambda start: None if start is None or start != start else start  # noqa: E731
        expected = is_named(row.rule, row.source_code, side(row.target_code))
        assert (row.event in ids(store.events(named=True))) == expected


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "high"])
def test_store_filters_min_confidence_out_of_range_is_an_error(bad: Any) -> None:
    with Store.open(":memory:") as store, pytest.raises(StoreError, match="min_confidence"):
        store.events(min_confidence=bad)


def test_store_filters_every_surface_has_every_filter() -> None:
    from dragoman import cli_store
    from dragoman.web.api import event_filters

    keys = set(EventFilter.__optional_keys__)
    assert set(EVENT_FILTER_HELP) == keys
    assert set(inspect.signature(event_filters).parameters) == keys
    for command in (cli_store.events, cli_store.dyads, cli_store.export_command):
        params = {p.name: p for p in command.params}
        assert keys <= set(params), command.name
        for key in keys:
            assert params[key].help == EVENT_FILTER_HELP[key], (command.name, key)


# --- the CLI and the Python API ------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "filters.duckdb")
    with Store.open(path) as store:
        store.add(flagged())
    return path


def run(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_store_filters_cli_events_factual_min_confidence(db: str) -> None:
    result = run("events", "--db", db, "--factual", "--min-confidence", "0.8", "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(r["event"] for r in rows) == ["E1", "E4"]
    assert all(not r["negated"] and not r["hypothetical"] for r in rows)
    assert all(r["confidence"] >= 0.8 for r in rows)
    named = run("events", "--db", db, "--named", "--format", "jsonl").stdout
    assert sorted(json.loads(x)["event"] for x in named.splitlines()) == ["E1", "E4", "E5"]
    negated = run("events", "--db", db, "--negated", "--format", "jsonl").stdout
    assert [json.loads(x)["event"] for x in negated.splitlines()] == ["E5"]
    bad = run("events", "--db", db, "--min-confidence", "2")
    assert bad.exit_code == 2 and "--min-confidence" in bad.stderr


def test_store_filters_cli_dyads_and_export_follow_the_filters(db: str, tmp_path: Path) -> None:
    def dyads(*flags: str) -> int:
        out = run("dyads", "--db", db, "--period", "all", "--format", "jsonl", *flags).stdout
        return sum(json.loads(line)["events"] for line in out.splitlines())

    assert (dyads(), dyads("--factual"), dyads("--named"), dyads("--min-confidence", "0.8")) == (
        5,
        4,
        3,
        2,
    )
    for fmt, flags, count in (
        ("gdelt", ("--factual",), 4),
        ("plover", ("--named",), 3),
        ("icews", ("--min-confidence", "0.8"), 2),
    ):
        result = run("export", "--db", db, "--format", fmt, *flags)
        assert f"exported {count} events ({fmt})" in result.stderr, (fmt, result.stderr)
    out = tmp_path / "f.parquet"
    assert (
        run("export", "--db", db, "--format", "parquet", "-o", str(out), "--factual").exit_code == 0
    )
    with Store.open(":memory:") as store:
        _, rows = store._db.rows(f"SELECT count(*) FROM read_parquet('{out}')")
    assert rows[0][0] == 4


def test_store_filters_python_api_read_only(db: str) -> None:
    with dragoman.open(db, read_only=True) as store:
        frame = store.events(factual=True, min_confidence=0.8)
        assert ids(frame) == ["E1", "E4"]
        with pytest.raises(StoreError):
            store.add(seed_extraction(id="other", hash="0" * 16, text="Other text."))


# --- the HTTP API and the dashboard ---------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    pytest.importorskip("fastapi", reason="the web tests need the `web` extra")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from fastapi.testclient import TestClient

    from dragoman.settings import Settings
    from dragoman.web import create_app

    app = create_app(Settings(), str(tmp_path / "web.duckdb"))
    app.state.web.store.add(flagged())
    yield TestClient(app, raise_server_exceptions=False)
    app.state.web.store.close()


def test_store_filters_http_api(client: Any) -> None:
    def events(**params: Any) -> list[str]:
        response = client.get("/api/events", params=params)
        assert response.status_code == 200, response.text
        return sorted(item["event"] for item in response.json()["items"])

    assert events(factual="true", min_confidence=0.8) == ["E1", "E4"]
    assert events(named="true") == ["E1", "E4", "E5"]
    assert events(negated="false", hypothetical="false") == ["E1", "E2", "E3", "E4"]
    assert client.get("/api/events", params={"min_confidence": 3}).status_code == 422
    dyads = client.get("/api/dyads", params={"period": "all", "named": "true"}).json()
    assert sum(item["events"] for item in dyads["items"]) == 3
    timeline = client.get("/api/timeline", params={"period": "year", "factual": "true"}).json()
    assert sum(item["total"] for item in timeline["items"]) == 4
    actor = client.get("/api/actors/ISR", params={"factual": "true"}).json()
    assert sum(p["events"] for p in actor["as_source"]) == 1  # E5 (negated) left out


def test_store_filters_dashboard_views(client: Any) -> None:
    page = client.get("/events?factual=true&min_confidence=0.8", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert re.search(r'name="factual" value="true" checked', page.text)
    assert 'name="min_confidence"' in page.text and 'value="0.8"' in page.text
    assert page.text.count('<tr class="quad-') == 2
    for path in ("/timeline?factual=true", "/network?named=true", "/actors/ISR?named=true"):
        response = client.get(path, headers={"accept": "text/html"})
        assert response.status_code == 200, path
        assert 'value="true" checked' in response.text, path
    network = client.get("/network?named=true", headers={"accept": "text/html"}).text
    everything = client.get("/network", headers={"accept": "text/html"}).text
    assert network.count('class="node"') < everything.count('class="node"')


# --- quotes: whole names, never substrings ----------------------------------------------------


def spoken() -> Extraction:
    """The seed article with its speakers renamed: a spokesperson, Mark Esper, al-Assad."""
    from dragoman.models import Speaker

    seed = seed_extraction()
    names = {"Q1": ("Pentagon spokesperson", "USAGOV"), "Q2": ("Mark Esper", "USAMIL")}
    quotes = []
    for quote in seed.quotes:
        if quote.id in names:
            name, code = names[quote.id]
            speaker = Speaker(name, quote.speaker.span, quote.speaker.actor, code)
            quote = dataclasses.replace(quote, speaker=speaker)
        else:
            speaker = Speaker("Bashar al-Assad", quote.cue, None, "SYRGOV")
            quote = dataclasses.replace(quote, speaker=speaker)
        quotes.append(quote)
    return dataclasses.replace(seed, quotes=tuple(quotes))


def test_store_filters_quote_speaker_is_whole_words_or_code(store: Store) -> None:
    store.add(spoken())

    def who(speaker: str) -> list[str]:
        return list(store.quotes(speaker=speaker)["quote"])

    assert who("Esper") == ["Q2"]  # not the spokesperson
    assert who("esper") == ["Q2"] and who("Mark Esper") == ["Q2"] and who(" mark  ESPER ") == ["Q2"]
    assert who("sper") == [] and who("Mark Es") == []
    assert who("spokesperson") == ["Q1"]
    assert who("Assad") == ["Q3"] and who("al-Assad") == ["Q3"] and who("al Assad") == ["Q3"]
    assert who("USAMIL") == ["Q2"] and who("USA") == ["Q1", "Q2"] and who("syr") == ["Q3"]
    assert who("%") == [] and who("_") == []
    assert list(store.quotes(order="newest")["quote"]) == ["Q1", "Q2", "Q3"]


def test_store_filters_cli_quotes_speaker(tmp_path: Path) -> None:
    path = str(tmp_path / "quotes.duckdb")
    with Store.open(path) as store:
        store.add(spoken())
    result = run("quotes", "--db", path, "--speaker", "Esper", "--format", "jsonl")
    assert result.exit_code == 0
    assert [json.loads(line)["speaker_name"] for line in result.stdout.splitlines()] == [
        "Mark Esper"
    ]


def test_store_filters_unknown_actor_is_a_404(client: Any) -> None:
    assert client.get("/api/actors/ZZZ").status_code == 404
    page = client.get("/actors/ZZZ", headers={"accept": "text/html"})
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert "no actor" in page.text
    # an actor with no event matching the filters is still an actor
    assert client.get("/api/actors/SYR", params={"factual": "true"}).status_code == 200
