"""The two database backends behind `Store`: DuckDB (embedded, default) and PostgreSQL.

Both speak the same SQL, written with `?` placeholders; the PostgreSQL backend
rewrites them to psycopg's `%s`. Each backend has one *writer* connection, used
only inside `transaction()`, and *reader* connections for queries, so that a
query never runs inside (or sees) a half-written article.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

from dragoman.errors import StoreError

Params = Sequence[Any]
log = logging.getLogger(__name__)


class Backend:
    """What `Store` needs from a database."""

    dialect: str = ""
    url: str = ""
    read_only: bool = False

    def transaction(self) -> contextlib.AbstractContextManager[Writer]:
        """A write transaction: committed on success, rolled back on any exception."""
        raise NotImplementedError

    def rows(self, sql: str, params: Params = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and rows of a read query (committed data only)."""
        raise NotImplementedError

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        """A read query as a DataFrame."""
        raise NotImplementedError

    def close(self) -> None:
        """Close every connection."""
        raise NotImplementedError


class Writer:
    """The writer connection inside one transaction."""

    def __init__(self, backend: Backend, conn: Any) -> None:
        self.backend = backend
        self.conn = conn

    def execute(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Run one statement; its rows (empty when it returns none)."""
        raise NotImplementedError

    def insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], suffix: str = ""
    ) -> list[tuple[Any, ...]]:
        """Insert `rows` with multi-row VALUES statements (few round trips).

        `suffix` ends each statement (`ON CONFLICT … RETURNING …`); the rows it
        returns are returned.
        """
        out: list[tuple[Any, ...]] = []
        if not rows:
            return out
        width = len(columns)
        one = "(" + ", ".join("?" * width) + ")"
        # PostgreSQL allows 65,535 parameters per statement; stay well below.
        chunk = max(1, 20_000 // width)
        head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
        for begin in range(0, len(rows), chunk):
            part = rows[begin : begin + chunk]
            params = [value for row in part for value in row]
            out.extend(self.execute(head + ", ".join([one] * len(part)) + suffix, params))
        return out


# --- DuckDB -------------------------------------------------------------------------


def duck_literal(value: Any) -> str:
    """`value` as a DuckDB SQL literal (the types the store writes, nothing else)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # through a string: DuckDB parses it to the same double, NaN and inf included
        return f"CAST('{value!r}' AS DOUBLE)"
    if isinstance(value, str):
        # standard SQL strings: a quote is doubled, and nothing else is special
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, dt.datetime):
        return f"CAST('{value.isoformat(sep=' ')}' AS TIMESTAMP)"
    if isinstance(value, dt.date):
        return f"CAST('{value.isoformat()}' AS DATE)"
    if isinstance(value, list | tuple):
        return "CAST([" + ", ".join(duck_literal(v) for v in value) + "] AS VARCHAR[])"
    raise TypeError(f"no DuckDB literal for {type(value).__name__}")


