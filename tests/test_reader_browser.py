"""The reader's site in headless Chromium, phone (390×844) and desktop, against the built site:
the home page, the answer first on a protocol page, paper, search, the language switcher
and the site offline. Served by the repository's nginx (its CSP) where the point is the
deployed site."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from generator import pipeline
from generator.engine import mkdocs_site, offline
from generator.engine.fsutil import write_tree

from .conftest import REPO, copy_seed_project
from .servers import export_tree, nginx_binary, nginx_server, require, static_server
from .test_search_browser import search


def _seed_version(pid: str) -> str:
    """The seed protocol's current version, as its protocol.yaml records it."""
    text = (REPO / "protocol_src" / "protocols" / pid / "protocol.yaml").read_text(encoding="utf-8")
    found = re.search(r'^version: "([0-9.]+)"$', text, re.M)
    assert found is not None
    return found.group(1)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CONTACT = "https://intranet.example.org/protocol-feedback?form=7"


RELEASE = "2026-12"


@pytest.fixture(scope="module")
def nginx_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed project built as release RELEASE (as `protocols publish` builds it), exported
    and served by the repository's nginx; the URL of ``latest/``."""
    require("nginx", nginx_binary() is not None)
    tmp = tmp_path_factory.mktemp("reader-nginx")
    root = copy_seed_project(tmp / "project")
    loaded = pipeline.load(root)
    write_tree(pipeline.render(loaded, date(2026, 12, 1), include_unpublished=False),
               root / "docs")
    assert mkdocs_site.build(root, loaded.project.site, root / "docs", root / "site",
                             versioned=True, release=RELEASE) == []
    tree = export_tree(root / "site", tmp / "export", release=RELEASE)
    with nginx_server(tree, tmp / "prefix") as url:
        yield url + "/latest/"


