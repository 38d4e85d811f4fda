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
        ("Tuesday night", dt.date(2018, 5, 22)),  # the paper's own day too
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


# --- what a date expression names, and how precisely -------------------------------------

PUBLISHED_TUESDAY = dt.date(2019, 3, 12)


@pytest.mark.parametrize(
    "text",
    [
        "32",  # "John Tays, 32," (the parser may call the age a DATE)
        "47",
        "aged 32",
        "age 61",
        "the 72-year-old",
        "55 years old",
        "for two years",
        "18 months",
        "about a century",
        "a decade",
        "a 12-month",
        "two-year",
        "the past three months",
        "over the last two years",
        "30 percent",
        "40%",
        "2,000",
        "the 1990s",
        "2014-16",
        "recent years",
        "the weekend",
    ],
)
def test_dates_read_ages_durations_counts_are_not_dates(text: str) -> None:
    assert dates.read(text, PUBLISHED_TUESDAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in 1938", (dt.date(1938, 1, 1), "year")),  # that year, not the paper's month in it
        ("mid-1989", (dt.date(1989, 1, 1), "year")),
        ("last year", (dt.date(2018, 1, 1), "year")),
        ("late last year", (dt.date(2018, 1, 1), "year")),
        ("two years ago", (dt.date(2017, 1, 1), "year")),
        ("March 2014", (dt.date(2014, 3, 1), "month")),
        ("in early February", (dt.date(2019, 2, 1), "month")),
        ("at the end of May", (dt.date(2018, 5, 1), "month")),
        ("earlier this month", (dt.date(2019, 3, 1), "month")),
        ("two months ago", (dt.date(2019, 1, 1), "month")),
        ("Dec. 31", (dt.date(2018, 12, 31), "day")),
        ("March 18, 2014", (dt.date(2014, 3, 18), "day")),
        ("1 October 2019", (dt.date(2019, 10, 1), "day")),
        ("Sunday", (dt.date(2019, 3, 10), "day")),
        ("early yesterday", (dt.date(2019, 3, 11), "day")),
        ("last Sunday", (dt.date(2019, 3, 10), "day")),
        ("last week", (dt.date(2019, 3, 5), "day")),
    ],
)
def test_dates_read_gives_the_precision_the_words_name(
    text: str, expected: tuple[dt.date, str]
) -> None:
    assert dates.read(text, PUBLISHED_TUESDAY) == expected


@pytest.mark.parametrize(
    ("text", "past", "future"),
    [
        ("Thursday", dt.date(2019, 3, 7), dt.date(2019, 3, 14)),
        ("on Monday", dt.date(2019, 3, 11), dt.date(2019, 3, 18)),
        ("Tuesday", dt.date(2019, 3, 12), dt.date(2019, 3, 12)),  # the paper's own day
        ("next Monday", dt.date(2019, 3, 18), dt.date(2019, 3, 18)),
        ("Jan. 7", dt.date(2019, 1, 7), dt.date(2020, 1, 7)),
        ("March 20", dt.date(2018, 3, 20), dt.date(2019, 3, 20)),
        ("in January", dt.date(2019, 1, 1), dt.date(2020, 1, 1)),
        ("in March", dt.date(2019, 3, 1), dt.date(2019, 3, 1)),
    ],
)
def test_dates_read_weekdays_and_months_with_the_tense(
    text: str, past: dt.date, future: dt.date
) -> None:
    """ "met on Thursday" in a Tuesday paper is the Thursday before; "will meet on
    Thursday" the one after."""
    assert dates.read(text, PUBLISHED_TUESDAY)[0] == past
    assert dates.read(text, PUBLISHED_TUESDAY, future=True)[0] == future


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        ("two years later", (dt.date(2007, 1, 1), "year"), (dt.date(2009, 1, 1), "year")),
        ("Two days later", (dt.date(2014, 3, 18), "day"), (dt.date(2014, 3, 20), "day")),
        ("The next day", (dt.date(2018, 10, 28), "day"), (dt.date(2018, 10, 29), "day")),
        ("the following year", (dt.date(1959, 1, 1), "year"), (dt.date(1960, 1, 1), "year")),
        ("a day earlier", (dt.date(2019, 6, 12), "day"), (dt.date(2019, 6, 11), "day")),
        ("Fifteen days later", (dt.date(2019, 7, 4), "day"), (dt.date(2019, 7, 19), "day")),
        ("A month later", (dt.date(2019, 1, 10), "day"), (dt.date(2019, 2, 1), "month")),
        ("the same day", (dt.date(2006, 7, 1), "month"), (dt.date(2006, 7, 1), "month")),
        ("the day before", (dt.date(2006, 7, 1), "month"), (dt.date(2006, 7, 1), "month")),
        ("Later that month", (dt.date(2017, 5, 1), "month"), (dt.date(2017, 5, 1), "month")),
        ("that day", (dt.date(2018, 5, 14), "day"), (dt.date(2018, 5, 14), "day")),
    ],
)
def test_dates_read_relative_expressions_from_the_date_before(
    text: str, anchor: tuple[dt.date, str], expected: tuple[dt.date, str]
) -> None:
    assert dates.read(text, PUBLISHED_TUESDAY, anchor=anchor) == expected


