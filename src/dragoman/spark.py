"""The Spark job: the local pipeline and store, one input file per Spark task.

Like cc-pyspark, the driver lists the input files and makes one task of each
(`spark.range(n, numPartitions=n)`: task `i` reads file `i`). A task streams
its file through `ingest.read` (Parquet files through `parquet_records`), the
pipeline (`api.pipeline`, cached per Python worker process, so the model loads
once per executor Python process), and a throw-away DuckDB `Store` on local
disk. Events and quotes are then read back from that store with
`Store.events()` and `Store.quotes()`: the very queries behind the local
exporter, so a row in `DIR/events/` is exactly what `dragoman export parquet`
writes for the same article (`EVENT_PARQUET_SCHEMA`; only `added_at`, the
time of storing, differs). Actor rows are the store's own flattening
(`store._rows.to_rows`), one row per actor of each article.

Output, all Parquet, under `DIR`:

=============  ====================================================================
`events/`      one row per event, the columns and types of `EVENT_PARQUET_SCHEMA`
`quotes/`      one row per quote, the columns of `Store.quotes()` (`QUOTE_SCHEMA`)
`actors/`      one row per actor of each article (`ACTOR_SCHEMA`)
`rejects/`     one row per input set aside (`REJECT_SCHEMA`): input file, origin,
               id, reason, detail
=============  ====================================================================

An article stored twice (the same clean text in two input files) is kept
once, from the first input file in the order given, as the local store keeps
the first copy. Within one file the store's own rules apply (`mentions` and
`sources` count the copies); across files they are not summed.

Nothing here imports pyspark or pyarrow at module level: `dragoman.spark`
imports without the `spark` extra installed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from dragoman.errors import DragomanError, InputError, StoreError
from dragoman.export import EVENT_PARQUET_SCHEMA
from dragoman.models import Extraction, Record, Reject
from dragoman.settings import Settings

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

__all__ = [
    "ACTOR_SCHEMA",
    "EVENT_PARQUET_SCHEMA",
    "QUOTE_SCHEMA",
    "REJECT_SCHEMA",
    "JobReport",
    "expand",
    "main",
    "parquet_records",
    "run",
]

log = logging.getLogger(__name__)

#: Columns of `DIR/quotes/`: those of `Store.quotes()`, with their DuckDB types.
QUOTE_SCHEMA: list[tuple[str, str]] = [
    ("quote_id", "VARCHAR"),
    ("article", "VARCHAR"),
    ("article_id", "VARCHAR"),
    ("quote", "VARCHAR"),
    ("position", "INTEGER"),
    ("kind", "VARCHAR"),
    ("text", "VARCHAR"),
    ("start_char", "INTEGER"),
    ("end_char", "INTEGER"),
    ("cue", "VARCHAR"),
    ("speaker_name", "VARCHAR"),
    ("speaker_actor", "VARCHAR"),
    ("speaker_code", "VARCHAR"),
    ("speaker_text", "VARCHAR"),
    ("via", "VARCHAR[]"),
    ("via_codes", "VARCHAR[]"),
    ("url", "VARCHAR"),
    ("outlet", "VARCHAR"),
    ("title", "VARCHAR"),
    ("published", "DATE"),
]
#: Columns of `DIR/actors/`: the store's actor rows, the mention count, the article's metadata.
ACTOR_SCHEMA: list[tuple[str, str]] = [
    ("article", "VARCHAR"),
    ("article_id", "VARCHAR"),
    ("actor", "VARCHAR"),
    ("position", "INTEGER"),
    ("name", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("code", "VARCHAR"),
    ("country", "VARCHAR"),
    ("sectors", "VARCHAR[]"),
    ("why", "VARCHAR"),
    ("mentions", "INTEGER"),
    ("url", "VARCHAR"),
    ("outlet", "VARCHAR"),
    ("published", "DATE"),
]
#: Columns of `DIR/rejects/`: the input file, then the fields of the rejects file.
REJECT_SCHEMA: list[tuple[str, str]] = [
    ("input", "VARCHAR"),
    ("origin", "VARCHAR"),
    ("id", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("detail", "VARCHAR"),
]
_COUNT_SCHEMA: list[tuple[str, str]] = [
    ("read", "BIGINT"),
    ("stored", "BIGINT"),
    ("duplicates", "BIGINT"),
    ("rejected", "BIGINT"),
]

# DuckDB type → Spark DDL type. TIMESTAMP is naive UTC in the store: timestamp_ntz.
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
    "VARCHAR[]": "array<string>",
}
_RECORD_COLUMNS = ("text", "html", "id", "url", "title", "published", "outlet", "author")
_STORE_BATCH = 256  # extractions per store transaction and per output batch
_PAGE = 5000  # rows per query page when reading events and quotes back


@dataclasses.dataclass(frozen=True, slots=True)
class JobReport:
    """What a Spark run did: read = stored + duplicates + rejected, and the rows written."""

    read: int
    stored: int
    duplicates: int
    rejected: int
    events: int
    quotes: int
    actors: int
    output: str

    def __str__(self) -> str:
        return (
            f"read {self.read} = stored {self.stored} + duplicates {self.duplicates} "
            f"+ rejected {self.rejected}; wrote {self.events} events, {self.quotes} quotes, "
            f"{self.actors} actors to {self.output}"
        )


# --- the driver -----------------------------------------------------------------------


def run(
    inputs: Sequence[str],
    output: str,
    *,
    settings: Settings | None = None,
    published: dt.date | None = None,
    master: str | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    spark: SparkSession | None = None,
) -> JobReport:
    """Extract every input file on Spark and write events, quotes, actors and rejects.

    Args:
        inputs: files or directories (JSON Lines, Parquet, WARC, or any other
            format `ingest.read` knows); local paths every executor can read
            (a shared file system, `/dbfs/…`), or URIs pyarrow can open
            (`s3://`, `gs://`, `hdfs://`); directories are listed on the driver.
        output: the output directory (any Hadoop file system URI: `s3://…`, `dbfs:/…`).
        settings: pipeline settings, shipped to every task (defaults when None).
        published: publication date for records that carry none.
        master: Spark master URL when this call starts the session; default
            `local[N]` with N = `workers` (0 means every core).
        workers: local mode only: cores to use (None: the `workers` setting).
        overwrite: replace existing output directories instead of failing.
        spark: a running session to use (it is left running).

    Returns:
        The counts of the run.

    Raises:
        DragomanError: pyspark or pyarrow is not installed.
        InputError: no input files, or `-` (stdin) among the inputs.
        StoreError: an output directory exists (and not `overwrite`), or writing failed.
    """
    _require_spark()
    settings = settings or Settings()
    paths = expand(inputs)
    if not paths:
        raise InputError("no input files")
    own_session = False
    if spark is None:
        from pyspark.sql import SparkSession

        # A session that was running before (Databricks, a notebook) is left running.
        own_session = SparkSession.getActiveSession() is None
        spark = session(master, settings.workers if workers is None else workers)
    try:
        return _run(spark, paths, output, settings, published, overwrite)
    finally:
        if own_session:
            spark.stop()


def session(
    master: str | None = None, workers: int = 0, config: dict[str, str] | None = None
) -> SparkSession:
    """A SparkSession for the job: the active one, else a new one on `master`.

    In local mode the executors' Python is this interpreter (`PYSPARK_PYTHON`
    and `PYSPARK_DRIVER_PYTHON` default to `sys.executable`). `config` is set
    on a new session (`spark.*` options).
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Under spark-submit the JVM is already up (and knows its master): leave it be.
    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
        master = f"local[{workers or '*'}]"
    if master is None or master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("dragoman")
    if master is not None:
        builder = builder.master(master)
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    with _quiet_pandas_check():
        return builder.getOrCreate()