class _DuckWriter(Writer):
    def execute(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        cursor = self.conn.execute(sql, list(params))
        return cursor.fetchall() if cursor.description else []

    def insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], suffix: str = ""
    ) -> list[tuple[Any, ...]]:
        # Not parameters: DuckDB's Python binding prepares each parameterized
        # statement anew and converts the values one by one, and binding a VALUES
        # list costs per value. A few rows go in as ONE JSON literal cast to the
        # table's row type (one value to bind); a batch goes through a DataFrame
        # that DuckDB scans. Both are 5-20× faster than parameters here.
        if not rows:
            return []
        names = ", ".join(columns)
        if len(rows) < _STAGE_MIN:
            assert isinstance(self.backend, DuckDBBackend)
            try:
                payload = json.dumps(
                    [
                        {c: _json_value(v) for c, v in zip(columns, row, strict=True)}
                        for row in rows
                    ],
                    ensure_ascii=False,
                    allow_nan=False,
                )
            except ValueError:  # NaN or infinity: not JSON, take the slow path
                values = ", ".join(
                    "(" + ", ".join(duck_literal(v) for v in row) + ")" for row in rows
                )
                cursor = self.conn.execute(f"INSERT INTO {table} ({names}) VALUES {values}{suffix}")
            else:
                row_type = self.backend.row_type(table, columns)
                cursor = self.conn.execute(
                    f"INSERT INTO {table} ({names}) SELECT r.* FROM (SELECT unnest(CAST("
                    f"CAST({duck_literal(payload)} AS JSON) AS {row_type})) AS r){suffix}"
                )
        else:
            frame = pd.DataFrame(
                {
                    c: pd.Series([row[i] for row in rows], dtype=object)
                    for i, c in enumerate(columns)
                }
            )
            # Look at every row to type the object columns: a column that is
            # NULL in the first rows would otherwise be typed NULL and fail later.
            self.conn.execute(f"SET pandas_analyze_sample = {max(len(rows), 1000)}")
            self.conn.register("dragoman_staging", frame)
            try:
                cursor = self.conn.execute(
                    f"INSERT INTO {table} ({names}) SELECT {names} FROM dragoman_staging{suffix}"
                )
            finally:
                self.conn.unregister("dragoman_staging")
        return cursor.fetchall() if cursor.description else []