@pytest.mark.parametrize("text", ["two years later", "The next day", "a week later", "that day"])
def test_dates_read_relative_expressions_without_a_date_before_are_not_guessed(
    text: str,
) -> None:
    """Counted from the publication date, "two years later" after a 2007 event was a
    date two years after the article."""
    assert dates.read(text, PUBLISHED_TUESDAY) is None


def test_dates_read_next_week_counts_from_the_paper_the_next_week_from_the_text() -> None:
    anchor = (dt.date(2015, 9, 30), "day")
    assert dates.read("next week", PUBLISHED_TUESDAY, anchor=anchor) == (
        dt.date(2019, 3, 19),
        "day",
    )
    assert dates.read("the next week", PUBLISHED_TUESDAY, anchor=anchor) == (
        dt.date(2015, 10, 7),
        "day",
    )


# --- dates in parsed sentences ----------------------------------------------------------


@pytest.fixture(scope="module")
def parse():
    from dragoman import nlp

    return nlp.load()


def _readings(parse, text: str, published: dt.date) -> dict[str, tuple[dt.date, str] | None]:
    # In a memory zone, as the pipeline parses: the shared model's vocabulary keeps no
    # strings of these texts (tests/test_nlp.py compares it with a fresh one).
    with parse.memory_zone():
        doc = parse(text)
        return {span.text: reading for span, reading in dates.in_document(doc, published)}


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        (
            "Pompeo will meet North Korean officials in New York on Thursday.",
            "Thursday",
            (dt.date(2018, 11, 8), "day"),
        ),
        (
            "Iraq's prime minister is due to visit Saudi Arabia on Monday.",
            "Monday",
            (dt.date(2018, 11, 5), "day"),  # the paper's own day
        ),
        (
            "Demonstrators plan to rally outside the parliament on Saturday.",
            "Saturday",
            (dt.date(2018, 11, 10), "day"),
        ),
        (
            "Iran condemned on Saturday the reimposition of U.S. sanctions.",
            "Saturday",
            (dt.date(2018, 11, 3), "day"),
        ),
        (
            "Leaders of the two Koreas will meet in Seoul on December 12.",
            "December 12",
            (dt.date(2018, 12, 12), "day"),
        ),
    ],
)
def test_dates_in_document_reads_the_clause_tense(parse, text, words, expected) -> None:
    assert _readings(parse, text, dt.date(2018, 11, 5))[words] == expected


def test_dates_in_document_counts_relative_dates_from_the_one_before(parse) -> None:
    text = (
        "Ethiopian troops drove Islamist fighters from Mogadishu in 2007. "
        "Two years later, Ethiopia withdrew its troops from Somalia. "
        "The Taliban seized Kabul on Aug. 15. The following day, fighters raided the homes "
        "of several journalists."
    )
    found = _readings(parse, text, dt.date(2021, 9, 27))
    assert found["Two years later"] == (dt.date(2009, 1, 1), "year")
    assert found["The following day"] == (dt.date(2021, 8, 16), "day")  # not a DATE entity


@pytest.mark.parametrize(
    "text",
    [
        "About 2000 protesters marched on the U.S. embassy.",
        "Soldiers killed 1500 people in the crackdown, activists said.",
        "Police arrested John Tays, 32, after the shooting.",
        "Police fired tear gas at the crowd as turnout fell to 30 percent.",
    ],
)
def test_dates_in_document_counts_and_ages_are_not_dates(parse, text: str) -> None:
    found = _readings(parse, text, dt.date(2019, 3, 12))
    assert all(reading is None for reading in found.values()), found


NOT_DATES = [
    "Police arrested John Tays, 32, outside the embassy, a spokesman said.",
    "Prosecutors charged Julian Assange, 47, with conspiracy.",
    "The two neighbours have quarrelled over the river for about a century, officials said.",
    "A court jailed Carlos Mendez Jr., 55, for his part in the riots.",
    "Authorities held the journalist for 18 months without charge.",
    "The rebels besieged the town for two years before the army attacked them.",
    "Security forces detained about 1900 people in the crackdown.",
    "Police fired tear gas as turnout fell to 30 percent.",
    "A 12-month inquiry accused the ministry of fraud.",
    "Gunmen abducted a 65-year-old priest in the north of the country.",
]


def test_dates_pipeline_never_dates_an_event_from_an_age_duration_or_count(pipeline) -> None:
    """Every event of these sentences is dated from the publication date: the number
    in each is an age, a duration, a count or a percentage."""
    from dragoman.models import Extraction, Record

    published = dt.date(2019, 3, 12)
    records = [
        Record(origin=f"t{i}", text=t, id=f"t{i}", published=published)
        for i, t in enumerate(NOT_DATES)
    ]
    events = [
        e
        for result in pipeline.extract_many(records)
        if isinstance(result, Extraction)
        for e in result.events
    ]
    assert len(events) >= len(NOT_DATES) // 2  # the sentences do get coded
    dated = [(e.date_text, e.date) for e in events if e.date_precision != "publication"]
    assert dated == []
    assert all(e.date == published for e in events)
