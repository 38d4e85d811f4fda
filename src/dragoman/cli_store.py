"""The store commands of the `dragoman` CLI: ingest, events, quotes, actors, dyads, stats, export.

Thin adapters over `dragoman.store.Store` and `dragoman.export`; `cli.py`
registers `COMMANDS` on the main group, turns `DragomanError`s into messages and
decides the exit codes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import click
import pandas as pd

from dragoman.cli_options import current_settings, parse_date, progress


def _open(db: str | None, *, write: bool = False) -> Any:
    """The store for a command: read commands open an existing DuckDB file read-only
    (beside `dragoman serve` and other readers, waiting up to `db_wait` for a write),
    and never create one; `ingest` opens it read-write and creates it.

    Raises:
        UsageError: a read command names a DuckDB file that does not exist (exit 2).
    """
    from dragoman.errors import UsageError
    from dragoman.store import Store
    from dragoman.store._backends import is_postgres

    settings = current_settings()
    url = db or settings.db
    if write:
        return Store.open(url, wait=settings.db_wait)
    local = not is_postgres(url) and url != ":memory:"
    if local and not Path(url).exists():
        raise UsageError(f"no database at {url} (`dragoman ingest PATHS --db {url}` creates one)")
    return Store.open(url, read_only=local, wait=settings.db_wait)


def _db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        default=None,
        metavar="PATH|URL",
        help="Database: a DuckDB file or a postgresql:// URL "
        "(default: the `db` setting, ./dragoman.duckdb).",
    )(func)


def _date_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A date option read as strictly as `--published` (a usage error otherwise)."""
    return parse_date(value, f"--{param.name}")


def _event_filters(func: Callable[..., Any]) -> Callable[..., Any]:
    """The filters of `Store.events` as options, with the help the store gives them
    (`EVENT_FILTER_HELP`: the same words as the HTTP API's)."""
    from dragoman.store._queries import EVENT_FILTER_HELP as HELP

    options = [
        click.option("--actor", help=HELP["actor"]),
        click.option("--source-actor", help=HELP["source_actor"]),
        click.option("--target-actor", help=HELP["target_actor"]),
        click.option("--cameo", help=HELP["cameo"]),
        click.option("--root", help=HELP["root"]),
        click.option("--plover", help=HELP["plover"]),
        click.option("--quad", type=click.IntRange(1, 4), multiple=True, help=HELP["quad"]),
        click.option("--since", metavar="YYYY-MM-DD", callback=_date_option, help=HELP["since"]),
        click.option("--until", metavar="YYYY-MM-DD", callback=_date_option, help=HELP["until"]),
        click.option("--outlet", help=HELP["outlet"]),
        click.option("--via", help=HELP["via"]),
        click.option("--text", help=HELP["text"]),
        click.option("--article", metavar="HASH|ID", help=HELP["article"]),
        click.option("--negated/--not-negated", default=None, help=HELP["negated"]),
        click.option("--hypothetical/--not-hypothetical", default=None, help=HELP["hypothetical"]),
        click.option("--factual", is_flag=True, help=HELP["factual"]),
        click.option(
            "--min-confidence",
            type=click.FloatRange(0.0, 1.0),
            metavar="P",
            help=HELP["min_confidence"],
        ),
        click.option("--named", is_flag=True, help=HELP["named"]),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _article_listing(func: Callable[..., Any]) -> Callable[..., Any]:
    """Date and outlet filters, paging, output and --db: what quotes and actors share."""
    for option in (
        _db_option,
        _output_options(("table", "csv", "jsonl", "parquet")),
        _paging,
        click.option("--outlet", help="The article's outlet (any case)."),
        click.option(
            "--until",
            metavar="YYYY-MM-DD",
            callback=_date_option,
            help="Articles published on or before.",
        ),
        click.option(
            "--since",
            metavar="YYYY-MM-DD",
            callback=_date_option,
            help="Articles published on or after.",
        ),
    ):
        func = option(func)
    return func


def _output_options(formats: tuple[str, ...]) -> Callable[[Callable[..., Any]], Any]:
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option(
            "--output",
            "-o",
            type=click.Path(dir_okay=False),
            default=None,
            help="Write here instead of standard output (needed for parquet).",
        )(func)
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default=formats[0],
            show_default=True,
            help="Output format.",
        )(func)
        return func

    return decorate