_STAGE_MIN = 100


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class _SharedLock:
    """Many readers or one writer, writers first (threads of one process)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class DuckDBBackend(Backend):
    """An embedded DuckDB file (or `:memory:`).

    DuckDB lets one process open a file read-write, and locks it against every
    other process (read-only openers included) while it does; several processes
    may open it read-only together when none writes. Inside the process, queries
    run on per-thread cursors: they read the last committed state and never wait
    for the writer.

    `shared=True` (what `dragoman serve` uses) holds the file read-only between
    writes, so that other processes can read it meanwhile: each transaction waits
    for the running queries, reopens the file read-write, commits, and goes back to
    read-only (new queries wait for it). `wait` is how many seconds an open waits
    for another process's lock before failing (DuckDB itself fails at once).
    """

    dialect = "duckdb"

    def __init__(
        self, path: str, read_only: bool = False, *, shared: bool = False, wait: float = 0.0
    ) -> None:
        import duckdb

        self.url = path
        self.read_only = read_only
        self.shared = shared and not read_only and path != ":memory:"
        self.wait = max(0.0, wait)
        self._duckdb = duckdb
        # Shared: opened read-write first (for the migrations), read-only after `settle`.
        self._conn: Any = self._connect(read_only)
        self._generation = 0
        self._settled = False
        self._lock = _SharedLock() if self.shared else None
        self._local = threading.local()
        self._row_types: dict[tuple[str, tuple[str, ...]], str] = {}
        self._cursors: list[Any] = []
        self._cursors_lock = threading.Lock()

    def _connect(self, read_only: bool) -> Any:
        """A connection to the file, waiting up to `self.wait` s for another process's lock."""
        duckdb = self._duckdb
        deadline = time.monotonic() + self.wait
        delay = 0.02
        while True:
            try:
                return duckdb.connect(self.url, read_only=read_only)
            except duckdb.Error as exc:
                locked = "lock" in str(exc).lower()
                left = deadline - time.monotonic()
                if locked and left > 0:
                    time.sleep(min(delay, left))
                    delay = min(delay * 2, 0.25)
                    continue
                hint = ""
                if locked:
                    waited = f" (waited {self.wait:g} s)" if self.wait else ""
                    hint = (
                        f"; another process has it open{waited}: DuckDB allows one writing"
                        " process per file, or several that only read (`dragoman serve`"
                        " reads between its writes): stop the writer, or try again"
                    )
                raise StoreError(f"cannot open DuckDB database {self.url}: {exc}{hint}") from exc

    def settle(self) -> None:
        """Shared mode: go read-only now that the store is ready (after the migrations)."""
        if self.shared:
            self._swap(read_only=True)
            self._settled = True

    def _swap(self, read_only: bool) -> None:
        """Close every connection and open the file again in the other mode."""
        self._close_connections()
        self._generation += 1
        self._conn = None
        self._conn = self._connect(read_only)

    def _close_connections(self) -> None:
        with self._cursors_lock:
            for cursor in self._cursors:
                with contextlib.suppress(Exception):
                    cursor.close()
            self._cursors.clear()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()

    def row_type(self, table: str, columns: Sequence[str]) -> str:
        """`STRUCT(column TYPE, …)[]` for `columns` of `table` (cached)."""
        key = (table, tuple(columns))
        found = self._row_types.get(key)
        if found is None:
            types = dict(
                self._conn.execute(
                    "SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_name = ?",
                    [table],
                ).fetchall()
            )
            fields = ", ".join(f'"{c}" {types[c]}' for c in columns)
            found = f"STRUCT({fields})[]"
            self._row_types[key] = found
        return found

    def _reader(self) -> Any:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None or getattr(self._local, "generation", None) != self._generation:
            if self._conn is None:  # a shared store whose last reopen failed: try again
                self._conn = self._connect(read_only=True)
            # A cursor is a second connection to the same database, with its own
            # transactions: it sees committed data only, and does not block the writer.
            cursor = self._conn.cursor()
            self._local.cursor = cursor
            self._local.generation = self._generation
            with self._cursors_lock:
                self._cursors.append(cursor)
        return cursor

    def _reading(self) -> contextlib.AbstractContextManager[None]:
        return self._lock.reading() if self._lock is not None else contextlib.nullcontext()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Writer]:
        if self._lock is None:
            yield from self._transaction()
            return
        with self._lock.writing():
            reopen = self._settled
            try:
                if reopen:
                    self._swap(read_only=False)
                yield from self._transaction()
            finally:
                if reopen:
                    try:
                        self._swap(read_only=True)
                    except StoreError:  # the next query tries again (`_reader`)
                        log.warning("cannot reopen %s read-only", self.url, exc_info=True)

    def _transaction(self) -> Iterator[Writer]:
        conn = self._conn
        try:
            conn.begin()
            yield _DuckWriter(self, conn)
            conn.commit()
        except BaseException:
            with contextlib.suppress(self._duckdb.Error):
                conn.rollback()
            raise

    def rows(self, sql: str, params: Params = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        with self._reading():
            try:
                cursor = self._reader().execute(sql, list(params))
                return [d[0] for d in cursor.description], cursor.fetchall()
            except self._duckdb.Error as exc:
                raise StoreError(f"query failed: {exc}") from exc

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        with self._reading():
            try:
                return self._reader().execute(sql, list(params)).df()
            except self._duckdb.Error as exc:
                raise StoreError(f"query failed: {exc}") from exc

    def copy_parquet(self, select: str, params: Params, path: str) -> None:
        """`COPY (select) TO path (FORMAT parquet)` on a reader cursor."""
        quoted = path.replace("'", "''")
        with self._reading():
            try:
                self._reader().execute(
                    f"COPY ({select}) TO '{quoted}' (FORMAT parquet)", list(params)
                )
            except self._duckdb.Error as exc:
                raise StoreError(f"cannot write {path}: {exc}") from exc

    def close(self) -> None:
        self._close_connections()
        self._conn = None


# --- PostgreSQL ---------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _pg_sql(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _pg_value(value: Any) -> Any:
    """`value` as PostgreSQL can store it: its text types cannot hold NUL (U+0000),
    which DuckDB stores. Metadata reaches the store with its control characters
    stripped (`ingest.admit`); this keeps a NUL from anywhere else (an extraction
    built by hand, a mention's URL) from aborting the write, and every write after."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return type(value)(_pg_value(v) for v in value)
    return value


class _PgWriter(Writer):
    def execute(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        cursor = self.conn.execute(_pg_sql(sql), [_pg_value(p) for p in params])
        return cursor.fetchall() if cursor.description else []

    def insert(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], suffix: str = ""
    ) -> list[tuple[Any, ...]]:
        # A batch goes through COPY, PostgreSQL's bulk path (no ON CONFLICT there).
        if suffix or len(rows) < _STAGE_MIN:
            return super().insert(table, columns, rows, suffix)
        with (
            self.conn.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([_pg_value(v) for v in row])
        return []


# PostgreSQL type oids → the pandas dtypes DuckDB's `.df()` gives for the same columns
# (NumPy dtypes, or pandas' nullable ones when the column holds a NULL), so that
# both backends return alike DataFrames.
_PG_DTYPES = {
    16: ("bool", "boolean"),
    20: ("int64", "Int64"),
    21: ("int16", "Int16"),
    23: ("int32", "Int32"),
    700: ("float64", "float64"),
    701: ("float64", "float64"),
    1700: ("float64", "float64"),
    25: ("str", "str"),
    1043: ("str", "str"),
    1082: ("datetime64[us]", "datetime64[us]"),
    1114: ("datetime64[us]", "datetime64[us]"),
}


class PostgresBackend(Backend):
    """A PostgreSQL database (psycopg 3, the `dragoman[postgres]` extra).

    Readers and writers are separate connections; PostgreSQL's MVCC means readers
    never block the writer, and several processes may write at once (an article
    is inserted with `ON CONFLICT DO NOTHING` on its hash).
    """

    dialect = "postgres"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError("PostgreSQL needs psycopg: pip install 'dragoman[postgres]'") from exc
        self.url = url
        self._psycopg = psycopg
        try:
            # autocommit: statements outside `transaction()` (migration checks,
            # reads) never leave a transaction open.
            self._writer = psycopg.connect(url, autocommit=True)
            self._reader = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {_redact(url)}: {exc}") from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Writer]:
        with self._writer.transaction():
            yield _PgWriter(self, self._writer)

    def rows(self, sql: str, params: Params = ()) -> tuple[list[str], list[tuple[Any, ...]]]:
        try:
            cursor = self._reader.execute(_pg_sql(sql), list(params))
            return [d.name for d in cursor.description or ()], cursor.fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc

    def frame(self, sql: str, params: Params = ()) -> pd.DataFrame:
        try:
            cursor = self._reader.execute(_pg_sql(sql), list(params))
            description = cursor.description or []
            rows = cursor.fetchall()
        except self._psycopg.Error as exc:
            raise StoreError(f"query failed: {exc}") from exc
        columns = {}
        for i, column in enumerate(description):
            values = [row[i] for row in rows]
            dtypes = _PG_DTYPES.get(column.type_code)
            if column.type_code == 1700:
                values = [None if v is None else float(v) for v in values]
            dtype = None
            if dtypes is not None:
                dtype = dtypes[1] if any(v is None for v in values) else dtypes[0]
            if dtype is None:
                columns[column.name] = pd.Series(values, dtype=object)
            elif dtype.startswith("datetime"):
                columns[column.name] = pd.Series(pd.to_datetime(values), dtype=dtype)
            else:
                columns[column.name] = pd.Series(values, dtype=dtype)
        return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))

    def close(self) -> None:
        self._reader.close()
        self._writer.close()


def _redact(url: str) -> str:
    """The URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def is_postgres(url: str) -> bool:
    """True for a `postgresql://…` (or `postgres://…`) URL."""
    return url.startswith(("postgresql://", "postgres://"))


def connect(
    url: str, read_only: bool = False, *, shared: bool = False, wait: float = 0.0
) -> Backend:
    """The backend for `url`: `postgresql://…` (or `postgres://…`), else a DuckDB path.

    `shared` and `wait` are for DuckDB (see `DuckDBBackend`); PostgreSQL shares anyway.
    """
    if is_postgres(url):
        if read_only:
            raise StoreError("read_only is for DuckDB files; use a read-only role on PostgreSQL")
        return PostgresBackend(url)
    return DuckDBBackend(url, read_only=read_only, shared=shared, wait=wait)