@contextlib.contextmanager
def _quiet_pandas_check() -> Iterator[None]:
    """Silence PySpark 4.3's warning about pandas 3: the job exchanges Arrow batches
    with Spark (`mapInArrow`), never pandas frames, so it does not apply."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        yield


def _run(
    spark: SparkSession,
    paths: list[str],
    output: str,
    settings: Settings,
    published: dt.date | None,
    overwrite: bool,
) -> JobReport:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    targets = {name: _join(output, name) for name in ("events", "quotes", "actors", "rejects")}
    if not overwrite:
        existing = [t for t in targets.values() if _exists(spark, t)]
        if existing:
            raise StoreError(f"output exists: {', '.join(existing)} (use --overwrite)")

    def task(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for index in batch.column(0).to_pylist():
                yield from file_batches(index, paths[index], settings, published)

    log.info("extracting %d input files on Spark", len(paths))
    with _quiet_pandas_check():
        rows = spark.range(0, len(paths), 1, numPartitions=len(paths)).mapInArrow(
            task, _spark_ddl(_union_schema())
        )
    # An article met in several files is kept from the first one (as the store keeps
    # the first copy). Persisted: the pipeline runs once for the five actions below.
    # The window's shuffle gets as many partitions as there are inputs (at most the
    # default parallelism), not `spark.sql.shuffle.partitions`: hence the files per output.
    parts = max(1, min(len(paths), _parallelism(spark)))
    first = F.min("input").over(Window.partitionBy("article"))
    kept = (
        rows.repartition(parts, "article")
        .withColumn("_first", first)
        .where(F.col("article").isNull() | (F.col("input") == F.col("_first")))
        .drop("_first")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        sizes = {r["kind"]: r["count"] for r in kept.groupBy("kind").count().collect()}
        totals = (
            kept.where(F.col("kind") == "totals")
            .select("totals.*")
            .agg(*(F.sum(name).alias(name) for name, _ in _COUNT_SCHEMA))
            .collect()[0]
        )
        for name, kind in (
            ("events", "event"),
            ("quotes", "quote"),
            ("actors", "actor"),
            ("rejects", "reject"),
        ):
            _write(kept.where(F.col("kind") == kind).select(f"{kind}.*"), targets[name], overwrite)
    finally:
        kept.unpersist()
    read, rejected = int(totals["read"] or 0), int(totals["rejected"] or 0)
    stored = sizes.get("article", 0)
    return JobReport(
        read=read,
        stored=stored,
        duplicates=read - rejected - stored,
        rejected=rejected,
        events=sizes.get("event", 0),
        quotes=sizes.get("quote", 0),
        actors=sizes.get("actor", 0),
        output=output,
    )


def _parallelism(spark: SparkSession) -> int:
    try:
        return int(spark.sparkContext.defaultParallelism)
    except Exception:  # Spark Connect has no SparkContext
        return int(spark.conf.get("spark.sql.shuffle.partitions") or 200)


def _write(frame: DataFrame, target: str, overwrite: bool) -> None:
    try:
        frame.write.mode("overwrite" if overwrite else "errorifexists").parquet(target)
    except Exception as exc:  # py4j and Spark errors have no common Python base
        raise StoreError(f"cannot write {target}: {str(exc).splitlines()[0][:300]}") from exc


def _exists(spark: SparkSession, target: str) -> bool:
    """Whether `target` exists, asked of Hadoop's file system (works for s3://, dbfs:/ …)."""
    try:  # no public Python API for this; absent under Spark Connect
        jvm: Any = spark.sparkContext._jvm
        conf = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
        path = jvm.org.apache.hadoop.fs.Path(target)
        return bool(path.getFileSystem(conf).exists(path))
    except Exception:  # then the write itself refuses an existing directory
        return False


