"""The event database: store extractions, query them, check them.

`Store.open(url)` opens a DuckDB file (the default, `Settings.db`) or a
`postgresql://` URL; both hold the same tables, created by the SQL migrations in
`dragoman/data/migrations` (see `docs/store.md`).

Writing. One `Store.add(extraction)` call is one transaction: the article and
all its actors, mentions, events, quotes and attribution links land together or
not at all, so an interrupted ingest leaves whole articles only, and a re-run
skips them (the article key is the hash of its clean text; adding it again
changes nothing). A near-duplicate (dedup's `duplicate_of`) is recorded as one
more mention of the article it copies, not as new events.

Concurrency, honestly:

* DuckDB: one *process* may open the file read-write, and while it does no
  other process can open it at all (DuckDB's file lock); several processes may
  open it with `read_only=True` when none writes. Inside the writing process,
  writes are serialized by a lock (one writer), and every query runs on a
  per-thread cursor that reads the last committed state: readers never wait for
  the writer and never see half an article. So run one `dragoman ingest` at a
  time per file. `Store.open(…, shared=True)` (what `dragoman serve` does) holds
  the file read-only between its writes and read-write only for each write's
  transaction: other processes can open it read-only meanwhile (the CLI's read
  commands do, waiting up to the `db_wait` setting for a write to finish).
* PostgreSQL: many processes may read and write at once. Readers use their own
  connection (MVCC: they never block the writer); each Store has one writer
  connection; two processes adding the same article race safely (`ON CONFLICT
  DO NOTHING` on the hash).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import pandas as pd

from dragoman.errors import StoreError
from dragoman.models import Extraction, Reject
from dragoman.output import to_dict
from dragoman.store import _migrations, _queries, _rows
from dragoman.store._backends import Backend, DuckDBBackend, Writer, connect, is_postgres
from dragoman.store._queries import (
    EVENT_SCHEMA,
    PERIODS,
    EventFilter,
    QuoteFilter,
    Where,
    as_date,
    event_where,
    page,
    quote_where,
)

__all__ = ["EVENT_SCHEMA", "PERIODS", "IngestReport", "Store"]

log = logging.getLogger(__name__)


class Store:
    """An open event database. Build with `Store.open(url)`; use as a context manager.

    Args:
        backend: an open backend (see `Store.open`).
    """

    def __init__(self, backend: Backend) -> None:
        self._db = backend
        self._write_lock = threading.Lock()
        self._closed = False

    # --- opening and closing ----------------------------------------------------------

    @classmethod
    def open(
        cls,
        url: str | Path,
        read_only: bool = False,
        *,
        shared: bool = False,
        wait: float = 0.0,
    ) -> Store:
        """Open (and create or migrate) a database.

        Args:
            url: a DuckDB file path (created when missing, unless `read_only`),
                `:memory:`, or a `postgresql://user@host:port/dbname` URL.
            read_only: DuckDB only: open without the write lock, so that several
                processes can read the file together (fails if the file is missing or
                needs migrating).
            shared: DuckDB only: hold the file read-only between writes, so that other
                processes can read it while this one runs (`dragoman serve`); each write
                reopens it read-write for its transaction.
            wait: seconds to wait for another process's lock on a DuckDB file before
                failing (the `db_wait` setting in the CLI).

        Returns:
            The open store.

        Raises:
            StoreError: the database cannot be opened or migrated, or a read-only one
                does not exist.
        """
        target = str(url)
        if read_only and not is_postgres(target) and not Path(target).exists():
            raise StoreError(f"no database at {target}")
        backend = connect(target, read_only=read_only, shared=shared, wait=wait)
        try:
            _migrations.migrate(backend)
            if isinstance(backend, DuckDBBackend):
                backend.settle()
        except BaseException:
            backend.close()
            raise
        return cls(backend)

    @property
    def url(self) -> str:
        """The path or URL the store was opened with."""
        return self._db.url

    @property
    def dialect(self) -> str:
        """`duckdb` or `postgres`."""
        return self._db.dialect

    def close(self) -> None:
        """Close the database (idempotent)."""
        if not self._closed:
            self._closed = True
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.url!r}, dialect={self.dialect!r})"

    # --- writing ----------------------------------------------------------------------

    def add(self, extraction: Extraction) -> bool:
        """Store one extraction in one transaction.

        A near-duplicate whose original is stored (dedup's `duplicate_of`) adds a
        mention of the original instead (see `add_mention`).

        Args:
            extraction: what the pipeline returned for one article.

        Returns:
            True when the article was new; False when it (or the article it
            near-duplicates) was already stored: then nothing but a mention changes.

        Raises:
            StoreError: the write failed (the transaction was rolled back).
        """
        return self.add_many([extraction])[0]

    def add_many(self, extractions: Iterable[Extraction]) -> list[bool]:
        """Store several extractions in ONE transaction (a bulk load: all or none).

        Much faster than `add` on DuckDB, whose per-statement and per-commit
        costs dominate small writes. Same rules as `add`, applied in order (a
        near-duplicate may follow its original in the same batch).

        Returns:
            For each extraction, True when it was stored as a new article.

        Raises:
            StoreError: the write failed (nothing of the batch was stored).
        """
        batch = list(extractions)
        if not batch:
            return []
        first = batch[0].article
        what = (
            f"cannot store article {first.hash} ({first.origin})"
            if len(batch) == 1
            else f"cannot store a batch of {len(batch)} articles"
        )
        with self._writing(what) as db, db.transaction() as tx:
            return _add_batch(tx, batch, _utcnow())

    def add_mention(
        self,
        hash: str,
        url: str | None = None,
        outlet: str | None = None,
        published: dt.date | str | None = None,
    ) -> bool:
        """Record another copy of a stored article (a duplicate seen at `url` / `outlet`).

        Idempotent: a copy is known by its URL (else outlet and date); the
        article's own URL counts as known. Each new copy increments
        `articles.mentions` (GDELT's NumArticles) and recounts `articles.sources`
        (distinct outlets, NumSources).

        Args:
            hash: the stored article's hash.
            url, outlet, published: where and when the copy appeared.

        Returns:
            True when the copy was new.

        Raises:
            StoreError: no article has this hash, or the write failed.
        """
        day = as_date(published, "published")
        with self._writing(f"cannot add a mention of {hash}") as db, db.transaction() as tx:
            return _mention(tx, hash, url, outlet, day, _utcnow())

    def ingest(
        self,
        items: Iterable[Extraction | Reject],
        on_reject: Callable[[Reject], None] | None = None,
        batch: int = 1,
    ) -> IngestReport:
        """Store a stream of pipeline results (`api.extract_paths` / `extract_many`).

        With `batch=1` each extraction is stored in its own transaction, so an
        interrupted run keeps every article it finished and a re-run skips them.
        A larger `batch` writes that many articles per transaction (`add_many`):
        much faster on DuckDB, and just as consistent, but an interruption loses
        up to a batch, which a re-run redoes. An article already stored (the same
        text) seen at another URL or outlet is recorded as one more copy
        (`add_mention`); a near-duplicate adds a copy of its original.

        Args:
            items: extractions and rejects, as the pipeline yields them.
            on_reject: called with each reject (to write the rejects file).
            batch: articles per transaction.

        Returns:
            The counts: read = stored + duplicates + rejected.

        Raises:
            StoreError: a write failed (everything committed before it stays).
        """
        stored = duplicates = rejected = 0
        pending: list[Extraction] = []

        def flush() -> None:
            nonlocal stored, duplicates
            for item, new in zip(pending, self.add_many(pending), strict=True):
                if new:
                    stored += 1
                    continue
                duplicates += 1
                article = item.article
                if _rows.duplicate_of(item) is None and (article.url or article.outlet):
                    self.add_mention(article.hash, article.url, article.outlet, article.published)
            pending.clear()
            log.info("%s: %d read, %d stored", self.url, stored + duplicates + rejected, stored)

        for item in items:
            if isinstance(item, Reject):
                rejected += 1
                if on_reject is not None:
                    on_reject(item)
                continue
            pending.append(item)
            if len(pending) >= max(1, batch):
                flush()
        if pending:
            flush()
        return IngestReport(stored + duplicates + rejected, stored, duplicates, rejected)

    def _writing(self, what: str) -> _Writing:
        if self._closed:
            raise StoreError("the store is closed")
        return _Writing(self, what)

    # --- reading one article -------------------------------------------------------------

    def has(self, hash: str) -> bool:
        """True when an article with this hash is stored."""
        _, rows = self._db.rows("SELECT 1 FROM articles WHERE hash = ?", [hash])
        return bool(rows)

    def _key(self, id_or_hash: str) -> str | None:
        _, rows = self._db.rows("SELECT hash FROM articles WHERE hash = ?", [id_or_hash])
        if rows:
            return str(rows[0][0])
        _, rows = self._db.rows(
            "SELECT hash FROM articles WHERE id = ? ORDER BY added_at, hash", [id_or_hash]
        )
        if len(rows) > 1:
            hashes = ", ".join(r[0] for r in rows)
            raise StoreError(
                f"id {id_or_hash!r} names {len(rows)} articles ({hashes}); ask for one by its hash"
            )
        return str(rows[0][0]) if rows else None

    def extraction(self, id_or_hash: str) -> Extraction | None:
        """The stored `Extraction` of one article (by hash, else by input id), or None.

        Raises:
            StoreError: an id (not a hash) names several articles.
        """
        key = self._key(id_or_hash)
        if key is None:
            return None
        columns, rows = self._db.rows("SELECT * FROM articles WHERE hash = ?", [key])
        head = dict(zip(columns, rows[0], strict=True))
        tables: dict[str, list[Mapping[str, Any]]] = {}
        for table in _rows.TABLES:
            cols, found = self._db.rows(f"SELECT * FROM {table} WHERE article = ?", [key])
            tables[table] = [dict(zip(cols, row, strict=True)) for row in found]
        return _rows.from_rows(head, tables)

    def article(self, id_or_hash: str) -> dict[str, Any] | None:
        """One stored article as the output-contract dict (`output.to_dict`), or None.

        Raises:
            StoreError: an id (not a hash) names several articles.
        """
        extraction = self.extraction(id_or_hash)
        return None if extraction is None else to_dict(extraction)

    # --- queries -------------------------------------------------------------------------

    def events(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str = "oldest",
        **filters: Unpack[EventFilter],
    ) -> pd.DataFrame:
        """Events, one row each, in the columns of `EVENT_SCHEMA` (the Parquet schema).

        Every filter is optional; given filters are AND-ed.

        Args:
            actor: a country code (`IRN`) or a code prefix (`IRNGOV`), as source or target.
            source_actor, target_actor: the same, on one side only.
            cameo: a CAMEO code prefix (`12` matches 120, 121, 1211…).
            root: a two-digit CAMEO root (`"12"`; `12` works too).
            plover: a PLOVER event type (`REJECT`), any case.
            quad: a quad class 1–4, or several.
            since, until: inclusive bounds on the event's date, or on the
                publication date when the event has none (date or `YYYY-MM-DD`).
            outlet: the article's outlet, any case.
            via: some link of the attribution chain has this in its name (any case)
                or as its code (`Tasnim`, `IRNMED`).
            text: case-insensitive substring of the trigger or the sentence (the
                equivalent of `ILIKE '%text%'`: a scan, not a full-text index).
            article: one article's hash or id.
            negated, hypothetical: keep only events with (True) or without (False) the flag.
            factual: True keeps only events neither negated nor hypothetical.
            min_confidence: keep events whose confidence is at least this (0–1).
            named: True keeps only events whose source and target are both named in
                the text (neither implied by a fallback in `IMPLIED_PARTICIPANTS`).
            limit, offset: paging, in the order of date, then article, then position.
            order: `oldest` (the default) or `newest` first, by the event's date, else
                the publication date; undated events come last.

        Returns:
            A DataFrame (dates as datetime64, nullable integer/boolean columns,
            sectors and attribution as lists).

        Raises:
            StoreError: a date or a confidence cannot be read, an unknown order, or the
                query failed.
        """
        where = event_where(**filters)
        sql, params = self._events_sql(where, limit, offset, links=False, order=order)
        frame = self._with_links(
            self._db.frame(sql, params), "event", "event", _queries.EVENT_LINKS
        )
        return frame[[name for name, _, _ in EVENT_SCHEMA]]

    def _events_sql(
        self,
        where: Where,
        limit: int | None,
        offset: int | None,
        links: bool = True,
        order: str = "oldest",
    ) -> tuple[str, list[Any]]:
        if order not in _queries.EVENT_ORDERS:
            raise StoreError(
                f"order: expected one of {', '.join(_queries.EVENT_ORDERS)}, got {order!r}"
            )
        select = ", ".join(
            f"{expr} AS {name}"
            for name, _, expr in EVENT_SCHEMA
            if links or name not in _queries.EVENT_LINKS
        )
        paging, extra = page(limit, offset)
        sql = (
            f"SELECT {select} FROM {_queries.EVENTS_FROM}{where.sql()} "
            f"ORDER BY {_queries.EVENT_ORDERS[order]}{paging}"
        )
        return sql, where.params + extra

    def write_events_parquet(
        self,
        path: str | Path,
        *,
        limit: int | None = None,
        offset: int = 0,
        **filters: Unpack[EventFilter],
    ) -> int:
        """Write the events matching `filters` (those of `events()`) to a Parquet file.

        The file has the fixed schema `EVENT_SCHEMA` (explicit column types),
        written by DuckDB's `COPY … (FORMAT parquet)`; a PostgreSQL store's
        rows are copied through an in-memory DuckDB.

        Returns:
            The number of events written.

        Raises:
            StoreError: the file cannot be written.
        """
        target = str(path)
        casts = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind, _ in EVENT_SCHEMA)
        if isinstance(self._db, DuckDBBackend):
            where = event_where(**filters)
            inner, params = self._events_sql(where, limit, offset)
            self._db.copy_parquet(f"SELECT {casts} FROM ({inner}) t", params, target)
            _, rows = self._db.rows(f"SELECT count(*) FROM ({inner}) t", params)
            return int(rows[0][0])
        frame = _plain_lists(self.events(**filters, limit=limit, offset=offset))
        import duckdb

        with duckdb.connect() as con:
            con.register("frame", frame)
            quoted = target.replace("'", "''")
            try:
                con.execute(f"COPY (SELECT {casts} FROM frame) TO '{quoted}' (FORMAT parquet)")
            except duckdb.Error as exc:
                raise StoreError(f"cannot write {target}: {exc}") from exc
        return len(frame)

    def quotes(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order: str = "oldest",
        **filters: Unpack[QuoteFilter],
    ) -> pd.DataFrame:
        """Quotes, one row each.

        Args:
            speaker: whole words of the speaker's name, any case ("Esper" finds Mark
                Esper and never a "spokesperson"; "Mark Esper" finds him too), or their
                code as `actor` reads it (a country code or a code prefix).
            via: some link of the quote's chain (beyond the speaker) has this in
                its name or as its code.
            text: case-insensitive substring of the quoted words.
            kind: `direct`, `partial` or `indirect`.
            since, until: inclusive bounds on the publication date.
            outlet, article, limit, offset: as for `events()`.
            order: `oldest` (the default) or `newest` first, by publication date.

        Raises:
            StoreError: a date cannot be read, an unknown kind or order, or the query failed.
        """
        if order not in ("oldest", "newest"):
            raise StoreError(f"order: expected oldest or newest, got {order!r}")
        where = quote_where(**filters)
        select = ", ".join(
            f"{expr} AS {name}"
            for name, expr in _queries.QUOTE_COLUMNS
            if name not in _queries.QUOTE_LINKS
        )
        paging, extra = page(limit, offset)
        sql = (
            f"SELECT {select} FROM quotes q JOIN articles a ON a.hash = q.article"
            f"{where.sql()} ORDER BY a.published{' DESC' if order == 'newest' else ''} "
            f"NULLS LAST, q.article, q.position{paging}"
        )
        frame = self._with_links(
            self._db.frame(sql, where.params + extra), "quote", "quote", _queries.QUOTE_LINKS
        )
        return frame[[name for name, _ in _queries.QUOTE_COLUMNS]]

    def _with_links(
        self, frame: pd.DataFrame, kind: str, id_column: str, columns: dict[str, str]
    ) -> pd.DataFrame:
        """Add the attribution chains of the rows of `frame` as list columns."""
        chains: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
        keys = list(dict.fromkeys(frame["article"]))
        if keys:
            _, rows = self._db.rows(
                "SELECT article, owner, position, name, code, role FROM attributions "
                "WHERE owner_kind = ? AND article IN (SELECT unnest(CAST(? AS VARCHAR[])))",
                [kind, keys],
            )
            for row in sorted(rows, key=lambda r: (r[0], r[1], r[2])):
                chains.setdefault((row[0], row[1]), []).append(row)
        fields = {"name": 3, "code": 4, "role": 5}
        pairs = list(zip(frame["article"], frame[id_column], strict=True))
        for column, field in columns.items():
            at = fields[field]
            frame[column] = pd.Series(
                [[link[at] for link in chains.get(pair, ())] for pair in pairs],
                dtype=object,
                index=frame.index,
            )
        return frame

    def articles(
        self,
        *,
        words: str | None = None,
        outlet: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        order: str = "newest",
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Stored articles, one row each, with how many events, quotes and actors each has.

        Columns: article (the hash), article_id, title, outlet, published, url,
        events, quotes, actors, added_at.

        Args:
            words: every word (split on spaces) is in the title, the outlet or the
                clean text, any case (a scan, not a full-text index).
            outlet: the article's outlet, any case.
            since, until: inclusive bounds on the publication date.
            order: `newest` (the default) or `oldest` first by publication date;
                undated articles last, then the most recently added first.
            limit, offset: paging.

        Raises:
            StoreError: a date cannot be read, an unknown order, or the query failed.
        """
        if order not in ("oldest", "newest"):
            raise StoreError(f"order: expected oldest or newest, got {order!r}")
        where = _queries.article_where(words=words, outlet=outlet, since=since, until=until)
        paging, extra = page(limit, offset)
        # Counted per article by correlated subqueries: only the page's rows pay for them.
        sql = (
            "SELECT a.hash AS article, a.id AS article_id, a.title, a.outlet, a.published, "
            "a.url, "
            "(SELECT count(*) FROM events e WHERE e.article = a.hash) AS events, "
            "(SELECT count(*) FROM quotes q WHERE q.article = a.hash) AS quotes, "
            "(SELECT count(*) FROM actors ac WHERE ac.article = a.hash) AS actors, "
            f"a.added_at FROM articles a{where.sql()} "
            f"ORDER BY a.published{' DESC' if order == 'newest' else ''} NULLS LAST, "
            f"a.added_at DESC, a.hash{paging}"
        )
        return self._db.frame(sql, where.params + extra)

    def actors(
        self,
        *,
        actor: str | None = None,
        name: str | None = None,
        search: str | None = None,
        kind: str | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
        outlet: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Actors over all articles: one row per (code, country, kind, name), most seen first.

        Columns: code, country, kind, name, articles, mentions, first_published,
        last_published.

        Args:
            actor: a country code or a code prefix.
            name: in the actor's name (any case).
            search: in the actor's name (any case), or the actor's code as `actor`
                reads one (the search box of the dashboard's actors page).
            kind: state, person, organization, igo, armed_group, media, group.
            since, until, outlet: on the articles they appear in.
            limit, offset: paging.

        Raises:
            StoreError: a date cannot be read, or the query failed.
        """
        where = Where()
        if actor:
            value = actor.strip().upper()
            where.add(
                "(ac.country = ? OR ac.code LIKE ? ESCAPE '\\')",
                value,
                _queries._like_prefix(value),
            )
        where.contains(("ac.name",), name)
        if search and search.strip():
            value = search.strip()
            where.add(
                "(ac.country = ? OR ac.code LIKE ? ESCAPE '\\' "
                "OR strpos(lower(ac.name), lower(?)) > 0)",
                value.upper(),
                _queries._like_prefix(value.upper()),
                value,
            )
        if kind:
            where.add("ac.kind = ?", kind)
        where.dates("a.published", since, until)
        where.outlet(outlet)
        paging, extra = page(limit, offset)
        # Per article first, then over articles: cheaper than count(DISTINCT article).
        sql = (
            "SELECT code, country, kind, name, count(*) AS articles, "
            "CAST(sum(n) AS BIGINT) AS mentions, min(published) AS first_published, "
            "max(published) AS last_published FROM ("
            "SELECT ac.article, ac.code, ac.country, ac.kind, ac.name, "
            "sum(ac.mention_count) AS n, min(a.published) AS published "
            "FROM actors ac JOIN articles a ON a.hash = ac.article"
            f"{where.sql()} GROUP BY ac.article, ac.code, ac.country, ac.kind, ac.name) t "
            "GROUP BY code, country, kind, name "
            f"ORDER BY articles DESC, mentions DESC, code, name{paging}"
        )
        return self._db.frame(sql, where.params + extra)

    def dyads(
        self,
        period: str | None = "week",
        *,
        split_igos: bool = False,
        **filters: Unpack[EventFilter],
    ) -> pd.DataFrame:
        """Event counts and mean Goldstein score per source → target country pair and period.

        Args:
            period: `day`, `week` (ISO, from Monday), `month`, `year`, or None for
                all time. The date is the event's, else the article's publication date.
            split_igos: an international organisation is a side of its own, by its
                actor code (`IGOEUR`, `IGOUNO`), not the one country `IGO` they share.
            **filters: those of `events()` (without `limit`/`offset`).

        Returns:
            Columns: period (when given), source, target, events, goldstein.
            Only events with both countries known count.

        Raises:
            StoreError: an unknown period, a bad date, or the query failed.
        """
        where = event_where(**filters)
        where.clauses[:0] = ["e.source_country IS NOT NULL", "e.target_country IS NOT NULL"]
        keys = "e.source_country AS source, e.target_country AS target"
        if split_igos:
            # `IGO` is the country slot every intergovernmental body shares (actors.py).
            keys = ", ".join(
                f"CASE WHEN e.{side}_country = 'IGO' AND e.{side}_code IS NOT NULL "
                f"THEN e.{side}_code ELSE e.{side}_country END AS {side}"
                for side in ("source", "target")
            )
        groups, order = "1, 2", "events DESC, source, target"
        if period is not None:
            if period not in PERIODS:
                raise StoreError(f"unknown period {period!r}; one of {', '.join(PERIODS)} or None")
            day = _queries.EVENT_DAY
            keys = f"CAST(date_trunc('{period}', {day}) AS DATE) AS period, " + keys
            where.clauses.append(f"{day} IS NOT NULL")
            groups, order = "1, 2, 3", "period, " + order
        sql = (
            f"SELECT {keys}, count(*) AS events, avg(e.goldstein) AS goldstein "
            f"FROM {_queries.EVENTS_FROM}{where.sql()} GROUP BY {groups} ORDER BY {order}"
        )
        return self._db.frame(sql, where.params)

    def stats(self) -> dict[str, Any]:
        """Counts: articles, copies, events, quotes, actors, links, and events by root,
        quad class and PLOVER type, with the date range."""

        def one(sql: str) -> Any:
            return self._db.rows(sql)[1][0][0]

        def by(column: str) -> dict[str, int]:
            _, rows = self._db.rows(
                f"SELECT {column}, count(*) FROM events GROUP BY {column} ORDER BY {column}"
            )
            return {str(k): int(n) for k, n in rows}

        _, span = self._db.rows("SELECT min(published), max(published) FROM articles")
        return {
            "articles": int(one("SELECT count(*) FROM articles")),
            "copies": int(one("SELECT COALESCE(sum(mentions), 0) FROM articles")),
            "events": int(one("SELECT count(*) FROM events")),
            "quotes": int(one("SELECT count(*) FROM quotes")),
            "actors": int(one("SELECT count(*) FROM actors")),
            "actor_codes": int(one("SELECT count(DISTINCT code) FROM actors")),
            "attributions": int(one("SELECT count(*) FROM attributions")),
            "outlets": int(one("SELECT count(DISTINCT lower(outlet)) FROM articles")),
            "first_published": _iso(span[0][0]),
            "last_published": _iso(span[0][1]),
            "by_root": by("root"),
            "by_quad": by("quad_class"),
            "by_plover": by("COALESCE(plover, '-')"),
        }

    def check(self) -> list[str]:
        """Integrity check: orphans, duplicates, dangling references, bad spans, counters.

        Returns:
            One line per problem; empty when the database is consistent.
        """
        problems: list[str] = []

        def count(label: str, sql: str) -> None:
            _, rows = self._db.rows(sql)
            n = int(rows[0][0])
            if n:
                problems.append(f"{label}: {n}")

        for table in ("article_mentions", *_rows.TABLES):
            count(
                f"{table} rows whose article is missing",
                f"SELECT count(*) FROM {table} t WHERE NOT EXISTS "
                "(SELECT 1 FROM articles a WHERE a.hash = t.article)",
            )
        keys = {
            "articles": "hash",
            "article_mentions": "article, key",
            "sentences": "article, position",
            "actors": "article, id",
            "mentions": "article, actor, position",
            "events": "article, id",
            "quotes": "article, id",
            "attributions": "article, owner_kind, owner, position",
        }
        for table, key in keys.items():
            count(
                f"{table} duplicate keys ({key})",
                f"SELECT count(*) FROM (SELECT {key} FROM {table} GROUP BY {key} "
                "HAVING count(*) > 1) d",
            )
        refs = [
            ("mentions of a missing actor", "mentions t", "t.actor", "actors", "id"),
            ("events whose source actor is missing", "events t", "t.source_actor", "actors", "id"),
            ("events whose target actor is missing", "events t", "t.target_actor", "actors", "id"),
            ("events in a missing quote", "events t", "t.quote", "quotes", "id"),
            (
                "quotes whose speaker actor is missing",
                "quotes t",
                "t.speaker_actor",
                "actors",
                "id",
            ),
        ]
        for label, table, column, other, key in refs:
            count(
                label,
                f"SELECT count(*) FROM {table} WHERE {column} IS NOT NULL AND NOT "
                f"EXISTS (SELECT 1 FROM {other} o WHERE o.article = t.article "
                f"AND o.{key} = {column})",
            )
        for kind, table in (("event", "events"), ("quote", "quotes")):
            count(
                f"attribution links of a missing {kind}",
                f"SELECT count(*) FROM attributions t WHERE t.owner_kind = '{kind}' AND NOT "
                f"EXISTS (SELECT 1 FROM {table} o WHERE o.article = t.article "
                "AND o.id = t.owner)",
            )
        count(
            "attribution links of an unknown kind",
            "SELECT count(*) FROM attributions WHERE owner_kind NOT IN ('event', 'quote')",
        )
        spans = [
            ("events", "trigger_start", "trigger_end"),
            ("quotes", "start_char", "end_char"),
            ("mentions", "start_char", "end_char"),
            ("sentences", "start_char", "end_char"),
        ]
        for table, start, end in spans:
            count(
                f"{table} spans outside their article's text",
                f"SELECT count(*) FROM {table} t JOIN articles a ON a.hash = t.article "
                f"WHERE t.{start} < 0 OR t.{start} > t.{end} OR t.{end} > length(a.text)",
            )
        count(
            "actors whose mention_count disagrees with mentions",
            "SELECT count(*) FROM actors ac WHERE ac.mention_count <> "
            "(SELECT count(*) FROM mentions m WHERE m.article = ac.article "
            "AND m.actor = ac.id)",
        )
        count(
            "articles whose mention count disagrees with article_mentions",
            "SELECT count(*) FROM articles a WHERE a.mentions <> 1 + "
            "(SELECT count(*) FROM article_mentions m WHERE m.article = a.hash)",
        )
        known = [m.name for m in _migrations.migrations(self.dialect)]
        done = _migrations.applied(self._db)
        if done != known:
            problems.append(f"schema migrations: applied {done}, expected {known}")
        return problems


_INSERT_SUFFIX = " ON CONFLICT (hash) DO NOTHING RETURNING hash"


def _add_batch(tx: Writer, batch: list[Extraction], now: dt.datetime) -> list[bool]:
    """The body of `Store.add_many`, inside its transaction."""
    wanted = {x.article.hash for x in batch}
    wanted |= {h for h in map(_rows.duplicate_of, batch) if h}
    known = _existing(tx, sorted(wanted))
    result = [False] * len(batch)
    fresh: dict[str, int] = {}
    copies: list[tuple[int, str]] = []
    for i, extraction in enumerate(batch):
        key = extraction.article.hash
        original = _rows.duplicate_of(extraction)
        if original and (original in known or original in fresh):
            copies.append((i, original))
        elif key not in known and key not in fresh:
            fresh[key] = i
    heads: list[tuple[Any, ...]] = []
    tables: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _rows.TABLES}
    for i in fresh.values():
        head, children = _rows.to_rows(batch[i], now)
        heads.append(head)
        for name, found in children.items():
            tables[name].extend(found)
    inserted = {r[0] for r in tx.insert("articles", _rows.ARTICLE_COLUMNS, heads, _INSERT_SUFFIX)}
    if len(inserted) < len(heads):  # another writer (PostgreSQL) stored some meanwhile
        for name in tables:
            tables[name] = [row for row in tables[name] if row[0] in inserted]
    for name, rows in tables.items():
        tx.insert(name, _rows.TABLES[name], rows)
    for key, i in fresh.items():
        result[i] = key in inserted
    for i, original in copies:
        article = batch[i].article
        _mention(tx, original, article.url, article.outlet, article.published, now)
    return result


def _existing(tx: Writer, hashes: list[str]) -> set[str]:
    """Which of `hashes` are stored."""
    found: set[str] = set()
    for begin in range(0, len(hashes), 1000):
        part = hashes[begin : begin + 1000]
        found.update(
            r[0]
            for r in tx.execute(
                f"SELECT hash FROM articles WHERE hash IN ({', '.join('?' * len(part))})", part
            )
        )
    return found


def _mention(
    tx: Writer,
    hash: str,
    url: str | None,
    outlet: str | None,
    day: dt.date | None,
    now: dt.datetime,
) -> bool:
    """The body of `Store.add_mention`, inside a transaction."""
    key = _rows.mention_key(url, outlet, day)
    found = tx.execute("SELECT url, outlet, published FROM articles WHERE hash = ?", [hash])
    if not found:
        raise StoreError(f"no article with hash {hash!r}")
    own_url, own_outlet, own_day = found[0]
    if key == _rows.mention_key(own_url, own_outlet, _date_of(own_day)):
        return False
    if not tx.execute(
        "INSERT INTO article_mentions (article, key, url, outlet, published, "
        "added_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article, key) "
        "DO NOTHING RETURNING key",
        [hash, key, url, outlet, day, now],
    ):
        return False
    tx.execute(
        "UPDATE articles SET mentions = mentions + 1, sources = ("
        "SELECT count(DISTINCT lower(o)) FROM ("
        "SELECT outlet AS o FROM articles WHERE hash = ? UNION ALL "
        "SELECT outlet AS o FROM article_mentions WHERE article = ?) s) "
        "WHERE hash = ?",
        [hash, hash, hash],
    )
    return True


def _date_of(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What `Store.ingest` did: read = stored + duplicates + rejected."""

    read: int
    stored: int
    duplicates: int
    rejected: int

    def __str__(self) -> str:
        return (
            f"read {self.read} = stored {self.stored} + duplicates {self.duplicates} "
            f"+ rejected {self.rejected}"
        )


class _Writing:
    """The writer lock, and driver errors turned into StoreError."""

    def __init__(self, store: Store, what: str) -> None:
        self.store = store
        self.what = what

    def __enter__(self) -> Backend:
        self.store._write_lock.acquire()
        return self.store._db

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: object
    ) -> None:
        self.store._write_lock.release()
        if isinstance(exc, Exception) and not isinstance(exc, StoreError):
            raise StoreError(f"{self.what}: {exc}") from exc


def _utcnow() -> dt.datetime:
    """Now in UTC, naive (TIMESTAMP columns hold UTC)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


def _plain_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns as Python lists (DuckDB scans those as LIST columns)."""
    out = frame.copy()
    for name, kind, _ in EVENT_SCHEMA:
        if kind.endswith("[]"):
            out[name] = [None if v is None else list(v) for v in out[name]]
    return out
