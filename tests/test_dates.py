"""Date resolution: the fast path for common relative expressions gives what dateparser
gives, and everything else still goes to dateparser."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from dragoman import dates

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Every form `dates._relative` reads, in the cases news writes them.
FAST = [
    *(w for day in WEEKDAYS for w in (day, day.lower(), f"last {day}", f"{day} night")),
    *("Monday morning", "Friday afternoon", "Sunday evening", "last Friday night", "FRIDAY"),
    *("today", "Today", "tonight", "this morning", "this afternoon", "this evening"),
    *("this week", "This week", "yesterday", "Yesterday", "yesterday morning", "last night"),
    *("yesterday afternoon", "yesterday evening", "yesterday night", "tomorrow", "Tomorrow"),
    *("last week", "Last week", "next week", "last month", "Last month", "this month"),
    *("next month", "last year", "Last year", "this year", "This year", "next year"),
    *(
        f"{n} {unit} ago"
        for n in ("a", "an", "one", "two", "ten", "1", "9", "18", "99")
        for unit in ("day", "days", "week", "weeks", "month", "months", "year", "years")
    ),
    *("1900", "1945", "1999", "2000", "2008", "2016", "2017", "2018", "2019", "2024", "2099"),
    *("January", "February", "March", "April", "May", "June", "July", "August", "September"),
    *("October", "November", "December", "MAY", "november"),
    *("Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."),
]
MONTHS = {t for t in FAST if t.lower() in {*dates._MONTHS, *dates._MONTH_ABBREVIATIONS}}
# Publication days: two weeks running over a month's end (every weekday twice), the
# ends of months and years, leap days, and days across the years. (Checked more widely
# once, every fifth day of 2014-2020 in 170,940 pairs: the only differences were month
# names late in a month, which the fast path now leaves to dateparser.)
PUBLISHED = [
    *(dt.date(2018, 5, 24) + dt.timedelta(days=n) for n in range(14)),
    *(dt.date(2016, 1, 30), dt.date(2016, 2, 28), dt.date(2016, 2, 29), dt.date(2016, 3, 1)),
    *(dt.date(2020, 2, 29), dt.date(2015, 1, 31)),
    *(dt.date(2017, 12, 31), dt.date(2018, 1, 1), dt.date(2019, 3, 31), dt.date(2019, 10, 31)),
    *(dt.date(2014, 7, 4), dt.date(2015, 11, 13), dt.date(2021, 6, 30), dt.date(2024, 1, 7)),
]


def test_dates_fast_path_reads_what_dateparser_reads() -> None:
    """Each fast form, on each publication day: the same day as dateparser's."""
    differ = []
    for published in PUBLISHED:
        for text in FAST:
            fast = dates._relative(text, published)
            slow = dates._dateparser(text, published)
            if fast is None and text in MONTHS and published.day > 28:
                continue  # left to dateparser (see the next test)
            assert fast is not None, text  # the fast path reads every one of them
            if fast != slow:
                differ.append((published.isoformat(), text, fast, slow))
    assert not differ, differ[:20]


def test_dates_resolve_equals_resolve_by_dateparser_alone(monkeypatch) -> None:
    """`resolve` as a whole (leading words, the paper's own weekday, the past week):
    the same with and without the fast path."""
    texts = [*FAST[::3], "on Monday", "on Tuesday", "the last week", "on Friday night"]
    published = [*PUBLISHED[::2], None]
    dates.resolve.cache_clear()
    fast = {(t, p): dates.resolve(t, p) for t in texts for p in published}
    monkeypatch.setattr(dates, "_relative", lambda phrase, base: None)
    dates.resolve.cache_clear()
    try:
        slow = {(t, p): dates.resolve(t, p) for t in texts for p in published}
    finally:
        dates.resolve.cache_clear()
    assert fast == slow


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", dt.date(2018, 5, 21)),
        ("on Tuesday", dt.date(2018, 5, 22)),  # the paper's own day
        ("Tuesday night", dt.date(2018, 5, 15)),
        ("last month", dt.date(2018, 4, 1)),
        ("two days ago", dt.date(2018, 5, 20)),
        ("tomorrow", dt.date(2018, 5, 23)),
        ("next week", dt.date(2018, 5, 29)),
        # Not read by the fast path: dateparser's.
        ("May 3", dt.date(2018, 5, 3)),
        ("March 1, 2016", dt.date(2016, 3, 1)),
        ("Monday, May 21", dt.date(2018, 5, 21)),
        ("earlier this week", None),
        ("recent years", None),
        ("", None),
    ],
)
def test_dates_resolve_examples(text: str, expected: dt.date | None) -> None:
    assert dates.resolve(text, dt.date(2018, 5, 22)) == expected


def test_dates_month_name_late_in_a_month_is_dateparser_s() -> None:
    """dateparser reads "February" on 30 January 2016 as 2012-02-01 (it tries the 30th
    of February first); the fast path leaves such days to it."""
    published = dt.date(2016, 1, 30)
    assert dates._relative("February", published) is None
    assert dates.resolve("February", published) == dates._dateparser("February", published)
    assert dates._relative("February", dt.date(2016, 1, 28)) == dt.date(2015, 2, 1)


def test_dates_fast_path_leaves_odd_forms_to_dateparser() -> None:
    for text in ("Monday.", "last  week", "0 days ago", "100 days ago", "this Monday", "1850"):
        assert dates._relative(text, dt.date(2018, 5, 22)) is None, text


def test_dates_common_expressions_do_not_import_dateparser() -> None:
    """The seed article's dates ("Monday", "this week", "last month") cost no import."""
    code = (
        "import sys, datetime; from dragoman import dates; "
        "d = datetime.date(2018, 5, 22); "
        "print([str(dates.resolve(t, d)) for t in ('Monday', 'this week', 'last month')], "
        "'dateparser' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['2018-05-21', '2018-05-22', '2018-04-01'] False"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday", None),
        ("last week", None),
        ("May 3", None),
        ("yesterday", None),
        ("March 1, 2016", dt.date(2016, 3, 1)),
        ("on 12 June 2019", dt.date(2019, 6, 12)),
    ],
)
def test_dates_without_publication_date_read_only_dates_with_a_year(
    text: str, expected: dt.date | None
) -> None:
    """An undated article's "Monday" has no day to count from: read against the day of
    the run, the output would change from one day to the next."""
    dates.resolve.cache_clear()
    assert dates.resolve(text, None) == expected
