"""Pagefind search in headless Chromium, served by the repository's nginx (its CSP and gzip)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.engine.search import LOADER, RESULTS_PER_PAGE, first_query_bytes

from .conftest import REPO, SITE_LANGUAGES
from .servers import export_tree, nginx_binary, nginx_server, require

pytestmark = pytest.mark.browser
LANGS = SITE_LANGUAGES
# Words of each language's seed pages in inflected forms, so a hit needs that
# language's stemmer; the alias and glossary expansions are in no running text.
STEMMED = {"en": "reactivations", "nl": "behandelingen", "id": "pengobatannya"}
FIRST_QUERY_BUDGET = 150 * 1024
RESULT_LINK = ".pf-search .md-search-result__item > a"
# The files of one language's index: wasm.nl.pagefind, pagefind.nl_<hash>.pf_meta,
# index/nl_<hash>.pf_index, fragment/nl_<hash>.pf_fragment.
INDEX_FILE = re.compile(r"^wasm\.(\w+)\.pagefind$|^(?:pagefind\.)?([a-z]+)_\w+\.pf_\w+$")


@dataclass(frozen=True)
class Server:
    url: str  # the latest release, e.g. http://127.0.0.1:PORT/latest
    log: Path  # nginx's log of bytes sent per request (tests/servers.py)


@pytest.fixture(scope="module")
def server(seed_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require("nginx", nginx_binary() is not None)
    tmp = tmp_path_factory.mktemp("search-nginx")
    with nginx_server(export_tree(seed_build / "site", tmp / "export"), tmp / "prefix") as url:
        yield Server(url + "/latest", tmp / "prefix" / "logs" / "sizes.log")


def home(server: Server, lang: str) -> str:
    return server.url + ("/" if lang == "en" else f"/{lang}/")


def result_links(page: Any) -> list[str]:
    links: list[str] = page.eval_on_selector_all(
        RESULT_LINK, "els => els.map(e => e.getAttribute('href'))")
    return links


def search(page: Any, query: str) -> list[str]:
    """Type ``query`` with the keyboard into the header's box; the links of the results."""
    page.keyboard.press("/")  # jumps to the search box, as in Material
    page.keyboard.type(query)
    # The count replaces the placeholder once the search is done ("3 matching documents").
    # Locators, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator(".pf-search .md-search-result__meta").filter(
        has_text=re.compile(r"\d|" + NONE)).wait_for()
    return result_links(page)


NONE = "Geen|No matching|Tidak ada"  # Material's "no matching documents" in en/nl/id


@pytest.mark.parametrize("lang", LANGS)
def test_results_only_in_the_readers_language(browser: Any, server: Server, lang: str) -> None:
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    page.goto(home(server, lang), wait_until="networkidle")
    links = search(page, "CMV")
    assert links, f"no result for CMV in {lang}"
    for link in links:
        path = urlsplit(link).path
        assert path.startswith("/latest/"), link
        in_lang = path.startswith(f"/latest/{lang}/") if lang != "en" else not any(
            path.startswith(f"/latest/{other}/") for other in ("nl", "id"))
        assert in_lang, (lang, link)
        # Only what a reader acts on: no History, index or "Referenced by" page beside it.
        assert re.search(r"/(protocols|calculators)/[^/]+/$", path), (lang, link)
    assert violations == []
    page.close()


@pytest.mark.parametrize("lang", LANGS)
def test_stemming_in_each_language(browser: Any, server: Server, lang: str) -> None:
    page = browser.new_page()
    page.goto(home(server, lang), wait_until="networkidle")
    assert search(page, STEMMED[lang]), f"{STEMMED[lang]!r} found nothing in {lang}"
    page.close()


def test_a_word_of_no_page_finds_nothing(browser: Any, server: Server) -> None:
    page = browser.new_page()
    page.goto(home(server, "nl"), wait_until="networkidle")
    assert search(page, "xylofoonkwartet") == []
    assert page.inner_text(".pf-search .md-search-result__meta") == "Geen overeenkomende documenten"
    page.close()


@pytest.mark.parametrize(("lang", "query", "pid"), [
    ("en", "Cytomegalovirus intensive care unit", "cmv-icu"),  # an alias
    ("en", "bronchoalveolar", "cmv-icu"),  # the glossary's expansion of BAL
    ("nl", "bronchoalveolaire", "cmv-icu"),
    ("id", "bronkoalveolar", "cmv-icu"),
])
def test_aliases_and_glossary_are_findable(browser: Any, server: Server, lang: str, query: str,
                                           pid: str) -> None:
    page = browser.new_page()
    page.goto(home(server, lang), wait_until="networkidle")
    links = search(page, query)
    # Another protocol may rank first; this one may be further down, where focusing the
    # last result shows the next page of results.
    found = int(re.findall(r"\d+", page.inner_text(".pf-search .md-search-result__meta"))[0])
    items = page.locator(".pf-search .md-search-result__item")
    while not any(f"/protocols/{pid}/" in link for link in links) and items.count() < found:
        shown = items.count()
        page.locator(RESULT_LINK).last.focus()
        items.nth(shown).wait_for()
        links = result_links(page)
    assert any(f"/protocols/{pid}/" in link for link in links), (lang, query, links)
    page.close()