def _join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _require_spark() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise DragomanError(
            f"the Spark job needs pyspark and pyarrow ({exc.name} is missing): "
            "pip install 'dragoman[spark]'"
        ) from exc


# --- listing inputs -------------------------------------------------------------------


def expand(inputs: Iterable[str]) -> list[str]:
    """The input files: directories listed (depth first, sorted, hidden names skipped).

    A path that does not exist stays in the list: its task yields a `missing` reject.

    Raises:
        InputError: `-` (stdin) is not an input of a Spark job.
    """
    paths: list[str] = []
    for item in inputs:
        item = str(item)
        if item == "-":
            raise InputError("the Spark job cannot read stdin (`-`); give files")
        item = _local_path(item) or item
        if _is_uri(item):
            paths.extend(_expand_uri(item))
        elif os.path.isdir(item):
            paths.extend(_walk(item))
        else:
            paths.append(item)
    return paths


def _walk(folder: str) -> Iterator[str]:
    with os.scandir(folder) as entries:
        names = sorted(
            (e.name, e.is_dir(follow_symlinks=False)) for e in entries if not e.name.startswith(".")
        )
    for name, is_dir in names:
        full = os.path.join(folder, name)
        if is_dir:
            yield from _walk(full)
        elif os.path.isfile(full):
            yield full


