"""Shared access to a DuckDB file: `dragoman serve` holds it read-only between writes,
the CLI's read commands open it read-only (waiting briefly for a writer) and never create
it, and `dragoman.open(path, read_only=True)` reads beside them. With real processes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import dragoman
from dragoman.errors import StoreError
from dragoman.store import Store
from test_store_support import seed_extraction, synthetic

DRAGOMAN = str(Path(sys.executable).with_name("dragoman"))


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DRAGOMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, data: bytes | None = None, timeout: float = 120) -> dict:
    headers = {"content-type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A DuckDB file holding the seed article, and `dragoman serve` running on it."""
    pytest.importorskip("uvicorn", reason="`dragoman serve` needs the web extra")
    path = str(tmp_path / "served.duckdb")
    with Store.open(path) as store:
        store.add(seed_extraction())
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as stream:  # a file, not a pipe: uvicorn logs every request
        server = subprocess.Popen(
            [DRAGOMAN, "serve", "--db", path, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=stream,
            env={**os.environ, "DRAGOMAN_WORKERS": "1"},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/api/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield path, base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_store_shared_cli_reads_while_serve_runs(served: tuple[str, str]) -> None:
    path, base = served
    stats = cli("stats", "--db", path, "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["events"] == 6
    events = cli("events", "--db", path, "--factual", "--format", "jsonl")
    assert events.returncode == 0, events.stderr
    assert len(events.stdout.splitlines()) == 5
    with dragoman.open(path, read_only=True) as store:
        frame = store.events()
        assert isinstance(frame, pd.DataFrame) and len(frame) == 6
    # serve writes (it reopens the file read-write for the transaction only) ...
    body = json.dumps({"text": "Turkey accused Greece of violating its airspace on Tuesday."})
    created = get(base + "/api/articles", data=body.encode("utf-8"))
    assert created["schema"].startswith("dragoman/")
    # ... and goes back to read-only: the CLI reads the new article beside it
    after = cli("stats", "--db", path, "--json")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["articles"] == 2
    assert get(base + "/api/stats")["articles"] == 2


def test_store_shared_read_command_never_creates_a_database(tmp_path: Path) -> None:
    missing = tmp_path / "does-not-exist.duckdb"
    for command in ("events", "stats", "quotes", "actors", "dyads"):
        result = cli(command, "--db", str(missing))
        assert result.returncode == 2, (command, result.stderr)
        assert str(missing) in result.stderr and "no database" in result.stderr
    export = cli("export", "--db", str(missing), "--format", "gdelt")
    assert export.returncode == 2
    assert not missing.exists() and not list(tmp_path.iterdir())
    with pytest.raises(StoreError, match="no database"):
        dragoman.open(str(missing), read_only=True)
    assert not missing.exists()


def test_store_shared_read_waits_briefly_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "busy.duckdb"
    with Store.open(path) as store:
        store.add(seed_extraction())
    # Another process holds the file read-write for a second, writing, then lets go.
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[2]); "
            "from dragoman.store import Store; from test_store_support import synthetic; "
            "s = Store.open(sys.argv[1]); print('ready', flush=True); "
            "s.add(synthetic(1)); time.sleep(1.0); s.close()",
            str(path),
            str(Path(__file__).parent),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError, match="another process has it open"):
            Store.open(path, read_only=True)  # no wait: DuckDB fails at once
        started = time.monotonic()
        with Store.open(path, read_only=True, wait=20) as store:
            waited = time.monotonic() - started
            assert store.stats()["articles"] == 2  # the writer's article, committed
        assert 0.2 < waited < 20
    finally:
        writer.communicate(timeout=60)


def test_store_shared_store_writes_and_reads_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "shared.duckdb"
    with Store.open(path, shared=True) as store:
        assert store.stats()["articles"] == 0
        store.add(seed_extraction())
        # between writes another process can read it
        reader = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from dragoman.store import Store; "
                "print(Store.open(sys.argv[1], read_only=True).stats()['events'])",
                str(path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.strip() == "6"
        store.add_many([synthetic(i) for i in range(3)])
        assert store.stats()["articles"] == 4
        assert store.check() == []
