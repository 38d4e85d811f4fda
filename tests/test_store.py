"""The event database (dragoman.store) on DuckDB and on a real PostgreSQL 15 server.

Every test that takes the `store` fixture runs once per backend.
"""

# Fixtures imported from test_store_support are arguments of the tests below.
# ruff: noqa: F811

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dragoman
from dragoman.errors import DragomanError, StoreError
from dragoman.models import (
    Actor,
    ActorRef,
    Article,
    Event,
    Extraction,
    Place,
    Quote,
    Reject,
    Source,
    Span,
    Speaker,
)
from dragoman.output import to_dict
from dragoman.store import EVENT_SCHEMA, Store
from test_store_support import (  # noqa: F401 - fixtures are used by name
    pipeline_or_skip,
    postgres_schema,
    postgres_url,
    seed_extraction,
    store,
    store_url,
    synthetic,
    text_hash,
)

TESTS = Path(__file__).resolve().parent
TABLES = (
    "articles",
    "article_mentions",
    "sentences",
    "actors",
    "mentions",
    "events",
    "quotes",
    "attributions",
)


def counts(store: Store) -> dict[str, int]:
    """Rows per table."""
    return {t: int(store._db.rows(f"SELECT count(*) FROM {t}")[1][0][0]) for t in TABLES}


def ids(frame) -> list[str]:
    return list(frame["event"])


# --- writing ----------------------------------------------------------------------------


def test_store_add_is_idempotent(store: Store) -> None:
    seed = seed_extraction()
    assert store.add(seed) is True
    before = counts(store)
    assert before["events"] == 6 and before["quotes"] == 3 and before["actors"] == 10
    assert store.add(seed) is False
    assert counts(store) == before
    assert store.has(seed.article.hash)
    assert not store.has("0" * 16)


def test_store_article_round_trips_to_output_dict(store: Store) -> None:
    seed = seed_extraction()
    store.add(seed)
    assert store.article("seed") == to_dict(seed)
    assert store.article(seed.article.hash) == to_dict(seed)
    assert store.extraction("seed") == seed
    assert store.article("nope") is None


def test_store_article_by_ambiguous_id_raises(store: Store) -> None:
    one = synthetic(1)
    two = synthetic(2)
    store.add(one)
    store.add(dataclasses.replace(two, article=dataclasses.replace(two.article, id="syn-1")))
    with pytest.raises(StoreError, match="names 2 articles"):
        store.article("syn-1")
    assert store.article(two.article.hash)["id"] == "syn-1"


def test_store_failed_write_rolls_back_the_whole_article(store: Store) -> None:
    seed = seed_extraction()
    twice = dataclasses.replace(seed, events=seed.events + seed.events[:1])  # E1 twice
    with pytest.raises(StoreError, match=seed.article.hash):
        store.add(twice)
    assert counts(store) == dict.fromkeys(TABLES, 0)
    assert store.add(seed) is True
    assert store.check() == []


def test_store_add_mention_counts_copies_once(store: Store) -> None:
    seed = seed_extraction()
    store.add(seed)
    key = seed.article.hash
    assert store.add_mention(key, "https://tass.com/copy", "TASS", "2018-05-23") is True
    assert store.add_mention(key, "https://tass.com/copy", "TASS", "2018-05-23") is False
    assert store.add_mention(key, seed.article.url, seed.article.outlet) is False  # itself
    assert store.add_mention(key, None, "Reuters", dt.date(2018, 5, 23)) is True
    frame = store.events(limit=1)
    assert int(frame["mentions"][0]) == 3 and int(frame["sources"][0]) == 3
    assert counts(store)["events"] == 6
    assert store.check() == []
    with pytest.raises(StoreError, match="no article"):
        store.add_mention("f" * 16, "https://x.org/a")


