"""Resolving date expressions ("on Monday", "last month") against the publication date."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re

log = logging.getLogger(__name__)

# Expressions that name no day ("years", "decades", "recent weeks") are not dates of an event.
_VAGUE = re.compile(
    r"^(the )?(past|recent|coming|next few|last few)?\s*(years?|decades?|"
    r"centuries|weeks|months|days)$",
    re.I,
)
_LEADING = re.compile(r"^(on|in|since|by|until|from|during|at|the)\s+", re.I)


@functools.lru_cache(maxsize=4096)
def resolve(text: str, published: dt.date | None) -> dt.date | None:
    """The day `text` refers to, read relative to `published` and preferring the past.

    "Monday" in a story published on Tuesday 2018-05-22 is 2018-05-21.
    Returns None when the expression names no resolvable day.
    """
    import dateparser

    phrase = _LEADING.sub("", text.strip())
    if not phrase or _VAGUE.match(phrase):
        return None
    if published is not None and phrase.lower() == published.strftime("%A").lower():
        return published  # "on Tuesday" in Tuesday's paper is that day
    base = dt.datetime.combine(published or dt.date.today(), dt.time(12))
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [],
    }
    try:
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError) as exc:  # dateparser raises on odd input
        log.debug("date %r not parsed: %s", text, exc)
        return None
    if parsed is None:
        return None
    day = parsed.date()
    if published is not None and day > published and phrase.lower() not in {"tomorrow"}:
        # Weekday names in news refer to the past week unless marked "next".
        if not phrase.lower().startswith("next"):
            day -= dt.timedelta(days=7) if (day - published).days <= 7 else dt.timedelta(0)
    return day
