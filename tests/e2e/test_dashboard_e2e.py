"""The dashboard in a real browser: paste the seed article, read it, filter, look around."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[3] / "shared/samples/seed-article.txt"

MALICIOUS = (
    "Ruritania Accuses Freedonia\n\n"
    "Ruritania on Monday accused Freedonia of shelling its border towns, the Example Wire "
    "reported. <script>window.__xss = 1; alert(1)</script> "
    '<img src=x onerror="window.__xss = 2; alert(2)"> '
    '"We will respond," the Ruritanian defence minister said. '
    '<svg onload="window.__xss = 3"></svg> Freedonia denied the claims on Tuesday.'
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"needs the seed article at {SEED} (the ../shared folder); not present")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_url(browser, server: str, seed_text: str, shoot) -> str:
    """Paste the seed article through the form; the URL of the article page it leads to."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)  # extraction is CPU-bound; CI machines are small
    page.goto(server + "/")
    page.fill("#article", seed_text)
    page.fill("input[name=published]", "2018-05-22")
    page.fill("input[name=outlet]", "The Times of Israel")
    page.fill("input[name=title]", "Iran Rejects Russia’s Call to Remove All Foreign Troops")
    shoot(page, "paste")
    with page.expect_navigation(timeout=120_000):
        page.click("#extract-button")
    url = page.url
    context.close()
    assert re.search(r"/articles/[0-9a-f]{16}$", url), url
    return url


def test_web_e2e_seed_article_highlights_iran_rejection(page, seed_url: str, shoot) -> None:
    page.goto(seed_url)
    trigger = page.locator("mark.hl-event", has_text="rejected").first
    assert trigger.is_visible()
    assert "quad-3" in (trigger.get_attribute("class") or "")  # verbal conflict
    sentence = page.locator(".event-item .words", has_text="rejects → Russia").first
    text = sentence.inner_text()
    assert text.startswith("Iran — rejects → Russia, Monday 21 May 2018"), text
    assert "The Times of Israel" in text
    assert page.locator("mark.hl-actor", has_text="Bahram Qasemi").count() >= 1
    assert page.locator("mark.hl-quote").count() >= 1
    # Pointing at the event in the list outlines its trigger in the text.
    page.locator(".event-item", has_text="rejects → Russia").first.hover()
    assert page.locator("mark.hl-event.focus", has_text="rejected").count() == 1
    shoot(page, "article")
    assert page.errors == []


def test_web_e2e_filter_events_by_actor(page, server: str, seed_url: str, shoot) -> None:
    page.goto(server + "/events")
    total = page.locator("table.events tbody tr").count()
    page.fill("#event-filters input[name=actor]", "RUS")
    with page.expect_navigation():
        page.click("#event-filters button[type=submit]")
    assert "actor=RUS" in page.url and "since=" not in page.url  # empty fields dropped
    rows = page.locator("table.events tbody tr")
    assert 0 < rows.count() < total
    for i in range(rows.count()):
        assert "RUS" in rows.nth(i).inner_text()
    assert "actor=RUS" in (page.locator("#csv-link").get_attribute("href") or "")
    shoot(page, "events")
    page.goto(server + "/actors/IRN")
    assert page.locator("#actor-chart rect.bar").count() >= 1
    shoot(page, "actor")
    assert page.errors == []


def test_web_e2e_network_and_timeline(page, server: str, seed_url: str, shoot) -> None:
    page.goto(server + "/network")
    edges = page.locator("#network path.edge")
    assert edges.count() >= 3
    assert page.locator("#network .node text", has_text="IRN").count() == 1
    titles = page.locator("#network path.edge title").all_text_contents()
    assert any(t.startswith("IRN → RUS") for t in titles), titles
    shoot(page, "network")
    page.locator("#network .node[data-code=IRN] circle").hover()
    assert page.locator("#network path.edge.dim").count() >= 1
    page.goto(server + "/timeline")
    assert page.locator("#timeline rect.bar").count() >= 1
    shoot(page, "timeline")
    assert page.errors == []


def test_web_e2e_api_docs_render(page, server: str, shoot) -> None:
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock-summary-path", has_text="/api/events").count() >= 1
    shoot(page, "docs", publish=False)
    assert page.errors == []


def test_web_e2e_malicious_article_script_does_not_run(page, server: str, shoot) -> None:
    page.set_default_timeout(120_000)
    page.goto(server + "/")
    page.fill("#article", MALICIOUS)
    page.fill("input[name=title]", "<script>window.__xss = 4</script>")
    page.fill("input[name=outlet]", '<img src=x onerror="window.__xss = 5">')
    with page.expect_navigation(timeout=120_000):
        page.click("#extract-button")
    assert "/articles/" in page.url
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#article-text script, #article-text img, #article-text svg").count() == 0
    assert "<script>window.__xss = 1" in page.locator("#article-text").inner_text()
    shoot(page, "malicious", publish=False)
    assert page.errors == []


