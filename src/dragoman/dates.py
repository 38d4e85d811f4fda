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
from typing import Any

from dragoman.nlp import sent_of

log = logging.getLogger(__name__)

# Expressions that name no day ("years", "decades", "recent weeks") are not dates of an event.
_VAGUE = re.compile(
    r"^(the )?(past|recent|coming|next few|last few)?\s*(years?|decades?|"
    r"centuries|weeks|months|days)$",
    re.I,
)
_LEADING = re.compile(r"^(on|in|since|by|until|from|during|at|the)\s+", re.I)
_PREPOSITION = re.compile(r"^(?:(?:on|in|by|until|from|during|at)\s+)+", re.I)

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

PRECISIONS = ("day", "month", "year", "publication")
# A date as read: the day (the first of its month or year when less precise) and its
# precision, one of PRECISIONS but "publication".
Reading = tuple[dt.date, str]

# Counts written out, for "fifteen days later" (the fast path keeps `_NUMBERS`, the
# counts dateparser agrees with it on).
_COUNTS = {
    **_NUMBERS,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_COUNT = r"(?:[1-9][0-9]{0,2}|" + "|".join(_COUNTS) + r")"
_UNIT = r"(?:hours?|days?|weeks?|fortnights?|months?|years?|decades?|centur(?:y|ies))"
# Numbers that are not times: ages ("aged 32", "the 72-year-old"), percentages, counts
# with thousands separators, decades ("the 1990s"), spans of years ("2014-16"), and a bare
# number that is not a year ("John Tays, 32," is an age the parser may call a DATE).
_NOT_A_TIME = re.compile(
    r"^\d{1,3}$|\byear-old\b|\byears? old\b|\baged?\b|\d\s*(?:%|percent\b|per cent\b)"
    r"|\d{1,3}(?:,\d{3})+|\b\d{4}s\b|'\d0s\b|\b\d{4}\s*(?:-|–|/|to|and)\s*\d{2,4}\b",
    re.I,
)
# A count of units with nothing that places it in time is a duration: "for two years",
# "18 months", "a 12-month charter", "the past three months", "about a century".
_DURATION = re.compile(r"(?:\b" + _COUNT + r"|\ba|\ban|\bfew|\bseveral)[\s-]+" + _UNIT + r"\b")
_PLACED = re.compile(r"\b(?:ago|later|earlier|before|after|since)\b")
# Expressions read from the date before them in the text: "two years later", "the next
# day", "the day before", "that day", "later that month".
_ANCHORED = re.compile(
    r"(?:(?P<count>" + _COUNT + r"|a|an|one) (?P<unit>day|week|month|year)s? "
    r"(?P<dir>later|after|earlier|before))"
    # "next week" counts from the paper's day, "the next week" from the date before.
    r"|(?:the (?P<dir2>next|following|previous|preceding|prior) "
    r"|(?P<dir5>following|previous|preceding|prior) |next (?=day|morning|evening|night))"
    r"(?P<unit2>day|week|month|year|morning|afternoon|evening|night)"
    r"|the (?P<unit3>day|week|month|year) (?P<dir3>before|after)"
    r"|(?:(?:later|earlier) )?(?:that|the same) "
    r"(?P<unit4>day|week|month|year|morning|afternoon|evening|night)"
)
# Words before the time itself that do not change which day, month or year it is.
_MODIFIER = re.compile(
    r"^(?:(?:on|in|since|by|until|from|during|at|the|of|early|late|mid|earlier|later|"
    r"end|start|beginning|middle|first half|second half)\b-?\s*)+",
    re.I,
)
_WEEKDAY = re.compile(
    r"(?P<which>last |next |this )?(?P<name>" + "|".join(_WEEKDAYS) + r")"
    r"(?: (?:morning|afternoon|evening|night))?"
)
_MONTH = r"(?:" + "|".join(_MONTHS) + "|" + "|".join(map(re.escape, _MONTH_ABBREVIATIONS)) + r")"
_MONTH_ALONE = re.compile(_MONTH)
# What a phrase names, finest first: a day, a month, a year.
_NAMES_DAY = re.compile(
    r"\b(?:" + "|".join(_WEEKDAYS) + r")\b|\byesterday\b|\btoday\b|\btonight\b|\btomorrow\b"
    r"|\blast night\b|\bthis (?:morning|afternoon|evening)\b|\b(?:day|week)s? ago\b"
    r"|\b(?:last|this|next) week\b|" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?(?: of)? " + _MONTH + r"|\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b"
)
_NAMES_MONTH = re.compile(
    r"(?<![a-z])" + _MONTH + r"(?![a-z])|\b(?:last|this|next) month\b|\bmonths? ago\b"
)
_NAMES_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d\b|\b(?:last|this|next) year\b|\byears? ago\b")
_WEEKISH = re.compile(r"\bweek\b")


def read(
    text: str,
    published: dt.date | None,
    *,
    future: bool = False,
    anchor: Reading | None = None,
) -> Reading | None:
    """The date `text` names and how precise it is, read against `published`.

    Args:
        text: a date expression as the parser found it ("on Monday", "in 1938",
            "two years later").
        published: the publication date; None reads only dates that name their year.
        future: read the expression in the future tense ("will meet on Tuesday" is
            the next Tuesday, "met on Tuesday" the last).
        anchor: the date before this one in the text, for "two years later", "the
            next day"; without it such expressions are not read.

    Returns:
        `(day, precision)`: the day, or the first of the month or year it names, and
        `day`, `month` or `year`; None for anything that is not a time (an age, a
        duration, a count, a percentage, "recent years") or cannot be placed.
    """
    phrase = " ".join(text.split()).strip(" ,;:.'’").lower()
    phrase = re.sub(r"['’]s$", "", phrase)  # "Sunday's vote"
    try:
        return _read(phrase, published, future, anchor)
    except OverflowError:
        # "yesterday" in a story dated 0001-01-01, "tomorrow" on 9999-12-31: the day
        # falls outside the calendar Python knows, so the expression names no day.
        return None


@functools.lru_cache(maxsize=4096)
def _read(
    phrase: str, published: dt.date | None, future: bool, anchor: Reading | None
) -> Reading | None:
    if not phrase or _NOT_A_TIME.search(phrase):
        return None
    stripped = _LEADING.sub("", phrase)
    relative = _ANCHORED.fullmatch(_PREPOSITION.sub("", phrase))
    if relative is not None:
        return None if anchor is None else _from_anchor(relative, anchor)
    if _VAGUE.match(stripped) or (_DURATION.search(phrase) and not _PLACED.search(phrase)):
        return None
    core = _MODIFIER.sub("", phrase).strip()
    if core != stripped and _WEEKISH.search(core):
        return None  # "earlier this week" is no one day
    if not core:
        return None
    if _NAMES_DAY.search(core):
        precision = "day"
    elif _NAMES_MONTH.search(core):
        precision = "month"
    elif _NAMES_YEAR.search(core):
        precision = "year"
    else:
        return None  # "the weekend", "overnight", "recently": no day, month or year
    if published is None:
        # Without a publication date only a date that names its year can be read: the
        # rest ("Monday", "last week", "May 3") would depend on the day of the run.
        if not _YEAR.search(core):
            return None
        day = _day(core, _UNDATED_BASE, None, future)
    else:
        day = _day(core, published, published, future)
    if day is None:
        return None
    return _cut(day, precision), precision


def _day(phrase: str, base: dt.date, published: dt.date | None, future: bool) -> dt.date | None:
    """The day `phrase` names, counted from `base` in the past (or the future)."""
    weekday = _WEEKDAY.fullmatch(phrase)
    if weekday is not None:
        return _weekday(weekday, base, published, future)
    if future and phrase in _MONTH_NAMES:
        month = _MONTH_NAMES[phrase]
        return dt.date(base.year if month >= base.month else base.year + 1, month, 1)
    if not future:
        day = _relative(phrase, base)
        if day is not None:
            return day
    day = _dateparser(phrase, base, future=future)
    if day is None or published is None or future:
        return day
    if day > published and phrase != "tomorrow" and not phrase.startswith("next"):
        # dateparser reads some weekday phrases forward ("Monday, May 21" is not one):
        # news names the days of the week gone by.
        if any(name in phrase for name in _WEEKDAYS) and (day - published).days <= 7:
            day -= dt.timedelta(days=7)
    return day


_MONTH_NAMES = {name: n for n, name in enumerate(_MONTHS, 1)} | _MONTH_ABBREVIATIONS


def _weekday(
    found: re.Match[str], base: dt.date, published: dt.date | None, future: bool
) -> dt.date:
    """A weekday: the paper's own day is that day (in either tense, unless "last" or
    "next"); "last Sunday" and a weekday in the past tense the latest before `base`;
    "next Monday" and a weekday in the future tense the first after it."""
    which = (found["which"] or "").strip()
    weekday = _WEEKDAYS.index(found["name"])
    if published is not None and weekday == published.weekday() and which in {"", "this"}:
        return published
    if which == "next" or (future and which != "last"):
        return base + dt.timedelta(days=(weekday - base.weekday() - 1) % 7 + 1)
    return base - dt.timedelta(days=(base.weekday() - weekday - 1) % 7 + 1)


def _cut(day: dt.date, precision: str) -> dt.date:
    """`day` cut to `precision`: the first of its month or of its year."""
    if precision == "year":
        return dt.date(day.year, 1, 1)
    if precision == "month":
        return day.replace(day=1)
    return day


_FINER = {"day": 0, "month": 1, "year": 2}
_UNIT_PRECISION = {"day": "day", "week": "day", "month": "month", "year": "year"}


def _from_anchor(found: re.Match[str], anchor: Reading) -> Reading | None:
    """ "two years later", "the next day", "that day": counted from `anchor`, never
    more precise than it ("the same day" after "in July 2006" is July 2006)."""
    if found["unit"]:
        unit, count = found["unit"], _COUNTS.get(found["count"]) or int(found["count"])
        sign = 1 if found["dir"] in {"later", "after"} else -1
    elif found["unit2"]:
        unit, count = found["unit2"], 1
        sign = 1 if (found["dir2"] or found["dir5"] or "next") in {"next", "following"} else -1
    elif found["unit3"]:
        unit, count, sign = found["unit3"], 1, 1 if found["dir3"] == "after" else -1
    else:
        unit, count, sign = found["unit4"], 0, 1
    unit = unit if unit in _UNIT_PRECISION else "day"  # "the next morning"
    day, precision = anchor
    if _FINER[_UNIT_PRECISION[unit]] < _FINER[precision]:
        return anchor  # "the day before" a month is that month, as far as is known
    if unit in {"day", "week"}:
        day += dt.timedelta(days=sign * count * (7 if unit == "week" else 1))
    else:
        moved = _back(day.replace(day=1), unit, -sign * count)
        if moved is None:
            return None
        day = moved if unit == "year" else _same_day(moved, day.day)
    unit_precision = _UNIT_PRECISION[unit]
    if _FINER[unit_precision] > _FINER[precision]:
        precision = unit_precision
    return _cut(day, precision), precision


def _same_day(month: dt.date, day: int) -> dt.date:
    """The `day` of the month of `month`, or its last day when it has fewer."""
    for d in (day, 30, 29, 28):
        try:
            return month.replace(day=d)
        except ValueError:
            continue
    return month


@functools.lru_cache(maxsize=4096)
def resolve(text: str, published: dt.date | None) -> dt.date | None:
    """The day `text` refers to, read relative to `published` and preferring the past.

    "Monday" in a story published on Tuesday 2018-05-22 is 2018-05-21. With no
    publication date, only expressions that name a year are read ("March 1, 2016").
    Returns None when the expression names no resolvable day; a month or a year is
    given as its first day (see `read` for the precision).
    """
    reading = read(text, published)
    return None if reading is None else reading[0]


def _dateparser(phrase: str, base: dt.date, *, future: bool = False) -> dt.date | None:
    """The day dateparser reads in `phrase` on the day `base` (at noon), preferring the
    past (or the future)."""
    import dateparser

    settings: dict[str, Any] = {
        "RELATIVE_BASE": dt.datetime.combine(base, dt.time(12)),
        "PREFER_DATES_FROM": "future" if future else "past",
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


# --- dates in a parsed article ----------------------------------------------------------


@functools.cache
def _tense_words() -> tuple[frozenset[str], frozenset[str]]:
    """The future auxiliaries and governors of `data/dates.yaml`."""
    from importlib import resources

    import yaml

    text = resources.files("dragoman").joinpath("data/dates.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return frozenset(data["future_auxiliaries"]), frozenset(data["future_governors"])


def in_future(ent: Any) -> bool:
    """True when the clause a date entity belongs to is in the future tense: "will meet
    on Tuesday", "is due to visit on Monday", "plan to rally on Saturday", or a verb in
    the present tense ("meets on Thursday"); news tells the past in the past tense."""
    auxiliaries, governors = _tense_words()
    verb = ent.root
    for _ in range(6):
        if verb.pos_ in {"VERB", "AUX"} or verb.head.i == verb.i:
            break
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    node = verb
    for _ in range(4):
        for child in node.children:
            if child.dep_ in {"aux", "auxpass"} and child.lower_ in auxiliaries:
                return True
        if node is not verb and node.lemma_.lower() in governors:
            return True
        if node.dep_ not in {"xcomp", "acomp"} or node.head.i == node.i:
            break
        node = node.head
        if node.lemma_.lower() in governors:
            return True
    if verb.tag_ in {"VBZ", "VBP"}:
        return True
    # "is meeting on Thursday": the present progressive names a plan
    return verb.tag_ == "VBG" and any(
        c.dep_ == "aux" and c.tag_ in {"VBZ", "VBP"} for c in verb.children
    )


def _a_count(ent: Any) -> bool:
    """A number the parser called a date that counts things ("About 2000 protesters",
    "killed 1500 people") or is a percentage ("30 percent")."""
    doc = ent.doc
    after = doc[ent.end] if ent.end < len(doc) else None
    if after is not None and after.lower_ in {"%", "percent", "per", "pct", "pc"}:
        return True
    root = ent.root
    return (
        root.like_num
        and root.dep_ == "nummod"
        and root.head.tag_ in {"NNS", "NNPS"}
        and not _NAMES_DAY.search(ent.text.lower())
    )


# Nouns of time the parser sometimes leaves out of its DATE entities ("The following
# day, fighters raided…", "in the Gulf last week" taken for a place).
_TIME_NOUNS = frozenset(
    {"day", "week", "month", "year", "night", "morning", "afternoon", "evening"}
)


def _time_spans(doc: Any) -> list[Any]:
    """The article's date and time expressions, in text order: its DATE and TIME
    entities, and the noun phrases of time the parser attached to a verb but did not
    take for a date ("The following day")."""
    spans = [e for e in doc.ents if e.label_ in {"DATE", "TIME"}]
    covered = {i for e in spans for i in range(e.start, e.end)}
    for token in doc:
        if (
            token.lower_ in _TIME_NOUNS
            and token.dep_ == "npadvmod"
            and token.i not in covered
            and token.left_edge.i < token.i
        ):
            spans.append(doc[token.left_edge.i : token.i + 1])
    return sorted(spans, key=lambda s: s.start)


def in_document(doc: Any, published: dt.date | None) -> list[tuple[Any, Reading | None]]:
    """Each date or time expression of a parsed article with its reading: the tense
    from its clause, and "two years later" counted from the date before it in the text.

    Made once per article and publication date, in text order, and kept in the
    document's `user_data`.
    """
    key = f"dragoman.dates:{published}"
    found = doc.user_data.get(key)
    if found is None:
        found = []
        anchor: Reading | None = None
        for span in _time_spans(doc):
            reading = None
            if not _a_count(span):
                reading = read(span.text, published, future=in_future(span), anchor=anchor)
            found.append((span, reading))
            if reading is not None:
                anchor = reading
        doc.user_data[key] = found
    return found


def in_sentence(token: Any, published: dt.date | None) -> list[tuple[Any, Reading | None]]:
    """The date and time expressions of the sentence of `token`, with their readings."""
    sentence = sent_of(token)
    return [
        (span, reading)
        for span, reading in in_document(token.doc, published)
        if sentence.start <= span.start < sentence.end
    ]