def test_store_near_duplicate_adds_a_mention_not_events(store: Store) -> None:
    seed = seed_extraction()
    store.add(seed)
    copy = seed_extraction(
        hash="1" * 16, id="copy", url="https://jns.org/iran-rejects", outlet="JNS"
    )
    copy = dataclasses.replace(copy, warnings=(f"duplicate_of:{seed.article.hash}",))
    before = counts(store)
    assert store.add(copy) is False
    after = counts(store)
    assert after["events"] == before["events"] and after["articles"] == 1
    assert after["article_mentions"] == 1
    assert not store.has("1" * 16)


def test_store_ingest_counts_add_up(store: Store) -> None:
    seed = seed_extraction()
    syndicated = dataclasses.replace(
        seed,
        article=dataclasses.replace(seed.article, url="https://other.example/copy", outlet="Other"),
    )
    reject = Reject(origin="x.txt", reason="empty")
    seen: list[Reject] = []
    report = store.ingest([seed, seed, syndicated, reject, synthetic(1)], seen.append)
    assert (report.read, report.stored, report.duplicates, report.rejected) == (5, 2, 2, 1)
    assert str(report) == "read 5 = stored 2 + duplicates 2 + rejected 1"
    assert seen == [reject]
    assert counts(store)["article_mentions"] == 1  # the syndicated copy, not the re-read


def test_store_readers_see_only_committed_articles(store: Store) -> None:
    seed = seed_extraction()
    from dragoman.store import _rows

    head, _ = _rows.to_rows(seed, dt.datetime(2020, 1, 1))
    columns = _rows.ARTICLE_COLUMNS
    with store._db.transaction() as tx:
        tx.execute(
            f"INSERT INTO articles ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            head,
        )
        # a reader, while the writer holds its transaction open: not blocked, sees nothing
        assert store.has(seed.article.hash) is False
        assert store.stats()["articles"] == 0
    assert store.has(seed.article.hash) is True


def test_store_read_only_duckdb_refuses_writes(tmp_path: Path) -> None:
    path = tmp_path / "ro.duckdb"
    with Store.open(path) as writable:
        writable.add(seed_extraction())
    with Store.open(path, read_only=True) as store:
        assert store.stats()["events"] == 6
        with pytest.raises(StoreError):
            store.add(synthetic(1))


def test_store_duckdb_file_held_by_another_process_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "held.duckdb"
    Store.open(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from dragoman.store import Store; "
            "s = Store.open(sys.argv[1]); print('ready', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="another process"):
            Store.open(path)
    finally:
        holder.communicate("", timeout=30)


def test_store_open_errors_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open"):
        Store.open(tmp_path / "missing-dir" / "x.duckdb")
    with pytest.raises(StoreError, match="cannot connect"):
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="read_only"):
        Store.open("postgresql://127.0.0.1/x", read_only=True)
    assert issubclass(StoreError, DragomanError)


def test_store_dragoman_open_uses_the_store(tmp_path: Path) -> None:
    with dragoman.open(str(tmp_path / "x.duckdb")) as store:
        assert isinstance(store, Store) and store.dialect == "duckdb"


def test_store_closed_store_refuses_writes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.duckdb")
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.add(synthetic(1))


# --- migrations -------------------------------------------------------------------------


def test_store_migrations_are_recorded_once(store_url: str) -> None:
    from dragoman.store import _migrations

    with Store.open(store_url) as store:
        _, rows = store._db.rows("SELECT name, applied_at FROM schema_migrations")
        names = [r[0] for r in rows]
        assert names == [m.name for m in _migrations.migrations(store.dialect)]
        assert names[0] == "0001_initial"
        assert all(isinstance(r[1], dt.datetime) for r in rows)
    with Store.open(store_url) as store:
        assert _migrations.migrate(store._db) == []
        assert len(store._db.rows("SELECT name FROM schema_migrations")[1]) == len(names)


def test_store_refuses_a_database_newer_than_itself(store_url: str) -> None:
    with Store.open(store_url) as store, store._db.transaction() as tx:
        tx.execute(
            "INSERT INTO schema_migrations VALUES (?, ?)", ["9999_future", dt.datetime(2030, 1, 1)]
        )
    with pytest.raises(StoreError, match="9999_future"):
        Store.open(store_url)