def test_web_e2e_quotes_page_search_and_links(page, server: str, seed_url: str, shoot) -> None:
    page.goto(server + "/")
    page.click("nav a[href='/quotes']")
    page.wait_for_url(server + "/quotes")
    assert page.locator("nav a[aria-current=page]").inner_text() == "Quotes"
    assert page.locator("li.quote-item").count() >= 5
    page.fill("#quote-filters input[name=speaker]", "Qasemi")
    with page.expect_navigation():
        page.click("#quote-filters button[type=submit]")
    assert "speaker=Qasemi" in page.url and "since=" not in page.url
    items = page.locator("li.quote-item")
    assert items.count() >= 2
    for i in range(items.count()):
        assert "Bahram Qasemi" in items.nth(i).locator(".speaker").inner_text()
    shoot(page, "quotes")
    # A quote's link leads to its place in the article.
    with page.expect_navigation():
        items.first.locator("a.article-link").click()
    assert re.search(r"/articles/[0-9a-f]{16}#quote-Q\d+$", page.url), page.url
    assert page.locator("#" + page.url.split("#")[1]).is_visible()
    # An event coded inside a quote: its link leads to the event in the article's list.
    page.goto(server + "/quotes?speaker=Pompeo")
    event = page.locator("ul.inside a.event-link").first
    with page.expect_navigation():
        event.click()
    anchor = page.url.split("#")[1]
    assert anchor.startswith("event-E")
    assert page.locator("#" + anchor).is_visible()
    assert page.errors == []


def test_web_e2e_articles_list_and_search(page, server: str, seed_url: str, shoot) -> None:
    page.goto(server + "/")
    page.click("nav a[href='/articles']")
    page.wait_for_url(server + "/articles")
    rows = page.locator("table.articles tbody tr")
    assert rows.count() >= 1
    assert "Iran Rejects Russia" in page.locator("table.articles").inner_text()
    page.fill("#article-filters input[name=words]", "Qasemi Syria")
    with page.expect_navigation():
        page.click("#article-filters button[type=submit]")
    assert rows.count() == 1 and "2018-05-22" in rows.first.inner_text()
    shoot(page, "articles")
    with page.expect_navigation():
        rows.first.locator("a.article-link").click()
    assert page.url == seed_url
    page.goto(server + "/articles?words=nothingwouldmatchthis")
    assert page.locator("table.articles td.empty").count() == 1
    assert page.errors == []


def test_web_e2e_actor_search(page, server: str, seed_url: str, shoot) -> None:
    page.goto(server + "/")
    page.click("nav a[href='/actors']")
    page.wait_for_url(server + "/actors")
    page.fill("#actor-search input[name=q]", "putin")
    with page.expect_navigation():
        page.press("#actor-search input[name=q]", "Enter")
    rows = page.locator("table.actors tbody tr")
    assert rows.count() >= 1
    assert all("Putin" in rows.nth(i).inner_text() for i in range(rows.count()))
    shoot(page, "actors")
    with page.expect_navigation():
        rows.first.locator("a.actor-link").click()
    assert page.url.endswith("/actors/RUSGOV")
    assert page.locator("h1").inner_text() == "Actor RUSGOV"
    assert page.errors == []


@pytest.mark.parametrize("query", ["since=2019-13-45", "limit=5000"])
def test_web_e2e_bad_parameter_shows_an_html_error(page, server: str, query: str) -> None:
    response = page.goto(f"{server}/events?{query}")
    assert response.status == 422
    assert page.locator("h1").inner_text() == "422 — validation error"
    assert query.split("=")[0] in page.locator(".problem").inner_text()
    with page.expect_navigation():
        page.click("a[href='/events']:has-text('without these parameters')")
    assert page.url == server + "/events"
    assert page.locator("table.events").count() == 1


NARROW_PAGES = [
    "/",
    "/events",
    "/events?limit=5000",
    "/quotes",
    "/articles",
    "/actors",
    "/actors/IRN",
    "/network",
    "/timeline",
    "/docs",
    "/nope",
]


@pytest.mark.parametrize("path", [*NARROW_PAGES, "ARTICLE"])
def test_web_e2e_no_horizontal_overflow_at_390px(
    browser, server: str, seed_url: str, path: str, shoot
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(seed_url if path == "ARTICLE" else server + path)
        if path == "/docs":
            page.wait_for_selector(".opblock", timeout=20_000)
        width = page.evaluate("document.documentElement.scrollWidth")
        wide = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *'))
                 .filter(el => el.getBoundingClientRect().right > 391)
                 .filter(el => !el.closest('.scroll'))
                 .slice(0, 5)
                 .map(el => el.tagName + '.' + el.className + ' '
                            + Math.round(el.getBoundingClientRect().right))"""
        )
        assert width <= 390, (path, width, wide)
        if path in ("/events", "ARTICLE"):
            shoot(page, "narrow-" + path.strip("/").lower(), publish=False)
    finally:
        context.close()


def test_web_e2e_paste_preview_then_store(page, server: str, shoot) -> None:
    page.set_default_timeout(120_000)
    text = (
        "Turkey Warns Greece\n\nTurkey on Monday warned Greece against moving troops to "
        "the islands, the Example Wire reported. Greece rejected the warning on Tuesday."
    )

    def stored() -> int:
        return int(page.request.get(server + "/api/stats").json()["articles"])

    before = stored()
    page.goto(server + "/")
    page.fill("#article", text)
    page.fill("input[name=title]", "Turkey Warns Greece")
    with page.expect_navigation(timeout=120_000):
        page.click("#preview-button")
    assert page.url == server + "/"  # a preview has no address: nothing was stored
    assert page.locator(".preview-bar b", has_text="Preview").is_visible()
    assert page.locator("#article-text mark.hl-event").count() >= 1
    assert page.locator(".event-item", has_text="Greece").count() >= 1
    assert page.locator("h1").inner_text() == "Turkey Warns Greece"
    shoot(page, "preview")
    assert stored() == before
    with page.expect_navigation(timeout=120_000):
        page.click("#store-button")
    assert re.search(r"/articles/[0-9a-f]{16}$", page.url), page.url
    assert page.locator(".preview-bar").count() == 0
    assert page.locator("h1").inner_text() == "Turkey Warns Greece"
    assert page.locator("#article-text mark.hl-event").count() >= 1
    assert stored() == before + 1
    assert page.errors == []
