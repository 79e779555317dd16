"""In headless Chromium: offline, strict CSP, accessibility (axe-core) and print to PDF."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .servers import (
    export_tree,
    nginx_binary,
    nginx_server,
    require,
    static_server,
)

pytestmark = pytest.mark.browser
LANGS = ("en", "nl", "id")


@pytest.fixture(scope="module")
def site(seed_build: Path) -> Path:
    return seed_build / "site"


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with static_server(site) as url:
        yield url


def pages(site: Path) -> list[str]:
    return sorted("/" + p.relative_to(site).as_posix().removesuffix("index.html")
                  for p in site.rglob("*.html"))


def protocol_path(lang: str, pid: str = "cmv-icu") -> str:
    return f"/protocols/{pid}/" if lang == "en" else f"/{lang}/protocols/{pid}/"


def home_path(lang: str) -> str:
    return "/" if lang == "en" else f"/{lang}/"


def test_no_request_leaves_the_origin(browser: Any, site: Path, base: str) -> None:
    outside: list[str] = []
    context = browser.new_context()
    # Record every request; let only the site's own through, as on an offline ward.
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    visited = pages(site)
    assert len(visited) >= 9
    for path in visited:
        page.goto(base + path, wait_until="networkidle")
    context.close()
    assert outside == []


def test_the_site_works_under_the_strict_policy(browser: Any, site: Path,
                                                 tmp_path: Path) -> None:
    require("nginx", nginx_binary() is not None)
    with nginx_server(export_tree(site, tmp_path / "export"), tmp_path / "prefix") as url:
        page = browser.new_page()
        violations: list[str] = []
        page.on("console", lambda msg: violations.append(msg.text)
                if "Content Security Policy" in msg.text else None)
        for path in ("/latest/", "/latest/nl/protocols/cmv-icu/", "/latest/404.html"):
            page.goto(url + path, wait_until="networkidle")
            # The inline scripts ran (by hash) and so did Material's bundle (from 'self').
            assert page.evaluate("typeof __md_get") == "function"
            # The header's search box: Pagefind's loader runs under the policy (404.html
            # links from the server root, outside the release, where there is no index).
            page.keyboard.press("/")
            if "404" not in path:
                page.keyboard.type("CMV")
                page.locator(".pf-search .md-search-result__item").first.wait_for()
        page.goto(url + "/latest/protocols/cmv-icu/", wait_until="networkidle")
        scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        page.click("label.md-header__button[for^='__palette']:visible")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme
        page.close()
    assert violations == []


def serious(results: Any) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["home", "protocol", "index", "calculator"])
def test_no_serious_accessibility_violations(browser: Any, base: str, lang: str,
                                            kind: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    prefix = home_path(lang)
    path = {"home": prefix, "protocol": protocol_path(lang), "index": prefix + "indexes/a-z/",
            "calculator": prefix + "calculators/creatinine-clearance/"}[kind]
    page = browser.new_page()
    page.goto(base + path, wait_until="networkidle")
    if kind == "calculator":
        # Check the widget with a result and with an error message showing.
        widget = page.locator('[data-calculator="creatinine-clearance"]')
        widget.locator('input[name="age"]').fill("60")
        widget.locator('input[name="weight"]').fill("abc")
        assert widget.locator(".calculator-messages li").count() > 0
    results = Axe().run(page)
    page.close()
    assert serious(results) == []


@pytest.mark.parametrize("lang", LANGS)
def test_protocol_prints_on_a4(browser: Any, base: str, lang: str) -> None:
    from pypdf import PdfReader

    page = browser.new_page()
    page.goto(base + protocol_path(lang), wait_until="networkidle")
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    header_visible = page.evaluate(
        "getComputedStyle(document.querySelector('.md-header')).display")
    sidebar_visible = page.evaluate(
        "getComputedStyle(document.querySelector('.md-sidebar--primary')).display")
    page.close()
    width, height = (float(v) for v in pdf.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert (header_visible, sidebar_visible) == ("none", "none")
    text = " ".join(p.extract_text() for p in pdf.pages)
    text = re.sub(r"\s+", " ", text)
    caption = {"en": "Document control", "nl": "Documentbeheer", "id": "Kendali dokumen"}[lang]
    printed = {"en": "Printed on", "nl": "Afgedrukt op", "id": "Dicetak pada"}[lang]
    assert caption in text
    # The footer's address may wrap; compare without spaces.
    assert base + protocol_path(lang) in text.replace(" ", "")
    assert printed in text
    # No navigation: the search box and the sidebar's site title are not on paper.
    assert "Search" not in text and "Zoeken" not in text
    # The footer repeats on every sheet.
    assert all(printed in re.sub(r"\s+", " ", p.extract_text()) for p in pdf.pages)
