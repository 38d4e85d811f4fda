"""An extraction has a time budget and stops when its HTTP client leaves (issue 21)."""

from __future__ import annotations

import logging
import socket
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web tests need the `web` extra")
with warnings.catch_warnings():
    # starlette deprecates httpx for its test client; the pinned httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from dragoman.errors import Stopped
from dragoman.settings import Settings
from dragoman.web import create_app

STORY = "Iran on Monday rejected a call from Russia to pull its forces out of Syria."


def test_pipeline_extract_stops_when_asked(pipeline: Any) -> None:
    asked: list[int] = []

    def stop() -> bool:
        asked.append(1)
        return len(asked) > 2  # after cleaning and the parse, before the stages end

    with pytest.raises(Stopped):
        pipeline.extract(STORY, stop=stop)
    assert len(asked) == 3
    # Never asked to stop: the same extraction as without a check.
    assert pipeline.extract(STORY, stop=lambda: False).events == pipeline.extract(STORY).events


def test_web_extract_over_its_time_budget_is_503(tmp_path: Path, pipeline: Any) -> None:
    app = create_app(Settings(extract_timeout=1e-9), str(tmp_path / "budget.duckdb"))
    try:
        client = TestClient(app, raise_server_exceptions=False)
        answer = client.post("/api/extract", json={"text": STORY})
        assert answer.status_code == 503, answer.text
        assert "time budget" in answer.json()["error"]["message"]
        assert answer.headers["retry-after"] == "5"
        # The slot is free again: a request with a budget gets its extraction.
        roomy = create_app(Settings(), str(tmp_path / "roomy.duckdb"))
        try:
            ok = TestClient(roomy).post("/api/extract", json={"text": STORY})
            assert ok.status_code == 200 and ok.json()["events"]
        finally:
            roomy.state.web.store.close()
    finally:
        app.state.web.store.close()


def test_web_extract_stops_when_the_client_leaves(
    tmp_path: Path, pipeline: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A client posts a long article and hangs up: the server stops the work at its
    next step (logged) instead of coding the whole article for no one."""
    import uvicorn

    app = create_app(Settings(), str(tmp_path / "gone.duckdb"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        paragraph = (STORY + " ") * 40
        body = ('{"text": "' + "\\n\\n".join([paragraph] * 120) + '"}').encode()
        caplog.set_level(logging.INFO, logger="dragoman.web.api")
        with socket.create_connection(("127.0.0.1", port)) as conn:
            head = (
                f"POST /api/extract HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            conn.sendall(head.encode() + body)
            time.sleep(0.5)  # the extraction has started
        for _ in range(600):
            if any("client disconnected" in r.getMessage() for r in caplog.records):
                break
            time.sleep(0.1)
        assert any("client disconnected" in r.getMessage() for r in caplog.records)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.web.store.close()
