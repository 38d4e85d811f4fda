"""The dashboard's pure functions (`dragoman.web.views`) on hand-made inputs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the web tests need the `web` extra")

from dragoman.web import views

TEXT = 'Iran rejected "<script>alert(1)</script> the call" from Russia.'


def _article() -> dict:
    start = TEXT.index('"')
    return {
        "text": TEXT,
        "outlet": "The Times of Israel",
        "actors": [
            {
                "id": "A1",
                "name": "Iran",
                "kind": "state",
                "code": "IRN",
                "mentions": [{"start": 0, "end": 4}],
            },
            {
                "id": "A2",
                "name": "Russia",
                "kind": "state",
                "code": "RUS",
                "mentions": [{"start": TEXT.index("Russia"), "end": TEXT.index("Russia") + 6}],
            },
        ],
        "events": [
            {
                "id": "E1",
                "trigger": {"start": 5, "end": 13},
                "quad_class": 3,
                "plover": "REJECT",
                "cameo": "120",
                "negated": False,
                "hypothetical": False,
                "date": "2018-05-21",
                "source": {"actor": "A1", "text": "Iran"},
                "target": {"actor": "A2", "text": "Russia"},
                "attribution": [
                    {"role": "speaker", "name": "The Times of Israel"},
                    {"role": "outlet", "name": "The Times of Israel"},
                ],
            }
        ],
        # Crosses the trigger's end on purpose: spans need not nest.
        "quotes": [
            {
                "id": "Q1",
                "kind": "direct",
                "start": 9,
                "end": TEXT.index("call") + 4,
                "speaker": None,
            },
            {"id": "Q2", "kind": "direct", "start": start, "end": len(TEXT) + 50, "speaker": None},
        ],
    }


def test_web_views_highlight_covers_the_text_once() -> None:
    segments = views.highlight(_article())
    assert "".join(s.text for s in segments) == TEXT
    trigger = [s for s in segments if "hl-event" in s.classes]
    assert "".join(s.text for s in trigger) == "rejected"
    assert {s.events for s in trigger} == {("E1",)}
    assert any("hl-quote" in s.classes for s in trigger)  # "cted" lies in both
    # The text stays text: escaping it is the template's job (autoescape).
    assert any("<script>" in s.text for s in segments)
    for s in segments:
        assert all(c.replace("-", "").replace("_", "").isalnum() for c in s.classes)


def test_web_views_highlight_ignores_bad_spans() -> None:
    article = {
        "text": "abc",
        "actors": [
            {
                "id": "A1",
                "kind": "x y<z",
                "mentions": [
                    {"start": 2, "end": 1},
                    {"start": -5, "end": 99},
                    {"start": "1", "end": 2},
                ],
            }
        ],
    }
    segments = views.highlight(article)
    assert "".join(s.text for s in segments) == "abc"
    assert segments[0].classes == ("hl-actor", "kind-x-y-z")


def test_web_views_event_in_words() -> None:
    [event] = views.article_events(_article())
    assert event["words"] == (
        "Iran — rejects → Russia, Monday 21 May 2018, reported by The Times of Israel"
    )
    assert views.verb("REJECT", "120", negated=True) == "does not reject"
    assert views.verb("THREATEN", "130", hypothetical=True) == "may threaten"
    assert views.verb(None, "010", names={"010": "Make statement"}) == "make statement"
    assert views.long_date(dt.date(2018, 5, 21)) == "Monday 21 May 2018"
    assert views.chain_words(
        [{"role": "speaker", "name": "Qasemi"}, {"role": "relay", "name": "Tasnim"}],
        outlet="Example Wire",
    ) == ("said by Qasemi, according to Tasnim, in Example Wire")


def test_web_views_records_fast_path_matches_value_by_value() -> None:
    frame = pd.DataFrame(
        {
            "published": pd.to_datetime(["2018-05-22", None]),
            "added_at": pd.to_datetime(
                ["2026-01-02 03:04:05.123456", "2026-01-02 00:00:01.500000"]
            ),
            "goldstein": [-4.0, float("nan")],
            "confidence": [0.1 + 0.2, 1 / 3],
            "n": pd.array([1, None], dtype="Int64"),
            "name": ["Iran", None],
            "attribution": [["Tasnim", "CNN"], []],
            "flag": [True, False],
        }
    )
    assert views.records(frame) == views.records_slow(frame)
    assert views.records(frame)[0]["published"] == "2018-05-22"
    assert views.records(frame)[0]["added_at"] == "2026-01-02T03:04:05.123456"
    assert views.records(frame)[1]["goldstein"] is None
    assert views.records(frame)[0]["confidence"] == 0.1 + 0.2  # no rounding


def test_web_views_network_layout() -> None:
    dyads = pd.DataFrame(
        {
            "source": ["IRN", "ISR", "USA", "IRN"],
            "target": ["RUS", "IRN", "SYR", "IRN"],
            "events": [3, 2, 1, 5],
            "goldstein": [-4.0, -3.5, 10.0, 0.0],
        }
    )
    net = views.network(dyads)
    assert {n.code for n in net["nodes"]} == {"IRN", "RUS", "ISR", "USA", "SYR"}
    assert [(e.source, e.target) for e in net["edges"]] == [
        ("IRN", "RUS"),
        ("ISR", "IRN"),
        ("USA", "SYR"),
    ]
    assert net["self_pairs"] == 1 and net["pairs"] == 4
    colours = {(e.source, e.target): e.colour for e in net["edges"]}
    red, blue = colours[("IRN", "RUS")], colours[("USA", "SYR")]
    assert int(red[1:3], 16) > int(red[5:7], 16) and int(blue[5:7], 16) > int(blue[1:3], 16)
    assert views.goldstein_colour(0) == "#969696"
    assert views.network(dyads.iloc[0:0])["edges"] == []


def test_web_views_timeline_sums_quads() -> None:
    week = pd.to_datetime(["2018-05-21", "2018-05-21", "2018-05-28"])
    frames = {
        3: pd.DataFrame(
            {
                "period": week,
                "source": ["IRN", "ISR", "IRN"],
                "target": ["RUS", "IRN", "RUS"],
                "events": [1, 2, 4],
                "goldstein": [-4.0, -3.5, -4.0],
            }
        ),
        1: pd.DataFrame(
            {
                "period": week[:1],
                "source": ["RUS"],
                "target": ["SYR"],
                "events": [1],
                "goldstein": [1.0],
            }
        ),
    }
    series = views.timeline_series(frames)
    assert series == [
        {"period": "2018-05-21", "total": 4, "quad_1": 1, "quad_2": 0, "quad_3": 3, "quad_4": 0},
        {"period": "2018-05-28", "total": 4, "quad_1": 0, "quad_2": 0, "quad_3": 4, "quad_4": 0},
    ]
    chart = views.timeline_chart(series)
    assert len(chart["bars"]) == 3 and chart["peak"] == 4


def _year(period: str, n: int) -> dict:
    return {"period": period, "total": n, "quad_1": 0, "quad_2": 0, "quad_3": n, "quad_4": 0}


def test_web_views_timeline_axis_is_continuous_time() -> None:
    series = [_year("1916-01-01", 2), _year("2015-01-01", 3), _year("2016-01-01", 7)]
    chart = views.timeline_chart(series, "year")
    first, second, third = (b["x"] + b["w"] / 2 for b in chart["bars"])
    # 99 empty-free years between the first two bars, one between the last two.
    assert (second - first) / (third - second) == pytest.approx(99, rel=0.01)
    labels = [t["label"] for t in chart["ticks"]]
    assert labels == ["1920", "1940", "1960", "1980", "2000"]
    xs = [t["x"] for t in chart["ticks"]]
    assert xs[1] - xs[0] == pytest.approx(xs[4] - xs[3], abs=0.2)  # evenly spaced
    # The y axis: round ticks from 0 to the top of the plot, which holds the peak.
    assert [t["label"] for t in chart["yticks"]] == ["0", "2", "4", "6", "8"]
    assert chart["yticks"][0]["y"] == chart["base"] and chart["yticks"][-1]["y"] == chart["top"]
    tallest = max(chart["bars"], key=lambda b: b["h"])
    assert tallest["h"] == pytest.approx((chart["base"] - chart["top"]) * 7 / 8, abs=0.1)


def test_web_views_time_ticks_are_round_dates() -> None:
    ticks = views._time_ticks(dt.date(2018, 1, 15), dt.date(2020, 1, 1))
    assert [label for _, label in ticks][:3] == ["2018-04", "2018-07", "2018-10"]
    weekly = views._time_ticks(dt.date(2018, 5, 21), dt.date(2018, 7, 2))
    assert [label for _, label in weekly] == [
        "2018-05-21", "2018-05-28", "2018-06-04", "2018-06-11", "2018-06-18", "2018-06-25",
    ]  # fmt: skip
    assert views._next_period(dt.date(2018, 12, 1), "month") == dt.date(2019, 1, 1)


def test_web_views_actor_chart_on_the_same_time_axis() -> None:
    chart = views.actor_chart(
        [{"period": "2018-01-01", "events": 1}, {"period": "2018-12-01", "events": 4}],
        [{"period": "2018-12-01", "events": 2}],
        "month",
    )
    xs = sorted({round(b["x"] + (b["w"] if b["side"] == "source" else 0)) for b in chart["bars"]})
    assert len(xs) == 2 and xs[1] - xs[0] > 0.8 * (chart["width"] - chart["left"] - 10)
    assert [t["label"] for t in chart["yticks"]] == ["0", "1", "2", "3", "4"]


def test_web_views_event_date_is_written_to_its_precision() -> None:
    assert views.event_date("2014-03-18", "day") == "2014-03-18"
    assert views.event_date("2014-03-01", "month") == "2014-03"
    assert views.event_date("1938-01-01", "year") == "1938"
    assert views.event_date("2019-03-12", "publication") == "2019-03-12 (published)"
    assert views.event_date(None, "publication", "2019-03-12") == "2019-03-12 (published)"
    assert views.event_date("2018-05-21", None) == "2018-05-21"  # stored before precision
