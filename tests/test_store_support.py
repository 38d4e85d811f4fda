"""Fixtures and builders shared by the store, export and store-CLI tests.

A conftest in all but name (tests/conftest.py belongs to the whole suite):
test modules import what they use from here. It holds

* `seed_extraction()`: the founding article, coded by hand the way the pipeline
  should code it (Iran → Russia REJECT, Israel → Iran DEMAND and ACCUSE, …);
* `synthetic(i)`: a small random-but-reproducible extraction, for batches;
* the `postgres_url` session fixture: a real PostgreSQL 15 server started in a
  temporary directory for the test session (skipped, with the reason, when
  the binaries are absent);
* the `store` fixture, parametrized over both backends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import pwd
import random
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from dragoman.models import (
    Actor,
    ActorRef,
    Article,
    Event,
    Extraction,
    Place,
    Quote,
    Source,
    Span,
    Speaker,
)
from dragoman.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_PATH = SHARED / "samples" / "seed-article.txt"
PG_BIN = Path(os.environ.get("DRAGOMAN_PG_BIN", "/usr/lib/postgresql/15/bin"))

SEED_TEXT = """\
Iran Rejects Russia’s Call to Remove All Foreign Troops from Syria

Iran on Monday rejected a call from Russia to pull Iranian forces out of Syria in the event a \
permanent peace agreement is reached in the war-stricken country, The Times of Israel reported.

“No one can force Iran to do anything,” Iran’s Foreign Ministry spokesperson Bahram Qasemi \
said, according to the Tasnim news website.

After a meeting with Syrian regime President Bashar al-Assad on Thursday, Russian President \
Vladimir Putin said that foreign powers must pull their troops out of Syria to respect any final \
political settlement in the country.

Israel has time and again demanded Iran’s withdrawal from Syria, accusing the regime in Tehran \
of building a permanent military infrastructure in the country.

The U.S. echoed Israel’s demand this week, when U.S. Secretary of State Mike Pompeo said in a \
speech Monday that “Iran must withdraw all forces under Iranian command throughout the entirety \
of Syria.”
"""


def find(text: str, needle: str, nth: int = 0) -> Span:
    """The span of the `nth` occurrence of `needle` in `text`."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return Span(start, start + len(needle))


def at(text: str, context: str, needle: str) -> Span:
    """The span of `needle` inside the first occurrence of `context`."""
    outer = find(text, context)
    start = text.index(needle, outer.start, outer.end)
    return Span(start, start + len(needle))


