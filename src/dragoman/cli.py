"""The `dragoman` command line: a thin adapter over the Python API.

Exit codes are decided here and only here:

    0  success (and nothing was rejected)
    1  an error stopped the command (message on stderr)
    2  usage error (click, or an input that must be changed: `errors.UsageError`)
    3  the command finished, but some inputs were rejected (see --rejects)
    4  the quality gate failed (`dragoman eval --check`)
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import click

from dragoman import __version__
from dragoman.cli_options import current_settings, parse_date, progress
from dragoman.errors import DragomanError, UsageError
from dragoman.models import Extraction, Reject
from dragoman.settings import SETTINGS, Settings

EXIT_ERROR = 1
EXIT_USAGE = 2  # as click's own usage errors
EXIT_REJECTS = 3
EXIT_GATE = 4


class _Group(click.Group):
    """Turns library errors into one-line messages and exit code 1 (2 for a `UsageError`)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            click.echo(f"dragoman: usage error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except DragomanError as exc:
            click.echo(f"dragoman: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


def _parse_settings(pairs: Iterable[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--setting")
        values[name.strip()] = value
    return values


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="dragoman")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default=None,
    help="TOML settings file (default: ./dragoman.toml when present).",
)
@click.option(
    "--setting",
    "-s",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override one setting (repeatable); see `dragoman settings`.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: str | None, pairs: tuple[str, ...], verbose: int) -> None:
    """dragoman: who did what to whom, when, where, and who says so."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.load(config, _parse_settings(pairs))
    except DragomanError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = {"settings": settings}


def format_table(extraction: Extraction) -> str:
    """A readable summary of one extraction (`--format table`)."""
    text = extraction.article.text
    lines = [
        f"# {extraction.article.title or extraction.article.id}  "
        f"({extraction.article.published or 'undated'})"
    ]
    lines.append(f"## events ({len(extraction.events)})")
    for e in extraction.events:
        src = e.source.code if e.source else "---"
        tgt = e.target.code if e.target else "---"
        verb = e.plover or "EVENT"
        flags = "".join(
            [" [negated]" if e.negated else "", " [hypothetical]" if e.hypothetical else ""]
        )
        via = " via " + " < ".join(s.name for s in e.attribution) if e.attribution else ""
        lines.append(
            f'{src} —{verb}({e.cameo})→ {tgt}  "{e.trigger.text(text)}"  {e.date or ""}{flags}{via}'
        )
    lines.append(f"## actors ({len(extraction.actors)})")
    for a in extraction.actors:
        lines.append(f"{a.code or '---':<10} {a.kind:<12} {a.name}  ({len(a.mentions)} mentions)")
    lines.append(f"## quotes ({len(extraction.quotes)})")
    for q in extraction.quotes:
        who = q.speaker.name if q.speaker else "?"
        body = q.span.text(text)
        body = body if len(body) < 90 else body[:87] + "…"
        via = " via " + " < ".join(s.name for s in q.via) if q.via else ""
        lines.append(f'[{q.kind}] {who}: "{body}"{via}')
    return "\n".join(lines)


def write_outputs(
    results: Iterable[Extraction | Reject], out: IO[str], fmt: str, rejects: IO[str] | None
) -> tuple[int, int]:
    """Write extractions as JSON Lines or tables, rejects to `rejects`; return the counts."""
    from dragoman.output import dumps, reject_dict, terminal_safe, to_dict

    done = rejected = 0
    for item in results:
        if isinstance(item, Reject):
            rejected += 1
            if rejects is not None:
                rejects.write(dumps(reject_dict(item)) + "\n")
            continue
        done += 1
        if fmt == "table":
            out.write(terminal_safe(format_table(item)) + "\n\n")
        else:
            out.write(dumps(to_dict(item)) + "\n")
    return done, rejected


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option(
    "--rejects",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Write set-aside inputs here as JSON Lines (origin, id, reason, detail).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="JSON Lines (the output contract) or a readable table.",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=None,
    help="Worker processes (0: one per core). Default: the `workers` setting.",
)
def extract(
    paths: tuple[str, ...],
    published: str | None,
    rejects: IO[str] | None,
    fmt: str,
    workers: int | None,
) -> None:
    """Extract actors, events and quotes from PATHS (files, directories, or - for stdin)."""
    from dragoman.api import extract_paths

    results = progress(
        extract_paths(paths, parse_date(published), current_settings(), workers), "extract"
    )
    done, rejected = write_outputs(results, sys.stdout, fmt, rejects)
    click.echo(f"read {done + rejected} = extracted {done} + rejected {rejected}", err=True)
    if rejected:
        sys.exit(EXIT_REJECTS)


@main.command()
def doctor() -> None:
    """Report the spaCy pipeline, versions and the integrity of the model files."""
    import platform

    from dragoman import knowledge, nlp

    settings = current_settings()
    report = nlp.verify(settings.model)
    know = knowledge.load(settings.actor_files, settings.verb_files, settings.role_files)
    rows = [
        ("dragoman", __version__),
        ("python", platform.python_version()),
        ("spacy", report.spacy_version),
        ("model", f"{report.name} {report.version}"),
        ("model path", report.path),
        (
            "model integrity",
            {
                True: "ok (sha256 of every file matches)",
                False: "FAILED: " + "; ".join(report.problems),
                None: "not checked (not the bundled pipeline)",
            }[report.verified],
        ),
        (
            "knowledge",
            f"{len(know.entries)} actor entries, {len(know.phrases)} names, "
            f"{len(know.roles)} role words, {len(know.verbs)} verb patterns, "
            f"{len(know.codes)} CAMEO codes",
        ),
    ]
    from dragoman.errors import ModelError
    from dragoman.events import decide

    model_ok = True
    if settings.event_model == "none":
        rows.append(("event model", "none (rules alone: confidence is not a probability)"))
    else:
        try:
            model = decide.load(settings.event_model or None)
            rows.append(
                (
                    "event model",
                    f"ok (sha256 matches; {len(model.labels)} types, "
                    f"{model.meta['features']} features) {settings.event_model or 'packaged'}",
                )
            )
        except ModelError as exc:
            model_ok = False
            rows.append(("event model", f"FAILED: {exc}"))
    for name, value in rows:
        click.echo(f"{name + ':':<17} {value}")
    if report.verified is False or not model_ok:
        sys.exit(EXIT_ERROR)


@main.command(name="settings")
def showcurrent_settings() -> None:
    """List every setting with its current value and help."""
    current = current_settings()
    for s in SETTINGS:
        click.echo(f"{s.name} = {getattr(current, s.name)!r}    # {s.help}")


@main.command(name="eval")
@click.argument("format_name", metavar="FORMAT")
@click.argument("gold", type=click.Path(exists=True))
@click.option("--limit", type=int, default=None, help="Only the first N gold items.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--update-baseline",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="FILE",
    help="Pin these figures in the quality-gate baseline FILE.",
)
@click.option(
    "--check",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Fail (exit 4) when a figure dropped below the baseline FILE.",
)
@click.option(
    "--folds",
    type=click.IntRange(2, 20),
    default=None,
    help="plv only: train the event model on K-1 folds, score the held-out one, each in turn.",
)
def eval_command(
    format_name: str,
    gold: str,
    limit: int | None,
    as_json: bool,
    update_baseline: str | None,
    check: str | None,
    folds: int | None,
) -> None:
    """Score the pipeline on a gold set: plover-gsr, petrarch-validation, brat-attribution,
    article-extraction, news-events, plv, penta, dated-sentences, actors-news."""
    from dragoman import evaluate
    from dragoman.evaluate import gate

    if format_name not in evaluate.FORMATS:
        raise click.BadParameter(
            f"unknown format {format_name!r}; one of {', '.join(sorted(evaluate.FORMATS))}",
            param_hint="FORMAT",
        )
    if folds is not None:
        if format_name != "plv":
            raise click.BadParameter(
                "--folds needs labelled pairs to train on: only the plv format has them",
                param_hint="--folds",
            )
        from dragoman.evaluate import crossval

        report = crossval.cross_validate(Path(gold), current_settings(), folds, limit)
    else:
        report = evaluate.evaluate(format_name, gold, settings=current_settings(), limit=limit)
    click.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format_text())
    if update_baseline:
        gate.update_baseline([report], Path(update_baseline))
        click.echo(f"baseline updated: {update_baseline}", err=True)
    if check:
        problems = gate.check(report, gate.load_baseline(Path(check)))
        for problem in problems:
            click.echo(f"gate: {problem}", err=True)
        if problems:
            sys.exit(EXIT_GATE)


@main.group()
def train() -> None:
    """Build the learned parts from labelled data (needs the `train` extra)."""


@train.command(name="events")
@click.argument("data", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    required=True,
    help="Folder for events.npz, events.json, events.sha256 and CARD.md.",
)
@click.option(
    "--folds",
    type=click.IntRange(2, 20),
    default=5,
    show_default=True,
    help="Held-out folds whose figures go on the model card.",
)
def train_events(data: tuple[str, ...], out: str, folds: int) -> None:
    """Train the event decision on PLV-format pair files (DATA: TSV files)."""
    import dataclasses

    from dragoman import train as training
    from dragoman.evaluate import crossval, plv
    from dragoman.evaluate.runner import default_pipeline

    settings = dataclasses.replace(current_settings(), event_model="none")
    sentences = [s for path in data for s in plv.read(Path(path))]
    if len(data) > 1:
        sentences = [
            dataclasses.replace(s, id=f"{n}:{s.id}")
            for n, path in enumerate(data)
            for s in plv.read(Path(path))
        ]
    examples = training.collect(default_pipeline(settings), sentences)
    recipe = training.Recipe()
    model = training.fit(examples, recipe)
    training.write(model, Path(out))
    figures: dict[str, Any] = {}
    if len(data) == 1:
        report = crossval.cross_validate(Path(data[0]), settings, folds)
        figures = {k: round(v, 3) for k, v in report.figures.items()}
        figures["folds"] = folds
    card = training.write_card(Path(out), [Path(p) for p in data], figures, recipe)
    click.echo(f"event model written to {out} ({len(examples)} candidates); card {card}")


def _register() -> None:
    """Commands defined beside their subsystems: store, Spark, dictionary import, web."""
    from dragoman import cli_import, cli_spark, cli_store
    from dragoman.web.cli import serve

    for command in (*cli_store.COMMANDS, *cli_spark.COMMANDS, *cli_import.COMMANDS, serve):
        main.add_command(command)


_register()
