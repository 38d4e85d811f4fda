"""The `dragoman import` commands: convert PETRARCH/TABARI dictionaries.

    dragoman import actors FILE -o OUT.yaml   actor dictionary  → actor entries (actor_files)
    dragoman import agents FILE -o OUT.tsv    agents dictionary → role words (roles.tsv columns)
    dragoman import verbs FILE -o OUT.yaml    verb dictionary   → verb patterns (verb_files)

Thin adapters over `dragoman.petrarch`; `cli.py` registers `COMMANDS` on the main
group. Each command writes OUT and prints the report (read, converted, skipped by
reason with examples) on stdout, or as JSON with --json.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from dragoman.errors import DragomanError

EXIT_ERROR = 1


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")(func)
    func = click.option(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        type=click.Path(dir_okay=False, writable=True),
        help="File to write (replaced if it exists).",
    )(func)
    return click.argument("file", type=click.Path(exists=True, dir_okay=False))(func)


def _run(kind: str, file: str, output: str, as_json: bool) -> None:
    from dragoman import petrarch

    if Path(file).resolve() == Path(output).resolve():
        raise click.BadParameter("OUT must not be the input file", param_hint="--output")
    importers = {
        "actors": (petrarch.import_actors, petrarch.dump_actors),
        "agents": (petrarch.import_agents, petrarch.dump_agents),
        "verbs": (petrarch.import_verbs, petrarch.dump_verbs),
    }
    convert, dump = importers[kind]
    try:
        items, report = convert(file)
        petrarch.write(dump(items, report), output)  # type: ignore[arg-type]
    except DragomanError as exc:
        if click.get_current_context().find_root().command is not import_group:
            raise  # registered on `dragoman`: its group reports the error
        click.echo(f"dragoman: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if as_json:
        click.echo(json.dumps({**report.to_dict(), "output": output}, indent=2))
    else:
        click.echo(report.format_text())
        click.echo(f"wrote {output}")


@click.group("import")
def import_group() -> None:
    """Convert a PETRARCH/TABARI dictionary into dragoman's formats (docs/petrarch.md).

    Load the results with the settings `actor_files` and `verb_files`.
    """


@import_group.command("actors")
@_options
def import_actors(file: str, output: str, as_json: bool) -> None:
    """Convert a .actors dictionary FILE into actor entries (YAML).

    Load OUT with `-s actor_files=OUT`.
    """
    _run("actors", file, output, as_json)


@import_group.command("agents")
@_options
def import_agents(file: str, output: str, as_json: bool) -> None:
    """Convert an .agents dictionary FILE into role words (TSV, the columns of roles.tsv)."""
    _run("agents", file, output, as_json)


@import_group.command("verbs")
@_options
def import_verbs(file: str, output: str, as_json: bool) -> None:
    """Convert a verb dictionary FILE (CAMEO.2.0 format) into verb patterns (YAML).

    Load OUT with `-s verb_files=OUT`. The report lists what did not map and why.
    """
    _run("verbs", file, output, as_json)


COMMANDS = [import_group]