def _is_uri(path: str) -> bool:
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.isalnum() and scheme.lower() not in ("http", "https")


def _local_path(uri: str) -> str | None:
    """The local path of a `file://` URI or a Databricks `dbfs:/` one (its FUSE mount
    `/dbfs`), else None. Executors read those files where they are."""
    if uri.startswith("file://"):
        return uri[len("file://") :]
    if uri.startswith("dbfs:/") and os.path.isdir("/dbfs"):
        return "/dbfs/" + uri[len("dbfs:/") :].lstrip("/")
    return None


def _expand_uri(uri: str) -> list[str]:
    from pyarrow import fs

    filesystem, path = fs.FileSystem.from_uri(uri)
    info = filesystem.get_file_info(path)
    if info.type != fs.FileType.Directory:
        return [uri]
    scheme = uri.split("://", 1)[0]
    found = filesystem.get_file_info(fs.FileSelector(path, recursive=True))
    files = [
        f.path
        for f in found
        if f.type == fs.FileType.File
        and not any(part.startswith(".") for part in f.path[len(path) :].split("/"))
    ]
    return [f"{scheme}://{p}" for p in sorted(files)]


# --- one task: one file ---------------------------------------------------------------


def file_batches(
    index: int, path: str, settings: Settings, published: dt.date | None
) -> Iterator[pa.RecordBatch]:
    """The output rows of one input file, as Arrow batches of the job's union schema."""
    import pyarrow as pa

    from dragoman.api import pipeline
    from dragoman.store import Store

    schema = _arrow_schema(_union_schema())
    counts = {name: 0 for name, _ in _COUNT_SCHEMA}
    with (
        _readable(path) as (local, rename),
        tempfile.TemporaryDirectory(prefix="dragoman-spark-") as scratch,
        Store.open(os.path.join(scratch, "task.duckdb")) as store,
    ):
        records = (rename(item) for item in _records(local, settings))
        results = pipeline(settings).extract_many(records, published)
        seen: set[str] = set()
        for chunk in _chunks(results, _STORE_BATCH):
            rows = [_chunk_row(index, path, item, seen) for item in chunk]
            report = store.ingest(chunk, batch=_STORE_BATCH)
            for name in counts:
                counts[name] += getattr(report, name)
            flat = [row for group in rows for row in group]
            if flat:
                yield pa.RecordBatch.from_pylist(flat, schema=schema)
        for kind, query, columns in (
            ("event", store.events, EVENT_PARQUET_SCHEMA),
            ("quote", store.quotes, QUOTE_SCHEMA),
        ):
            for page in _pages(query):
                yield pa.RecordBatch.from_pylist(
                    [
                        {
                            "kind": kind,
                            "input": index,
                            "article": row["article"],
                            kind: _plain(row, columns),
                        }
                        for row in page
                    ],
                    schema=schema,
                )
    yield pa.RecordBatch.from_pylist(
        [{"kind": "totals", "input": index, "totals": counts}], schema=schema
    )


