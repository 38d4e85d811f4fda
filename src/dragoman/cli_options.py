"""What every command module of the CLI shares: the current settings and date options."""

from __future__ import annotations

import datetime as dt

import click

from dragoman.settings import Settings


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
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}",
                                 param_hint=option) from exc