def text_hash(text: str) -> str:
    """Article.hash as the pipeline computes it (sha1, 16 hex)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def seed_extraction(**article_fields: object) -> Extraction:
    """The seed article, coded by hand."""
    t = SEED_TEXT
    # Each paragraph of SEED_TEXT is one sentence (the title is sentence 0).
    sentences, start = [], 0
    for paragraph in t.split("\n\n"):
        sentences.append(Span(start, start + len(paragraph.rstrip("\n"))))
        start += len(paragraph) + 2
    iran = Actor(
        "A1",
        "Iran",
        "state",
        "IRN",
        "IRN",
        (),
        (find(t, "Iran", 1), find(t, "Iran", 2)),
        "dict:countries:IRN",
    )
    russia = Actor(
        "A2", "Russia", "state", "RUS", "RUS", (), (find(t, "Russia", 1),), "dict:countries:RUS"
    )
    qasemi = Actor(
        "A3",
        "Bahram Qasemi",
        "person",
        "IRNGOV",
        "IRN",
        ("GOV",),
        (find(t, "Bahram Qasemi"),),
        "role:spokesperson",
    )
    tasnim = Actor(
        "A4", "Tasnim", "media", "IRNMED", "IRN", ("MED",), (find(t, "Tasnim"),), "dict:media"
    )
    toi = Actor(
        "A5",
        "The Times of Israel",
        "media",
        "ISRMED",
        "ISR",
        ("MED",),
        (find(t, "The Times of Israel"),),
        "dict:media",
    )
    putin = Actor(
        "A6",
        "Vladimir Putin",
        "person",
        "RUSGOV",
        "RUS",
        ("GOV",),
        (find(t, "Vladimir Putin"),),
        "dict:leaders",
    )
    assad = Actor(
        "A7",
        "Bashar al-Assad",
        "person",
        "SYRGOV",
        "SYR",
        ("GOV",),
        (find(t, "Bashar al-Assad"),),
        "dict:leaders",
    )
    israel = Actor(
        "A8",
        "Israel",
        "state",
        "ISR",
        "ISR",
        (),
        (at(t, "Israel has", "Israel"), at(t, "Israel’s demand", "Israel")),
        "dict:countries:ISR",
    )
    tehran = Actor(
        "A9",
        "Iran",
        "state",
        "IRNGOV",
        "IRN",
        ("GOV",),
        (find(t, "the regime in Tehran"),),
        "capital:Tehran",
    )
    pompeo = Actor(
        "A10",
        "Mike Pompeo",
        "person",
        "USAGOV",
        "USA",
        ("GOV",),
        (find(t, "Mike Pompeo"),),
        "dict:leaders",
    )
    actors = (iran, russia, qasemi, tasnim, toi, putin, assad, israel, tehran, pompeo)

    def ref(actor: Actor, span: Span, code: str | None = None) -> ActorRef:
        return ActorRef(actor.id, code or actor.code, actor.country, actor.sectors, span)

    outlet = Source("outlet", "The Times of Israel", "ISRMED", toi.id)
    toi_relay = Source(
        "relay", "The Times of Israel", "ISRMED", toi.id, find(t, "The Times of Israel")
    )
    tasnim_relay = Source("relay", "Tasnim", "IRNMED", tasnim.id, find(t, "Tasnim"))
    syria = Place("Syria", 163843, "SYR", None, None, "country", find(t, "Syria", 2))
    events = (
        Event(
            "E1",
            1,
            find(t, "rejected"),
            ref(iran, find(t, "Iran", 1)),
            ref(russia, find(t, "Russia", 1)),
            "120",
            "12",
            "REJECT",
            3,
            -4.0,
            date=dt.date(2018, 5, 21),
            date_text="on Monday",
            date_precision="day",
            attribution=(toi_relay,),
            confidence=0.9,
            rule="reject.v.dobj",
        ),
        Event(
            "E2",
            1,
            find(t, "call"),
            ref(russia, find(t, "Russia", 1)),
            ref(iran, at(t, "Iranian forces", "Iranian")),
            "1056",
            "10",
            "DEMAND",
            3,
            -5.0,
            date=dt.date(2018, 5, 21),
            date_text="on Monday",
            date_precision="day",
            place=syria,
            attribution=(toi_relay,),
            confidence=0.6,
            rule="call.n.to",
        ),
        Event(
            "E3",
            3,
            find(t, "meeting"),
            ref(putin, find(t, "Vladimir Putin")),
            ref(assad, find(t, "Bashar al-Assad")),
            "040",
            "04",
            "CONSULT",
            1,
            1.0,
            date=dt.date(2018, 5, 17),
            date_text="on Thursday",
            date_precision="day",
            attribution=(outlet,),
            confidence=0.7,
            rule="meeting.n.with",
        ),
        Event(
            "E4",
            4,
            find(t, "demanded"),
            ref(israel, at(t, "Israel has", "Israel")),
            ref(iran, at(t, "Iran’s withdrawal", "Iran")),
            "1056",
            "10",
            "DEMAND",
            3,
            -5.0,
            attribution=(outlet,),
            confidence=0.8,
            rule="demand.v.dobj",
        ),
        Event(
            "E5",
            4,
            find(t, "accusing"),
            ref(israel, at(t, "Israel has", "Israel")),
            ref(tehran, find(t, "the regime in Tehran")),
            "112",
            "11",
            "ACCUSE",
            3,
            -2.0,
            attribution=(outlet,),
            confidence=0.7,
            rule="accuse.v.dobj",
        ),
        Event(
            "E6",
            5,
            find(t, "must withdraw"),
            ref(iran, at(t, "Iran must", "Iran")),
            None,
            "0874",
            "08",
            "RETREAT",
            2,
            7.0,
            date=dt.date(2018, 5, 21),
            date_precision="day",
            hypothetical=True,
            attribution=(
                Source("speaker", "Mike Pompeo", "USAGOV", pompeo.id, find(t, "Mike Pompeo")),
                outlet,
            ),
            quote="Q2",
            confidence=0.4,
            rule="withdraw.v.modal",
        ),
    )
    q1 = find(t, "No one can force Iran to do anything,")
    q2 = find(
        t, "Iran must withdraw all forces under Iranian command throughout the entirety of Syria."
    )
    quotes = (
        Quote(
            "Q1",
            "direct",
            q1,
            find(t, "said", 0),
            Speaker("Bahram Qasemi", find(t, "Bahram Qasemi"), qasemi.id, "IRNGOV"),
            (tasnim_relay, outlet),
        ),
        Quote(
            "Q2",
            "partial",
            q2,
            find(t, "said in a speech"),
            Speaker("Mike Pompeo", find(t, "Mike Pompeo"), pompeo.id, "USAGOV"),
            (outlet,),
        ),
        Quote(
            "Q3",
            "indirect",
            find(t, "foreign powers must pull their troops out of Syria"),
            find(t, "said that"),
            None,
            (),
        ),
    )
    fields: dict[str, object] = {
        "id": "seed",
        "hash": text_hash(t),
        "text": t,
        "url": "https://www.timesofisrael.com/iran-rejects-russias-call",
        "outlet": "The Times of Israel",
        "title": "Iran Rejects Russia’s Call",
        "author": None,
        "published": dt.date(2018, 5, 22),
        "language": "en",
        "origin": "seed-article.txt",
    }
    fields.update(article_fields)
    article = Article(**fields)  # type: ignore[arg-type]
    return Extraction(
        article=article,
        sentences=tuple(sentences),
        actors=actors,
        events=events,
        quotes=quotes,
        warnings=("test",),
    )


COUNTRIES = ("IRN", "RUS", "SYR", "ISR", "USA", "TUR", "LBN", "IRQ", "SAU", "EGY", "FRA", "GBR")
CODES = (
    ("120", "12", "REJECT", 3, -4.0),
    ("1056", "10", "DEMAND", 3, -5.0),
    ("040", "04", "CONSULT", 1, 1.0),
    ("112", "11", "ACCUSE", 3, -2.0),
    ("190", "19", "FIGHT", 4, -10.0),
    ("057", "05", "COOPERATE", 1, 8.0),
    ("071", "07", "AID", 2, 7.4),
    ("0874", "08", "RETREAT", 2, 7.0),
)
OUTLETS = ("Reuters", "The Times of Israel", "Tasnim", "CNN", "Al Jazeera", "TASS")


def synthetic(i: int, events: int = 5, seed: int = 0) -> Extraction:
    """Article number `i` of a reproducible synthetic batch, with `events` events."""
    rng = random.Random(f"{seed}:{i}")
    parts: list[str] = [f"Synthetic report {i}."]
    actors: list[Actor] = []
    evs: list[Event] = []
    sentences: list[Span] = [Span(0, len(parts[0]))]
    cursor = len(parts[0]) + 1
    published = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365))
    outlet = rng.choice(OUTLETS)
    for k in range(events):
        src, tgt = rng.sample(COUNTRIES, 2)
        cameo, root, plover, quad, goldstein = rng.choice(CODES)
        verb = f"coded{cameo}"
        sentence = f"{src} {verb} {tgt} in round {k}."
        base = cursor
        sentences.append(Span(base, base + len(sentence)))
        parts.append(sentence)
        cursor += len(sentence) + 1
        src_span = Span(base, base + 3)
        tgt_span = Span(base + 5 + len(verb), base + 8 + len(verb))
        ids = []
        for code, span in ((src, src_span), (tgt, tgt_span)):
            actor_id = f"A{len(actors) + 1}"
            sectors = ("GOV",) if rng.random() < 0.5 else ()
            actors.append(
                Actor(
                    actor_id,
                    code,
                    "state",
                    code + "".join(sectors),
                    code,
                    sectors,
                    (span,),
                    "synthetic",
                )
            )
            ids.append((actor_id, code + "".join(sectors), code, sectors, span))
        s, t = (ActorRef(a, c, n, sec, sp) for a, c, n, sec, sp in ids)
        evs.append(
            Event(
                f"E{k + 1}",
                k + 1,
                Span(base + 4, base + 4 + len(verb)),
                s,
                t,
                cameo,
                root,
                plover,
                quad,
                goldstein,
                date=published - dt.timedelta(days=rng.randrange(3)),
                date_text="on Monday",
                date_precision="day",
                negated=rng.random() < 0.05,
                attribution=(Source("outlet", outlet, None),),
                confidence=round(rng.random(), 3),
                rule=f"synthetic.{cameo}",
            )
        )
    text = " ".join(parts)
    article = Article(
        id=f"syn-{i}",
        hash=text_hash(text),
        text=text,
        url=f"https://example.org/{seed}/{i}",
        outlet=outlet,
        title=f"Synthetic report {i}",
        published=published,
        origin=f"synthetic:{i}",
    )
    return Extraction(
        article=article, sentences=tuple(sentences), actors=tuple(actors), events=tuple(evs)
    )


def pipeline_or_skip() -> Extraction:
    """The seed article as `dragoman.extract` codes it (skipped when ../shared is absent)."""
    if not SEED_PATH.exists():
        pytest.skip(f"needs {SEED_PATH} (the ../shared folder beside the repository)")
    return _seed_from_pipeline()


@functools.lru_cache(maxsize=1)
def _seed_from_pipeline() -> Extraction:
    from dragoman import extract

    return extract(SEED_PATH.read_text(encoding="utf-8"), published="2018-05-22")


# --- PostgreSQL -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str], user: str | None) -> list[str]:
    # initdb refuses to run as root: run the server tools as the `postgres` user then.
    return ["runuser", "-u", user, "--", *cmd] if user else cmd


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL 15 server for the session; yields the URL of an empty database."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (the postgres extra)")
    initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
    if not initdb.exists() or not pg_ctl.exists():
        pytest.skip(
            f"PostgreSQL binaries not found in {PG_BIN} (apt-get install "
            "postgresql-15, or set DRAGOMAN_PG_BIN)"
        )
    user = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no `postgres` user to run initdb as")
        if shutil.which("runuser") is None:
            pytest.skip("running as root and `runuser` is missing")
        user = "postgres"
    # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="dragoman-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    data, port = base / "data", _free_port()
    run = {"check": True, "capture_output": True, "text": True, "timeout": 120}
    try:
        subprocess.run(
            _as_postgres(
                [
                    str(initdb),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ],
                user,
            ),
            **run,
        )
        subprocess.run(
            _as_postgres(
                [
                    str(pg_ctl),
                    "-D",
                    str(data),
                    "-l",
                    str(base / "log"),
                    "-o",
                    f"-k {base} -p {port} -h 127.0.0.1 -F",
                    "-w",
                    "start",
                ],
                user,
            ),
            **run,
        )
    except subprocess.CalledProcessError as exc:
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"cannot start PostgreSQL: {exc.stderr}\n{log}")
    import psycopg

    with psycopg.connect(
        f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE dragoman_test")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/dragoman_test"
    finally:
        subprocess.run(
            _as_postgres([str(pg_ctl), "-D", str(data), "-m", "immediate", "-w", "stop"], user),
            check=False,
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A fresh, empty schema in the test database; yields a URL that uses it."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{url}?options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.fixture(params=["duckdb", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a new, empty database on each backend."""
    if request.param == "duckdb":
        yield str(tmp_path / "test.duckdb")
    else:
        with postgres_schema(request.getfixturevalue("postgres_url")) as url:
            yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """An open, empty store on each backend."""
    with Store.open(store_url) as opened:
        yield opened