def _paging(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many rows.")(
        func
    )
    return click.option(
        "--limit", type=click.IntRange(0), default=None, help="At most this many rows."
    )(func)


def _filters(values: dict[str, Any]) -> dict[str, Any]:
    """Click's option values as `Store.events` keyword arguments."""
    out = {k: v for k, v in values.items() if v not in (None, ())}
    if "quad" in out:
        out["quad"] = list(out["quad"])
    return out


def _write(
    frame: pd.DataFrame, fmt: str, output: str | None, table_columns: tuple[str, ...] = ()
) -> None:
    from dragoman import export

    if fmt == "parquet":
        if not output:
            raise click.UsageError("--format parquet needs --output FILE")
        export.write_frame_parquet(frame, output)
        return
    if fmt == "table" and table_columns:
        frame = frame[[c for c in table_columns if c in frame.columns]]
    if output:
        with open(output, "w", encoding="utf-8", newline="") as stream:
            export.write_frame(frame, stream, fmt)
    else:
        export.write_frame(frame, sys.stdout, fmt)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option(
    "--published", metavar="YYYY-MM-DD", help="Publication date for inputs that carry none."
)
@click.option(
    "--rejects",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Write set-aside inputs here as JSON Lines (origin, id, reason, detail).",
)
@click.option(
    "--batch",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Articles per transaction. An interrupted run loses at most the last "
    "batch, which a re-run redoes; 1 keeps every finished article, at a "
    "fraction of the speed on DuckDB.",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    default=None,
    help="Worker processes (0: one per core). Default: the `workers` setting.",
)
def ingest(
    paths: tuple[str, ...],
    db: str | None,
    published: str | None,
    rejects: IO[str] | None,
    batch: int,
    workers: int | None,
) -> None:
    """Extract PATHS (files, directories, feeds, WARCs or - for stdin) into the database.

    One transaction per --batch of articles: an interrupted run keeps the
    batches it stored, and a re-run skips them. Prints `read N = stored S + duplicates D +
    rejected R`.
    """
    from dragoman.api import extract_paths
    from dragoman.cli import EXIT_REJECTS
    from dragoman.models import Reject
    from dragoman.output import dumps, reject_dict

    settings = current_settings()

    def on_reject(reject: Reject) -> None:
        if rejects is not None:
            rejects.write(dumps(reject_dict(reject)) + "\n")

    with _open(db, write=True) as store:
        results = extract_paths(paths, parse_date(published), settings, workers)
        report = store.ingest(progress(results, "ingest"), on_reject, batch=batch)
    click.echo(str(report), err=True)
    if report.rejected:
        sys.exit(EXIT_REJECTS)


_EVENT_TABLE = (
    "date",
    "published",
    "source_code",
    "cameo",
    "plover",
    "target_code",
    "goldstein",
    "trigger_text",
    "attribution",
    "article_id",
    "event",
)


@click.command()
@_event_filters
@_paging
@_output_options(("table", "csv", "jsonl", "parquet"))
@_db_option
def events(
    db: str | None, fmt: str, output: str | None, limit: int | None, offset: int, **filters: Any
) -> None:
    """List stored events (filters are AND-ed; see `Store.events`)."""
    from dragoman import export

    with _open(db) as store:
        if fmt == "parquet":
            if not output:
                raise click.UsageError("--format parquet needs --output FILE")
            export.write_parquet(store, output, limit=limit, offset=offset, **_filters(filters))
            return
        frame = store.events(**_filters(filters), limit=limit, offset=offset)
    _write(frame, fmt, output, _EVENT_TABLE)


