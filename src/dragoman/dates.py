"""Resolving date expressions ("on Monday", "last month") against the publication date.

The expressions news uses most ("Monday", "yesterday", "last week", "two days ago",
"last month") are read here, as dateparser reads them, without importing it: its
import and first call take half a second, most of a short run's date work. Anything
else goes to dateparser. `tests/test_dates.py` checks that both ways agree on every
form the fast path reads, on publication days across ten years.
"""

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

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
# Abbreviations in the AP style ("Sept.", "Nov."), each with its month's number.
_MONTH_ABBREVIATIONS = {
    "jan.": 1,
    "feb.": 2,
    "aug.": 8,
    "sept.": 9,
    "oct.": 10,
    "nov.": 11,
    "dec.": 12,
}
_PART_OF_DAY = r"(?: (?:morning|afternoon|evening|night))?"
# The expressions of `_relative`, lower case, one space between words.
_FAST = re.compile(
    r"(?P<weekday>(?:last )?(?:" + "|".join(_WEEKDAYS) + r")" + _PART_OF_DAY + r")"
    r"|(?P<today>today|tonight|this (?:morning|afternoon|evening|week))"
    r"|(?P<yesterday>yesterday" + _PART_OF_DAY + r"|last night)"
    r"|(?P<tomorrow>tomorrow)"
    r"|(?P<last>last|next|this) (?P<last_unit>week|month|year)"
    r"|(?P<count>[1-9][0-9]?|" + "|".join(_NUMBERS) + r") (?P<unit>day|week|month|year)s? ago"
    r"|(?P<year>(?:19|20)[0-9][0-9])"
    r"|(?P<month>" + "|".join(_MONTHS) + "|" + "|".join(map(re.escape, _MONTH_ABBREVIATIONS)) + ")"
)


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# The reading day of an undated article's dates (they name their year; any fixed day
# keeps the output the same whatever day it is made on).
_UNDATED_BASE = dt.date(2000, 1, 1)


@functools.lru_cache(maxsize=4096)
def resolve(text: str, published: dt.date | None) -> dt.date | None:
    """The day `text` refers to, read relative to `published` and preferring the past.

    "Monday" in a story published on Tuesday 2018-05-22 is 2018-05-21. With no
    publication date, only expressions that name a year are read ("March 1, 2016").
    Returns None when the expression names no resolvable day.
    """
    phrase = _LEADING.sub("", text.strip())
    if not phrase or _VAGUE.match(phrase):
        return None
    if published is None:
        # Without a publication date only a date that names its year can be read: the
        # rest ("Monday", "last week", "May 3") would depend on the day of the run.
        if not _YEAR.search(phrase):
            return None
        base = _UNDATED_BASE
    elif phrase.lower() == published.strftime("%A").lower():
        return published  # "on Tuesday" in Tuesday's paper is that day
    else:
        base = published
    try:
        day = _relative(phrase, base)
        if day is None:
            day = _dateparser(phrase, base)
        if day is None:
            return None
        if published is not None and day > published and phrase.lower() not in {"tomorrow"}:
            # Weekday names in news refer to the past week unless marked "next".
            if not phrase.lower().startswith("next"):
                day -= dt.timedelta(days=7) if (day - published).days <= 7 else dt.timedelta(0)
    except OverflowError:
        # "yesterday" in a story dated 0001-01-01, "tomorrow" on 9999-12-31: the day
        # falls outside the calendar Python knows, so the expression names no day.
        return None
    return day


def _dateparser(phrase: str, base: dt.date) -> dt.date | None:
    """The day dateparser reads in `phrase` on the day `base` (at noon), preferring the past."""
    import dateparser

    settings = {
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time(12)),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [],
    }
    try:
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError) as exc:  # dateparser raises on odd input
        log.debug("date %r not parsed: %s", phrase, exc)
        return None
    return None if parsed is None else parsed.date()


def _relative(phrase: str, base: dt.date) -> dt.date | None:
    """What `_dateparser` gives for the common relative expressions; None for the rest.

    As dateparser reads them: a weekday is the last one before `base` (a week back on
    the same weekday); months and years back land on the first of the month
    (`PREFER_DAY_OF_MONTH`), "this year" included; a year alone is the first of
    `base`'s month in that year, a month alone the first of its last occurrence
    (read here only up to the 28th of `base`'s month).
    """
    found = _FAST.fullmatch(phrase.lower())
    if found is None:
        return None
    if found["weekday"]:
        weekday = _WEEKDAYS.index(found["weekday"].removeprefix("last ").split()[0])
        return base - dt.timedelta(days=(base.weekday() - weekday - 1) % 7 + 1)
    if found["today"]:
        return base
    if found["yesterday"]:
        return base - dt.timedelta(days=1)
    if found["tomorrow"]:
        return base + dt.timedelta(days=1)
    if found["year"]:
        return dt.date(int(found["year"]), base.month, 1)
    if found["month"]:
        if base.day > 28:
            # dateparser tries the month with `base`'s day first: "February" on
            # 2016-01-30 is 2012-02-01. Left to it.
            return None
        name = found["month"]
        month = _MONTH_ABBREVIATIONS.get(name) or _MONTHS.index(name) + 1
        return dt.date(base.year if month <= base.month else base.year - 1, month, 1)
    if found["last"]:
        step = {"last": -1, "this": 0, "next": 1}[found["last"]]
        return _back(base, found["last_unit"], -step)
    count = _NUMBERS.get(found["count"]) or int(found["count"])
    return _back(base, found["unit"], count)


def _back(base: dt.date, unit: str, count: int) -> dt.date | None:
    """`count` days, weeks, months or years before `base` (after it when negative)."""
    if unit == "day":
        return base - dt.timedelta(days=count)
    if unit == "week":
        return base - dt.timedelta(weeks=count)
    months = base.year * 12 + base.month - 1 - (count if unit == "month" else 12 * count)
    year, month = divmod(months, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return None
    return dt.date(year, month + 1, 1)
