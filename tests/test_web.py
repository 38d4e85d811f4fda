"""The HTTP API and dashboard (`dragoman.web`) through FastAPI's TestClient, on a tmp DuckDB
holding the seed article and a hand-written one."""

from __future__ import annotations

import csv
import html as html_lib
import io
import json
import re
import warnings
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web tests need the `web` extra")
with warnings.catch_warnings():
    # Starlette asks for `httpx2`; the pinned `httpx` works and is what FastAPI documents.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from dragoman.settings import Settings
from dragoman.web import create_app

HAND_WRITTEN = """Turkey Accuses Greece Over Aegean Flights

ANKARA — Turkey on Tuesday accused Greece of violating its airspace over the Aegean Sea, \
the Anadolu news agency reported.

"Greece must stop these provocations," Turkish Foreign Minister Mevlut Cavusoglu said, \
according to Anadolu.

Greece rejected the accusation on Wednesday. The European Union called on both countries \
to resolve the dispute through talks, and Germany offered to mediate.
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Iterator[Any]:
    application = create_app(Settings(), str(tmp_path_factory.mktemp("web") / "web.duckdb"))
    yield application
    application.state.web.store.close()


@pytest.fixture(scope="module")
def client(app: Any) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def seed(client: TestClient, seed_text: str) -> dict[str, Any]:
    """The seed article, posted through the API; the response body."""
    response = client.post(
        "/api/articles",
        json={
            "text": seed_text,
            "published": "2018-05-22",
            "outlet": "The Times of Israel",
            "title": "Iran Rejects Russia’s Call",
            "url": "https://example.org/iran",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture(scope="module")
def hand(client: TestClient) -> dict[str, Any]:
    """The hand-written article, posted through the API."""
    response = client.post(
        "/api/articles",
        json={
            "text": HAND_WRITTEN,
            "published": "2019-03-14",
            "outlet": "Example Wire",
            "id": "hand-1",
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def _event(body: dict[str, Any], source: str, plover: str, target: str) -> dict[str, Any]:
    for event in body["events"]:
        if (
            (event["source"] or {}).get("country") == source
            and event["plover"] == plover
            and (event["target"] or {}).get("country") == target
        ):
            return event
    raise AssertionError(f"no {source} {plover} {target} event in {body['events']}")


# --- the JSON API ---------------------------------------------------------------------


def test_web_health(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "version": response.json()["version"],
        "schema": "dragoman/2",
        "database": "duckdb",
        "writes_need_token": False,
    }


def test_web_post_article_returns_the_output_contract(seed: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(resources.files("dragoman").joinpath("data/schema.json").read_text())
    jsonschema.validate(seed, schema)
    event = _event(seed, "IRN", "REJECT", "RUS")
    assert (event["cameo"], event["root"], event["date"]) == ("120", "12", "2018-05-21")
    assert event["trigger"]["text"] == "rejected"
    assert seed["outlet"] == "The Times of Israel"


def test_web_post_article_twice_is_200_and_changes_nothing(
    client: TestClient, seed: dict, seed_text: str
) -> None:
    before = client.get("/api/stats").json()
    response = client.post("/api/articles", json={"text": seed_text, "published": "2018-05-22"})
    assert response.status_code == 200
    assert response.headers["location"] == f"/api/articles/{seed['hash']}"
    assert client.get("/api/stats").json() == before


def test_web_extract_does_not_store(client: TestClient, seed: dict, hand: dict) -> None:
    before = client.get("/api/stats").json()
    response = client.post(
        "/api/extract",
        json={"text": HAND_WRITTEN.replace("Turkey", "Bulgaria"), "published": "2019-03-14"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["schema"] == "dragoman/2"
    assert any(e["plover"] == "ACCUSE" for e in response.json()["events"])
    assert client.get("/api/stats").json() == before


def test_web_get_article_by_hash_and_by_id(client: TestClient, seed: dict, hand: dict) -> None:
    assert client.get(f"/api/articles/{seed['hash']}").json() == seed
    by_id = client.get("/api/articles/hand-1")
    assert by_id.status_code == 200
    assert by_id.json()["hash"] == hand["hash"]
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {"status": 404, "type": "not_found", "message": "no article 'nope'"}
    }


def test_web_events_filters(client: TestClient, seed: dict, hand: dict) -> None:
    everything = client.get("/api/events").json()
    assert everything["offset"] == 0 and everything["limit"] == 100
    assert len(everything["items"]) == len(seed["events"]) + len(hand["events"])
    rejects = client.get("/api/events", params={"actor": "IRN", "root": "12"}).json()["items"]
    assert [(r["source_country"], r["cameo"], r["target_country"]) for r in rejects] == [
        ("IRN", "120", "RUS")
    ]
    assert rejects[0]["date"] == "2018-05-21" and rejects[0]["published"] == "2018-05-22"
    turkey = client.get("/api/events", params={"source_actor": "TUR"}).json()["items"]
    assert turkey and all(r["source_country"] == "TUR" for r in turkey)
    assert all(r["article_id"] == "hand-1" for r in turkey)
    dated = client.get("/api/events", params={"since": "2019-01-01"}).json()["items"]
    assert dated and {r["article"] for r in dated} == {hand["hash"]}
    conflict = client.get("/api/events", params=[("quad", 3), ("quad", 4)]).json()["items"]
    assert conflict and {r["quad_class"] for r in conflict} <= {3, 4}
    via = client.get("/api/events", params={"via": "anadolu"}).json()["items"]
    assert via and all("Anadolu" in " ".join(r["attribution"]) for r in via)


def test_web_events_newest_first_by_default(client: TestClient, seed: dict, hand: dict) -> None:
    """The API and the page open on the newest events (the hand-written 2019 article),
    not on the oldest; `order=oldest` turns it round."""

    def days(items: list[dict[str, Any]]) -> list[str]:
        return [r["date"] or r["published"] for r in items]

    newest = client.get("/api/events").json()["items"]
    assert days(newest) == sorted(days(newest), reverse=True)
    assert newest[0]["article"] == hand["hash"]
    oldest = client.get("/api/events", params={"order": "oldest"}).json()["items"]
    assert days(oldest) == sorted(days(oldest)) and oldest[0]["article"] == seed["hash"]
    assert all(r["date_precision"] in {"day", "month", "year", "publication"} for r in newest)
    assert client.get("/api/events", params={"order": "sideways"}).status_code == 422
    page = client.get("/events")
    assert page.text.index(hand["events"][0]["trigger"]["text"]) < page.text.index("Pompeo")
    assert '<option value="newest" selected>' in page.text


def test_web_events_paging(client: TestClient, seed: dict, hand: dict) -> None:
    total = len(client.get("/api/events").json()["items"])
    seen, offset, pages = [], 0, 0
    while offset is not None:
        page = client.get("/api/events", params={"limit": 3, "offset": offset}).json()
        assert page["limit"] == 3 and page["offset"] == offset and len(page["items"]) <= 3
        seen += [r["event_id"] for r in page["items"]]
        offset, pages = page["next_offset"], pages + 1
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 3)


def test_web_quotes_actors_dyads_stats_timeline(client: TestClient, seed: dict, hand: dict) -> None:
    quotes = client.get("/api/quotes", params={"speaker": "Qasemi"}).json()["items"]
    assert any(q["text"].startswith("No one can force Iran") for q in quotes)
    assert any("Tasnim" in " ".join(q["via"]) for q in quotes)
    actors = client.get("/api/actors", params={"actor": "IRN"}).json()["items"]
    assert actors[0]["code"] == "IRN" and actors[0]["articles"] == 1
    dyads = client.get("/api/dyads", params={"period": "all"}).json()
    pairs = {(d["source"], d["target"]): d for d in dyads["items"]}
    assert pairs[("IRN", "RUS")]["events"] == 1 and pairs[("IRN", "RUS")]["goldstein"] == -4.0
    weekly = client.get("/api/dyads").json()
    assert weekly["period"] == "week" and all("period" in d for d in weekly["items"])
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 2
    assert stats["events"] == len(seed["events"]) + len(hand["events"])
    timeline = client.get("/api/timeline").json()
    day = {p["period"]: p for p in timeline["items"]}["2018-05-21"]
    assert day["quad_3"] >= 1 and day["total"] == sum(day[f"quad_{q}"] for q in range(1, 5))
    profile = client.get("/api/actors/irn", params={"period": "day"}).json()
    assert profile["code"] == "IRN"
    assert {"target": "RUS", "events": 1, "goldstein": -4.0} in profile["partners_as_source"]
    assert any(p["period"] == "2018-05-21" for p in profile["as_source"])


def test_web_openapi_lists_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/health",
        "/api/articles",
        "/api/extract",
        "/api/articles/{article_id}",
        "/api/events",
        "/api/quotes",
        "/api/actors",
        "/api/actors/{code}",
        "/api/dyads",
        "/api/timeline",
        "/api/stats",
    }
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui-dist-5.35.0/swagger-ui-bundle.js" in docs.text


# --- the dashboard --------------------------------------------------------------------


def test_web_index_shows_form_and_counts(client: TestClient, seed: dict) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<form method="post" action="/" id="paste-form">' in page.text
    assert 'href="/api/stats"' in page.text


def test_web_paste_form_stores_and_redirects(client: TestClient, seed: dict) -> None:
    text = HAND_WRITTEN.replace("Turkey", "Ruritania").replace("Greece", "Freedonia")
    response = client.post(
        "/",
        data={"article": text, "format": "text", "published": "2020-01-07", "outlet": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert re.fullmatch(r"/articles/[0-9a-f]{16}", location)
    assert client.get(location).status_code == 200
    rejected = client.post("/", data={"article": "   ", "format": "text"})
    assert rejected.status_code == 422
    assert "set aside" in rejected.text and "empty" in rejected.text


def test_web_article_page_highlights_and_reads_events(client: TestClient, seed: dict) -> None:
    page = client.get(f"/articles/{seed['hash']}")
    assert page.status_code == 200
    html = page.text
    assert re.search(
        r'<mark class="[^"]*hl-event quad-3"[^>]*data-events="E\d+"[^>]*>'
        r"rejected</mark>",
        html,
    )
    assert re.search(r'<mark class="hl-quote quote-direct"[^>]*>No one can force ', html)
    assert re.search(r'<mark class="hl-actor kind-person"[^>]*>[^<]*Bahram Qasemi</mark>', html)
    assert "Iran — rejects → Russia, Monday 21 May 2018, reported by The Times of Israel" in html
    assert 'CAMEO <b class="code">120</b>' in html
    assert f'href="/api/articles/{seed["hash"]}"' in html
    assert 'href="https://example.org/iran"' in html


def test_web_events_page_filters_and_links(client: TestClient, seed: dict, hand: dict) -> None:
    page = client.get("/events", params={"actor": "IRN", "root": "", "since": ""})
    assert page.status_code == 200  # empty form fields mean "no filter"
    assert 'href="/api/events?actor=IRN"' in page.text
    assert 'href="/events.csv?actor=IRN"' in page.text
    assert "Iran" in page.text and "Anadolu" not in page.text
    first = client.get("/events", params={"limit": 2})
    assert 'href="/events?limit=2&amp;offset=2"' in first.text


def test_web_events_csv(client: TestClient, seed: dict, hand: dict) -> None:
    response = client.get("/events.csv", params={"actor": "IRN"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    api = client.get("/api/events", params={"actor": "IRN"}).json()["items"]
    assert [r["event_id"] for r in rows] == [r["event_id"] for r in api]
    assert rows[0]["attribution"] == ";".join(api[0]["attribution"])


def test_web_actor_network_timeline_pages(client: TestClient, seed: dict, hand: dict) -> None:
    actor = client.get("/actors/IRN")
    assert actor.status_code == 200
    assert 'href="/api/actors/IRN?period=month"' in actor.text
    assert 'class="bar side-source"' in actor.text and 'class="bar side-target"' in actor.text
    network = client.get("/network")
    assert network.status_code == 200
    assert 'href="/api/dyads?period=all&amp;split_igos=true"' in network.text
    assert "<title>IRN → RUS: 1 event, mean Goldstein -4.00</title>" in network.text
    assert re.search(
        r'<path class="edge" d="M[^"]+" stroke="#[0-9a-f]{6}"[^>]*'
        r'data-source="IRN" data-target="RUS"',
        network.text,
    )
    timeline = client.get("/timeline", params={"period": "week"})
    assert timeline.status_code == 200
    assert 'href="/api/timeline?period=week"' in timeline.text
    assert 'class="bar quad-3"' in timeline.text
    # A labelled y axis with round ticks from 0, and date ticks on a time axis.
    assert re.search(r'<text class="axis-label"[^>]*>events per week</text>', timeline.text)
    assert re.search(
        r'<g class="y-axis"><line class="grid"[^>]*></line><text[^>]*>0</text>', timeline.text
    )
    assert re.search(r'<g class="x-axis">.*?>\d{4}(-\d\d){0,2}</text>', timeline.text)


IGO_ARTICLE = """EU and NATO Condemn Russia