@click.command()
@click.option(
    "--speaker",
    help="Whole words of the speaker's name (Esper finds Mark Esper, never a spokesperson), "
    "or their code (a country code or a code prefix: IRN, IRNGOV).",
)
@click.option("--via", help="A link of the quote's chain: part of its name, or its code.")
@click.option("--text", help="Words in the quote (case-insensitive).")
@click.option("--kind", type=click.Choice(["direct", "partial", "indirect"]))
@click.option("--article", metavar="HASH|ID", help="One article, by hash or id.")
@_article_listing
def quotes(
    db: str | None, fmt: str, output: str | None, limit: int | None, offset: int, **filters: Any
) -> None:
    """List stored quotes with their speakers and sources."""
    with _open(db) as store:
        frame = store.quotes(**_filters(filters), limit=limit, offset=offset)
    _write(
        frame,
        fmt,
        output,
        ("published", "speaker_name", "speaker_code", "kind", "text", "via", "article_id"),
    )


@click.command()
@click.option("--actor", help="Country code or code prefix.")
@click.option("--name", help="In the actor's name (any case).")
@click.option("--kind", help="state, person, organization, igo, armed_group, media, group.")
@_article_listing
def actors(
    db: str | None, fmt: str, output: str | None, limit: int | None, offset: int, **filters: Any
) -> None:
    """List actors over all articles, most seen first."""
    with _open(db) as store:
        frame = store.actors(**_filters(filters), limit=limit, offset=offset)
    _write(frame, fmt, output)


@click.command()
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month", "year", "all"]),
    default="week",
    show_default=True,
    help="Time bucket (all: no bucket).",
)
@_event_filters
@_output_options(("table", "csv", "jsonl", "parquet"))
@_db_option
def dyads(db: str | None, fmt: str, output: str | None, period: str, **filters: Any) -> None:
    """Event counts and mean Goldstein score per source → target country and period."""
    with _open(db) as store:
        frame = store.dyads(None if period == "all" else period, **_filters(filters))
    _write(frame, fmt, output)


@click.command()
@click.option(
    "--check",
    "run_check",
    is_flag=True,
    help="Also run the integrity check (fails when it finds problems).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@_db_option
def stats(db: str | None, run_check: bool, as_json: bool) -> None:
    """Counts of articles, events, quotes and actors; events by root, quad class and type."""
    import json

    from dragoman.errors import StoreError

    with _open(db) as store:
        figures = store.stats()
        problems = store.check() if run_check else None
    if problems is not None:
        figures["problems"] = problems
    if as_json:
        click.echo(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k}: {v}" for k, v in value.items()) or "-"
            elif isinstance(value, list):
                value = "; ".join(value) or "none"
            click.echo(f"{key + ':':<17} {value}")
    if problems:
        raise StoreError(f"integrity check found {len(problems)} problem(s)")


@click.command(name="export")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["gdelt", "phoenix", "plover", "icews", "parquet"]),
    help="Record format (see docs/exports.md).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write here instead of standard output (needed for parquet).",
)
@click.option(
    "--header",
    is_flag=True,
    help="gdelt, phoenix: write the column names first (GDELT and Phoenix ship without; "
    "icews always has them).",
)
@_event_filters
@_db_option
def export_command(
    db: str | None, fmt: str, output: str | None, header: bool, **filters: Any
) -> None:
    """Export stored events as GDELT, Phoenix, PLOVER, ICEWS or Parquet records.

    PLOVER leaves out the events it cannot hold (no PLOVER type, no source actor code)
    and says how many on stderr: exported + left out = the events that match.
    """
    from collections import Counter

    from dragoman import export

    if fmt == "parquet" and not output:
        raise click.UsageError("--format parquet needs --output FILE")
    if header and fmt not in ("gdelt", "phoenix", "icews"):
        raise click.BadParameter(
            f"is for gdelt, phoenix and icews, not {fmt}", param_hint="--header"
        )
    left_out: Counter[str] = Counter()
    with _open(db) as store:
        target = output if output else sys.stdout
        n = export.export(store, fmt, target, header=header, left_out=left_out, **_filters(filters))
    message = f"exported {n} events ({fmt})"
    if left_out:
        reasons = ", ".join(f"{count} {why}" for why, count in sorted(left_out.items()))
        message += f"; left out {sum(left_out.values())} ({reasons})"
    click.echo(message, err=True)


COMMANDS: tuple[click.Command, ...] = (ingest, events, quotes, actors, dyads, stats, export_command)
