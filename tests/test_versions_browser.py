"""Versioned site in headless Chromium: an exported tree served over HTTP on 127.0.0.1.

Switching language must stay inside the release (``/r1/`` or ``/latest/``), an
earlier release shows the outdated banner linking to the same page in ``latest``,
and the History page links to the very pages of both releases.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.release import publish

from .conftest import REPO, minimal_protocol, write_files
from .servers import static_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
BRANCH = "site-releases"
P = "protocol_src/protocols/acme"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"{CHROMIUM} is missing; browser tests are mandatory in CI")
    pytest.skip(f"{CHROMIUM} is missing", allow_module_level=True)

pytestmark = pytest.mark.browser


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("versions") / "project"
    shutil.copytree(REPO / "site_config", root / "site_config")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    write_files(root, minimal_protocol("acme", "Acme dosing"))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Test Editor")
    _git(root, "config", "user.email", "editor@example.org")
    _commit(root, "acme 1.0")
    publish.publish(root, "r1", BRANCH, lambda: datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    body = root / P / "en.md"
    body.write_text(body.read_text(encoding="utf-8").replace("Text.", "New text."),
                    encoding="utf-8")
    yaml = root / P / "protocol.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace('"1.0"\nstatus', '"1.1"\nstatus')
                    + '  - version: "1.1"\n    date: 2026-12-01\n    note: Clarified.\n',
                    encoding="utf-8")
    _commit(root, "acme 1.1")
    publish.publish(root, "r2", BRANCH, lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    # r3, published by mistake and withdrawn: `latest` is r2 again.
    publish.publish(root, "r3", BRANCH, lambda: datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    publish.withdraw(root, "r3", "Published by mistake", BRANCH,
                     lambda: datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    out = root.parent / "public"
    publish.export(root, out, BRANCH)
    with static_server(out) as url:
        yield url


@pytest.mark.parametrize("release", ["r1", "latest"])
@pytest.mark.parametrize(("start", "lang", "expected"), [
    ("", "nl", "nl/"),
    ("nl/", "id", "id/"),
    ("id/", "en", ""),
    ("protocols/acme/", "nl", "nl/protocols/acme/"),
    ("nl/protocols/acme/", "en", "protocols/acme/"),
])
def test_language_switch_stays_in_release(served: str, browser: object, release: str,
                                          start: str, lang: str, expected: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{served}/{release}/{start}")
        with page.expect_navigation():
            page.locator(f"a.md-select__link[hreflang={lang}]").dispatch_event("click")
        assert page.url == f"{served}/{release}/{expected}"
        assert page.locator("html").get_attribute("lang") == lang
    finally:
        page.close()


def test_old_release_links_to_the_newest(served: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{served}/r1/nl/protocols/acme/")
        banner = page.locator("[data-release-superseded]")
        banner.locator("a").wait_for(state="visible", timeout=5000)
        page.wait_for_function("() => document.querySelector('[data-release-superseded] a')"
                               ".href.endsWith('/r2/nl/protocols/acme/')")
        with page.expect_navigation():
            banner.locator("a").click()
        assert page.url == f"{served}/r2/nl/protocols/acme/"
        assert page.locator("[data-release-superseded]").is_hidden()
        assert "New text." in page.content()
    finally:
        page.close()


def test_root_redirects_and_history_links_both_releases(served: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(f"{served}/")
        page.wait_for_url(f"{served}/latest/")
        page.goto(f"{served}/latest/history/acme/")
        hrefs = page.eval_on_selector_all("a.release-link", "els => els.map(e => e.href)")
        assert hrefs == [f"{served}/r2/protocols/acme/", f"{served}/r1/protocols/acme/"]
        page.goto(hrefs[1])
        assert "Text." in page.content() and "New text." not in page.content()
    finally:
        page.close()


def test_withdrawn_release_keeps_its_pages_with_a_bar(served: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 700})  # type: ignore[attr-defined]
    try:
        page.goto(f"{served}/r3/nl/protocols/acme/")
        bar = page.locator("[data-withdrawn]")
        assert bar.get_attribute("data-withdrawn") == "Published by mistake"
        assert bar.inner_text().startswith("Ingetrokken uitgave: gebruik deze pagina niet")
        # A long page (as a real protocol is), scrolled to its end.
        page.evaluate("document.querySelector('article').insertAdjacentHTML('beforeend', "
                      "'<div style=\"height: 5000px\"></div>'); window.scrollTo(0, 4000)")
        assert page.evaluate("window.scrollY") > 3000
        box = bar.bounding_box()
        assert box is not None and bar.is_visible()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 700  # still on screen
        with page.expect_navigation():
            bar.locator("a").click()
        assert page.url == f"{served}/latest/nl/protocols/acme/"
        assert page.locator("[data-withdrawn]").count() == 0
        page.emulate_media(media="print")
        page.goto(f"{served}/r3/protocols/acme/")
        assert page.locator("[data-withdrawn]").is_visible()
        versions = page.evaluate("fetch('../../../versions.json').then(r => r.json())")
        assert [(v["version"], v["aliases"]) for v in versions] == [("r2", ["latest"]),
                                                                    ("r1", [])]
    finally:
        page.close()
