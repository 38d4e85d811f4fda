"""What every command module of the CLI shares: the current settings and date options."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

import click

from dragoman.settings import Settings

T = TypeVar("T")


def current_settings() -> Settings:
    """The settings the `dragoman` group resolved, or freshly loaded ones."""
    ctx = click.get_current_context(silent=True)
    return ctx.obj["settings"] if ctx is not None and ctx.obj else Settings.load()


def parse_date(value: str | None, option: str = "--published") -> dt.date | None:
    """A YYYY-MM-DD option value as a date (a usage error otherwise)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from exc


def progress(items: Iterable[T], label: str, stream: IO[str] | None = None) -> Iterator[T]:
    """Yield `items`, showing a running count on stderr twice a second when it is a
    terminal (never in pipes, logs or tests)."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        yield from items
        return
    shown = time.monotonic()
    count = 0
    for count, item in enumerate(items, start=1):
        now = time.monotonic()
        if now - shown >= 0.5:
            out.write(f"\r{label}: {count:,} read")
            out.flush()
            shown = now
        yield item
    out.write(f"\r{label}: {count:,} read\n")
    out.flush()