def _chunk_row(
    index: int, path: str, item: Extraction | Reject, seen: set[str]
) -> list[dict[str, Any]]:
    """The article and actor rows of a new article, or the row of a reject."""
    from dragoman.output import reject_dict
    from dragoman.store import _rows

    if isinstance(item, Reject):
        return [{"kind": "reject", "input": index, "reject": {"input": path, **reject_dict(item)}}]
    key = item.article.hash
    original = _rows.duplicate_of(item)
    if key in seen or (original and original in seen):
        return []  # a copy: the store records it as a mention of the first one
    seen.add(key)
    article = item.article
    _, tables = _rows.to_rows(item, dt.datetime(1970, 1, 1))
    mentions: dict[str, int] = {}
    for mention in tables["mentions"]:
        actor = mention[_rows.MENTION_COLUMNS.index("actor")]
        mentions[actor] = mentions.get(actor, 0) + 1
    rows: list[dict[str, Any]] = [{"kind": "article", "input": index, "article": key}]
    for actor_row in tables["actors"]:
        values = dict(zip(_rows.ACTOR_COLUMNS, actor_row, strict=True))
        rows.append(
            {
                "kind": "actor",
                "input": index,
                "article": key,
                "actor": {
                    "article": key,
                    "article_id": article.id,
                    "actor": values["id"],
                    "position": values["position"],
                    "name": values["name"],
                    "kind": values["kind"],
                    "code": values["code"],
                    "country": values["country"],
                    "sectors": values["sectors"],
                    "why": values["why"],
                    "mentions": mentions.get(values["id"], 0),
                    "url": article.url,
                    "outlet": article.outlet,
                    "published": article.published,
                },
            }
        )
    return rows


def _pages(query: Any) -> Iterator[list[dict[str, Any]]]:
    """All rows of a `Store` query, a page at a time, as plain Python values."""
    from dragoman.export import records

    offset = 0
    while True:
        frame = query(limit=_PAGE, offset=offset)
        if len(frame):
            yield list(records(frame))
        if len(frame) < _PAGE:
            return
        offset += _PAGE


