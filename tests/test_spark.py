"""The Spark job gives the rows of the local run: same events, same schema, rejects set aside.

One local SparkSession (`local[2]`) serves the whole test run. Tests that need
Spark are skipped with a message when pyspark or Java is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dragoman import spark as job
from dragoman.errors import DragomanError, InputError
from dragoman.models import Reject
from dragoman.settings import Settings

ARTICLES = (
    {
        "id": "s1",
        "url": "https://example.org/s1",
        "outlet": "Test Wire",
        "published": "2024-03-11",
        "text": "Iran on Monday rejected a proposal by the United States to resume talks on "
        'its nuclear programme. "We will not negotiate under pressure," foreign '
        "ministry spokesman Nasser Kanaani said, according to the Tasnim news agency.",
    },
    {
        "id": "s2",
        "published": "2024-03-12",
        "text": "Russian troops shelled the Ukrainian city of Kharkiv overnight, killing three "
        "civilians, the regional governor said on Tuesday. Ukraine accused Moscow of "
        "targeting residential buildings.",
    },
    {
        "id": "s3",
        "outlet": "Daily Example",
        "published": "2024-03-13",
        "text": "The European Union imposed new sanctions on Belarus on Wednesday. The "
        "Belarusian government condemned the decision and threatened to retaliate, "
        "state media reported.",
    },
    {
        "id": "s4",
        "published": "2024-03-14",
        "text": "Israel and Egypt agreed to reopen the Rafah crossing, officials said. Egypt's "
        'foreign minister praised the agreement as "a first step".',
    },
)
BAD_LINE = "{not json"


def _java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    return shutil.which("java")


@pytest.fixture(scope="session")
def spark_session():
    """One local SparkSession for the test run (2 cores, small memory, no UI)."""
    pytest.importorskip(
        "pyspark",
        reason="pyspark is not installed (pip install 'dragoman[spark]'); Spark tests skipped",
    )
    pytest.importorskip("pyarrow", reason="pyarrow is not installed; Spark tests skipped")
    if _java() is None:
        pytest.skip("Java is not installed (no JAVA_HOME, no java on PATH); Spark tests skipped")
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    with job._quiet_pandas_check():
        session = (
            SparkSession.builder.master("local[2]")
            .appName("dragoman-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.memory", "1g")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.ui.showConsoleProgress", "false")
            # One task at a time: both input files go through one Python
            # worker, which loads the model once for the whole test run.
            .config("spark.task.cpus", "2")
            # A short-lived JVM: the C1 compiler and the serial collector halve
            # the JVM's CPU time here (the job's work is in Python anyway).
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory) -> Path:
    """A JSON Lines file of the test articles, with one bad line (line 3)."""
    path = tmp_path_factory.mktemp("spark-in") / "articles.jsonl"
    lines = [json.dumps(a) for a in ARTICLES]
    lines.insert(2, BAD_LINE)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def parquet_copy(tmp_path_factory) -> Path:
    """The same articles as Parquet, then one row with neither text nor html (row 5)."""
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [dict(a) for a in ARTICLES] + [{"id": "s5", "text": None}]
    columns = ("id", "url", "outlet", "published", "text")
    table = pa.table({c: [r.get(c) for r in rows] for c in columns})
    path = tmp_path_factory.mktemp("spark-parquet") / "articles.parquet"
    pq.write_table(table, path)
    return path


def _inputs(jsonl: Path, parquet_copy: Path) -> list[str]:
    return [str(jsonl), str(parquet_copy)]


@pytest.fixture(scope="module")
def local_run(jsonl, parquet_copy, tmp_path_factory, pipeline):
    """The local run on the same inputs: pipeline, store, Parquet export."""
    import itertools

    import pyarrow.parquet as pq

    from dragoman import export, ingest
    from dragoman.store import Store

    records = itertools.chain(
        ingest.read([str(jsonl)], Settings()), job.parquet_records(str(parquet_copy), Settings())
    )
    out = tmp_path_factory.mktemp("local") / "events.parquet"
    with Store.open(":memory:") as store:
        report = store.ingest(pipeline.extract_many(records))
        export.write_parquet(store, out)
        quotes = len(store.quotes())
    return pq.read_table(out), quotes, report


@pytest.fixture(scope="module")
def spark_run(spark_session, jsonl, parquet_copy, tmp_path_factory):
    """One Spark job on the JSON Lines file and its Parquet copy (the same articles)."""
    out = tmp_path_factory.mktemp("spark-out") / "run"
    report = job.run(_inputs(jsonl, parquet_copy), str(out), spark=spark_session)
    return report, out


def _rows(table) -> list[dict]:
    """Rows without `added_at` (the time of storing), sorted by event id."""
    rows = [{k: v for k, v in r.items() if k != "added_at"} for r in table.to_pylist()]
    return sorted(rows, key=lambda r: r["event_id"])


def _types(table) -> list[tuple[str, str]]:
    # Nullability is left out: DuckDB marks a column REQUIRED when the rows it wrote
    # have no NULL in it, so the local file's flags depend on the data.
    return [(f.name, str(f.type)) for f in table.schema]


def test_spark_events_equal_local_run(spark_run, local_run) -> None:
    import pyarrow.parquet as pq

    report, out = spark_run
    local, _, _ = local_run
    events = pq.read_table(out / "events")
    assert events.schema.names == [name for name, _ in job.EVENT_PARQUET_SCHEMA]
    assert _types(events) == _types(local)
    assert _rows(events) == _rows(local)
    assert events.num_rows == report.events > 0


def test_spark_bad_lines_are_in_rejects(spark_run, local_run, jsonl, parquet_copy) -> None:
    import pyarrow.parquet as pq

    report, out = spark_run
    _, _, local = local_run
    rejects = sorted(pq.read_table(out / "rejects").to_pylist(), key=lambda r: r["origin"])
    assert [(r["input"], r["origin"], r["reason"]) for r in rejects] == sorted(
        [
            (str(jsonl), f"{jsonl}:3", "json"),
            (str(parquet_copy), f"{parquet_copy}:5", "no-text"),
        ],
        key=lambda r: r[1],
    )
    # The second copy of each article is a duplicate, as in the local store.
    assert (
        (report.read, report.stored, report.duplicates, report.rejected)
        == (local.read, local.stored, local.duplicates, local.rejected)
        == (10, 4, 4, 2)
    )


def test_spark_quotes_and_actors_written(spark_run, local_run, pipeline) -> None:
    import pyarrow.parquet as pq

    from dragoman.api import to_record

    report, out = spark_run
    _, local_quotes, _ = local_run
    quotes = pq.read_table(out / "quotes")
    assert quotes.schema.names == [name for name, _ in job.QUOTE_SCHEMA]
    assert quotes.num_rows == local_quotes == report.quotes
    actors = pq.read_table(out / "actors")
    assert actors.schema.names == [name for name, _ in job.ACTOR_SCHEMA]
    expected = sum(len(x.actors) for x in pipeline.extract_many(to_record(a) for a in ARTICLES))
    assert actors.num_rows == expected == report.actors
    assert set(actors.column("article_id").to_pylist()) == {a["id"] for a in ARTICLES}


def test_spark_parquet_records_match_jsonl(jsonl, parquet_copy) -> None:
    pytest.importorskip("pyarrow")
    from dragoman import ingest

    from_jsonl = [r for r in ingest.read([str(jsonl)], Settings()) if not isinstance(r, Reject)]
    from_parquet = list(job.parquet_records(str(parquet_copy), Settings()))
    assert [r.origin for r in from_parquet] == [f"{parquet_copy}:{i}" for i in range(1, 6)]
    assert isinstance(from_parquet[-1], Reject) and from_parquet[-1].reason == "no-text"
    strip = [(r.id, r.text, r.url, r.outlet, r.published) for r in from_jsonl]
    assert [(r.id, r.text, r.url, r.outlet, r.published) for r in from_parquet[:-1]] == strip


def test_spark_parquet_missing_file(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    (reject,) = job.parquet_records(str(tmp_path / "nope.parquet"), Settings())
    assert isinstance(reject, Reject) and reject.reason == "missing"


def test_spark_expand_lists_directories(tmp_path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.jsonl").write_text("{}\n")
    (tmp_path / "a.jsonl").write_text("{}\n")
    (tmp_path / ".hidden.jsonl").write_text("{}\n")
    assert job.expand([str(tmp_path), "missing.jsonl"]) == [
        str(tmp_path / "a.jsonl"),
        str(tmp_path / "b" / "2.jsonl"),
        "missing.jsonl",
    ]
    assert job.expand([f"file://{tmp_path}/b"]) == [str(tmp_path / "b" / "2.jsonl")]
    with pytest.raises(InputError, match="stdin"):
        job.expand(["-"])


def test_spark_module_imports_without_pyspark(monkeypatch) -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "import dragoman.spark, dragoman.cli_spark\n"
        "try:\n"
        "    dragoman.spark.run(['x.jsonl'], 'out')\n"
        "except dragoman.DragomanError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert "pip install 'dragoman[spark]'" in done.stdout


def test_spark_cli_reports_and_exits_3_on_rejects(monkeypatch, tmp_path) -> None:
    from dragoman.cli_spark import spark

    seen = {}

    def fake_run(inputs, output, **kwargs):
        seen.update(inputs=inputs, output=output, **kwargs)
        return job.JobReport(
            read=3, stored=2, duplicates=0, rejected=1, events=5, quotes=1, actors=4, output=output
        )

    monkeypatch.setattr(job, "run", fake_run)
    result = CliRunner().invoke(
        spark,
        ["in.jsonl", "--output", str(tmp_path), "--workers", "2", "--published", "2024-01-02"],
    )
    assert result.exit_code == 3, result.output
    assert "read 3 = stored 2 + duplicates 0 + rejected 1" in result.output
    assert seen["inputs"] == ["in.jsonl"] and seen["workers"] == 2
    assert str(seen["published"]) == "2024-01-02"


def test_spark_cli_error_exits_1(monkeypatch, tmp_path) -> None:
    from dragoman.cli_spark import spark

    def failing(*args, **kwargs):
        raise DragomanError("the Spark job needs pyspark")

    monkeypatch.setattr(job, "run", failing)
    result = CliRunner().invoke(spark, ["in.jsonl", "--output", str(tmp_path)])
    assert result.exit_code == 1
    assert "dragoman: error: the Spark job needs pyspark" in result.output
