"""The README's example output is what the real pipeline prints on the seed article, so
it cannot go stale. `DRAGOMAN_UPDATE_DOCS=1 pytest tests/test_readme.py` rewrites it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner

from dragoman.cli import main
from test_store_support import SEED_PATH, pipeline_or_skip

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- example: begin -->\n```\n)(.*?)(```\n<!-- example: end -->)", re.S)
QUOTES_SHOWN = 2


def example() -> str:
    """The events section and the first quotes of `extract --format table` on the seed."""
    result = CliRunner().invoke(
        main,
        ["extract", str(SEED_PATH), "--published", "2018-05-22", "--format", "table"],
        env={"DRAGOMAN_WORKERS": "1"},
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    events = lines[lines.index(next(x for x in lines if x.startswith("## events"))) :]
    events = events[: events.index(next(x for x in events if x.startswith("## actors")))]
    quotes_at = lines.index(next(x for x in lines if x.startswith("## quotes")))
    quotes = lines[quotes_at : quotes_at + 1 + QUOTES_SHOWN]
    return "\n".join(events + quotes) + "\n"


def test_readme_example_is_the_pipeline_s_output() -> None:
    pipeline_or_skip()
    text = README.read_text(encoding="utf-8")
    found = BLOCK.search(text)
    assert found, "README.md lost its <!-- example: begin/end --> block"
    wanted = example()
    if os.environ.get("DRAGOMAN_UPDATE_DOCS"):
        README.write_text(text[: found.start(2)] + wanted + text[found.end(2) :], "utf-8")
    assert found.group(2) == wanted, (
        "README.md's example is stale: run DRAGOMAN_UPDATE_DOCS=1 pytest tests/test_readme.py"
    )


def test_readme_says_how_to_reach_the_cli_and_what_make_test_installs() -> None:
    text = README.read_text(encoding="utf-8")
    assert ".venv/bin/dragoman" in text and "source .venv/bin/activate" in text
    assert "apt-get" in text and "Chromium" in text and "PostgreSQL" in text
