"""`dragoman spark`: the Spark job (`dragoman.spark.run`) from the command line.

Registered on the `dragoman` group by `cli.py`; also the body of
`python -m dragoman.spark` (then settings come from `dragoman.toml` and
`DRAGOMAN_*` variables, as there are no group options).
"""

from __future__ import annotations

import sys

import click

from dragoman.cli_options import current_settings, parse_date
from dragoman.errors import DragomanError

EXIT_ERROR = 1
EXIT_REJECTS = 3  # as `dragoman extract` and `dragoman ingest`


@click.command(name="spark")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="DIR",
    help="Output directory (local, or any Hadoop URI: s3://…, dbfs:/…); "
    "gets events/, quotes/, actors/ and rejects/ as Parquet.",
)
@click.option(
    "--master",
    default=None,
    metavar="URL",
    help="Spark master (spark://host:7077, yarn, local[4]); default: the one "
    "spark-submit gives, else local mode.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Local mode only: cores to use, 0 for all (default: the `workers` setting).",
)
@click.option(
    "--published", metavar="YYYY-MM-DD", help="Publication date for inputs that carry none."
)
@click.option("--overwrite", is_flag=True, help="Replace existing output directories.")
def spark(
    inputs: tuple[str, ...],
    output: str,
    master: str | None,
    workers: int | None,
    published: str | None,
    overwrite: bool,
) -> None:
    """Extract INPUT files (JSON Lines, Parquet, WARC, … or directories) on Apache Spark.

    One input file is one Spark task. Prints `read N = stored S + duplicates D +
    rejected R` and what was written; exits 3 when some inputs were rejected.
    Needs the `spark` extra: pip install 'dragoman[spark]'.
    """
    from dragoman import spark as job

    day = parse_date(published)
    try:
        report = job.run(
            list(inputs),
            output,
            settings=current_settings(),
            published=day,
            master=master,
            workers=workers,
            overwrite=overwrite,
        )
    except DragomanError as exc:
        if click.get_current_context().parent is not None:
            raise  # the `dragoman` group reports it
        click.echo(f"dragoman: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(str(report), err=True)
    if report.rejected:
        sys.exit(EXIT_REJECTS)


COMMANDS = [spark]
