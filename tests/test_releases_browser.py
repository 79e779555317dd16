"""Releases that never mislead, in headless Chromium over an exported tree (issue 17).

r1 holds acme 1.0 (Dutch original, English translation); r2 holds acme 2.0 (a dose
changed in one section, the English translation left at 1.0) and a new protocol, beta.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.release import publish

from .conftest import REPO, write_files
from .servers import static_server
from .test_drift import EN, ENTRY, FIRST, NL, SECOND, YAML

BRANCH = "site-releases"
P = "protocol_src/protocols/acme"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


def _acme(version: str, dose: int, changelog: str) -> dict[str, str]:
    # Long enough that the page scrolls on a phone.
    filler = "\n\n".join(["Lorem ipsum dolor sit amet, consectetur adipiscing elit."] * 30)
    return {f"{P}/protocol.yaml": YAML.format(version=version, changelog=changelog),
            f"{P}/nl.md": NL.format(dose=dose) + "\n" + filler + "\n",
            f"{P}/en.md": EN.format(version="1.0", dose=500) + "\n" + filler + "\n"}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("releases") / "project"
    shutil.copytree(REPO / "site_config", root / "site_config")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    (root / "protocol_src" / "calculators").mkdir(parents=True)
    write_files(root, _acme("1.0", 500, FIRST))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Test Editor")
    _git(root, "config", "user.email", "editor@example.org")
    _commit(root, "acme 1.0")
    publish.publish(root, "r1", BRANCH, lambda: datetime(2026, 11, 22, 9, 0, tzinfo=UTC))
    beta = YAML.format(version="1.0", changelog=ENTRY.format(
        version="1.0", day="2026-12-01", note="First version.")).replace("id: acme", "id: beta")
    write_files(root, {**_acme("2.0", 750, SECOND + FIRST),
                       "protocol_src/protocols/beta/protocol.yaml":
                           beta.replace("original_language: nl", "original_language: en"),
                       "protocol_src/protocols/beta/en.md": "---\ntitle: Beta\n---\n\nText.\n"})
    _commit(root, "acme 2.0, beta")
    publish.publish(root, "r2", BRANCH, lambda: datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    out = root.parent / "public"
    publish.export(root, out, BRANCH)
    with static_server(out) as url:
        yield url


def _open(browser: Any, url: str, **options: Any) -> Any:
    page = browser.new_page(**options)
    page.failed = []
    page.on("response", lambda r: r.status >= 400 and page.failed.append(r.url))
    page.goto(url)
    return page


def _bar(page: Any) -> Any:
    bar = page.locator("[data-release-superseded]")
    bar.wait_for(state="visible", timeout=5000)
    return bar


def _in_viewport(page: Any, selector: str) -> bool:
    return bool(page.evaluate("""s => { const r = document.querySelector(s).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""", selector))


@pytest.mark.parametrize("path", ["nl/protocols/acme/", "protocols/acme/", "id/", ""])
def test_superseded_release_bar_stays_on_screen_and_names_the_newest(
        served: str, browser: Any, path: str) -> None:
    page = _open(browser, f"{served}/r1/{path}#dosing", viewport=PHONE)
    try:
        bar = _bar(page)
        assert "r1" in bar.inner_text() and "r2" in bar.inner_text()
        expected = f"{served}/r2/{path}#dosing"
        # releases.js links the newest release at once and adds the page's anchor after
        # looking the page up in that release: wait for the finished link.
        page.wait_for_function("expected => document.querySelector("
                               "'[data-release-superseded] a').href === expected", arg=expected)
        assert bar.locator("a").get_attribute("href") == expected
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(200)
        if "protocols" in path:  # the home pages are too short to scroll
            assert page.evaluate("window.scrollY") > 300
        assert _in_viewport(page, "[data-release-superseded]")
        with page.expect_navigation():
            bar.locator("a").click()
        assert page.url == expected
        assert page.locator("[data-release-superseded]").is_hidden()
    finally:
        page.close()


def test_a_click_on_the_bar_before_the_lookup_still_opens_the_same_section(
        served: str, browser: Any) -> None:
    # The bar shows at once; which pages the newest release holds is fetched after. A reader
    # who taps before that answer must still land on the page and section, not its home.
    page = browser.new_page(viewport=PHONE)
    held: list[Any] = []
    page.route("**/r2/pages.json", lambda route: held.append(route))  # unanswered until the click
    try:
        page.goto(f"{served}/r1/nl/protocols/acme/#dosing")
        _bar(page).locator("a").click()
        page.wait_for_timeout(300)
        assert held, "the lookup was not asked for"
        assert "/r1/" in page.url  # the tap waits for the answer
        held[0].continue_()
        expected = f"{served}/r2/nl/protocols/acme/#dosing"
        page.wait_for_url(expected, timeout=5000)
    finally:
        page.close()


@pytest.mark.parametrize("release", ["r2", "latest"])
def test_the_newest_release_has_no_bar(served: str, browser: Any, release: str) -> None:
    page = _open(browser, f"{served}/{release}/nl/protocols/acme/")
    try:
        page.wait_for_load_state("networkidle")
        assert page.locator("[data-release-superseded]").is_hidden()
    finally:
        page.close()


def test_the_printed_page_of_a_superseded_release_says_so_on_every_sheet(
        served: str, browser: Any) -> None:
    page = _open(browser, f"{served}/r1/nl/protocols/acme/")
    try:
        _bar(page)
        page.emulate_media(media="print")
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
        sheets = [re.sub(r"\s+", " ", sheet.extract_text()) for sheet in pdf.pages]
        assert len(sheets) > 1
        assert "Vervangen uitgave r1: u leest deze" in sheets[0]
        assert all("Vervangen uitgave r1; nieuwste uitgave: r2" in s for s in sheets)
    finally:
        page.close()


@pytest.mark.parametrize(("start", "choose", "expected"), [
    ("latest/nl/protocols/acme/#monitoring", "r1", "r1/nl/protocols/acme/#monitoring"),
    ("r1/id/protocols/acme/#renal", "r2", "r2/id/protocols/acme/#renal"),
    ("r1/protocols/acme/", "r2", "r2/protocols/acme/"),
    ("latest/nl/protocols/beta/", "r1", "r1/nl/"),  # beta is not in r1
    ("latest/protocols/beta/#top", "r1", "r1/"),
    ("r2/nl/history/acme/", "r1", "r1/nl/history/acme/"),
])
def test_version_selector_keeps_page_and_section(served: str, browser: Any, start: str,
                                                 choose: str, expected: str) -> None:
    page = _open(browser, f"{served}/{start}")
    try:
        link = page.locator(f'.md-version a[href$="/{choose}/"]')
        link.wait_for(state="attached", timeout=5000)
        with page.expect_navigation():
            link.dispatch_event("click")
        assert page.url == f"{served}/{expected}"
    finally:
        page.close()


@pytest.mark.parametrize(("start", "lang", "expected"), [
    ("r1/protocols/acme/#monitoring", "nl", "r1/nl/protocols/acme/#monitoring"),
    ("latest/nl/protocols/acme/#renal", "id", "latest/id/protocols/acme/#renal"),
    ("latest/id/", "en", "latest/"),
])
def test_language_switcher_keeps_page_and_section(served: str, browser: Any, start: str,
                                                  lang: str, expected: str) -> None:
    page = _open(browser, f"{served}/{start}")
    try:
        with page.expect_navigation():
            page.locator(f"a.md-select__link[hreflang={lang}]").dispatch_event("click")
        assert page.url == f"{served}/{expected}"
        assert page.locator("html").get_attribute("lang") == lang
    finally:
        page.close()


@pytest.mark.parametrize("path", ["r1/nl/protocols/acme/", "latest/protocols/acme/",
                                  "r2/id/", "latest/nl/history/acme/"])
def test_no_page_requests_a_file_that_does_not_exist(served: str, browser: Any,
                                                     path: str) -> None:
    page = _open(browser, f"{served}/{path}")
    try:
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert page.failed == []
    finally:
        page.close()


def test_a_drifted_section_shows_its_notice_where_the_reader_lands(served: str,
                                                                  browser: Any) -> None:
    page = _open(browser, f"{served}/latest/protocols/acme/#dosing", viewport=PHONE)
    try:
        drift = page.locator("[data-drift]")
        assert drift.count() == 1 and drift.get_attribute("data-drift") == "dosing"
        assert _in_viewport(page, "[data-drift]")
        with page.expect_navigation():
            drift.locator("a").click()
        assert page.url == f"{served}/latest/nl/protocols/acme/#dosing"
        assert page.locator("[data-drift]").count() == 0
    finally:
        page.close()


FIRST_TEXT = """() => {
  const control = document.querySelector('article details.doc-control-box');
  const text = [...document.querySelectorAll('article p')].filter(p =>
    (control.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING)
    && !p.closest('.admonition'));
  return text[0].getBoundingClientRect().top;
}"""


@pytest.fixture(scope="module")
def seed_site(seed_build: Path) -> Iterator[str]:
    with static_server(seed_build / "site") as url:
        yield url


@pytest.mark.parametrize("prefix", ["", "nl/", "id/"])
@pytest.mark.parametrize("pid", ["cmv-icu", "cmv-recurrent-anemia"])
def test_the_protocol_text_starts_on_a_phones_first_screen(seed_site: str, browser: Any,
                                                           prefix: str, pid: str) -> None:
    page = _open(browser, f"{seed_site}/{prefix}protocols/{pid}/", viewport=PHONE)
    try:
        assert page.locator(".admonition.awaiting-approval").is_visible()
        summary = page.locator("details.doc-control-box > summary")
        assert summary.is_visible()
        # Its first line of text, at least, above the bottom of the screen.
        assert page.evaluate(FIRST_TEXT) < PHONE["height"] - 40
        assert page.locator("table.doc-control").is_hidden()
        summary.click()
        assert page.locator("table.doc-control tr[data-field=source]").is_visible()
    finally:
        page.close()


def test_the_document_control_is_printed_open(seed_site: str, browser: Any) -> None:
    page = _open(browser, f"{seed_site}/nl/protocols/cmv-icu/")
    try:
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
        first = re.sub(r"\s+", " ", pdf.pages[0].extract_text())
        assert "Vastgesteld door" in first and "Presentatie CMV op de IC, 2021" in first
    finally:
        page.close()