def _plain(row: dict[str, Any], columns: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """One query row with the value types Arrow expects for `columns`."""
    out = {}
    for name, kind in columns:
        value = row.get(name)
        if (
            kind == "TIMESTAMP"
            and isinstance(value, dt.date)
            and not isinstance(value, dt.datetime)
        ):
            value = dt.datetime.combine(value, dt.time())  # `records` makes midnight a date
        out[name] = value
    return out


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(path: str, settings: Settings) -> Iterator[Record | Reject]:
    """The records of one input file: Parquet here, everything else by `ingest.read`."""
    if path.lower().endswith(".parquet"):
        yield from parquet_records(path, settings)
    else:
        from dragoman import ingest

        yield from ingest.read([path], settings)


def parquet_records(path: str, settings: Settings) -> Iterator[Record | Reject]:
    """Each row of a Parquet file as a record (columns as in JSON Lines); origin `path:row`.

    Rows are read a batch at a time. The row rules are those of JSON Lines
    records (`no-text`, `empty`, `nesting`, `oversized` rejects).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dragoman import ingest

    if not os.path.exists(path):
        yield Reject(path, "missing", "no such file or directory")
        return
    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield Reject(path, "format", f"not a readable Parquet file: {str(exc)[:200]}")
        return
    with parquet:
        names = parquet.schema_arrow.names
        if "text" not in names and "html" not in names:
            yield Reject(path, "format", "Parquet file without a `text` or `html` column")
            return
        columns = [c for c in _RECORD_COLUMNS if c in names]
        row = 0
        for batch in parquet.iter_batches(batch_size=256, columns=columns):
            for values in batch.to_pylist():
                row += 1
                where = f"{path}:{row}"
                size = sum(
                    len(v) for v in (values.get("text"), values.get("html")) if isinstance(v, str)
                )
                if size > settings.max_bytes:
                    yield Reject(where, "oversized", f"row over max_bytes {settings.max_bytes}")
                    continue
                # The JSON Lines rules for one object (private to ingest: see docs/spark.md).
                yield ingest.record_from_mapping(where, values)
        if not row:
            yield Reject(path, "empty", "no rows")


@contextlib.contextmanager
def _readable(path: str) -> Iterator[tuple[str, Any]]:
    """A local path for `path` (a remote file is copied to local disk), and a function
    that gives records and rejects their origin under the original name."""
    if not _is_uri(path):
        yield path, _renamer(path, path)
        return
    from pyarrow import fs

    filesystem, remote = fs.FileSystem.from_uri(path)
    with tempfile.TemporaryDirectory(prefix="dragoman-input-") as folder:
        # The name is kept: its extension tells ingest the format.
        copy = os.path.join(folder, os.path.basename(remote.rstrip("/")) or "input")
        try:
            with filesystem.open_input_stream(remote) as source, open(copy, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
        except (OSError, FileNotFoundError) as exc:
            log.warning("cannot copy %s: %s", path, exc)
            copy = os.path.join(folder, "missing-" + os.path.basename(copy))
        yield copy, _renamer(copy, path)


def _renamer(local: str, original: str) -> Any:
    if local == original:
        return lambda item: item

    def rename(item: Record | Reject) -> Record | Reject:
        if item.origin.startswith(local):
            return dataclasses.replace(item, origin=original + item.origin[len(local) :])
        return item

    return rename


# --- schemas --------------------------------------------------------------------------


def _union_schema() -> list[tuple[str, Any]]:
    """The rows tasks return: a kind, the input index, the article hash, one struct per kind
    (`article` rows carry only the hash of each article stored; `totals` the task's counts)."""
    return [
        ("kind", "VARCHAR"),
        ("input", "INTEGER"),
        ("article", "VARCHAR"),
        ("event", EVENT_PARQUET_SCHEMA),
        ("quote", QUOTE_SCHEMA),
        ("actor", ACTOR_SCHEMA),
        ("reject", REJECT_SCHEMA),
        ("totals", _COUNT_SCHEMA),
    ]


def _spark_ddl(columns: Sequence[tuple[str, Any]]) -> str:
    """A Spark DDL schema string for (name, DuckDB type or nested column list) pairs."""

    def kind(value: Any) -> str:
        if isinstance(value, str):
            return _SPARK_TYPES[value]
        return "struct<" + ", ".join(f"`{n}`: {kind(v)}" for n, v in value) + ">"

    return ", ".join(f"`{name}` {kind(value)}" for name, value in columns)


def _arrow_schema(columns: Sequence[tuple[str, Any]]) -> pa.Schema:
    import pyarrow as pa

    simple = {
        "VARCHAR": pa.string(),
        "BIGINT": pa.int64(),
        "INTEGER": pa.int32(),
        "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(),
        "DATE": pa.date32(),
        "TIMESTAMP": pa.timestamp("us"),
        "VARCHAR[]": pa.list_(pa.string()),
    }

    def kind(value: Any) -> pa.DataType:
        if isinstance(value, str):
            return simple[value]
        return pa.struct([pa.field(n, kind(v)) for n, v in value])

    return pa.schema([pa.field(name, kind(value)) for name, value in columns])


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m dragoman.spark INPUT... --output DIR`: the `dragoman spark` command."""
    from dragoman.cli_spark import spark

    spark.main(
        args=list(sys.argv[1:] if argv is None else argv), prog_name="python -m dragoman.spark"
    )


if __name__ == "__main__":
    main()