def results_height(page: Any) -> float:
    """The drop-down's height: Material's styles fold it to nothing when the toggle is off."""
    box = page.locator(".pf-search .md-search__scrollwrap").bounding_box()
    return float(box["height"]) if box else 0.0


def test_keyboard_only(browser: Any, server: Server) -> None:
    """"/" opens the search, arrows walk the results, Enter opens one, Escape closes."""
    page = browser.new_page()
    page.goto(home(server, "id"), wait_until="networkidle")
    links = search(page, "CMV")
    assert page.is_checked("#__search")  # Material's own toggle: its look, its overlay
    assert results_height(page) > 100
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == links[0]
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.name") == "query"
    page.keyboard.press("Escape")
    assert not page.is_checked("#__search")
    assert results_height(page) == 0
    page.keyboard.press("/")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(server.url + urlsplit(links[0]).path[len("/latest"):])))
    page.close()


def test_the_magnifier_opens_the_search_on_a_phone(browser: Any, server: Server) -> None:
    page = browser.new_page(viewport={"width": 400, "height": 800})
    page.goto(home(server, "en"), wait_until="networkidle")
    assert search_width(page) == 0  # Material folds the search away on a small screen
    page.click(".md-header__button[for=__search]")
    page.keyboard.type("CMV")  # the click put the cursor in the box
    page.locator(RESULT_LINK).first.wait_for()
    assert search_width(page) == 400
    page.close()


def search_width(page: Any) -> float:
    box = page.locator(".pf-search .md-search__inner").bounding_box()
    return float(box["width"]) if box else 0.0


def logged_sizes(log: Path, start: int) -> list[tuple[str, int, int]]:
    """(path, bytes sent with headers, body bytes) per request logged after ``start``."""
    with log.open("rb") as handle:
        handle.seek(start)
        lines = handle.read().decode().splitlines()
    return [(path, int(sent), int(body))
            for path, _status, sent, body in (line.split() for line in lines)]


def is_search(path: str) -> bool:
    return "/pagefind/" in path or "/assets/search." in path


@pytest.mark.parametrize("lang", LANGS)
def test_first_query_transfers_at_most_150_kb(browser: Any, server: Server, lang: str,
                                              seed_build: Path) -> None:
    """Everything search costs a reader, from loading the page to the first results: the
    script, Pagefind's loader and WebAssembly, its index chunk and result fragments, as
    nginx sent them (gzipped where not compressed already), HTTP headers included."""
    # A new context: an empty cache. No service worker: what it stores for offline use is
    # a one-time download of its own (tests/test_reader_browser.py), not the cost of a query.
    page = browser.new_page(service_workers="block")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    start = server.log.stat().st_size
    page.goto(home(server, lang), wait_until="networkidle")
    assert search(page, "CMV")
    page.close()
    sizes = [entry for entry in logged_sizes(server.log, start) if is_search(entry[0])]
    total, body = sum(entry[1] for entry in sizes), sum(entry[2] for entry in sizes)
    print(f"first query {lang}: {total} bytes sent ({body} body) in {len(sizes)} requests")
    for path, sent, body_bytes in sizes:
        print(f"  {sent:7d} {body_bytes:7d} {path}")
    assert total <= FIRST_QUERY_BUDGET, sizes
    # Nothing leaves the origin; no second UI, no worker; one page of results.
    origin = urlsplit(server.url)
    assert [url for url in requested if urlsplit(url).netloc != origin.netloc] == []
    names = [path.rsplit("/", 1)[1].split("?")[0] for path, _, _ in sizes]
    assert not [name for name in names if name.startswith("pagefind-")
                and name != "pagefind-entry.json"], names
    assert len([name for name in names if name.endswith(".pf_fragment")]) <= RESULTS_PER_PAGE
    # Only this language's index and WebAssembly.
    languages = {match.group(1) or match.group(2) for name in names
                 if (match := INDEX_FILE.match(name))}
    assert languages == {lang}, names
    # generator.engine.search.first_query_bytes, which the README and benchmark cite, counts the
    # files fetched here: an upper bound but for nginx's framing of gzipped bodies.
    assert body <= first_query_bytes(seed_build / "site", lang) * 1.01


def test_the_bound_counts_what_the_script_and_nginx_do() -> None:
    script = (REPO / "generator" / "assets" / "search.js").read_text(encoding="utf-8")
    assert f"var PAGE = {RESULTS_PER_PAGE};" in script
    assert f'import(new URL("{LOADER}", bundle)' in script and "noWorker: true" in script
    conf = (REPO / "deploy" / "nginx" / "protocols.conf").read_text(encoding="utf-8")
    assert "gzip_min_length 256;" in conf and "gzip_comp_level" not in conf  # level 1
