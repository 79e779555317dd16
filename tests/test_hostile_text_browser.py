"""Titles, summaries and aliases are shown as written, never run or followed (Chromium).

The site is served by a plain static server, with no Content-Security-Policy in front:
what a page does then is what its HTML alone allows.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from generator.cli import main

from .conftest import REPO, minimal_protocol, write_files
from .servers import static_server

SUMMARY = '0;url=https://evil.example/" http-equiv="refresh'
TITLE = "Acme [click](https://evil.example/) ![i](https://evil.example/x.png) *loud* & {.x}"
ALIAS = 'x" onmouseover="alert(1)'
CALC_TITLE = "</title><img src=x onerror=alert(1)>"
EVIL = "evil.example"


def hostile_files() -> dict[str, str | bytes]:
    """One protocol per hostile field, so that each test sees only its own."""
    files: dict[str, str | bytes] = {}
    for pid, meta in (("acme", "title: '" + TITLE + "'"),
                      ("redirect", "title: Redirect\nsummary: '" + SUMMARY + "'"),
                      ("alias", "title: Alias\naliases: ['" + ALIAS + "']")):
        protocol = minimal_protocol(pid)
        body = protocol[f"protocol_src/protocols/{pid}/en.md"]
        protocol[f"protocol_src/protocols/{pid}/en.md"] = body.replace("title: A protocol", meta)
        files.update(protocol)
    files["protocol_src/protocols/alias/protocol.yaml"] = str(
        files["protocol_src/protocols/alias/protocol.yaml"]) + "related:\n  - acme\n"
    spec = (REPO / "protocol_src/calculators/cmv-load-decline.yaml").read_text(encoding="utf-8")
    spec = spec.replace("  en: CMV viral load decline", f'  en: "{CALC_TITLE}"')
    files["protocol_src/calculators/cmv-load-decline.yaml"] = spec
    return files


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile") / "project"
    shutil.copytree(REPO / "site_config", root / "site_config")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    write_files(root, hostile_files())
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        assert main(["build", "--quiet"]) == 0
    with static_server(root / "site") as url:
        yield url


def visit(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    """A page at ``url`` with every dialog and every request outside the site recorded."""
    context = browser.new_context()
    page = context.new_page()
    events: list[str] = []

    def dialog(opened: Any) -> None:
        events.append(f"dialog {opened.message}")
        opened.dismiss()

    def outside(route: Any) -> None:
        events.append(f"request {route.request.url}")
        route.abort()

    page.on("dialog", dialog)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), outside)
    page.goto(url)
    page.wait_for_timeout(1500)  # a meta refresh with a delay of 0 fires by now
    return context, page, events


def test_a_summary_cannot_redirect_the_reader(browser: Any, hostile_site: str) -> None:
    url = f"{hostile_site}/protocols/redirect/"
    context, page, events = visit(browser, url)
    try:
        assert page.url == url
        assert events == []
        assert page.locator('meta[http-equiv="refresh"]').count() == 0
        assert page.locator('meta[name="description"]').get_attribute("content") == SUMMARY
    finally:
        context.close()


def test_a_title_is_text_not_markdown(browser: Any, hostile_site: str) -> None:
    context, page, events = visit(browser, f"{hostile_site}/protocols/acme/")
    try:
        heading = page.locator("h1#top")
        assert heading.inner_text().rstrip("¶").strip() == TITLE
        assert heading.locator("a[href*='evil'], img, em").count() == 0
        assert page.title().startswith(TITLE)
        assert events == []
    finally:
        context.close()


def test_a_calculator_title_cannot_run_script(browser: Any, hostile_site: str) -> None:
    context, page, events = visit(browser, f"{hostile_site}/calculators/cmv-load-decline/")
    try:
        assert events == []
        assert page.locator("img[src='x']").count() == 0
        assert page.title().startswith(CALC_TITLE)
        assert page.locator("h1#top").inner_text().rstrip("¶").strip() == CALC_TITLE
    finally:
        context.close()


def test_an_alias_stays_text(browser: Any, hostile_site: str) -> None:
    context, page, events = visit(browser, f"{hostile_site}/protocols/alias/")
    try:
        assert page.locator("[onmouseover]").count() == 0
        # The hidden search terms (aliases, synonyms, specialty): the alias is text there.
        terms = page.locator("p[hidden]")
        assert any(ALIAS in (terms.nth(i).text_content() or "") for i in range(terms.count()))
        assert events == []
    finally:
        context.close()


def test_a_title_in_a_link_is_text(browser: Any, hostile_site: str) -> None:
    context, page, events = visit(browser, f"{hostile_site}/protocols/alias/")
    try:
        link = page.locator("h2#related-protocols ~ ul a").first
        assert link.inner_text().strip() == TITLE
        assert link.locator("em, a, img").count() == 0
    finally:
        context.close()