BRUSSELS — The European Union on Monday condemned Russia over the attack on the port, \
the Example Wire reported.

NATO accused Russia of violating the ceasefire on Tuesday. The United Nations urged Russia \
to withdraw its troops.
"""


def test_web_network_draws_each_igo_as_its_own_node(tmp_path, pipeline: Any) -> None:
    app = create_app(Settings(), str(tmp_path / "igo.duckdb"))
    try:
        client = TestClient(app, raise_server_exceptions=False)
        posted = client.post(
            "/api/articles",
            json={"text": IGO_ARTICLE, "published": "2021-02-01", "outlet": "Example Wire"},
        )
        assert posted.status_code == 201, posted.text
        sources = {e["source"]["code"] for e in posted.json()["events"]}
        assert {"IGOEUR", "IGONAT", "IGOUNO"} <= sources
        # The dyads API keeps the country IGO unless asked.
        lumped = client.get("/api/dyads", params={"period": "all"}).json()["items"]
        assert {d["source"] for d in lumped} == {"IGO"}
        # Means of three scores, rounded to two decimals (not -1.4333333333333333).
        assert (
            lumped[0]["events"] == 3 and round(lumped[0]["goldstein"], 2) == lumped[0]["goldstein"]
        )
        profile = client.get("/api/actors/RUS").json()
        means = [p["goldstein"] for p in profile["partners_as_target"] + profile["as_target"]]
        assert means and all(round(g, 2) == g for g in means)
        split = client.get("/api/dyads", params={"period": "all", "split_igos": "true"}).json()
        assert {(d["source"], d["target"]) for d in split["items"]} == {
            ("IGOEUR", "RUS"),
            ("IGONAT", "RUS"),
            ("IGOUNO", "RUS"),
        }
        html = client.get("/network").text
        codes = set(re.findall(r'<a href="/actors/(\w+)" class="node" data-code="\w+">', html))
        assert codes == {"IGOEUR", "IGONAT", "IGOUNO", "RUS"}
        assert 'href="/api/dyads?period=all&amp;split_igos=true"' in html
        assert client.get("/actors/IGONAT").status_code == 200
    finally:
        app.state.web.store.close()


def test_web_paste_preview_shows_without_storing(tmp_path, pipeline: Any) -> None:
    app = create_app(Settings(), str(tmp_path / "preview.duckdb"))
    try:
        client = TestClient(app, raise_server_exceptions=False)
        form = {
            "article": HAND_WRITTEN,
            "format": "text",
            "published": "2019-03-14",
            "outlet": "Example Wire",
            "title": "Turkey <b>Accuses</b> Greece",
        }
        assert 'id="preview-button"' in client.get("/").text
        page = client.post("/", data={**form, "action": "preview"}, follow_redirects=False)
        assert page.status_code == 200
        html = page.text
        assert "<b>Preview</b>: extracted with the server’s settings, not stored." in html
        assert re.search(r'<mark class="[^"]*hl-event quad-3"[^>]*>accused</mark>', html)
        assert "Turkey &lt;b&gt;Accuses&lt;/b&gt; Greece" in html
        assert '<input type="hidden" name="outlet" value="Example Wire">' in html
        assert client.get("/api/stats").json()["articles"] == 0  # nothing written
        # The preview's form stores exactly what was previewed.
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))
        hidden = {k: html_lib.unescape(v) for k, v in hidden.items()}
        assert hidden == form
        stored = client.post("/", data={**hidden, "action": "store"}, follow_redirects=False)
        assert stored.status_code == 303
        assert client.get("/api/stats").json()["articles"] == 1
        article = client.get(stored.headers["location"]).text
        assert "Preview" not in article and "accused</mark>" in article
    finally:
        app.state.web.store.close()


def test_web_every_page_links_a_json_counterpart(client: TestClient, seed: dict) -> None:
    for path in (
        "/",
        f"/articles/{seed['hash']}",
        "/events",
        "/actors/IRN",
        "/network",
        "/timeline",
        "/quotes",
        "/articles",
        "/actors",
    ):
        html = client.get(path).text
        assert not re.search(r"\b1 (events|actors|quotes|periods)\b", html), path
        found = re.search(r'JSON: <a class="json-link" href="([^"]+)"', html)
        assert found, path
        api = client.get(found.group(1).replace("&amp;", "&"))
        assert api.status_code == 200 and api.headers["content-type"] == "application/json"


def test_web_error_pages_are_html_for_browsers(client: TestClient) -> None:
    page = client.get("/articles/nope", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no article &#39;nope&#39;" in page.text
    api = client.get("/api/articles/nope", headers={"accept": "text/html"})
    assert api.headers["content-type"] == "application/json"


def test_web_nav_links_quotes_articles_actors(client: TestClient) -> None:
    html = client.get("/").text
    nav = html[html.index('<nav aria-label="main">') : html.index("</nav>")]
    for href in ("/quotes", "/articles", "/actors"):
        assert f'href="{href}"' in nav, href


def test_web_quotes_page_searches_and_links(client: TestClient, seed: dict, hand: dict) -> None:
    page = client.get("/quotes", params={"speaker": "Qasemi"})
    assert page.status_code == 200
    html = page.text
    assert "No one can force Iran" in html
    assert "Mevlut Cavusoglu" not in html and "Greece must stop" not in html
    assert 'href="/api/quotes?speaker=Qasemi"' in html
    assert re.search(rf'href="/articles/{seed["hash"]}#quote-Q\d+"', html)
    # The events coded inside a quote link to their place in the article.
    inside = [(e["id"], e["quote"]) for e in seed["events"] if e.get("quote")]
    assert inside, "the seed article has events inside quotes"
    event, quote = inside[-1]
    speaker = next(q["speaker"]["name"] for q in seed["quotes"] if q["id"] == quote)
    said = client.get("/quotes", params={"speaker": speaker}).text
    assert f'href="/articles/{seed["hash"]}#event-{event}"' in said
    assert f'href="/articles/{seed["hash"]}#quote-{quote}"' in said
    article = client.get(f"/articles/{seed['hash']}").text
    assert re.search(r'<li id="quote-Q\d+" data-quote="Q\d+">', article)
    assert re.search(r'id="event-E\d+" data-event="E\d+"', article)
    # Whole words: "Qase" is no word of any speaker's name.
    assert "No quotes match." in client.get("/quotes", params={"speaker": "Qase"}).text
    # Outlet, words and dates narrow the same list.
    by_outlet = client.get("/quotes", params={"outlet": "Example Wire"}).text
    assert "Greece must stop" in by_outlet and "No one can force Iran" not in by_outlet
    by_text = client.get("/quotes", params={"text": "provocations"}).text
    assert "Greece must stop" in by_text and "No one can force Iran" not in by_text
    by_date = client.get("/quotes", params={"until": "2018-12-31"}).text
    assert "No one can force Iran" in by_date and "Greece must stop" not in by_date


def test_web_quotes_newest_first_and_paged(client: TestClient, seed: dict, hand: dict) -> None:
    api = client.get("/api/quotes").json()["items"]
    dates = [q["published"] for q in api]
    assert dates == sorted(dates, reverse=True) and dates[0] > dates[-1]
    oldest = client.get("/api/quotes", params={"order": "oldest"}).json()["items"]
    assert [q["published"] for q in oldest] == sorted(dates)
    html = client.get("/quotes").text
    assert html.index("Greece must stop") < html.index("No one can force Iran")
    first = client.get("/quotes", params={"limit": 1}).text
    assert 'href="/quotes?limit=1&amp;offset=1"' in first
    second = client.get("/quotes", params={"limit": 1, "offset": 1}).text
    assert 'href="/quotes?limit=1&amp;offset=0"' in second


def test_web_articles_page_lists_and_searches(client: TestClient, seed: dict, hand: dict) -> None:
    page = client.get("/articles")
    assert page.status_code == 200
    html = page.text
    iran = f'href="/articles/{seed["hash"]}"'
    turkey = f'href="/articles/{hand["hash"]}"'
    assert iran in html and turkey in html
    assert html.index(turkey) < html.index(iran)  # newest first
    assert 'href="/api/articles"' in html
    listed = client.get("/api/articles").json()["items"]
    row = next(r for r in listed if r["article"] == seed["hash"])
    assert row["events"] == len(seed["events"]) and row["quotes"] == len(seed["quotes"])
    assert row["actors"] == len(seed["actors"])
    by_words = client.get("/articles", params={"words": "aegean ANKARA"}).text
    assert turkey in by_words and iran not in by_words
    assert iran not in client.get("/articles", params={"words": "aegean Qasemi"}).text
    by_title = client.get("/articles", params={"words": "Rejects"}).text
    assert iran in by_title and turkey not in by_title
    by_outlet = client.get("/articles", params={"outlet": "the times of israel"}).text
    assert iran in by_outlet and turkey not in by_outlet
    by_date = client.get("/articles", params={"since": "2019-01-01", "until": "2019-12-31"}).text
    assert turkey in by_date and iran not in by_date


def test_web_actor_search_by_name_or_code(client: TestClient, seed: dict, hand: dict) -> None:
    def body(params: dict[str, str]) -> str:
        html = client.get("/actors", params=params).text
        return html[html.index("<tbody>") : html.index("</tbody>")]

    page = client.get("/actors", params={"q": "qasemi"})
    assert page.status_code == 200
    by_name = body({"q": "qasemi"})
    assert "Bahram Qasemi" in by_name and "Anadolu" not in by_name
    by_code = body({"q": "TUR"})
    assert "Anadolu Agency" in by_code and "Qasemi" not in by_code
    assert re.search(r'<a class="actor-link" href="/actors/TUR[A-Z]*">', by_code)
    assert "No actors match." in body({"q": "zzzqqq"})
    api = client.get("/api/actors", params={"q": "qasemi"}).json()["items"]
    assert api and all("qasemi" in a["name"].lower() for a in api)


@pytest.mark.parametrize(
    "url",
    [
        "/events?since=2019-13-45",
        "/events?limit=5000",
        "/quotes?since=2019-13-45",
        "/quotes?limit=5000",
        "/articles?until=yesterday",
        "/actors?limit=0",
        "/timeline?period=fortnight",
    ],
)
def test_web_bad_parameters_are_an_html_page_for_browsers(client: TestClient, url: str) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    page = client.get(url, headers={"accept": accept})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>422 — validation error</h1>" in page.text
    name = url.split("?")[1].split("=")[0]
    assert f"query.{name}:" in page.text
    path = url.split("?")[0]
    assert f'<a href="{path}">' in page.text  # a way back without the bad parameter
    api = client.get("/api" + url, headers={"accept": accept})
    if api.status_code != 404:  # /api/timeline exists; the others too, bar none
        assert api.status_code == 422 and api.headers["content-type"] == "application/json"
        assert api.json()["error"]["type"] == "validation_error"


# --- the command ----------------------------------------------------------------------


def test_web_serve_command_starts_uvicorn(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import uvicorn
    from click.testing import CliRunner

    from dragoman.web.cli import serve

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **options: Any) -> None:
        seen.update(options, app=app)
        app.state.web.store.close()

    monkeypatch.setattr(uvicorn, "run", fake_run)
    db = str(tmp_path / "serve.duckdb")
    result = CliRunner().invoke(
        serve, ["--db", db, "--port", "8123", "--token", "T", "--max-body", "1000"]
    )
    assert result.exit_code == 0, result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert seen["app"].state.web.token == "T" and seen["app"].state.web.max_body == 1000
    assert f"serving {db} on http://127.0.0.1:8123" in result.output

    result = CliRunner().invoke(
        serve, ["--db", db, "--host", "0.0.0.0"], env={"DRAGOMAN_SERVE_TOKEN": "from-env"}
    )
    assert result.exit_code == 0, result.output
    assert seen["app"].state.web.token == "from-env"
    assert "no --token" not in result.output
    result = CliRunner().invoke(serve, ["--db", db, "--host", "0.0.0.0"])
    assert "warning: serving on 0.0.0.0 with no --token" in result.output
    bad = CliRunner().invoke(serve, ["--db", db, "--port", "70000"])
    assert bad.exit_code == 2
