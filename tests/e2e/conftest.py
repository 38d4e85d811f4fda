"""Browser tests: a real uvicorn server on a free loopback port, driven by Playwright in
Debian's Chromium (`apt-get install -y chromium`; Playwright's own browser download
does not work here). Everything skips with a message when a piece is missing."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Flags known to work headless as root on this kind of machine; the networking ones
# stop Chromium calling home (the machine has no network beyond loopback).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need Debian's Chromium at {CHROMIUM}: "
            "apt-get update && apt-get install -y chromium"
        )
    pytest.importorskip(
        "playwright.sync_api",
        reason="browser tests need `playwright` (pip install 'dragoman[web,test]')",
    )
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dragoman serve` in a thread on a free loopback port; yields its base URL."""
    uvicorn = pytest.importorskip("uvicorn")
    from dragoman.api import pipeline
    from dragoman.settings import Settings
    from dragoman.web import create_app

    settings = Settings()
    pipeline(settings)  # load the language model now, not inside the first page's click
    app = create_app(settings, str(tmp_path_factory.mktemp("e2e") / "e2e.duckdb"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the kernel picks a free port; no race with others
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    """A fresh page that fails the test on any JavaScript error or dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def _shoot(page: object, name: str, publish: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    if publish and os.environ.get("DRAGOMAN_UPDATE_DOCS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SCREENSHOTS / f"{name}.png")
    return path


@pytest.fixture(scope="session")
def shoot() -> object:
    """`shoot(page, name, publish=True)`: a full-page screenshot in tests/artifacts/, also
    copied to docs/screenshots/ when `publish` (the README's pictures) and
    DRAGOMAN_UPDATE_DOCS is set, so a test run leaves the tree as it was."""
    return _shoot