@pytest.fixture(scope="module")
def contact_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed project with an owner contact (a web address) in site.yaml, served."""
    root = copy_seed_project(tmp_path_factory.mktemp("reader-contact") / "project")
    site_yaml = root / "site_config" / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    text = text.replace("organisation: null", "organisation: Example Hospital")
    site_yaml.write_text(text.replace("contact: null", f'contact: "{CONTACT}"'), encoding="utf-8")
    pipeline.build(root, root / "site")
    with static_server(root / "site") as url:
        yield url + "/"


def _page(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    context = browser.new_context(viewport=viewport, **options)
    return context.new_page()


def _close(page: Any) -> None:
    page.context.close()


# --- 1. home ------------------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE, DESKTOP])
def test_home_opens_with_a_search_box_calculators_and_changes(browser: Any, nginx_url: str,
                                                              viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    try:
        page.goto(nginx_url + "nl/", wait_until="networkidle")
        box = page.locator("#home-search-input")
        top = box.bounding_box()
        assert top is not None and top["y"] + top["height"] < viewport["height"] / 2
        assert page.locator("#calculators + ul a").count() == 5
        assert page.locator("#recent + ul a").count() == 2
        footer = page.locator(".md-copyright").inner_text()
        assert "Material for MkDocs" not in footer and "Klinische protocollen" in footer
        assert f"Release {RELEASE}" in footer
        box.click()
        page.keyboard.type("foscarnet")
        page.locator(".pf-search .md-search-result__meta").filter(has_text=re.compile(r"\d")).wait_for()
        assert page.locator(".pf-search .md-search-result__item").count() >= 1
    finally:
        _close(page)


def test_home_and_report_link_name_the_owner_contact(browser: Any, contact_site: str) -> None:
    page = _page(browser, DESKTOP)
    try:
        page.goto(contact_site + "id/")
        about = page.locator(".about-site")
        assert "Example Hospital" in about.inner_text()
        assert about.locator("a").get_attribute("href") == CONTACT
        footer = page.locator(".md-copyright").inner_text()
        assert footer.startswith("Example Hospital")
        assert "Bukan rilis yang diterbitkan" in footer  # `protocols build`: no release
        page.goto(contact_site + "nl/protocols/cmv-icu/")
        link = page.locator(".report-problem a")
        assert link.get_attribute("href") == CONTACT + f"&page=cmv-icu&version={_seed_version('cmv-icu')}&lang=nl"
        assert "mailto:" not in page.content()
    finally:
        _close(page)


# --- 2. the answer first --------------------------------------------------------------------

@pytest.mark.parametrize(("path", "targets"), [
    ("nl/protocols/cmv-icu/", ["#management", "#dose-calculators"]),
    ("protocols/cmv-recurrent-anemia/", ["#antiviral-treatment", "#antiviral-dose-calculators"]),
    ("id/protocols/cmv-icu/", ["#management", "#dose-calculators"]),
])
def test_a_phone_shows_the_jump_to_doses_on_the_first_screen(browser: Any, nginx_url: str,
                                                              path: str, targets: list[str]) -> None:
    page = _page(browser, PHONE)
    try:
        page.goto(nginx_url + path, wait_until="networkidle")
        row = page.locator("nav.jump-to")
        box = row.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        links = row.locator("a")
        assert [links.nth(i).get_attribute("href") for i in range(links.count())] == targets
        links.last.click()
        expect(page.locator(targets[-1])).to_be_in_viewport()
        report = page.locator(".report-problem")
        lang = path.split("/")[0] if not path.startswith("protocols") else "en"
        assert report.get_attribute("data-lang") == lang
        version = _seed_version(report.get_attribute("data-protocol") or "")
        assert report.get_attribute("data-version") == version
        assert f"· {version} · {lang}" in report.inner_text()
    finally:
        _close(page)


# --- 4. paper -------------------------------------------------------------------------------

def _pdf_text(page: Any) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    return len(reader.pages), "\n".join(p.extract_text() or "" for p in reader.pages)


@pytest.mark.parametrize(("path", "choose"), [("nl/protocols/cmv-icu/", "Kies"),
                                              ("protocols/cmv-icu/", "Choose")])
def test_print_leaves_out_empty_calculators_and_keeps_a_filled_one(
        browser: Any, seed_build: Path, path: str, choose: str) -> None:
    with static_server(seed_build / "site") as url:
        page = _page(browser, DESKTOP)
        try:
            page.goto(f"{url}/{path}", wait_until="networkidle")
            sheets, text = _pdf_text(page)
            assert choose not in text
            for label in page.locator("[data-calculator] label").all_inner_texts()[:8]:
                assert label.strip() not in text.split("\n"), label
            # As many sheets as the text needs: the same as with no widget at all.
            page.locator("[data-calculator]").evaluate_all("els => els.forEach(e => e.remove())")
            assert _pdf_text(page)[0] == sheets
            page.reload(wait_until="networkidle")
            widget = page.locator('[data-calculator="ganciclovir-iv"]')
            widget.locator('input[name="weight"]').fill("70")
            widget.locator('input[name="crcl"]').fill("15")
            widget.locator('select[name="phase"]').select_option("maintenance")
            dose = widget.locator('[data-output="dose_mg"]')
            assert dose.get_attribute("data-value") not in (None, "")
            _, filled = _pdf_text(page)
            assert dose.inner_text().split()[0] in filled
            assert widget.locator(".calculator-title").inner_text() in filled
            others = page.locator('[data-calculator="foscarnet-iv"] .calculator-title')
            assert others.inner_text() not in filled
        finally:
            _close(page)


# --- 5. search ------------------------------------------------------------------------------

CHROME = ("Kies", "Choose", "Pilih", "Dosis per kg", "Documentbeheer", "Document control",
          "Kendali dokumen", "Ga naar", "Jump to", "Langsung ke", "release")


@pytest.mark.parametrize(("lang", "query"), [("nl", "ganciclovir"), ("en", "ganciclovir"),
                                             ("id", "ganciclovir"), ("nl", "dosis")])
def test_search_excerpts_hold_no_widget_or_page_chrome(browser: Any, nginx_url: str,
                                                       lang: str, query: str) -> None:
    page = _page(browser, DESKTOP)
    try:
        page.goto(nginx_url + ("" if lang == "en" else f"{lang}/"), wait_until="networkidle")
        assert search(page, query)
        excerpts = page.locator(".pf-search .md-search-result__article p").all_inner_texts()
        assert excerpts
        for excerpt in excerpts:
            for chrome in CHROME:
                assert chrome not in excerpt, (chrome, excerpt)
    finally:
        _close(page)


@pytest.mark.parametrize(("lang", "query", "pid"), [
    ("en", "gancyclovir", "cmv-icu"),
    ("nl", "gancyclovir", "cmv-icu"),
    ("id", "gansiklovir", "cmv-recurrent-anemia"),
    ("id", "gancyclovir", "cmv-recurrent-anemia"),
])
def test_each_spelling_of_a_synonym_finds_the_page(browser: Any, nginx_url: str, lang: str,
                                                   query: str, pid: str) -> None:
    page = _page(browser, DESKTOP)
    try:
        page.goto(nginx_url + ("" if lang == "en" else f"{lang}/"), wait_until="networkidle")
        links = search(page, query)
        assert any(f"/protocols/{pid}/" in link for link in links), links
        item = page.locator(".pf-search .md-search-result__item").filter(
            has=page.locator(f'a[href*="/protocols/{pid}/"]')).first
        assert item.locator(".pf-specialty").first.inner_text().strip()  # its specialties
    finally:
        _close(page)


# --- 6. language switcher and header ---------------------------------------------------------

def test_switcher_marks_the_current_and_the_fallback_languages(browser: Any,
                                                               nginx_url: str) -> None:
    page = _page(browser, DESKTOP)
    try:
        # cmv-recurrent-anemia has no Dutch text: the Dutch page shows the English one.
        page.goto(nginx_url + "protocols/cmv-recurrent-anemia/", wait_until="networkidle")
        links = page.locator(".md-select__link")
        current = page.locator('.md-select__link[aria-current="true"]')
        assert current.count() == 1 and current.get_attribute("hreflang") == "en"
        dutch = page.locator('.md-select__link[hreflang="nl"]')
        assert dutch.get_attribute("data-fallback") == "en"
        assert "not translated" in dutch.inner_text()
        assert links.count() == 3
        assert page.locator('.md-select__link[hreflang="id"]').get_attribute("data-fallback") is None
    finally:
        _close(page)


def test_every_header_control_is_on_a_phone_screen(browser: Any, nginx_url: str) -> None:
    page = _page(browser, PHONE)
    try:
        page.goto(nginx_url + "nl/protocols/cmv-icu/", wait_until="networkidle")
        page.locator(".md-version__current").wait_for()  # the release selector has loaded
        controls = [page.locator(sel).first for sel in (
            'label.md-header__button[for="__drawer"]', ".md-header__option .md-select button",
            'label.md-header__button[for="__search"]', ".md-version__current")]
        boxes = [c.bounding_box() for c in controls]
        for box in boxes:
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert box["y"] + box["height"] <= 56
        title = page.locator(".md-header__topic .md-ellipsis").first
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "site title cut"
        page.locator(".md-header__option .md-select button").first.click()
        for link in page.locator(".md-select__link").all():
            box = link.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    finally:
        _close(page)


# --- 8. offline ------------------------------------------------------------------------------

def _wait_stored(page: Any) -> str:
    page.locator("html[data-offline-ready]").wait_for(state="attached", timeout=90000)
    return str(page.locator("html").get_attribute("data-offline-ready"))


def test_offline_reload_keeps_pages_calculators_and_search(browser: Any, nginx_url: str) -> None:
    """Under the deployed CSP: one visit stores the language; with the network cut, the
    page reloads (saying it is a stored copy), another page opens, widgets and search work."""
    page = _page(browser, PHONE)
    try:
        page.goto(nginx_url + "nl/protocols/cmv-icu/", wait_until="networkidle")
        _wait_stored(page)
        assert page.locator(".stored-copy").is_hidden()
        page.context.set_offline(True)
        page.reload()
        assert page.locator(".stored-copy").is_visible()
        assert "Geen netwerk" in page.locator(".stored-copy").inner_text()
        widget = page.locator('[data-calculator="ganciclovir-iv"]')
        widget.locator('input[name="weight"]').fill("70")
        widget.locator('input[name="crcl"]').fill("15")
        widget.locator('select[name="phase"]').select_option("maintenance")
        assert widget.locator('[data-output="dose_mg"]').get_attribute("data-value") == "43.75"
        page.goto(nginx_url + "nl/protocols/cmv-recurrent-anemia/")  # never opened online
        assert page.locator(".stored-copy").is_visible()
        assert any("/nl/protocols/" in link for link in search(page, "CMV"))
    finally:
        _close(page)


def test_a_newer_release_replaces_the_stored_copy(browser: Any, seed_build: Path,
                                                  tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(seed_build / "site", site)
    with static_server(site) as url:
        page = _page(browser, DESKTOP)
        try:
            page.goto(url + "/nl/protocols/cmv-icu/", wait_until="networkidle")
            first = _wait_stored(page)
            # The next release: a page changed, so the worker changed with it.
            html = site / "nl" / "protocols" / "cmv-icu" / "index.html"
            html.write_text(html.read_text(encoding="utf-8").replace(
                "<article", "<p id=next-release>next release</p><article", 1), encoding="utf-8")
            shutil.rmtree(site / offline.LISTS)
            offline.write_worker(site, ["en", "nl", "id"], "en")
            page.reload(wait_until="networkidle")
            page.locator(f"html[data-offline-ready]:not([data-offline-ready='{first}'])").wait_for(
                state="attached", timeout=30000)
            second = page.locator("html").get_attribute("data-offline-ready")
            page.context.set_offline(True)
            page.goto(url + "/nl/protocols/cmv-icu/")
            assert page.locator("#next-release").count() == 1
            assert page.locator(".stored-copy").is_visible()
            names = page.evaluate("caches.keys()")
            assert len(names) == 1 and names[0].endswith(f" {second}")
        finally:
            _close(page)


def test_the_live_preview_removes_a_stored_copy(browser: Any, seed_build: Path,
                                                tmp_path: Path) -> None:
    """`protocols serve` at an address where a built site was stored: its worker removes
    the stored copy and itself, so the preview never shows a stale page."""
    site = tmp_path / "site"
    shutil.copytree(seed_build / "site", site)
    with static_server(site) as url:
        page = _page(browser, DESKTOP)
        try:
            page.goto(url + "/nl/", wait_until="networkidle")
            _wait_stored(page)
            assert page.evaluate("caches.keys()")
            offline.write_retired_worker(site)
            page.reload(wait_until="networkidle")
            for _ in range(50):
                if not page.evaluate("caches.keys()") and not page.evaluate(
                        "navigator.serviceWorker.getRegistrations().then(r => r.length)"):
                    break
                page.wait_for_timeout(200)
            assert page.evaluate("caches.keys()") == []
        finally:
            _close(page)


def test_nginx_revalidates_the_worker_under_the_policy(nginx_url: str) -> None:
    """A new release's worker must be seen at the next visit, and it runs under the CSP."""
    import urllib.request

    for url in (nginx_url + "sw.js", nginx_url.replace("/latest/", f"/{RELEASE}/") + "sw.js"):
        with urllib.request.urlopen(url) as response:
            assert response.headers["Cache-Control"] == "no-cache"
            assert "worker-src 'self'" in response.headers["Content-Security-Policy"]
            assert "javascript" in response.headers["Content-Type"]