def test_store_opens_a_database_written_before_date_precision(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store made by a dragoman without migration 0003 opens, migrates, and reads its
    old events back: those dated from the publication date as `publication`, the others
    as not recorded (None)."""
    from dragoman.store import _migrations, _rows

    every = _migrations.migrations
    with monkeypatch.context() as patch:
        patch.setattr(
            _migrations,
            "migrations",
            lambda dialect: [m for m in every(dialect) if m.name < "0003"],
        )
        with Store.open(store_url) as old:
            head, rows = _rows.to_rows(seed_extraction(), dt.datetime(2018, 5, 22))
            skip = _rows.EVENT_COLUMNS.index("date_precision")
            columns = _rows.EVENT_COLUMNS[:skip] + _rows.EVENT_COLUMNS[skip + 1 :]
            with old._db.transaction() as tx:
                tx.insert("articles", _rows.ARTICLE_COLUMNS, [head])
                for name, found in rows.items():
                    if name == "events":
                        tx.insert(name, columns, [r[:skip] + r[skip + 1 :] for r in found])
                    else:
                        tx.insert(name, _rows.TABLES[name], found)
    with Store.open(store_url) as store:
        assert store.check() == []
        frame = store.events(article=seed_extraction().article.hash)
        by_event = dict(zip(frame["event"], frame["date_precision"], strict=True))
        dated = dict(zip(frame["event"], frame["date_text"].notna(), strict=True))
        assert {by_event[e] for e in by_event if not dated[e]} == {"publication"}
        assert all(pd.isna(by_event[e]) for e in by_event if dated[e])
        read_back = store.extraction(seed_extraction().article.hash)
        assert read_back is not None and len(read_back.events) == len(frame)


def test_store_events_newest_or_oldest_first(store: Store) -> None:
    store.add_many([synthetic(i) for i in range(6)])
    oldest = store.events()
    newest = store.events(order="newest")
    day = [d for d in oldest["date"].fillna(oldest["published"])]
    assert day == sorted(day)
    newest_day = list(newest["date"].fillna(newest["published"]))
    assert newest_day == sorted(newest_day, reverse=True)
    with pytest.raises(StoreError, match="order"):
        store.events(order="sideways")


def test_store_migration_statements_split_on_line_ends() -> None:
    from dragoman.store._migrations import statements

    sql = "-- a comment; not a statement\nCREATE TABLE a (x INT); -- trailing\n\nSELECT 1;\n"
    assert statements(sql) == ["CREATE TABLE a (x INT)", "SELECT 1"]


# --- queries ----------------------------------------------------------------------------


def test_store_events_filters(store: Store) -> None:
    store.add(seed_extraction())
    store.add(synthetic(7))
    seed = {"article": seed_extraction().article.hash}
    assert ids(store.events(actor="IRN", **seed)) == ["E1", "E2", "E6", "E4", "E5"]
    assert ids(store.events(actor="irngov", **seed)) == ["E5"]
    assert ids(store.events(source_actor="ISR", **seed)) == ["E4", "E5"]
    assert ids(store.events(target_actor="IRN", **seed)) == ["E2", "E4", "E5"]
    assert ids(store.events(cameo="10", **seed)) == ["E2", "E4"]
    assert ids(store.events(root="12", **seed)) == ["E1"]
    assert ids(store.events(root=4, **seed)) == ["E3"]
    assert ids(store.events(plover="reject", **seed)) == ["E1"]
    assert ids(store.events(quad=[1, 2], **seed)) == ["E3", "E6"]
    assert ids(store.events(quad=1, **seed)) == ["E3"]
    assert ids(store.events(since="2018-05-18", until=dt.date(2018, 5, 21), **seed)) == [
        "E1",
        "E2",
        "E6",
    ]
    # events without a date fall back on the publication date
    assert ids(store.events(since="2018-05-22", **seed)) == ["E4", "E5"]
    assert ids(store.events(outlet="the times of israel")) == ids(store.events(**seed))
    assert ids(store.events(via="pompeo")) == ["E6"]
    assert len(store.events(via="ISRMED")) == 6
    assert ids(store.events(text="MEETING")) == ["E3"]  # the trigger
    assert ids(store.events(text="accus")) == ["E4", "E5"]  # their sentence
    assert ids(store.events(text="withdrawal from Syria", **seed)) == ["E4", "E5"]
    assert ids(store.events(hypothetical=True)) == ["E6"]
    assert len(store.events(article="seed")) == 6
    assert len(store.events()) == 11
    assert ids(store.events(limit=2, offset=1, **seed)) == ids(store.events(**seed))[1:3]
    assert store.events(actor="ZZZ").empty
    with pytest.raises(StoreError, match="since"):
        store.events(since="last week")
    with pytest.raises(TypeError, match=r"unknown event filter.*: actr"):
        store.events(actr="IRN")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unknown event filter"):
        store.dyads(period=None, country="IRN")  # type: ignore[call-arg]


def test_store_events_have_the_parquet_columns_and_values(store: Store) -> None:
    store.add(seed_extraction())
    frame = store.events(article="seed")
    assert list(frame.columns) == [name for name, _, _ in EVENT_SCHEMA]
    assert list(frame["event"]) == ["E3", "E1", "E2", "E6", "E4", "E5"]  # by date, then position
    first = frame[frame["event"] == "E1"].iloc[0]
    assert first["event_id"] == f"{seed_extraction().article.hash}:E1"
    assert (first["source_code"], first["target_code"], first["cameo"]) == ("IRN", "RUS", "120")
    assert first["source_name"] == "Iran" and first["source_kind"] == "state"
    assert first["trigger_text"] == "rejected"
    assert first["sentence_text"].startswith("Iran on Monday rejected")
    assert list(first["attribution"]) == ["The Times of Israel"]
    assert list(first["attribution_roles"]) == ["relay"]
    assert first["date"].date() == dt.date(2018, 5, 21)
    assert first["goldstein"] == -4.0 and int(first["quad_class"]) == 3
    e2 = frame[frame["event"] == "E2"].iloc[0]
    assert e2["place_name"] == "Syria" and int(e2["place_geonameid"]) == 163843
    e6 = frame[frame["event"] == "E6"].iloc[0]
    assert list(e6["attribution"]) == ["Mike Pompeo", "The Times of Israel"]
    assert e6["quote"] == "Q2" and bool(e6["hypothetical"])


def test_store_quotes_filters(store: Store) -> None:
    store.add(seed_extraction())
    frame = store.quotes()
    assert list(frame["quote"]) == ["Q1", "Q2", "Q3"]
    q1 = store.quotes(speaker="qasemi")
    assert list(q1["quote"]) == ["Q1"]
    assert list(q1["via"][0]) == ["Tasnim", "The Times of Israel"]
    assert q1["text"][0] == "No one can force Iran to do anything,"
    assert q1["cue"][0] == "said"
    assert list(store.quotes(speaker="USAGOV")["quote"]) == ["Q2"]
    assert list(store.quotes(via="tasnim")["quote"]) == ["Q1"]
    assert list(store.quotes(text="FOREIGN POWERS")["quote"]) == ["Q3"]
    assert list(store.quotes(kind="partial")["quote"]) == ["Q2"]
    assert store.quotes(since="2019-01-01").empty


def test_store_actors_are_counted_over_articles(store: Store) -> None:
    store.add(seed_extraction())
    frame = store.actors(actor="IRN")
    iran = frame[(frame["code"] == "IRN") & (frame["kind"] == "state")].iloc[0]
    assert (int(iran["articles"]), int(iran["mentions"])) == (1, 2)
    assert set(frame["code"]) == {"IRN", "IRNGOV", "IRNMED"}
    assert list(store.actors(name="pompeo")["code"]) == ["USAGOV"]
    assert list(store.actors(kind="media")["name"]) == ["Tasnim", "The Times of Israel"] or sorted(
        store.actors(kind="media")["name"]
    ) == ["Tasnim", "The Times of Israel"]
    assert len(store.actors(limit=3)) == 3


def test_store_dyads_count_and_average_goldstein(store: Store) -> None:
    store.add(seed_extraction())
    frame = store.dyads(period=None)
    rows = {(r.source, r.target): (int(r.events), r.goldstein) for r in frame.itertuples()}
    assert rows[("ISR", "IRN")] == (2, -3.5)
    assert rows[("IRN", "RUS")] == (1, -4.0)
    assert ("IRN", None) not in rows  # E6 has no target
    weekly = store.dyads(period="week")
    isr = weekly[(weekly["source"] == "ISR") & (weekly["target"] == "IRN")].iloc[0]
    assert isr["period"].date() == dt.date(2018, 5, 21)  # the Monday of the publication week
    monthly = store.dyads(period="month", actor="RUS")
    assert {p.date() for p in monthly["period"]} == {dt.date(2018, 5, 1)}
    with pytest.raises(StoreError, match="period"):
        store.dyads(period="fortnight")


def test_store_stats(store: Store) -> None:
    store.add(seed_extraction())
    figures = store.stats()
    assert figures["articles"] == 1 and figures["events"] == 6 and figures["quotes"] == 3
    assert figures["by_root"] == {"04": 1, "08": 1, "10": 2, "11": 1, "12": 1}
    assert figures["by_quad"] == {"1": 1, "2": 1, "3": 4}
    assert figures["first_published"] == "2018-05-22"


def test_store_check_finds_orphans_and_dangling_links(store: Store) -> None:
    store.add(seed_extraction())
    assert store.check() == []
    key = seed_extraction().article.hash
    with store._db.transaction() as tx:
        tx.execute("INSERT INTO sentences VALUES (?, ?, ?, ?)", ["gone", 0, 0, 1])
        tx.execute(
            "INSERT INTO attributions VALUES (?, 'event', 'E99', 0, 'relay', 'X', "
            "NULL, NULL, NULL, NULL, NULL)",
            [key],
        )
        tx.execute("UPDATE events SET trigger_end = 100000 WHERE article = ? AND id = 'E1'", [key])
        tx.execute("UPDATE articles SET mentions = 5")
    problems = store.check()
    assert any("sentences rows whose article is missing: 1" in p for p in problems)
    assert any("attribution links of a missing event: 1" in p for p in problems)
    assert any("events spans outside" in p for p in problems)
    assert any("mention count disagrees" in p for p in problems)


# --- crash safety -----------------------------------------------------------------------

_BATCH = textwrap.dedent("""
    import sys
    import time
    sys.path.insert(0, sys.argv[3])
    from test_store_support import synthetic
    from dragoman.store import Store

    with Store.open(sys.argv[1]) as store:
        for i in range(int(sys.argv[2])):
            store.add(synthetic(i))
            print(i, flush=True)
            if len(sys.argv) > 4:
                time.sleep(0.02)  # still running when the test kills it, however fast
""")


@pytest.mark.parametrize("backend", ["duckdb", "postgres"])
def test_store_survives_a_killed_ingest(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    total = 150
    script = tmp_path / "batch.py"
    script.write_text(_BATCH)
    with contextlib_schema(backend, tmp_path, request) as url:
        proc = subprocess.Popen(
            [sys.executable, str(script), url, str(total), str(TESTS), "slow"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        done = 0
        deadline = time.monotonic() + 120
        while done < 25 and time.monotonic() < deadline:
            if proc.stdout.readline():
                done += 1
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        proc.stdout.close()
        assert done >= 25, "the batch did not get going"
        with Store.open(url) as store:
            assert store.check() == []
            figures = store.stats()
            assert done <= figures["articles"] < total
            assert figures["events"] == 5 * figures["articles"]  # whole articles only
        rerun = subprocess.run(
            [sys.executable, str(script), url, str(total), str(TESTS)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        assert rerun.stdout.count("\n") == total
        with Store.open(url) as store:
            assert store.check() == []
            figures = store.stats()
            assert (figures["articles"], figures["events"]) == (total, 5 * total)


def contextlib_schema(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A fresh database URL for `backend`, as a context manager."""
    import contextlib

    if backend == "duckdb":
        return contextlib.nullcontext(str(tmp_path / "crash.duckdb"))
    return postgres_schema(request.getfixturevalue("postgres_url"))


# --- property: extraction → DB → output dict ---------------------------------------------

_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_TEXTS = st.text(_CHARS, min_size=1, max_size=12)
_OPT_TEXT = st.none() | _TEXTS
_CODES = st.sampled_from(["IRN", "IRNGOV", "RUSMIL", "ISR", "USAGOVMIL", "LBNREB"])
_SECTORS = st.lists(
    st.sampled_from(["GOV", "MIL", "MED", "REB", "BUS"]), max_size=3, unique=True
).map(tuple)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
_COUNTER = itertools.count()


@st.composite
def extractions(draw: st.DrawFn) -> Extraction:
    text = draw(st.text(_CHARS, min_size=1, max_size=120))
    size = len(text)

    spans = st.integers(0, size).flatmap(lambda a: st.integers(a, size).map(lambda b: Span(a, b)))

    def span() -> Span:
        return draw(spans)

    def opt(strategy):
        return draw(st.none() | strategy)

    actors = tuple(
        Actor(
            f"A{i + 1}",
            draw(_TEXTS),
            draw(st.sampled_from(["state", "person", "media"])),
            draw(_CODES),
            opt(st.sampled_from(["IRN", "RUS", "NATO"])),
            draw(_SECTORS),
            tuple(span() for _ in range(draw(st.integers(0, 3)))),
            draw(st.text(_CHARS, max_size=8)),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    actor_ids = st.none() | st.sampled_from([a.id for a in actors] or [None])

    def ref() -> ActorRef | None:
        if draw(st.booleans()):
            return None
        return ActorRef(draw(actor_ids), draw(_CODES), opt(st.just("IRN")), draw(_SECTORS), span())

    def sources() -> tuple[Source, ...]:
        return tuple(
            Source(
                draw(st.sampled_from(["speaker", "relay", "outlet"])),
                draw(_TEXTS),
                draw(st.none() | _CODES),
                draw(actor_ids),
                opt(spans),
            )
            for _ in range(draw(st.integers(0, 3)))
        )

    quotes = tuple(
        Quote(
            f"Q{i + 1}",
            draw(st.sampled_from(["direct", "partial", "indirect"])),
            span(),
            opt(spans),
            None
            if draw(st.booleans())
            else Speaker(draw(_TEXTS), span(), draw(actor_ids), draw(st.none() | _CODES)),
            sources(),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    sentences = tuple(span() for _ in range(draw(st.integers(0, 3))))
    events = tuple(
        Event(
            f"E{i + 1}",
            draw(st.integers(0, 5)),
            span(),
            ref(),
            ref(),
            draw(st.sampled_from(["120", "1056", "04"])),
            draw(st.sampled_from(["12", "04"])),
            draw(st.none() | st.sampled_from(["REJECT", "DEMAND"])),
            draw(st.integers(1, 4)),
            draw(_FLOATS),
            date=opt(st.dates()),
            date_text=draw(_OPT_TEXT),
            place=None
            if draw(st.booleans())
            else Place(
                draw(_TEXTS),
                opt(st.integers(0, 2**62)),
                opt(st.just("SYR")),
                opt(_FLOATS),
                opt(_FLOATS),
                draw(st.sampled_from(["city", "country"])),
                span(),
            ),
            negated=draw(st.booleans()),
            hypothetical=draw(st.booleans()),
            attribution=sources(),
            quote=opt(st.sampled_from([q.id for q in quotes] or ["Q9"])),
            confidence=draw(_FLOATS),
            rule=draw(st.text(_CHARS, max_size=8)),
        )
        for i in range(draw(st.integers(0, 3)))
    )
    key = f"{next(_COUNTER):016x}"
    article = Article(
        id=draw(st.just(key) | _TEXTS),
        hash=key,
        text=text,
        url=draw(_OPT_TEXT),
        outlet=draw(_OPT_TEXT),
        title=draw(_OPT_TEXT),
        author=draw(_OPT_TEXT),
        published=opt(st.dates()),
        language=draw(st.sampled_from(["en", "de"])),
        origin=draw(st.text(_CHARS, max_size=10)),
    )
    return Extraction(
        article, sentences, actors, events, quotes, tuple(draw(st.lists(_TEXTS, max_size=2)))
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(extraction=extractions())
def test_store_round_trips_any_extraction(store: Store, extraction: Extraction) -> None:
    assert store.add(extraction) is True
    assert store.article(extraction.article.hash) == to_dict(extraction)
    assert store.extraction(extraction.article.hash) == extraction


# --- the seed article through the real pipeline ------------------------------------------


@pytest.fixture
def seed_from_pipeline() -> Extraction:
    """The seed article as `dragoman.extract` codes it (skipped while the pipeline cannot run)."""
    return pipeline_or_skip()


def test_store_seed_ingested_twice_leaves_the_same_rows(
    store: Store, seed_from_pipeline: Extraction
) -> None:
    assert store.add(seed_from_pipeline) is True
    before, article = counts(store), store.article(seed_from_pipeline.article.id)
    assert store.add(seed_from_pipeline) is False
    assert counts(store) == before
    assert store.article(seed_from_pipeline.article.id) == article == to_dict(seed_from_pipeline)


def test_store_seed_iran_events_and_israel_dyad(
    store: Store, seed_from_pipeline: Extraction
) -> None:
    store.add(seed_from_pipeline)
    iran = [
        e.id
        for e in seed_from_pipeline.events
        if any(
            r is not None and (r.country == "IRN" or r.code.startswith("IRN"))
            for r in (e.source, e.target)
        )
    ]
    assert iran, "the pipeline found no Iran event in the seed article"
    assert sorted(store.events(actor="IRN")["event"]) == sorted(iran)
    isr_irn = [
        e.goldstein
        for e in seed_from_pipeline.events
        if e.source and e.target and e.source.country == "ISR" and e.target.country == "IRN"
    ]
    assert isr_irn, "the pipeline found no Israel → Iran event in the seed article"
    dyads = store.dyads(period=None)
    row = dyads[(dyads["source"] == "ISR") & (dyads["target"] == "IRN")].iloc[0]
    assert int(row["events"]) == len(isr_irn)
    assert row["goldstein"] == pytest.approx(sum(isr_irn) / len(isr_irn))


def test_store_seed_text_hash_is_the_article_key(seed_from_pipeline: Extraction) -> None:
    assert seed_from_pipeline.article.hash == text_hash(seed_from_pipeline.article.text)


def test_store_add_many_stores_a_batch_like_add(store: Store) -> None:
    seed = seed_extraction()
    store.add(synthetic(0))
    near = dataclasses.replace(
        seed_extraction(hash="2" * 16, id="near", url="https://x.org/n"),
        warnings=(f"duplicate_of:{seed.article.hash}",),
    )
    # enough rows to take the bulk paths (DuckDB DataFrame scan, PostgreSQL COPY)
    batch = [seed, *(synthetic(i) for i in range(120)), seed, near]
    result = store.add_many(batch)
    assert result == [True, False, *[True] * 119, False, False]
    assert store.article(seed.article.hash) == to_dict(seed)
    assert store.article("syn-77") == to_dict(synthetic(77))
    assert counts(store)["article_mentions"] == 1 and not store.has("2" * 16)
    assert store.check() == []
    assert store.add_many([]) == []
