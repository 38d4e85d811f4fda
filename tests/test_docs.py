"""Docs that cannot go stale: the CLI reference is generated from `--help` and checked.

Regenerate with `DRAGOMAN_UPDATE_DOCS=1 pytest tests/test_docs.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from dragoman.cli import main
from dragoman.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _reference() -> str:
    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from `dragoman --help`; `tests/test_docs.py` checks it.",
        "",
        "```",
        runner.invoke(main, ["--help"], terminal_width=100).output.rstrip(),
        "```",
    ]
    for name in sorted(main.commands):
        result = runner.invoke(main, [name, "--help"], terminal_width=100)
        assert result.exit_code == 0, result.output
        parts += ["", f"## dragoman {name}", "", "```", result.output.rstrip(), "```"]
    parts += ["", "## Settings", "", "| name | default | help |", "|---|---|---|"]
    parts += [f"| `{s.name}` | `{s.default!r}` | {s.help} |" for s in SETTINGS]
    return "\n".join(parts) + "\n"


def test_docs_cli_reference_is_current() -> None:
    path = DOCS / "cli.md"
    expected = _reference()
    if os.environ.get("DRAGOMAN_UPDATE_DOCS"):
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is stale: run DRAGOMAN_UPDATE_DOCS=1 pytest tests/test_docs.py"
    )


def test_docs_every_command_and_setting_documented() -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"## dragoman {name}" in text
    for setting in SETTINGS:
        assert f"`{setting.name}`" in text


def test_docs_exit_codes_documented_in_readme() -> None:
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "exit status is 3" in readme
