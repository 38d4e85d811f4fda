"""A clean exit: no command writes nanobind's "leaked instances" report to stderr.

The report came from `gc.freeze` (api._pipeline): objects frozen in reference cycles,
DuckDB's nanobind type objects among them, were never freed at exit. Real processes,
since the report is written by the interpreter's shutdown."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from test_store_support import SEED_PATH, pipeline_or_skip

DRAGOMAN = str(Path(sys.executable).with_name("dragoman"))
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "dragoman" / "samples"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DRAGOMAN, *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_clean_exit_no_nanobind_report_on_any_command(tmp_path: Path) -> None:
    pipeline_or_skip()
    db = str(tmp_path / "exit.duckdb")
    commands = [
        # what `make demo` runs
        ("ingest", str(SAMPLES), "--published", "2026-03-10", "--db", db, "--workers", "1"),
        ("events", "--db", db, "--format", "table"),
        ("extract", str(SEED_PATH), "--published", "2018-05-22", "--workers", "1"),
        ("quotes", "--db", db),
        ("stats", "--db", db),
        ("export", "--db", db, "--format", "plover"),
        ("doctor",),
    ]
    for command in commands:
        done = run(*command)
        assert done.returncode in (0, 3), (command, done.stderr[-2000:])
        assert "nanobind" not in done.stderr and "leaked" not in done.stderr, (
            command,
            done.stderr[-2000:],
        )