# --- 9. calculators on a phone ----------------------------------------------------------------

CALCULATOR_PAGES = [f"{lang}/calculators/{ident}/" for lang in ("en", "nl", "id") for ident in (
    "creatinine-clearance", "ganciclovir-iv", "valganciclovir-oral", "foscarnet-iv",
    "cmv-load-decline")] + [f"{lang}/protocols/{pid}/" for lang in ("en", "nl", "id")
                            for pid in ("cmv-icu", "cmv-recurrent-anemia")]


def test_every_dosing_table_fits_a_phone_without_sideways_scrolling(browser: Any,
                                                                    nginx_url: str) -> None:
    """A column cut off at the screen's edge hides half a dose ("0,625 mg/kg, 1" of
    "0,625 mg/kg, 1 dd"): on a phone every calculator table and widget fits its width."""
    page = _page(browser, PHONE)
    try:
        cut = []
        for path in CALCULATOR_PAGES:
            page.goto(nginx_url + path, wait_until="networkidle")
            page.wait_for_function("() => [...document.querySelectorAll('.calculator')]"
                                   ".every(c => c.dataset.state && c.dataset.state !== 'loading')")
            page.evaluate("() => document.querySelectorAll('.calculator details')"
                          ".forEach(d => { d.open = true; })")
            cut += [f"{path}: {found}" for found in page.evaluate(
                """() => [...document.querySelectorAll('.calculator, .calculator-table-wrap')]
                     .filter(e => e.scrollWidth > e.clientWidth + 1)
                     .map(e => `${e.className} ${e.scrollWidth} > ${e.clientWidth}`)""")]
        assert cut == []
    finally:
        _close(page)
